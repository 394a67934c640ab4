// One YoWASP tool run (harness/synth/yowasp-worker.ts) on a worker thread of its own while it
// runs, with a hard timeout: the thread is terminated. A thread that finished a run waits, idle
// and unreferenced, for the next run of this thread's caller: the tool's WebAssembly is then
// already compiled and optimized. Measured on a small head's flattened synthesis: ≈ 7 s of CPU
// instead of ≈ 12.8 s in a new thread, which compiles the 31 MB module again (and optimizes
// its hot functions again on a second core). Every run is still a fresh instance of the tool.
// A thread is not reused after a failure of its own (a trap, a timeout) or a long run (a large
// design: its memory goes with the thread; the seconds saved matter for small runs).
import { tail } from '../../lib/proc.ts';
import { startTsWorker } from './ts-worker.ts';
import type { Worker } from 'node:worker_threads';
import type { YowaspJob, YowaspMessage, YowaspTool } from './yowasp-worker.ts';

export interface ToolRun {
  /** stdout and stderr as they came (capped to the last `maxLog` characters) */
  log: string;
  files: Record<string, string>;
  seconds: number;
}

/** Why a run failed: `what` is the one-line reason, `log` the tail of the tool's output. */
export class ToolFailure extends Error {
  constructor(
    readonly what: string,
    readonly log: string,
    readonly timedOut = false,
  ) {
    super(what);
  }
}

/** A thread whose run took longer than this is not kept. */
const KEEP_AFTER_MS = 60_000;
/** Idle threads kept per tool. */
const MAX_IDLE = 2;
/** Idle threads by tool, each with its listener that drops it should it end while idle. */
const idle = new Map<YowaspTool, { worker: Worker; gone: () => void }[]>();
let started = 0;

/** Worker threads started so far in this thread (a test's handle on the reuse). */
export const yowaspThreadsStarted = () => started;

function take(tool: YowaspTool): Worker {
  const entry = idle.get(tool)?.pop();
  if (entry) {
    entry.worker.off('exit', entry.gone);
    entry.worker.ref();
    return entry.worker;
  }
  started++;
  // stdout, stderr: the thread's own are sent as messages (yowasp-worker.ts); none reaches the terminal
  return startTsWorker(new URL('./yowasp-worker.ts', import.meta.url), { stdout: true, stderr: true });
}

function keep(tool: YowaspTool, w: Worker): void {
  const list = idle.get(tool) ?? [];
  if (list.length >= MAX_IDLE) {
    void w.terminate();
    return;
  }
  const entry = { worker: w, gone: () => list.splice(list.indexOf(entry), 1) };
  w.once('exit', entry.gone);
  w.unref();
  list.push(entry);
  idle.set(tool, list);
}

export function runYowasp(job: YowaspJob, opts: { timeoutMs: number; maxLog: number; tailLines: number }): Promise<ToolRun> {
  const t0 = performance.now();
  const worker = take(job.tool);
  return new Promise((resolve, reject) => {
    let log = '';
    let settled = false;
    const append = (text: string) => {
      log += text;
      if (log.length > opts.maxLog * 1.5) log = log.slice(-opts.maxLog);
    };
    const cleanup = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const fail = (what: string, timedOut = false) => {
      if (settled) return;
      settled = true;
      cleanup();
      void worker.terminate();
      reject(new ToolFailure(what, tail(log, opts.tailLines), timedOut));
    };
    const onMessage = (m: YowaspMessage) => {
      if (m.type === 'out') return append(m.text);
      if (m.error !== null) return fail(`crashed (${m.error})`);
      settled = true;
      cleanup();
      const ms = performance.now() - t0;
      if (ms < KEEP_AFTER_MS) keep(job.tool, worker);
      else void worker.terminate();
      if (m.code !== 0) reject(new ToolFailure(`exit status ${m.code}`, tail(log, opts.tailLines)));
      else resolve({ log, files: m.files, seconds: ms / 1000 });
    };
    const onError = (e: Error) => fail(`worker failed (${e.message})`);
    const onExit = (code: number) => fail(`worker exited (${code}) before finishing`);
    const timer = setTimeout(() => fail(`timed out after ${Math.round(opts.timeoutMs / 1000)} s, killed`, true), opts.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
  });
}
