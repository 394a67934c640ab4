// The RTL side of a cosim run, started per mode: Verilator (startHeadVerilator) or cocotb on
// Icarus (startHeadCocotb), on rtl/ or on an exported design (cosim --rtl). Builds are cached
// under <out>/ and shared by runs; a run's own files (logs, coverage, cocotb's results) go to
// its mode's directory. The trace format and the coverage counters are compiled into the
// Verilator build; the scope is a dumpvars file. Icarus fixes its $dumpvars scope when it
// compiles: there the scope applies to the model's dump only (docs/waves.md).
import { join } from 'node:path';
import type { BackendName, RtlBackend } from '../rtl/backend.ts';
import type { RtlDesign } from '../rtl/build.ts';
import { startHeadCocotb } from '../rtl/cocotb/head.ts';
import { withDeadline } from '../rtl/deadline.ts';
import { startHeadVerilator } from '../rtl/verilator/head.ts';
import type { Scenario } from '../inputs/scenario.ts';
import type { BackendFactory } from './cosim.ts';
import { cycleBudget } from './model.ts';
import { DEFAULT_TRAFFIC } from './traffic.ts';

/** Cycles past which the RTL is built for speed (-O2) rather than for a short build (-O0). */
export const LONG_RUN_CYCLES = 3_000_000;

/** What a mode's run simulates: rtl/ (undefined), or an exported directory (cosim --rtl). */
export type DesignOf = (s: Scenario, runDir: string) => RtlDesign | undefined;

/** A progress line of one mode's run (the phases a long run goes through). */
export type Progress = (s: Scenario, what: string) => void;

export interface BackendChoice {
  backend: BackendName;
  /** where builds are cached: <out>/verilator, <out>/cocotb/build */
  out: string;
  /** Verilator's line and toggle coverage, into <mode dir>/coverage.dat */
  coverage?: boolean;
  /** a copy of rtl/ to simulate (default rtl/) */
  rtlDir?: string;
  design?: DesignOf;
  progress?: Progress;
  /** Date.now() after which the simulation stops with an error (harness/rtl/deadline.ts) */
  deadline?: { at: number; limit: string };
}

export const COVERAGE_FILE = 'coverage.dat';

export function backendFactory(o: BackendChoice): BackendFactory {
  const progress: Progress = o.progress ?? (() => {});
  const designOf: DesignOf = o.design ?? (() => undefined);
  const start: BackendFactory =
    o.backend === 'verilator'
      ? async (s, mem, dir, waves) => {
          const b = await startHeadVerilator(s, {
            mem,
            rtlDir: o.rtlDir,
            design: designOf(s, dir),
            outRoot: join(o.out, 'verilator'),
            trace: waves.format,
            dumpvars: waves.dumpvars,
            coverage: o.coverage ? join(dir, COVERAGE_FILE) : undefined,
            logPath: join(dir, 'verilator.log'),
            // a long run pays for the slower -O2 build (docs/contract.md: cosim)
            optimize: cycleBudget(s, DEFAULT_TRAFFIC) > LONG_RUN_CYCLES ? 'run' : 'build',
            onBuild: (d) => progress(s, `Verilator build of the head into ${d} (once per configuration)`),
          });
          progress(s, `lockstep with Verilator, ${s.vectors.count} vectors`);
          return b;
        }
      : async (s, mem, dir, waves) => {
          progress(s, 'starting cocotb on Icarus');
          const b = await startHeadCocotb(s, { dir: join(dir, 'cocotb'), buildRoot: join(o.out, 'cocotb', 'build'), mem, rtlDir: o.rtlDir, design: designOf(s, dir), extra: { waveFormat: waves.format } });
          progress(s, `lockstep with cocotb (Icarus), ${s.vectors.count} vectors`);
          return b;
        };
  const d = o.deadline;
  return d ? async (...args): Promise<RtlBackend> => withDeadline(await start(...args), d.at, d.limit) : start;
}
