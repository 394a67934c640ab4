// Runs one YoWASP tool invocation (@yowasp/yosys or @yowasp/nextpnr-ice40) in a worker thread,
// so the caller can enforce a timeout by terminating the thread (a WebAssembly run cannot be
// interrupted from inside). Output is streamed to the parent as it is produced, so a timeout
// still leaves the log tail. The tool's package loads in the worker only.
import { parentPort, workerData } from 'node:worker_threads';

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

const port = parentPort!;
const job = workerData as YowaspJob;
const decoder = new TextDecoder();
const out = (b: Uint8Array | null) => {
  if (b && b.length) port.postMessage({ type: 'out', text: decoder.decode(b, { stream: true }) } satisfies YowaspMessage);
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

const { run, Exit } =
  job.tool === 'yosys'
    ? await import('@yowasp/yosys').then((m) => ({ run: m.runYosys as Run, Exit: m.Exit }))
    : await import('@yowasp/nextpnr-ice40').then((m) => ({ run: m.runNextpnrIce40 as Run, Exit: m.Exit }));

try {
  const tree = (await run(job.args, job.files, { stdout: out, stderr: out })) as Tree | undefined;
  port.postMessage({ type: 'done', code: 0, files: pick(tree), error: null } satisfies YowaspMessage);
} catch (e) {
  if (e instanceof Exit) port.postMessage({ type: 'done', code: e.code, files: pick(e.files as Tree), error: null } satisfies YowaspMessage);
  else port.postMessage({ type: 'done', code: -1, files: {}, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } satisfies YowaspMessage);
}
