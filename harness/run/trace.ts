// Waveforms of the cycle model: the kernel's signals (all, or those `keep` selects), under the
// same hierarchy and names as Verilator's trace of rtl/ (TOP.head.<module>.<register>), so the
// two dumps diff signal by signal. Sampled after each settled time step inside a cycle window
// [from, to). The format follows the file name (.fst or .vcd, waves/open-wave-writer.ts).
import type { Kernel } from '../../sim/kernel.ts';
import { openWaveWriter, type StepWriter, type WaveWriter } from '../../waves/open-wave-writer.ts';
import { CLOCK_PERIOD } from './testbench.ts';

/** Step arrays compiled at most (a fused clock has two, the general path null); more are written uncompiled. */
const MAX_STEPS = 16;

export interface ModelTraceOptions {
  from?: number;
  to?: number;
  /** Signals to dump, by name (default: all). */
  keep?: (name: string) => boolean;
}

export class ModelTrace {
  private readonly w: WaveWriter;
  private readonly from: number;
  private readonly to: number;
  /** kernel signal ids dumped, ascending; writer handle j is signal ids[j] */
  private readonly ids: Int32Array;
  /** the traced signals' values, gathered per step (the whole kernel array when all are traced) */
  private readonly values: Float64Array | null;
  /** values last written, to hand the writer only what changed */
  private readonly shadow: Float64Array;
  /** kernel id → writer handle (−1: not traced), to map a fused edge's changed signals */
  private readonly handleOf: Int32Array;
  /** the writer's compiled step for each set of changed signals the kernel hands over (its step arrays are fixed) */
  private readonly steps = new Map<Int32Array | null, StepWriter>();
  /** the handles of a step array, rewritten for each (compileStep copies them; the uncompiled path reads them once) */
  private readonly scratch: Int32Array;
  private started = false;

  constructor(
    private readonly k: Kernel,
    readonly path: string,
    opts: ModelTraceOptions = {},
  ) {
    this.from = opts.from ?? 0;
    this.to = opts.to ?? Infinity;
    this.w = openWaveWriter(path, { timescale: '1ns', version: 'headsim cycle model' });
    const keep = opts.keep ?? (() => true);
    const ids: number[] = [];
    k.signals.forEach((s, i) => {
      if (keep(s.name)) ids.push(i);
    });
    this.ids = Int32Array.from(ids);
    this.handleOf = new Int32Array(k.signals.length).fill(-1);
    ids.forEach((id, j) => {
      this.handleOf[id] = j;
      if (this.w.declare(k.signals[id]!.name, k.signals[id]!.width) !== j) throw new Error('ModelTrace: writer handles must be dense');
    });
    this.values = ids.length === k.signals.length ? null : new Float64Array(ids.length);
    this.shadow = new Float64Array(ids.length);
    this.scratch = new Int32Array(ids.length);
    k.onStep = (t) => this.sample(t);
  }

  private sample(time: number): void {
    const cycle = Math.floor(time / CLOCK_PERIOD);
    if (cycle < this.from || cycle >= this.to) return;
    const w = this.w;
    const all = this.values === null;
    let values: ArrayLike<number> = this.k.v;
    if (!all) {
      const v = this.values!;
      for (let j = 0; j < this.ids.length; j++) v[j] = this.k.v[this.ids[j]!]!;
      values = v;
    }
    if (!this.started) {
      // the window's first values are the dump's initial values, at its first time
      w.changeAll(values, this.shadow);
      w.time(time);
      w.begin();
      this.started = true;
      return;
    }
    w.time(time);
    // a fused clock edge says which signals it can have changed; the rest are not compared
    const step = this.k.stepSignals;
    let write = this.steps.get(step);
    if (write === undefined) {
      const ids = this.handles(step);
      if (this.steps.size >= MAX_STEPS) return w.changeSome(values, this.shadow, ids);
      this.steps.set(step, (write = w.compileStep(ids)));
    }
    write(values, this.shadow);
  }

  /** The writer handles of a kernel step array (null: every signal). */
  private handles(step: Int32Array | null): Int32Array | null {
    if (step === null) return null;
    const ids = this.scratch;
    let n = 0;
    for (let i = 0; i < step.length; i++) {
      const j = this.handleOf[step[i]!]!;
      if (j >= 0) ids[n++] = j;
    }
    return ids.subarray(0, n);
  }

  async close(): Promise<string> {
    this.k.onStep = null;
    if (!this.started) this.w.begin();
    await this.w.close();
    return this.path;
  }
}
