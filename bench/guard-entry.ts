// The cycle model as the speed comparisons measure it (bench/guard.ts, the bench's before /
// after), behind an interface that every revision keeps: a revision is measured against
// another by loading each one's guard-entry.ts from its own tree, in one process.
import { parseConfig, type ConfigInput } from '../models/config.ts';
import { buildScenario } from '../harness/inputs/scenario.ts';
import { createModel } from '../harness/run/model.ts';
import { STEADY_TRAFFIC } from '../harness/run/traffic.ts';
import { PortBatch, portWidths } from '../harness/rtl/ports.ts';
import { ModelTrace } from '../harness/run/trace.ts';

export interface GuardModel {
  /** Runs `cycles` cycles: alone, recording every cycle's ports (the lockstep path), or traced. */
  run(cycles: number): void;
  /** Starts tracing every signal into `path` (VCD or FST by its name); `untrace` closes it. */
  trace(path: string): void;
  untrace(): Promise<void>;
  /** The kernel's general scheduler alone (no fused edges), for the fused / general ratio. */
  generalScheduler(): void;
}

export interface GuardModelOptions {
  /** vectors in the scenario (enough for every cycle the caller runs) */
  vectors: number;
  seed: number;
  /** record the ports of every cycle, as the lockstep does */
  recorded: boolean;
  /** cycles per run() at most (the recording batch) */
  batch: number;
}

export function guardModel(config: ConfigInput, o: GuardModelOptions): GuardModel {
  const s = buildScenario(parseConfig(config), o.vectors, o.seed);
  const { tb, head } = createModel(s, STEADY_TRAFFIC);
  const batch = o.recorded ? new PortBatch(portWidths(s.g), o.batch) : null;
  let trace: ModelTrace | null = null;
  return {
    run: (cycles) => tb.run(batch, cycles),
    trace: (path) => void (trace = new ModelTrace(head.k, path)),
    untrace: async () => {
      await trace?.close();
      trace = null;
    },
    generalScheduler: () => void (head.k.fused = false),
  };
}
