// A worker thread that runs YoWASP tool invocations (@yowasp/yosys, @yowasp/nextpnr-ice40), one
// at a time, as harness/synth/yowasp-run.ts sends them. Each run is a fresh WebAssembly instance
// of the tool (its own memory, files and arguments: nothing carries over from the run before);
// what the thread keeps is the compiled, warmed-up code. Output is streamed to the parent as it
// is produced, so a timeout (the parent terminates the thread: a WebAssembly run cannot be
// interrupted from inside) still leaves the log tail. The tools' packages load in the worker only.
import { parentPort } from 'node:worker_threads';

export type YowaspTool = 'yosys' | 'nextpnr-ice40';

export interface YowaspJob {
  tool: YowaspTool;
  args: string[];
  files: Record<string, string>;
  /** files to send back after the run (a stat or JSON dump written by a script, nextpnr's report and SDF) */
  outputs: string[];
}

export type YowaspMessage = { type: 'out'; text: string } | { type: 'done'; code: number; files: Record<string, string>; error: string | null };

type Tree = { [name: string]: Tree | string | Uint8Array };
type Run = (
  args: string[],
  files: Record<string, string>,
  o: { stdout: (b: Uint8Array | null) => void; stderr: (b: Uint8Array | null) => void },
) => Promise<unknown>;
type Tool = { run: Run; Exit: new (...a: never[]) => Error & { code: number; files: unknown } };

const port = parentPort!;
const decoder = new TextDecoder();
const tools = new Map<YowaspTool, Promise<Tool>>();
const load = (tool: YowaspTool): Promise<Tool> =>
  tool === 'yosys'
    ? import('@yowasp/yosys').then((m) => ({ run: m.runYosys as Run, Exit: m.Exit as Tool['Exit'] }))
    : import('@yowasp/nextpnr-ice40').then((m) => ({ run: m.runNextpnrIce40 as Run, Exit: m.Exit as Tool['Exit'] }));

async function runJob(job: YowaspJob): Promise<void> {
  const stream = new TextDecoder(); // per run: a character cut at a run's end is not the next run's
  const out = (b: Uint8Array | null) => {
    if (b && b.length) port.postMessage({ type: 'out', text: stream.decode(b, { stream: true }) } satisfies YowaspMessage);
  };
  const pick = (tree: Tree | undefined): Record<string, string> => {
    const r: Record<string, string> = {};
    for (const name of job.outputs) {
      const v = tree?.[name];
      if (typeof v === 'string') r[name] = v;
      else if (v instanceof Uint8Array) r[name] = decoder.decode(v);
    }
    return r;
  };
  if (!tools.has(job.tool)) tools.set(job.tool, load(job.tool));
  const { run, Exit } = await tools.get(job.tool)!;
  try {
    const tree = (await run(job.args, job.files, { stdout: out, stderr: out })) as Tree | undefined;
    port.postMessage({ type: 'done', code: 0, files: pick(tree), error: null } satisfies YowaspMessage);
  } catch (e) {
    if (e instanceof Exit) port.postMessage({ type: 'done', code: e.code, files: pick(e.files as Tree), error: null } satisfies YowaspMessage);
    else port.postMessage({ type: 'done', code: -1, files: {}, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } satisfies YowaspMessage);
  }
}

// Whatever the thread prints by itself comes as output too: the parent reads no stdio stream of
// the thread (a listener on one keeps the parent alive after the idle thread is unreferenced).
for (const stream of [process.stdout, process.stderr])
  stream.write = ((chunk: string | Uint8Array) => {
    port.postMessage({ type: 'out', text: typeof chunk === 'string' ? chunk : decoder.decode(chunk) } satisfies YowaspMessage);
    return true;
  }) as typeof stream.write;

// One job at a time: the parent sends the next only after this one's 'done'.
port.on('message', (job: YowaspJob) => void runJob(job));
