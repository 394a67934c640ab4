// The fixed-point functions of numerics.ts, tables.ts and exp-entry.ts as inline JavaScript for
// the generated processes (models/head): the configuration's constants folded in, no call, no
// object read. Each is its function's twin, bit for bit (test/numerics.test.ts). Arguments are
// code; an argument that appears twice in the result must be a plain read (a signal or a local).
import { SCALE_FRAC, type Geometry } from './geometry.ts';
import { pow2, sMax, sMin, uMax } from './numerics.ts';

const num = (x: number) => (Object.is(x, -0) ? '0' : String(x));

/** roundShift(v, s): v · 2^-s rounded half up. */
export const roundShiftCode = (v: string, s: number): string => (s <= 0 ? `(${v}) * ${num(pow2(-s))}` : `Math.floor(((${v}) + ${num(pow2(s - 1))}) * ${num(pow2(-s))})`);

/** satS(v, w) / satU(v, w): saturate to a signed / unsigned w-bit range. */
export const satSCode = (v: string, w: number): string => `Math.min(Math.max(${v}, ${num(sMin(w))}), ${num(sMax(w))})`;
export const satUCode = (v: string, w: number): string => `Math.min(Math.max(${v}, 0), ${num(uMax(w))})`;

/** toBits(v, w): the w-bit two's complement pattern of v (v: a plain read). */
export const toBitsCode = (v: string, w: number): string => `(${v} < 0 ? ${v} + ${num(pow2(w))} : ${v})`;

/** expIndex(d, g): the exp table index of d = max − z (0 for d ≤ 0, clamped to the table). */
export const expIndexCode = (d: string, g: Pick<Geometry, 'expShift' | 'expAddrBits'>): string => {
  const scaled = `Math.max(${d}, 0) * ${num(pow2(-g.expShift))}`;
  return `Math.min(${g.expShift >= 0 ? `Math.floor(${scaled})` : scaled}, ${num(uMax(g.expAddrBits))})`;
};

/** splitProduct(hi, lo, shift, outBits): hi · lo >> shift rounded half up, saturated. */
export const splitProductCode = (hi: string, lo: string, shift: number, outBits: number): string =>
  `Math.min(${shift > 0 ? roundShiftCode(`(${hi}) * (${lo})`, shift) : `(${hi}) * (${lo})`}, ${num(uMax(outBits))})`;

/** reciprocalProb(e, recip, msb, g) with msb a constant (0 for recipImpl = divide). */
export const reciprocalProbCode = (e: string, recip: string, msb: number, g: Pick<Geometry, 'recipFrac' | 'probFrac' | 'probW'>): string =>
  satUCode(roundShiftCode(`(${e}) * (${recip})`, g.recipFrac + msb - g.probFrac), g.probW);

/**
 * dividedProb(e, recip, g), in two parts (no % on doubles): the kept bits of e · recip plus one,
 * then the result from them (y1: a plain read), wrapped as the RTL's bits wrap.
 */
export const dividedProbBitsCode = (e: string, recip: string, g: Pick<Geometry, 'recipFrac' | 'probFrac'>): string =>
  `Math.floor((${e}) * (${recip}) * ${num(pow2(1 + g.probFrac - g.recipFrac))}) + 1`;
export const dividedProbCode = (y1: string, g: Pick<Geometry, 'probFrac' | 'probW'>): string => {
  const m = pow2(g.probFrac + 2);
  const r = `Math.floor((${y1} - ${num(m)} * Math.floor(${y1} * ${num(1 / m)})) * 0.5)`;
  return g.probFrac + 1 > g.probW ? `Math.min(${r}, ${num(uMax(g.probW))})` : r;
};

/** approxScore(e, scale, g): e · scale in probFmt, rounded half up, saturated. */
export const approxScoreCode = (e: string, scale: number, g: Pick<Geometry, 'expOutBits' | 'probFrac' | 'probW'>): string =>
  satUCode(roundShiftCode(`(${e}) * ${num(scale)}`, g.expOutBits + SCALE_FRAC - g.probFrac), g.probW);
