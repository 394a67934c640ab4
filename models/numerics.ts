// Fixed-point arithmetic on plain numbers (exact below 2^53: config.ts rejects wider formats).
// Every function here is the definition the RTL implements bit for bit.

export interface Fmt {
  width: number;
  frac: number;
}

/** 2^-64 … 2^64 by table: `2 ** e` with a variable e is a call to pow, and the model's per-event arithmetic is full of them. */
const POW2 = Float64Array.from({ length: 129 }, (_, i) => 2 ** (i - 64));

/** 2^e, exact, for integer e (a table read for |e| ≤ 64). */
export const pow2 = (e: number): number => (e >= -64 && e <= 64 ? POW2[e + 64]! : 2 ** e);

export const sMin = (w: number) => -pow2(w - 1);
export const sMax = (w: number) => pow2(w - 1) - 1;
export const uMax = (w: number) => pow2(w) - 1;

export const satS = (v: number, w: number) => (v < sMin(w) ? sMin(w) : v > sMax(w) ? sMax(w) : v);
export const satU = (v: number, w: number) => (v < 0 ? 0 : v > uMax(w) ? uMax(w) : v);

/** v · 2^-s rounded half up (toward +inf at .5); s ≤ 0 shifts left. Exact for integer v. */
export function roundShift(v: number, s: number): number {
  if (s <= 0) return v * pow2(-s);
  return Math.floor((v + pow2(s - 1)) * pow2(-s));
}

/** Float → signed fixed point: round half up, saturate. */
export function quantize(x: number, f: Fmt): { q: number; saturated: boolean } {
  const r = Math.floor(x * 2 ** f.frac + 0.5);
  const q = satS(r, f.width);
  return { q, saturated: q !== r };
}

/** quantize() over an array without allocating per element; returns the saturated count. */
export function quantizeInto(out: Int32Array, x: ArrayLike<number>, f: Fmt): number {
  const scale = 2 ** f.frac;
  const lo = sMin(f.width);
  const hi = sMax(f.width);
  let saturated = 0;
  for (let i = 0; i < x.length; i++) {
    const r = Math.floor(x[i]! * scale + 0.5);
    const q = r < lo ? lo : r > hi ? hi : r;
    if (q !== r) saturated++;
    out[i] = q;
  }
  return saturated;
}

export const toFloat = (q: number, frac: number) => q / 2 ** frac;

/** Two's complement bit pattern of a signed value in w bits (as a non-negative number). */
export const toBits = (v: number, w: number) => (v < 0 ? v + pow2(w) : v);
/** Signed value of a w-bit pattern. */
export const fromBits = (b: number, w: number) => (b >= pow2(w - 1) ? b - pow2(w) : b);

export const clog2 = (n: number) => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

/** Position of the leading one of a positive integer. */
export function msbIndex(v: number): number {
  let m = Math.floor(Math.log2(v));
  if (2 ** m > v) m--; // log2 rounds up just below a power of two
  else if (2 ** (m + 1) <= v) m++;
  return m;
}
