// One worker thread of the sweep's pool (harness/sweep/worker.ts behind comlink): a call at a
// time, and a crash of the thread rejects the call instead of hanging it.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../synth/ts-worker.ts';
import type { SweepWorkerApi } from './worker.ts';

export class PoolWorker {
  private readonly worker: Worker;
  readonly api: Comlink.Remote<SweepWorkerApi>;
  private pending: ((e: Error) => void) | null = null;
  dead = false;

  constructor() {
    this.worker = startTsWorker(new URL('./worker.ts', import.meta.url));
    this.api = Comlink.wrap<SweepWorkerApi>(nodeEndpoint(this.worker));
    const die = (why: string) => {
      this.dead = true;
      this.pending?.(new Error(why));
      this.pending = null;
    };
    this.worker.on('error', (e) => die(`worker thread failed: ${e.message}`));
    this.worker.on('exit', (code) => die(`worker thread exited (${code})`));
  }

  /** Run one call; a crash of the thread rejects it. */
  run<T>(call: (api: Comlink.Remote<SweepWorkerApi>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending = reject;
      call(this.api).then(
        (r) => {
          this.pending = null;
          resolve(r);
        },
        (e: unknown) => {
          this.pending = null;
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  async close(): Promise<void> {
    this.dead = true;
    this.api[Comlink.releaseProxy]();
    await this.worker.terminate();
  }
}
