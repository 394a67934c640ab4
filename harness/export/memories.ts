// The memory images an exported head ships: only those its configuration reads (rtl/*.v loads
// each inside the generate branch that uses it), under names prefixed with the export's name so
// that several exports can share one project (Vivado's read_mem finds a .mem file by its name).
import { RECIP_BITS, RECIP_FRAC, SCALE_FRAC, SCALE_WIDTH, type Geometry } from '../../models/geometry.ts';
import type { MemName } from '../rtl/memfiles.ts';

export interface ExportMemory {
  name: MemName;
  /** the RTL parameter that names the file (head.v's WEIGHTS_FILE …) */
  param: string;
  /** the file in the export directory */
  file: string;
  /** what it holds, for NAME.md */
  what: string;
}

const WHAT: Record<MemName, string> = {
  weights: 'weight ROM: one word per (pass, beat), the cPar·kPar weights of that beat, row c lane l at bit (c·kPar + l)·wW (mac_array)',
  bias: 'bias ROM: one biasFmt word per class (logit_bank)',
  exp: 'exp table: exp(−d) per index, one table per exp lane (exp_unit, expImpl table)',
  exp_hi: 'split exp, high table: exp(−d) of the index’s high bits (exp_unit, expImpl split)',
  exp_lo: 'split exp, low table: exp(−d) of the index’s low bits (exp_unit, expImpl split)',
  recip: `reciprocal table: 2^${RECIP_FRAC} / m per ${RECIP_BITS}-bit mantissa m of Σe (reciprocal, recipImpl table)`,
  scale: `approx scale constant 1/Σexp(w), unsigned {${SCALE_WIDTH}, ${SCALE_FRAC}} (approx_scaler)`,
};

/** Every image rtl/ can load, in head.v's parameter order. */
export const MEM_NAMES: MemName[] = ['weights', 'bias', 'exp', 'exp_hi', 'exp_lo', 'recip', 'scale'];

/** The images this geometry reads, in head.v's parameter order. */
export function usedMemories(g: Geometry): MemName[] {
  const exp = g.mode !== 'argmax';
  const used: Record<MemName, boolean> = {
    weights: true,
    bias: true,
    exp: exp && !g.split,
    exp_hi: exp && g.split,
    exp_lo: exp && g.split,
    recip: g.mode === 'softmax' && !g.serial && !g.recipDivide,
    scale: g.mode === 'approx',
  };
  return MEM_NAMES.filter((m) => used[m]);
}

export const memParam = (m: MemName) => `${m.toUpperCase()}_FILE`;

export function exportMemories(g: Geometry, name: string): ExportMemory[] {
  return usedMemories(g).map((m) => ({ name: m, param: memParam(m), file: `${name}_${m}.mem`, what: WHAT[m] }));
}
