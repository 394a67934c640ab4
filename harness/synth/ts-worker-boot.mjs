// Entry of every TypeScript worker thread (harness/synth/ts-worker.ts): Node 20 does not apply
// the parent's `--import` to a worker's entry module, so register headsim's TypeScript runtime
// (lib/ts-runtime) here, then load the TypeScript entry given as the worker's argv[2].
import '../../lib/ts-runtime/register.mjs';

await import(process.argv[2]);
