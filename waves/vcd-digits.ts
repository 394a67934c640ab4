/**
 * Binary digits of VCD values, eight at a time: a 256-entry table of 8 ASCII digits stored as
 * float64 bit patterns, one unaligned DataView store per byte of the value (vcd-writer.ts and
 * the compiled steps of vcd-step.ts).
 */

/** DIGITS[b]: the 8 ASCII binary digits of byte b (most significant first), as the bits of one float64. */
export const DIGITS = (() => {
  const bytes = new Uint8Array(256 * 8);
  for (let b = 0; b < 256; b++) for (let i = 0; i < 8; i++) bytes[b * 8 + i] = 48 + ((b >> (7 - i)) & 1);
  const dv = new DataView(bytes.buffer);
  // Patterns of 0x30/0x31 bytes are ordinary finite doubles (never NaN), so they copy bit-exactly.
  return Float64Array.from({ length: 256 }, (_, b) => dv.getFloat64(b * 8, true));
})();

const TWO32 = 2 ** 32;

/** Writes the binary digits of v (0 ≤ v < 2^53, no leading zeros) at pos of dv's buffer; returns the end. */
export function binDigits(dv: DataView, pos: number, v: number): number {
  let lo: number;
  let hi: number;
  let i: number;
  if (v < TWO32) {
    lo = v >>> 0;
    hi = 0;
    i = 32 - Math.clz32(lo) || 1;
  } else {
    hi = Math.floor(v / TWO32);
    lo = (v - hi * TWO32) >>> 0;
    i = 64 - Math.clz32(hi);
  }
  const r = i & 7;
  if (r !== 0) {
    // the r leading digits: the first r of the 8-digit string of the top bits shifted to the top
    // (the other bytes are overwritten by what follows; the buffer has slack for them)
    i -= r;
    const top = i < 32 ? (lo >>> i) & 255 : (hi >>> (i - 32)) & 255;
    dv.setFloat64(pos, DIGITS[(top << (8 - r)) & 255]!, true);
    pos += r;
  }
  while (i > 32) {
    i -= 8;
    dv.setFloat64(pos, DIGITS[(hi >>> (i - 32)) & 255]!, true);
    pos += 8;
  }
  while (i > 0) {
    i -= 8;
    dv.setFloat64(pos, DIGITS[(lo >>> i) & 255]!, true);
    pos += 8;
  }
  return pos;
}
