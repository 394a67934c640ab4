// What a bench scenario yields: every round's value of each measurement (a Recorder), and the
// scenario's result: medians and ranges of the rounds, ratios taken per round and then their
// median (so every ratio compares numbers taken close in time), bytes dumped per cycle,
// mismatches, build times and notes.
import { existsSync, rmSync, statSync } from 'node:fs';
import { timing } from '../models/geometry.ts';
import type { createModel } from '../harness/run/model.ts';
import type { ScenarioDef } from './scenarios.ts';
import type { Stimulus } from './stimulus.ts';
import { stats, type Stats } from './stats.ts';

export interface ScenarioResult {
  name: string;
  title: string;
  config: Record<string, unknown>;
  geometry: { N: number; K: number; kPar: number; cPar: number; B: number; P: number; ii: number; signals: number };
  cycles: Record<string, number>;
  rounds: { fast: number; slow: number };
  /** cycles per second; CPU-time based unless named wall */
  model: Stats | null;
  modelWall: Stats | null;
  modelVcd: Stats | null;
  modelVcdBytesPerCycle: number | null;
  modelFst: Stats | null;
  modelFstBytesPerCycle: number | null;
  verilator: {
    default: Stats | null;
    O2: Stats | null;
    /** --trace, every signal */
    trace: Stats | null;
    traceBytesPerCycle: number | null;
    /** --trace-fst, every signal */
    traceFst: Stats | null;
    traceFstBytesPerCycle: number | null;
    /** the same two dumping only the model's signals (the RTL twins of its names) */
    traceModel: Stats | null;
    traceModelBytesPerCycle: number | null;
    traceFstModel: Stats | null;
    traceFstModelBytesPerCycle: number | null;
  };
  icarus: Stats | null;
  cocotb: Stats | null;
  lockstep: {
    verilator: Stats | null;
    /** compared cycles per CPU second of the busier side (node or driver): the rate on two idle cores */
    verilatorCpuBound: Stats | null;
    verilatorNodeCpu: Stats | null;
    verilatorDriverCpu: Stats | null;
    cocotb: Stats | null;
  };
  ratios: Record<string, Stats | null>;
  mismatches: Record<string, number>;
  builds: Record<string, { seconds: number; cached: boolean }>;
  notes: string[];
}

/** Per-round values of the measurements (NaN where a round did not measure one), mismatches and dump sizes. */
export class Recorder {
  readonly series: Record<string, number[]> = {};
  readonly mismatches: Record<string, number> = {};
  /** bytes and cycles dumped, per trace series */
  private readonly dumped: Record<string, { bytes: number; cycles: number }> = {};

  constructor(private readonly rounds: number) {}

  put(k: string, r: number, x: number): void {
    (this.series[k] ??= Array<number>(this.rounds).fill(NaN))[r] = x;
  }

  addMismatch(k: string, n: number): void {
    this.mismatches[k] = (this.mismatches[k] ?? 0) + n;
  }

  /** A dump of `cycles` cycles: its size counted, the file removed. */
  count(k: string, file: string, cycles: number): void {
    const d = (this.dumped[k] ??= { bytes: 0, cycles: 0 });
    d.bytes += existsSync(file) ? statSync(file).size : 0;
    d.cycles += cycles;
    rmSync(file, { force: true });
  }

  bytesPerCycle(k: string): number | null {
    const d = this.dumped[k];
    return d && d.cycles ? d.bytes / d.cycles : null;
  }

  stats(k: string): Stats | null {
    return stats(this.series[k] ?? []);
  }

  /** a / b per round, then the median of those. */
  ratio(a: string, b: string): Stats | null {
    const xa = this.series[a] ?? [];
    const xb = this.series[b] ?? [];
    return stats(xa.map((x, i) => x / (xb[i] ?? NaN)));
  }
}

