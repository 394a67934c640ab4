// The tables of one geometry, built once and shared by the bit-true reference and the model.
import type { Geometry } from './geometry.ts';
import { expTable, recipTable } from './tables.ts';

export interface Tables {
  exp: Int32Array;
  recip: Int32Array;
}

export const buildTables = (g: Geometry): Tables => ({ exp: Int32Array.from(expTable(g)), recip: Int32Array.from(recipTable()) });
