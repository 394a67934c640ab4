// Starting a worker thread on a TypeScript file. Node 20 does not apply the parent's
// `--import tsx` (or execArgv: ['--import', 'tsx']) to a worker's entry module, so every TS
// worker starts in a small .mjs bootstrap that registers tsx and then imports the .ts entry.
// Works the same under tsx, `node --import tsx` and vitest.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./ts-worker-boot.mjs', import.meta.url);

let loader: string | null = null;
/** file: URL of tsx's loader, for `node --import <it> file.ts` in child processes. */
export const tsxLoader = () => (loader ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href);

export function startTsWorker(file: URL, options: WorkerOptions = {}): Worker {
  return new Worker(BOOT, { ...options, execArgv: [], argv: [file.href, ...(options.argv ?? [])] });
}
