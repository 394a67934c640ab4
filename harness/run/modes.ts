// The mode loop of `sim`, `cosim` and the sweep's verification: one scenario, one run per mode,
// the modes one after the other or all at once (cosim: their RTL builds and simulators use the
// other cores), the outcomes in mode order either way. Only how a mode runs differs (the model
// alone, or model and RTL in lockstep: a ModeRunner). Checking the outcomes is
// harness/check/modes.ts.
import type { Mode } from '../../models/config.ts';
import { withMode, type Scenario } from '../inputs/scenario.ts';
import { runModel } from './model.ts';
import type { RunOutcome } from './outcome.ts';
import type { TrafficOptions } from './traffic.ts';

/** Runs one mode of the scenario: the model alone, or model and RTL in lockstep. */
export type ModeRunner = (s: Scenario, traffic: TrafficOptions) => Promise<RunOutcome>;

/** `sim`'s runner: the cycle model alone under the testbench (nothing compared, no files). */
export const modelAlone: ModeRunner = async (s, traffic) => {
  const r = await runModel(s, traffic);
  return { tb: r.tb, cycles: r.cycles, seconds: r.seconds, backend: null, cyclesCompared: 0, portMismatch: null, model: r.tb.timing(), rtl: null, waves: [], dir: null };
};

export interface ModeRun {
  /** the scenario in this run's mode */
  scenario: Scenario;
  outcome: RunOutcome;
}

export async function runModes(base: Scenario, modes: readonly Mode[], runner: ModeRunner, traffic: TrafficOptions, opts: { concurrent?: boolean } = {}): Promise<ModeRun[]> {
  const scenarios = modes.map((mode) => withMode(base, mode));
  if (opts.concurrent) {
    const outcomes = await all(scenarios.map((s) => runner(s, traffic)));
    return scenarios.map((scenario, i) => ({ scenario, outcome: outcomes[i]! }));
  }
  const runs: ModeRun[] = [];
  for (const scenario of scenarios) runs.push({ scenario, outcome: await runner(scenario, traffic) });
  return runs;
}

/** Every promise settled; the first rejection, if any, is thrown (no run is left going behind an error). */
async function all<T>(ps: Promise<T>[]): Promise<T[]> {
  const r = await Promise.allSettled(ps);
  const bad = r.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (bad) throw bad.reason;
  return r.map((x) => (x as PromiseFulfilledResult<T>).value);
}
