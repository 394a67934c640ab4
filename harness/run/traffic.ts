// The testbench's traffic: handshake rates, the probe, the phases after it, the mid-run reset.

export interface TrafficOptions {
  seed: number;
  /** probability that the master offers a beat in a cycle (after the probe) */
  validRate: number;
  /** probability that the slave accepts in a cycle (after the probe) */
  readyRate: number;
  resetCycles: number;
  probe: number;
  /** after the probe, cycle through TRAFFIC_PHASES (false: validRate and readyRate throughout) */
  phases: boolean;
  /** one reset in the middle of the run, once half the vectors are out */
  midRunReset: boolean;
}

export const DEFAULT_TRAFFIC: TrafficOptions = { seed: 1, validRate: 0.8, readyRate: 0.7, resetCycles: 2, probe: 6, phases: true, midRunReset: true };
/** Random rates throughout, no reset: the steady state the bench measures. */
export const STEADY_TRAFFIC: TrafficOptions = { ...DEFAULT_TRAFFIC, phases: false, midRunReset: false };

/**
 * The traffic phases after the probe, in turn, each PHASE_VECTORS initiation intervals long
 * (null: the run's rate). Backpressure first: m_ready held low, the output register and both
 * logit banks fill and the front end stalls, whatever the geometry. (The first vector after the
 * probe also gets a gap after its first beat: harness/run/testbench.ts.)
 */
export const TRAFFIC_PHASES = [
  { name: 'backpressure', valid: 1, ready: 0 },
  { name: 'random', valid: null, ready: null },
  { name: 'burst', valid: 1, ready: 1 },
  { name: 'sparse input', valid: 0.25, ready: null },
] as const;
export const PHASE_VECTORS = 6;
