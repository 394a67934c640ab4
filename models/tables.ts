// Table contents and the per-entry value functions of the softmax/approx units. Pure
// functions of the parameters: the model reads them directly, the RTL reads the same numbers
// from memory images written by harness/rtl/memfiles.ts.
import type { Geometry } from './geometry.ts';
import { RECIP_BITS, RECIP_FRAC, SCALE_FRAC, SCALE_WIDTH } from './geometry.ts';
import { msbIndex, pow2, roundShift, satU, uMax } from './numerics.ts';
import { expEntry, expHiEntry, expLoEntry, splitProduct } from './exp-entry.ts';

/** exp(-d) at the centre of each index's bucket of logit steps, unsigned {outBits, outBits}. */
export function expTable(g: Geometry): number[] {
  return Array.from({ length: 2 ** g.expAddrBits }, (_, i) => Math.min(expEntry(i, g.expShift, g.logitFrac, g.expOutBits), uMax(g.expOutBits)));
}

/** expImpl = split: the high table (exp(-d_hi), 2^(addrBits − loBits) entries, hiWidth bits). */
export function expHiTable(g: Geometry): number[] {
  return Array.from({ length: 2 ** (g.expAddrBits - g.expLoBits) }, (_, h) => expHiEntry(h, g.expLoBits, g.expShift, g.logitFrac, g.expHiWidth));
}

/** expImpl = split: the low table (exp(-d_lo) at the bucket centre, 2^loBits entries, loWidth bits). */
export function expLoTable(g: Geometry): number[] {
  return Array.from({ length: 2 ** g.expLoBits }, (_, l) => expLoEntry(l, g.expShift, g.logitFrac, g.expLoWidth));
}

/** Table index of d = max − z (integer logit steps); negative d (approx, z > 0) clamps to 0. */
export function expIndex(d: number, g: Geometry): number {
  if (d <= 0) return 0;
  const i = g.expShift >= 0 ? Math.floor(d * pow2(-g.expShift)) : d * pow2(-g.expShift);
  return Math.min(i, uMax(g.expAddrBits));
}

/** e = exp(-d) as the exp unit makes it: the table entry, or the split product of the index's two halves. */
export function expValue(d: number, g: Geometry, t: { exp: ArrayLike<number>; expHi: ArrayLike<number>; expLo: ArrayLike<number> }): number {
  const i = expIndex(d, g);
  if (!g.split) return t.exp[i]!;
  return splitProduct(t.expHi[i >>> g.expLoBits]!, t.expLo[i & (pow2(g.expLoBits) - 1)]!, g.expSplitShift, g.expOutBits);
}

/** recipImpl = divide: floor(2^recipFrac / Σe), the restoring division's quotient. */
export function recipDivide(sum: number, g: Geometry): number {
  return Number((1n << BigInt(g.recipFrac)) / BigInt(sum));
}

/** round(2^RECIP_FRAC / m) for m at the centre of each mantissa bucket in [1, 2). */
export function recipTable(): number[] {
  return Array.from({ length: 2 ** RECIP_BITS }, (_, j) => Math.round(2 ** RECIP_FRAC / (1 + (j + 0.5) / 2 ** RECIP_BITS)));
}

/** Leading-one position and mantissa bucket of the exp sum S > 0. */
export function recipIndex(sum: number): { msb: number; index: number } {
  const msb = msbIndex(sum);
  const index = Math.floor(sum * pow2(RECIP_BITS - msb)) - pow2(RECIP_BITS);
  return { msb, index };
}

/** p = e · recip(S) in probFmt, rounded half up, saturated (divide: msb = 0, recip = floor(2^recipFrac / S)). */
export function reciprocalProb(e: number, recip: number, msb: number, g: Geometry): number {
  return satU(roundShift(e * recip, g.recipFrac + msb - g.probFrac), g.probW);
}

/**
 * recipImpl = divide: p as rtl/divider.v computes it for any e and recip. It keeps probFrac + 2 bits
 * of e · recip >> (recipFrac − probFrac − 1), all there are when e ≤ Σe and recip = ⌊2^recipFrac / Σe⌋
 * (e · recip ≤ 2^recipFrac): there it is reciprocalProb(e, recip, 0, g); elsewhere the bits above wrap.
 */
export function dividedProb(e: number, recip: number, g: Geometry): number {
  const m = pow2(g.probFrac + 2); // the kept bits: the result's probFrac + 1 and the rounding bit
  const y = Math.floor(e * recip * pow2(1 + g.probFrac - g.recipFrac)) % m;
  const r = Math.floor(((y + 1) % m) / 2);
  return g.probFrac + 1 > g.probW ? Math.min(r, uMax(g.probW)) : r;
}

/** p = e / S in probFmt, exactly rounded half up (the serial divider's result). */
export function serialProb(e: number, sum: number, g: Geometry): number {
  const q = (BigInt(e) << BigInt(g.probFrac + 1)) / BigInt(sum);
  return satU(Number((q + 1n) >> 1n), g.probW);
}

/** approx score = e · scale in probFmt, rounded half up, saturated. */
export function approxScore(e: number, scale: number, g: Geometry): number {
  return satU(roundShift(e * scale, g.expOutBits + SCALE_FRAC - g.probFrac), g.probW);
}

/**
 * The question's constant 1/Σexp(w), generalised to W[N][K] as N / Σ_n Σ_k exp(W[n][k])
 * (the mean per-class sum), unsigned {SCALE_WIDTH, SCALE_FRAC}.
 */
export function approxScale(wFloat: ArrayLike<number>, classes: number): number {
  let sum = 0;
  for (let i = 0; i < wFloat.length; i++) sum += Math.exp(wFloat[i]!);
  return satU(Math.round((classes / sum) * 2 ** SCALE_FRAC), SCALE_WIDTH);
}
