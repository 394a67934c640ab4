// Starting a worker thread on a TypeScript file. Node 20 does not apply the parent's
// `--import` (or execArgv) to a worker's entry module, so every TS worker starts in a small
// .mjs bootstrap that registers the TypeScript runtime (lib/ts-runtime) and then imports the
// .ts entry. Works the same under the CLI and vitest.
import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./ts-worker-boot.mjs', import.meta.url);

export function startTsWorker(file: URL, options: WorkerOptions = {}): Worker {
  return new Worker(BOOT, { ...options, execArgv: [], argv: [file.href, ...(options.argv ?? [])] });
}
