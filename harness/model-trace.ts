// Waveforms of the cycle model: every kernel signal, under the same hierarchy and names as
// Verilator's trace of rtl/ (TOP.head.<module>.<register>), so the two dumps diff signal by
// signal. Sampled after each settled time step inside a cycle window [from, to).
import type { Kernel } from '../sim/kernel.ts';
import { VcdWriter } from '../waves/vcd-writer.ts';
import { CLOCK_PERIOD } from './testbench.ts';

export class ModelTrace {
  private readonly w: VcdWriter;
  private readonly handles: Int32Array;
  /** values last written, to hand the writer only what changed */
  private readonly shadow: Float64Array;
  private started = false;

  constructor(private readonly k: Kernel, readonly path: string, private readonly from = 0, private readonly to = Infinity) {
    this.w = new VcdWriter(path, { timescale: '1ns', version: 'headsim cycle model' });
    this.handles = Int32Array.from(k.signals, (s) => this.w.declare(s.name, s.width));
    this.shadow = new Float64Array(k.signals.length);
    k.onStep = (t) => this.sample(t);
  }

  private sample(time: number): void {
    const cycle = Math.floor(time / CLOCK_PERIOD);
    if (cycle < this.from || cycle >= this.to) return;
    const v = this.k.v;
    const sig = this.k.signals;
    const last = this.shadow;
    if (!this.started) {
      for (let i = 0; i < this.handles.length; i++) this.w.change(this.handles[i]!, bits((last[i] = v[i]!), sig[i]!.width));
      this.w.begin();
      this.started = true;
    }
    this.w.time(time);
    for (let i = 0; i < last.length; i++) {
      if (v[i] === last[i]) continue;
      last[i] = v[i]!;
      this.w.change(this.handles[i]!, bits(v[i]!, sig[i]!.width));
    }
  }

  async close(): Promise<string> {
    this.k.onStep = null;
    if (!this.started) this.w.begin();
    await this.w.close();
    return this.path;
  }
}

/** Two's complement pattern, masked to the declared width (a model value never exceeds it). */
const bits = (v: number, w: number) => (v < 0 ? v + 2 ** w : v);
