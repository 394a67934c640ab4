// Starts the Verilator backend on rtl/ (or an RtlDesign) for one scenario: the lockstep driver
// verilated with the scenario's parameters (build.ts, cached by content), started on the
// scenario's memory images. The Verilator twin of cocotb/head.ts's startHeadCocotb: every
// caller (cosim, the sweep's verification, mutants, the bench, tests) starts the head this way.
import { resolve } from 'node:path';
import { buildHeadVerilator, type RtlDesign } from '../build.ts';
import { plusargs, type MemFiles } from '../memfiles.ts';
import { portWidths } from '../ports.ts';
import type { Scenario } from '../../inputs/scenario.ts';
import { VerilatorBackend, type VerilatorBackendOptions } from './bridge.ts';

export interface HeadVerilatorOptions {
  /** the scenario's memory images (harness/rtl/memfiles.ts), passed by plusarg unless the design has a cwd */
  mem: MemFiles;
  /** a copy of rtl/ to build instead (mutants) */
  rtlDir?: string;
  /** what to simulate (default: rtl/ with the scenario's parameters); with a cwd, no plusargs */
  design?: RtlDesign;
  /** the build cache (default out/verilator) */
  outRoot?: string;
  /** the dump format compiled in (default VCD) */
  trace?: 'vcd' | 'fst';
  /** a dumpvars file: what a dump declares (default everything) */
  dumpvars?: string | null;
  /** line and toggle coverage compiled in, written to this file when the simulation finishes */
  coverage?: string;
  /** the driver's stderr, also written here */
  logPath?: string;
  /** what the C++ compile favors: a short build (default) or a fast run (harness/rtl/build.ts) */
  optimize?: 'run' | 'build';
  /** called when a build starts (not for a cached one): a progress line */
  onBuild?: (dir: string) => void;
  /** further options of the backend (deadlines, batch size) */
  extra?: Partial<VerilatorBackendOptions>;
}

export async function startHeadVerilator(s: Scenario, o: HeadVerilatorOptions): Promise<VerilatorBackend> {
  const { design } = o;
  const build = await buildHeadVerilator(s, { rtlDir: o.rtlDir, design, outRoot: o.outRoot, trace: o.trace, coverage: o.coverage !== undefined, onBuild: o.onBuild, optimize: o.optimize });
  // Paths are absolute: an exported design runs in its own directory.
  const args = [
    ...(design?.cwd ? [] : plusargs(o.mem)),
    ...(o.dumpvars ? [`+headsim_dumpvars=${resolve(o.dumpvars)}`] : []),
    ...(o.coverage !== undefined ? [`+coverage=${resolve(o.coverage)}`] : []),
  ];
  return VerilatorBackend.start({ exe: build.exe, widths: portWidths(s.g), args, cwd: design?.cwd ?? undefined, logPath: o.logPath, ...o.extra });
}
