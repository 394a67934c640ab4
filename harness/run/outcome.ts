// What one run of one mode produced (model alone, or model and RTL in lockstep), before checking.
import type { PortMismatch } from './lockstep.ts';
import type { RtlCoverage } from '../rtl/verilator/code-coverage.ts';
import type { Testbench } from './testbench.ts';

/** Where the internal signals first differ, from the dumps of both sides around a port mismatch. */
export interface Divergence {
  firstInternalDifference: { time: number; signal: string; a: string; b: string } | null;
  differingSignals: number;
  atCycle: number | null;
}

export interface RunOutcome {
  tb: Testbench;
  cycles: number;
  seconds: number;
  backend: string | null;
  cyclesCompared: number;
  portMismatch: PortMismatch | null;
  model: { latency: number; ii: number };
  rtl: { latency: number; ii: number } | null;
  waves: string[];
  /** where the run wrote its files (cosim: memory images, dumps, backend logs) */
  dir: string | null;
  divergence?: Divergence;
  /** Verilator's line and toggle coverage (cosim --coverage) */
  rtlCoverage?: RtlCoverage;
}
