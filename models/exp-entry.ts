// The exp function's defining relations, shared by the config check (models/config.ts), the
// geometry, the tables (models/tables.ts) and --auto-formats: how many logit steps one index
// covers, the value of a table entry, and the split form exp(-d) = exp(-d_hi) · exp(-d_lo).
import { pow2 } from './numerics.ts';

/** log2 of the logit steps per table entry: the index is d >> expShift (left shift if negative). */
export const expShiftOf = (logitFrac: number, lut: { addrBits: number; range: number }): number => logitFrac + Math.log2(lut.range) - lut.addrBits;

/** Logit steps from the start of index i's bucket to its centre (0 when one index is one step or less). */
const centre = (expShift: number) => (expShift > 0 ? (2 ** expShift - 1) / 2 : 0);

/** Entry i before the clamp: exp(-d) at the centre of its bucket of logit steps, rounded to outBits fractional bits. */
export function expEntry(i: number, expShift: number, logitFrac: number, outBits: number): number {
  const dSteps = i * 2 ** expShift + centre(expShift);
  return Math.round(Math.exp(-dSteps * 2 ** -logitFrac) * 2 ** outBits);
}

/**
 * Split form (expImpl = split): index i = h · 2^loBits + l. The high table holds exp(-(h · 2^loBits
 * · 2^expShift) steps), the low table exp(-(l · 2^expShift + bucket centre) steps), each rounded
 * to unsigned `width` bits scaled by 2^width − 1 (1.0 is all ones: no entry saturates, and every
 * entry of a table has the same scale, which cancels in the softmax).
 */
export function expHiEntry(h: number, loBits: number, expShift: number, logitFrac: number, width: number): number {
  return Math.round(Math.exp(-h * 2 ** (loBits + expShift - logitFrac)) * (2 ** width - 1));
}

export function expLoEntry(l: number, expShift: number, logitFrac: number, width: number): number {
  return Math.round(Math.exp(-(l * 2 ** expShift + centre(expShift)) * 2 ** -logitFrac) * (2 ** width - 1));
}

/** e = hi · lo >> shift, rounded half up, saturated to outBits (the split unit's multiplier output). */
export function splitProduct(hi: number, lo: number, shift: number, outBits: number): number {
  const x = hi * lo;
  const r = shift > 0 ? Math.floor((x + pow2(shift - 1)) * pow2(-shift)) : x;
  return Math.min(r, pow2(outBits) - 1);
}
