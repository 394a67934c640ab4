// The heads the bench measures, what it measures on each, and how many cycles each measurement
// runs on them (full and --quick). Slow simulators run fewer cycles and rounds.
import type { ConfigInput } from '../models/config.ts';

/** Cycles per round of each measurement. */
/** What the bench measures (bench/run.ts's header says how); `--skip` names them. */
export const MEASURES = ['model', 'vcd', 'fst', 'verilator', 'trace', 'trace-fst', 'icarus', 'cocotb', 'lockstep', 'lockstep-cocotb'] as const;
export type Measure = (typeof MEASURES)[number];

export interface Cycles {
  modelWarmup: number;
  model: number;
  vcd: number;
  verilator: number;
  trace: number;
  icarus: number;
  cocotb: number;
  lockstep: number;
  lockstepCocotb: number;
}

export interface ScenarioDef {
  title: string;
  config: ConfigInput;
  cycles: Cycles;
  /** rounds of the slow measurements unless --slow-runs */
  slowRuns: number;
  /** the before/after comparison against a baseline revision: warm-up, then per round */
  baseline: { warmup: number; model: number; vcd: number };
}

export const SCENARIOS: Record<string, { full: ScenarioDef; quick: ScenarioDef }> = {
  seed: {
    full: {
      title: 'seed scenario, softmax (N 10, K 512, kPar 8, cPar 10)',
      config: { mode: 'softmax' },
      cycles: { modelWarmup: 500_000, model: 400_000, vcd: 40_000, verilator: 1_000_000, trace: 10_000, icarus: 2_000, cocotb: 2_000, lockstep: 1_000_000, lockstepCocotb: 1_500 },
      slowRuns: 3,
      baseline: { warmup: 500_000, model: 300_000, vcd: 20_000 },
    },
    quick: {
      title: 'tiny seed-like head, softmax (N 6, K 32, kPar 4)',
      config: { classes: 6, inputs: 32, kPar: 4, mode: 'softmax' },
      cycles: { modelWarmup: 5_000, model: 20_000, vcd: 2_000, verilator: 20_000, trace: 500, icarus: 300, cocotb: 300, lockstep: 20_000, lockstepCocotb: 300 },
      slowRuns: 1,
      baseline: { warmup: 5_000, model: 20_000, vcd: 2_000 },
    },
  },
  big: {
    full: {
      title: 'large head, softmax (N 1000, K 1024, cPar 64, kPar 16)',
      config: { classes: 1000, inputs: 1024, cPar: 64, kPar: 16, mode: 'softmax' },
      cycles: { modelWarmup: 150_000, model: 150_000, vcd: 3_000, verilator: 20_000, trace: 500, icarus: 100, cocotb: 100, lockstep: 20_000, lockstepCocotb: 1 },
      slowRuns: 1,
      baseline: { warmup: 150_000, model: 60_000, vcd: 1_000 },
    },
    quick: {
      title: 'small multi-pass head, softmax (N 40, K 64, cPar 8, kPar 8)',
      config: { classes: 40, inputs: 64, cPar: 8, kPar: 8, mode: 'softmax' },
      cycles: { modelWarmup: 5_000, model: 20_000, vcd: 1_000, verilator: 20_000, trace: 300, icarus: 200, cocotb: 200, lockstep: 10_000, lockstepCocotb: 200 },
      slowRuns: 1,
      baseline: { warmup: 5_000, model: 20_000, vcd: 1_000 },
    },
  },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);

/** Cycles of a scenario's before/after comparison. */
export const baselineCycles = (name: string, quick: boolean) => SCENARIOS[name]![quick ? 'quick' : 'full'].baseline;

