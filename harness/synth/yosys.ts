// One Yosys run (@yowasp/yosys, WebAssembly): a fresh instance on a worker thread with a hard
// timeout (harness/synth/yowasp-run.ts). A failure (non-zero exit, trap, timeout) becomes a
// SynthError whose message ends with the log tail.
import { version as yowaspVersion } from '@yowasp/yosys';
import { runYowasp, ToolFailure } from './yowasp-run.ts';
import type { YowaspJob } from './yowasp-worker.ts';

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

/** A fresh Yosys instance on a worker thread (harness/synth/yowasp-run.ts), killed at the timeout. */
export async function runYosysIsolated(args: string[], files: Record<string, string>, opts: YosysOptions = {}): Promise<YosysResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_YOSYS_TIMEOUT_MS;
  const job: YowaspJob = { tool: 'yosys', args, files, outputs: opts.outputs ?? [] };
  try {
    return await runYowasp(job, { timeoutMs, maxLog: MAX_LOG, tailLines: 30 });
  } catch (e) {
    if (e instanceof ToolFailure) throw new SynthError(`${opts.what ?? 'yosys'}: ${e.what}`, e.log);
    throw e;
  }
}
