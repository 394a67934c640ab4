// One Yosys run (@yowasp/yosys, WebAssembly) in its own worker thread with a hard timeout.
// A failure (non-zero exit, trap, timeout) becomes a SynthError whose message ends with the
// log tail.
import { version as yowaspVersion } from '@yowasp/yosys';
import { tail } from '../../lib/proc.ts';
import { startTsWorker } from './ts-worker.ts';
import type { YowaspJob, YowaspMessage } from './yowasp-worker.ts';

export { yowaspVersion };

/** Synthesis failed, crashed or timed out; `log` is the tail of the Yosys output. */
export class SynthError extends Error {
  override name = 'SynthError';
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(`${message}\n${log}`);
  }
}

export interface YosysResult {
  /** the full stdout/stderr of the run (capped to the last MAX_LOG characters) */
  log: string;
  files: Record<string, string>;
  seconds: number;
}

export interface YosysOptions {
  timeoutMs?: number;
  /** files to return after the run */
  outputs?: string[];
  /** a label for error messages */
  what?: string;
}

const MAX_LOG = 4_000_000;

export const DEFAULT_YOSYS_TIMEOUT_MS = 20 * 60_000;

export function runYosysIsolated(args: string[], files: Record<string, string>, opts: YosysOptions = {}): Promise<YosysResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_YOSYS_TIMEOUT_MS;
  const what = opts.what ?? 'yosys';
  const job: YowaspJob = { tool: 'yosys', args, files, outputs: opts.outputs ?? [] };
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const worker = startTsWorker(new URL('./yowasp-worker.ts', import.meta.url), { workerData: job, stdout: true, stderr: true });
    let log = '';
    let settled = false;
    const append = (text: string) => {
      log += text;
      if (log.length > MAX_LOG * 1.5) log = log.slice(-MAX_LOG);
    };
    const finish = (err: SynthError | null, files: Record<string, string> = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (err) reject(err);
      else resolve({ log, files, seconds: (performance.now() - t0) / 1000 });
    };
    const timer = setTimeout(() => finish(new SynthError(`${what}: timed out after ${Math.round(timeoutMs / 1000)} s, killed`, tail(log, 30))), timeoutMs);
    worker.stdout.on('data', (b: Buffer) => append(b.toString()));
    worker.stderr.on('data', (b: Buffer) => append(b.toString()));
    worker.on('message', (m: YowaspMessage) => {
      if (m.type === 'out') append(m.text);
      else if (m.error !== null) finish(new SynthError(`${what}: crashed (${m.error})`, tail(log, 30)));
      else if (m.code !== 0) finish(new SynthError(`${what}: exit status ${m.code}`, tail(log, 30)));
      else finish(null, m.files);
    });
    worker.on('error', (e) => finish(new SynthError(`${what}: worker failed (${e.message})`, tail(log, 30))));
    worker.on('exit', (code) => finish(new SynthError(`${what}: worker exited (${code}) before finishing`, tail(log, 30))));
  });
}