/** `model`: the model the rounds ran; `builds`: each build's time. */
export function scenarioResult(
  name: string,
  def: ScenarioDef,
  b: { rounds: number; slowRounds: number; notes: string[] },
  st: Stimulus,
  model: ReturnType<typeof createModel>,
  builds: ScenarioResult['builds'],
  rec: Recorder,
): ScenarioResult {
  const C = def.cycles;
  const g = st.s.g;
  if (model.tb.finished) b.notes.push('model ran out of vectors during the windows (idle cycles counted)');
  const s = (k: string) => rec.stats(k);
  return {
    name,
    title: def.title,
    config: def.config as Record<string, unknown>,
    geometry: { N: g.N, K: g.K, kPar: g.kPar, cPar: g.cPar, B: g.B, P: g.P, ii: timing(g).ii, signals: model.head.k.signals.length },
    cycles: {
      modelWarmup: C.modelWarmup,
      model: C.model,
      modelVcd: C.vcd,
      verilator: C.verilator,
      verilatorTrace: C.trace,
      icarus: C.icarus,
      cocotb: C.cocotb,
      lockstepVerilator: st.lock.vectors.count,
      lockstepCocotb: st.coco.vectors.count,
    },
    rounds: { fast: b.rounds, slow: b.slowRounds },
    model: s('model'),
    modelWall: s('modelWall'),
    modelVcd: s('modelVcd'),
    modelVcdBytesPerCycle: rec.bytesPerCycle('modelVcd'),
    modelFst: s('modelFst'),
    modelFstBytesPerCycle: rec.bytesPerCycle('modelFst'),
    verilator: {
      default: s('verilator-default'),
      O2: s('verilator-O2'),
      trace: s('verilator-trace'),
      traceBytesPerCycle: rec.bytesPerCycle('verilator-trace'),
      traceFst: s('verilator-trace-fst'),
      traceFstBytesPerCycle: rec.bytesPerCycle('verilator-trace-fst'),
      traceModel: s('verilator-trace-model'),
      traceModelBytesPerCycle: rec.bytesPerCycle('verilator-trace-model'),
      traceFstModel: s('verilator-trace-fst-model'),
      traceFstModelBytesPerCycle: rec.bytesPerCycle('verilator-trace-fst-model'),
    },
    icarus: s('icarus'),
    cocotb: s('cocotb'),
    lockstep: {
      verilator: s('lockstep-verilator'),
      verilatorCpuBound: s('lockstep-cpu-bound'),
      verilatorNodeCpu: s('lockstep-node-cpu'),
      verilatorDriverCpu: s('lockstep-driver-cpu'),
      cocotb: s('lockstep-cocotb'),
    },
    ratios: {
      modelVsVerilator: rec.ratio('model', 'verilator-default'),
      modelVsVerilatorO2: rec.ratio('model', 'verilator-O2'),
      lockstepVsVerilator: rec.ratio('lockstep-verilator', 'verilator-default'),
      lockstepVsVerilatorO2: rec.ratio('lockstep-verilator', 'verilator-O2'),
      verilatorLockstepVsCocotbLockstep: rec.ratio('lockstep-verilator', 'lockstep-cocotb'),
      modelVcdVsVerilatorTrace: rec.ratio('modelVcd', 'verilator-trace'),
      modelFstVsVerilatorTraceFst: rec.ratio('modelFst', 'verilator-trace-fst'),
      modelVcdVsVerilatorTraceSameSignals: rec.ratio('modelVcd', 'verilator-trace-model'),
      modelFstVsVerilatorTraceFstSameSignals: rec.ratio('modelFst', 'verilator-trace-fst-model'),
      verilatorO2VsDefault: rec.ratio('verilator-O2', 'verilator-default'),
      modelVsIcarus: rec.ratio('model', 'icarus'),
      modelVsCocotb: rec.ratio('model', 'cocotb'),
    },
    mismatches: rec.mismatches,
    builds,
    notes: b.notes,
  };
}
