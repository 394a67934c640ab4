// Entry of every TypeScript worker thread (harness/synth/ts-worker.ts): Node 20 does not apply
// the parent's `--import tsx` to a worker's entry module, so register tsx here, then load the
// TypeScript entry given as the worker's argv[2].
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
