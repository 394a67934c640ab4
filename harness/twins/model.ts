// A stage's model alone: its component on a kernel of its own, the input ports declared as the
// testbench's (`<module>.<port>`). A process at the falling edge takes the cycle's inputs from
// the stimulus and drives them; one at the rising edge samples the outputs (the values the edge
// sees, as the RTL driver samples them). Each cycle's inputs and outputs are packed into words
// in the module driver's layout, so that the RTL replays the same inputs and the outputs compare
// word for word.
import { Kernel } from '../../sim/kernel.ts';
import { valueFormats } from '../../models/geometry.ts';
import type { HeadContext } from '../../models/head/context.ts';
import type { StageModule } from '../../models/head/modules.ts';
import { declareSignal, NO_SIGNAL, portBits, portsOf, type SignalSpec } from '../../models/head/signals.ts';
import { moduleLayout, type ModuleLayout, type PlacedPort } from '../rtl/module/layout.ts';
import { packPort, type WordBatch } from '../rtl/module/words.ts';
import type { Scenario } from '../inputs/scenario.ts';
import type { Stimulus, Values } from './stage-twin.ts';

export const CLOCK_PERIOD = 10;

interface Bound {
  port: PlacedPort;
  spec: SignalSpec;
  /** the port's signal id (element 0 of a bus), NO_SIGNAL where the configuration has none */
  id: number;
  values: Float64Array;
}

export class StageModel {
  readonly layout: ModuleLayout;
  /** cycles run so far */
  cycle = 0;
  private readonly k = new Kernel();
  private readonly inputs: Bound[];
  private readonly outputs: Bound[];
  private readonly inVals: Values = {};
  private readonly prevOut: Values = {};
  private batch: WordBatch | null = null;
  private modelOut: Uint32Array = new Uint32Array(0);
  private base = 0;

  constructor(stage: StageModule, s: Scenario, stimulus: Stimulus) {
    const k = this.k;
    const list = stage.signals(s.g);
    const ports = portsOf(list);
    this.layout = moduleLayout(stage.module, ports.map(([name, p]) => ({ name, dir: p.kind === 'in' ? 'in' : 'out', bits: portBits(p) })));
    const scope = `${stage.module}.`;
    // the clock falls at 0: cycle 0's inputs come first
    const clk = k.signal(scope + 'clk', 1, 1);
    const ids: Record<string, number> = {};
    for (const [name, p] of ports) if (p.kind === 'in') ids[name] = name === 'clk' ? clk : declareSignal(k, scope, name, p);
    const ctx: HeadContext = { k, g: s.g, t: s.t, w: s.w, relu: s.config.relu, fmt: valueFormats(s.g) };
    const component = stage.create(ctx, scope);
    component.connect(ids);
    const bind = (placed: PlacedPort[], id: (name: string) => number, into: Values): Bound[] =>
      placed.map((port) => {
        const spec = list[port.name]!;
        const values = (into[port.name] = new Float64Array(spec.lanes ?? 1));
        return { port, spec, id: id(port.name), values };
      });
    this.inputs = bind(this.layout.inputs, (n) => ids[n]!, this.inVals);
    this.outputs = bind(this.layout.outputs, (n) => component.out[n] ?? NO_SIGNAL, this.prevOut);

    k.negedge('twin.drive', clk, () => {
      stimulus.next(this.cycle, this.inVals, this.prevOut);
      const at = (this.cycle - this.base) * this.layout.inWords;
      for (const b of this.inputs) {
        for (let l = 0; l < b.values.length; l++) k.set(b.id + l, b.values[l]!);
        if (this.batch) packPort(this.batch.in, at, b.port, b.values, b.spec.width);
      }
    });
    k.posedge('twin.sample', clk, () => {
      const at = (this.cycle - this.base) * this.layout.outWords;
      for (const b of this.outputs) {
        for (let l = 0; l < b.values.length; l++) b.values[l] = b.id === NO_SIGNAL ? 0 : k.v[b.id + l]!;
        packPort(this.modelOut, at, b.port, b.values, b.spec.width);
      }
      this.cycle++;
    });
    k.clock(clk, CLOCK_PERIOD);
    k.elaborate();
  }

  /** Runs the next n cycles: their inputs into batch.in, the model's outputs into `out` (the layout of batch.out). */
  run(batch: WordBatch, out: Uint32Array, n: number): void {
    this.batch = batch;
    this.modelOut = out;
    this.base = this.cycle;
    this.k.run((this.cycle + n - 1) * CLOCK_PERIOD + CLOCK_PERIOD / 2);
  }
}
