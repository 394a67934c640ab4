// The tables of one geometry, built once and shared by the bit-true reference and the model.
import type { Geometry } from './geometry.ts';
import { expHiTable, expLoTable, expTable, recipTable } from './tables.ts';

export interface Tables {
  exp: Int32Array;
  /** expImpl = split: exp(-d_hi), exp(-d_lo) */
  expHi: Int32Array;
  expLo: Int32Array;
  recip: Int32Array;
}

export const buildTables = (g: Geometry): Tables => ({
  exp: Int32Array.from(expTable(g)),
  expHi: Int32Array.from(expHiTable(g)),
  expLo: Int32Array.from(expLoTable(g)),
  recip: Int32Array.from(recipTable()),
});
