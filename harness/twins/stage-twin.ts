// What a stage's twin test is made of: the configurations it runs (small ones: each is one
// Verilator build of the module), and its port traffic: random inputs that keep to the contract
// the head keeps with the stage (a counter that never wraps in the head must not be made to),
// reacting to the stage's outputs of the cycle before as the head's other stages would.
import type { ConfigInput } from '../../models/config.ts';
import type { Geometry } from '../../models/geometry.ts';
import type { Scenario } from '../inputs/scenario.ts';
import type { Rand } from './random.ts';

/** A port's entries, by port name (a plain port has one). */
export type Values = Record<string, Float64Array>;

export interface Stimulus {
  /** Fills `inp` with cycle t's inputs; `prev` holds the outputs of cycle t − 1 (zeros at t = 0). */
  next(t: number, inp: Values, prev: Values): void;
}

export interface StageTwin {
  module: string;
  configs: Record<string, ConfigInput>;
  stimulus(s: Scenario, r: Rand): Stimulus;
  /** output ports the configuration ties to a constant (every other one must toggle in a run) */
  quiet?(g: Geometry): string[];
}
