// What every component model of the head shares: the kernel it runs on, the derived geometry,
// the tables, the weights; the sequencer's states; helpers for generated code.
import type { Kernel } from '../../sim/kernel.ts';
import type { Geometry, valueFormats } from '../geometry.ts';
import type { Tables } from '../tables-set.ts';
import type { HeadWeights } from '../weights.ts';

export interface HeadContext {
  k: Kernel;
  g: Geometry;
  t: Tables;
  w: HeadWeights;
  relu: boolean;
  /** fixed-point formats of the datapath's values, for the signals' display metadata */
  fmt: ReturnType<typeof valueFormats>;
}

/** Back-end sequencer states; the RTL's localparams have the same values. */
export const State = { IDLE: 0, SELECT: 1, NORM: 2, EMIT: 3 } as const;

/** Bits to hold n (≥ 1): the width of a counter to n, an index below n + 1. */
export const bitsFor = (n: number) => Math.max(1, Math.ceil(Math.log2(n + 1)));

/**
 * Code for i = 0 … n−1 in a generated process body: unrolled with constant indices when n is
 * small, else a loop over the variable `name`. `body` gets the index as a number or as the name.
 */
export function each(n: number, name: string, body: (i: number | string) => string, maxUnroll = 16): string {
  if (n <= maxUnroll) return Array.from({ length: n }, (_, i) => body(i)).join('\n');
  return `for (let ${name} = 0; ${name} < ${n}; ${name}++) {\n${body(name)}\n}`;
}

/** `a + b` as code, folded when both are numbers. */
export const add = (a: number | string, b: number | string): number | string =>
  typeof a === 'number' && typeof b === 'number' ? a + b : `(${a}) + (${b})`;

/** Ids base … base + n − 1: the sensitivity of a process to a whole array. */
export const range = (base: number, n: number) => Array.from({ length: n }, (_, i) => base + i);
