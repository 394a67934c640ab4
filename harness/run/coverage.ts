// Functional coverage of a run: which handshake corners and hazards the traffic reached,
// sampled on the model at every rising edge (the model and the RTL agree at every port, so
// this is what the RTL saw too). A run is asked to cover every point its size can reach; the
// report says how often each was hit, and a run that misses one fails (docs/contract.md).
import type { Geometry } from '../../models/geometry.ts';
import { State } from '../../models/head/context.ts';
import { sequencerStates, type Head } from '../../models/head/head.ts';
import type { TestbenchState } from './testbench-state.ts';
import type { TrafficOptions } from './traffic.ts';

/** The points, and what hits one (at a rising edge, on the values before it). */
export const COVER_POINTS = {
  stall: 'the front end stalls: a pass ends while both logit banks are full',
  banksFull: 'both logit banks hold a vector',
  transferWithCompletion: 'a vector moves to z_hold on the edge where the next one completes in z_work',
  inputGap: 's_valid low inside a vector (after its first beat)',
  outputBackpressure: 'm_valid high while m_ready is low',
  midRunReset: 'rst asserted after the first vector',
} as const;
export type CoverPoint = keyof typeof COVER_POINTS | `state.${keyof typeof State}`;

/** State names by value (the sequencer's `state` register indexes them). */
const STATE_NAMES = Object.entries(State)
  .sort((a, b) => a[1] - b[1])
  .map(([n], i, all) => {
    if (all[i]![1] !== i) throw new Error('coverage: sequencer states must be numbered 0, 1, 2, …');
    return `state.${n}`;
  });
const NAMES = [...Object.keys(COVER_POINTS), ...STATE_NAMES];

export interface Coverage {
  /** hits per point (cycles on which it held) */
  hits: Record<string, number>;
  /** the points the run was asked to cover */
  required: string[];
  /** required points with no hit */
  missed: string[];
}

/**
 * The points a run of this size and traffic reaches for sure: with the default traffic's phases
 * and at least three vectors past the probe, all of them (the backpressure phase fills both
 * banks and holds m_ready low; the testbench forces one gap inside the first vector after the
 * probe; a transfer on the edge of a completion needs P = 1). Random rates alone guarantee nothing, so without phases only the states (and the
 * mid-run reset) are required; the rest is still counted and reported.
 */
export function reachablePoints(g: Geometry, vectors: number, t: TrafficOptions): CoverPoint[] {
  const probe = Math.min(t.probe, vectors);
  const points: CoverPoint[] = sequencerStates(g).map((s) => `state.${s}` as const);
  // with the phases the reset waits for two vectors past the backpressure phase (harness/run/testbench.ts)
  if (t.midRunReset && vectors > Math.max(probe, Math.floor(vectors / 2)) && (!t.phases || vectors >= probe + 3)) points.push('midRunReset');
  if (!t.phases || vectors <= probe) return points;
  points.push('outputBackpressure');
  if (g.B > 1) points.push('inputGap');
  if (vectors >= probe + 3) points.push('banksFull', 'stall');
  // With several passes the next vector's first group meets the full z_work (and stalls, or the
  // transfer frees it first): a transfer can coincide with a completion only when P = 1.
  // stream: the drain stops while z_work is full, so a transfer never meets a completion.
  if (vectors >= probe + 3 && g.P === 1 && !g.stream) points.push('transferWithCompletion');
  return points;
}

/** Adds the coverage monitor to the head (before elaboration); it reads the testbench's cycle and beat. */
export function monitorCoverage(head: Head, g: Geometry, tb: TestbenchState, resetCycles: number): Float64Array {
  const hits = new Float64Array(NAMES.length);
  const at = (n: string) => NAMES.indexOf(n);
  const { k, ports: p, bank, mac } = head;
  k.posedgeCode('testbench.coverage', p.clk, (c) => {
    const H = c.ext(hits);
    const S = c.ext(tb);
    const v = (id: number) => c.v(id);
    return `
      const rst = ${v(p.rst)} === 1;
      if (rst) { if (${S}.cycle >= ${resetCycles}) ${H}[${at('midRunReset')}]++; ${c.exit} }
      const workFull = ${v(bank.internal.z_work_full)} === 1, holdFull = ${v(bank.out.z_hold_full)} === 1, stall = ${v(bank.out.stall)} === 1;
      if (stall) ${H}[${at('stall')}]++;
      if (workFull && holdFull) ${H}[${at('banksFull')}]++;
      if (${g.stream ? 'false' : 'true'} && workFull && !holdFull && ${v(mac.out.a_valid)} === 1 && ${v(mac.out.a_group)} === ${g.P - 1}) ${H}[${at('transferWithCompletion')}]++;
      if (${S}.beat > 0 && ${v(p.s_valid)} === 0) ${H}[${at('inputGap')}]++;
      if (${v(p.m_valid)} === 1 && ${v(p.m_ready)} === 0) ${H}[${at('outputBackpressure')}]++;
      ${H}[${at(STATE_NAMES[0]!)} + ${v(head.state)}]++;`;
  });
  return hits;
}

/** The run's coverage from the monitor's counters. */
export function coverageOf(hitsArray: Float64Array, required: CoverPoint[]): Coverage {
  const hits = Object.fromEntries(NAMES.map((n, i) => [n, hitsArray[i]!]));
  return { hits, required, missed: required.filter((r) => !hits[r]) };
}
