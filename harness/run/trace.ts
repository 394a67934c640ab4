// Waveforms of the cycle model: every kernel signal, under the same hierarchy and names as
// Verilator's trace of rtl/ (TOP.head.<module>.<register>), so the two dumps diff signal by
// signal. Sampled after each settled time step inside a cycle window [from, to).
import type { Kernel } from '../../sim/kernel.ts';
import { VcdWriter } from '../../waves/vcd-writer.ts';
import { CLOCK_PERIOD } from './testbench.ts';

export class ModelTrace {
  private readonly w: VcdWriter;
  /** values last written, to hand the writer only what changed */
  private readonly shadow: Float64Array;
  private started = false;

  constructor(private readonly k: Kernel, readonly path: string, private readonly from = 0, private readonly to = Infinity) {
    this.w = new VcdWriter(path, { timescale: '1ns', version: 'headsim cycle model', chunkChars: 1 << 20 });
    k.signals.forEach((s, i) => {
      if (this.w.declare(s.name, s.width) !== i) throw new Error('ModelTrace: writer handles must follow signal ids');
    });
    this.shadow = new Float64Array(k.signals.length);
    k.onStep = (t) => this.sample(t);
  }

  private sample(time: number): void {
    const cycle = Math.floor(time / CLOCK_PERIOD);
    if (cycle < this.from || cycle >= this.to) return;
    const w = this.w;
    if (!this.started) {
      // handle i is signal i (declared in order); the writer takes signed values as they are
      w.changeAll(this.k.v, this.shadow);
      w.time(time); // the dump starts at the window's first step, as the RTL's does
      w.begin();
      this.started = true;
    }
    w.time(time);
    // a fused clock edge says which signals it can have changed; the rest are not compared
    w.changeSome(this.k.v, this.shadow, this.k.stepSignals);
  }

  async close(): Promise<string> {
    this.k.onStep = null;
    if (!this.started) this.w.begin();
    await this.w.close();
    return this.path;
  }
}
