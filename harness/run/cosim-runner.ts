// How cosim runs one mode (harness/run/modes.ts's ModeRunner): the first mode claims the run's
// directory (harness/run/run-dir.ts: named by the scenario, never shared with a live run), each
// mode runs in its subdirectory (memory images, dumps, logs), its backend started by
// backends.ts; with coverage, the Verilator counters summarized into an lcov file beside them.
import { join } from 'node:path';
import { summarizeCoverage } from '../rtl/verilator/coverage.ts';
import { backendFactory, COVERAGE_FILE, type BackendChoice } from './backends.ts';
import { cosimMode, type WavesOptions } from './cosim.ts';
import type { ModeRunner } from './modes.ts';
import { claimRunDir, runName, type RunDir } from './run-dir.ts';

export interface CosimRunnerOptions extends BackendChoice {
  /** dump both sides over a cycle window */
  waves?: WavesOptions;
}

export interface CosimRunner {
  run: ModeRunner;
  /** the run directory, once a mode claimed it */
  readonly dir: string | null;
  /** gives the run directory up (call once the modes are done, also after a failure) */
  release(): void;
}

export function cosimRunner(o: CosimRunnerOptions): CosimRunner {
  const start = backendFactory(o);
  let claimed: RunDir | null = null;
  return {
    run: async (s, traffic) => {
      claimed ??= claimRunDir(join(o.out, 'cosim'), runName(s, traffic));
      const dir = join(claimed.dir, s.g.mode);
      const r = await cosimMode(s, traffic, { dir, waves: o.waves }, start);
      const rtlCoverage = o.coverage ? await summarizeCoverage(join(dir, COVERAGE_FILE), join(dir, 'coverage.info')) : undefined;
      return { ...r, backend: o.backend, rtlCoverage };
    },
    get dir() {
      return claimed?.dir ?? null;
    },
    release() {
      claimed?.release();
      claimed = null;
    },
  };
}
