// One nextpnr-ice40 run (@yowasp/nextpnr-ice40, WebAssembly): a fresh instance on a worker
// thread with a hard timeout (harness/synth/yowasp-run.ts). A non-zero exit, a trap or a
// timeout becomes a SynthError whose message ends with the log tail; `timedOut` tells a timeout apart.
import { version as nextpnrVersion } from '@yowasp/nextpnr-ice40';
import { SynthError } from './yosys.ts';
import { runYowasp, ToolFailure } from './yowasp-run.ts';
import type { YowaspJob } from './yowasp-worker.ts';

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

export async function runNextpnrIsolated(
  args: string[],
  files: Record<string, string>,
  opts: { timeoutMs: number; outputs: string[] },
): Promise<NextpnrResult> {
  const job: YowaspJob = { tool: 'nextpnr-ice40', args, files, outputs: opts.outputs };
  try {
    return await runYowasp(job, { timeoutMs: opts.timeoutMs, maxLog: MAX_LOG, tailLines: 20 });
  } catch (e) {
    if (e instanceof ToolFailure) throw new NextpnrError(`nextpnr-ice40: ${e.what}`, e.log, e.timedOut);
    throw e;
  }
}
