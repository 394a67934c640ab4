// Runs the cycle model under the testbench in batches. Lockstep hooks in through `onBatch`:
// each batch's recorded ports go to the RTL before the model runs the next one.
import { Head } from '../../models/head/head.ts';
import { timing } from '../../models/geometry.ts';
import { PortBatch, portWidths } from '../rtl/ports.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { CLOCK_PERIOD, Testbench } from './testbench.ts';
import type { TrafficOptions } from './traffic.ts';

export interface ModelRun {
  tb: Testbench;
  head: Head;
  cycles: number;
  seconds: number;
  stoppedEarly: boolean;
}

/** Cycles to run past the last expected output before declaring a hang. */
export function cycleBudget(s: Scenario, traffic: TrafficOptions): number {
  const perVector = Math.max(s.g.P * s.g.B, timing(s.g).ii, 1) + 64 * s.g.E + s.g.R * (s.g.L + 1) + s.g.P + 64;
  const slow = 1 / Math.min(traffic.validRate, traffic.readyRate, 1);
  return Math.ceil(traffic.resetCycles + 1000 + s.vectors.count * perVector * slow * 4);
}

/** The model and its testbench, elaborated and ready to run. */
export function createModel(s: Scenario, traffic: TrafficOptions): { head: Head; tb: Testbench } {
  const head = new Head(s.g, s.t, s.w, s.config.relu);
  const tb = new Testbench(head, s.g, s.vectors, traffic);
  head.k.clock(head.ports.clk, CLOCK_PERIOD);
  head.k.elaborate();
  return { head, tb };
}

export async function runModel(
  s: Scenario,
  traffic: TrafficOptions,
  opts: { batchCycles?: number; onBatch?: (b: PortBatch, n: number, firstCycle: number) => Promise<boolean> | boolean } = {},
): Promise<ModelRun> {
  const { head, tb } = createModel(s, traffic);
  const n = opts.batchCycles ?? 8192;
  const batch = opts.onBatch ? new PortBatch(portWidths(s.g), n) : null;
  const budget = cycleBudget(s, traffic);
  const t0 = performance.now();
  let stoppedEarly = false;
  while (!tb.finished && tb.cycle < budget) {
    const first = tb.cycle;
    tb.run(batch, n);
    if (opts.onBatch && !(await opts.onBatch(batch!, n, first))) {
      stoppedEarly = true;
      break;
    }
    // Between batches the event loop turns, so Ctrl-C and SIGTERM are handled within one batch.
    if (!opts.onBatch) await new Promise((r) => setImmediate(r));
  }
  return { tb, head, cycles: tb.cycle, seconds: (performance.now() - t0) / 1000, stoppedEarly };
}
