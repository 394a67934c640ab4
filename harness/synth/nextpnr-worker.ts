// Runs one @yowasp/nextpnr-ice40 invocation in a worker thread, so the caller can enforce a
// timeout by terminating the thread (a WebAssembly run cannot be interrupted from inside). The
// log is streamed to the parent as it is produced, so a timeout still leaves its tail.
import { parentPort, workerData } from 'node:worker_threads';
import { Exit, runNextpnrIce40 } from '@yowasp/nextpnr-ice40';

export interface NextpnrJob {
  args: string[];
  files: Record<string, string>;
  /** files to send back after the run (the report, the SDF) */
  outputs: string[];
}

export type NextpnrMessage =
  | { type: 'out'; text: string }
  | { type: 'done'; code: number; files: Record<string, string>; error: string | null };

const port = parentPort!;
const job = workerData as NextpnrJob;
const decoder = new TextDecoder();
const out = (b: Uint8Array | null) => {
  if (b && b.length) port.postMessage({ type: 'out', text: decoder.decode(b, { stream: true }) } satisfies NextpnrMessage);
};

type Tree = { [name: string]: Tree | string | Uint8Array };
const pick = (tree: Tree | undefined): Record<string, string> => {
  const r: Record<string, string> = {};
  for (const name of job.outputs) {
    const v = tree?.[name];
    if (typeof v === 'string') r[name] = v;
    else if (v instanceof Uint8Array) r[name] = decoder.decode(v);
  }
  return r;
};

try {
  const tree = (await runNextpnrIce40(job.args, job.files, { stdout: out, stderr: out })) as Tree | undefined;
  port.postMessage({ type: 'done', code: 0, files: pick(tree), error: null } satisfies NextpnrMessage);
} catch (e) {
  if (e instanceof Exit) port.postMessage({ type: 'done', code: e.code, files: pick(e.files as Tree), error: null } satisfies NextpnrMessage);
  else port.postMessage({ type: 'done', code: -1, files: {}, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } satisfies NextpnrMessage);
}
