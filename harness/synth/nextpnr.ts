// One nextpnr-ice40 run (@yowasp/nextpnr-ice40, WebAssembly) in its own worker thread with a
// hard timeout. A non-zero exit, a trap or a timeout becomes a SynthError whose message ends
// with the log tail; `timedOut` tells a timeout apart.
import { version as nextpnrVersion } from '@yowasp/nextpnr-ice40';
import { tail } from '../../lib/proc.ts';
import { startTsWorker } from './ts-worker.ts';
import { SynthError } from './yosys.ts';
import type { YowaspJob, YowaspMessage } from './yowasp-worker.ts';

export { nextpnrVersion };

export class NextpnrError extends SynthError {
  override name = 'NextpnrError';
  constructor(
    message: string,
    log: string,
    readonly timedOut = false,
  ) {
    super(message, log);
  }
}

export interface NextpnrResult {
  log: string;
  files: Record<string, string>;
  seconds: number;
}

const MAX_LOG = 2_000_000;

export function runNextpnrIsolated(args: string[], files: Record<string, string>, opts: { timeoutMs: number; outputs: string[] }): Promise<NextpnrResult> {
  const job: YowaspJob = { tool: 'nextpnr-ice40', args, files, outputs: opts.outputs };
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const worker = startTsWorker(new URL('./yowasp-worker.ts', import.meta.url), { workerData: job, stdout: true, stderr: true });
    let log = '';
    let settled = false;
    const append = (text: string) => {
      log += text;
      if (log.length > MAX_LOG * 1.5) log = log.slice(-MAX_LOG);
    };
    const finish = (err: NextpnrError | null, out: Record<string, string> = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (err) reject(err);
      else resolve({ log, files: out, seconds: (performance.now() - t0) / 1000 });
    };
    const timer = setTimeout(
      () => finish(new NextpnrError(`nextpnr-ice40: timed out after ${Math.round(opts.timeoutMs / 1000)} s, killed`, tail(log, 20), true)),
      opts.timeoutMs,
    );
    worker.stdout.on('data', (b: Buffer) => append(b.toString()));
    worker.stderr.on('data', (b: Buffer) => append(b.toString()));
    worker.on('message', (m: YowaspMessage) => {
      if (m.type === 'out') append(m.text);
      else if (m.error !== null) finish(new NextpnrError(`nextpnr-ice40: crashed (${m.error})`, tail(log, 20)));
      else if (m.code !== 0) finish(new NextpnrError(`nextpnr-ice40: exit status ${m.code}`, tail(log, 20)));
      else finish(null, m.files);
    });
    worker.on('error', (e) => finish(new NextpnrError(`nextpnr-ice40: worker failed (${e.message})`, tail(log, 20))));
    worker.on('exit', (code) => finish(new NextpnrError(`nextpnr-ice40: worker exited (${code}) before finishing`, tail(log, 20))));
  });
}
