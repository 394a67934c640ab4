/**
 * Decoded FST values (FstSource): a block's changes in growable typed arrays, and a vector's
 * value from its packed bits or its ASCII digits.
 */
import type { VcdValue } from './vcd-source.ts';

/** A block's decoded changes, in growable typed arrays: handle, time index, value. */
export class Changes {
  n = 0;
  hs = new Int32Array(1 << 12);
  tis = new Int32Array(1 << 12);
  nums = new Float64Array(1 << 12);
  /** values that are not numbers (x/z digits, wide vectors), by position */
  others = new Map<number, VcdValue>();
  num(h: number, ti: number, v: number): void {
    if (this.n === this.hs.length) this.grow();
    this.hs[this.n] = h;
    this.tis[this.n] = ti;
    this.nums[this.n++] = v;
  }
  push(h: number, ti: number, v: VcdValue): void {
    if (typeof v !== 'number') this.others.set(this.n, v);
    this.num(h, ti, typeof v === 'number' ? v : 0);
  }
  private grow(): void {
    const m = this.hs.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(m);
      b.set(a);
      return b;
    };
    this.hs = g(this.hs, (k) => new Int32Array(k));
    this.tis = g(this.tis, (k) => new Int32Array(k));
    this.nums = g(this.nums, (k) => new Float64Array(k));
  }
}

/** ASCII digits of a vector (0/1/x/z…) as a VcdValue: a number when they are all 0/1. */
export function digits(b: Uint8Array): VcdValue {
  let s = '';
  let binary = true;
  for (const x of b) {
    const ch = String.fromCharCode(x);
    if (ch !== '0' && ch !== '1') binary = false;
    s += ch === '0' || ch === '1' ? ch : ch === 'z' || ch === 'Z' ? 'z' : 'x';
  }
  if (binary) {
    const v = BigInt('0b' + (s || '0'));
    return v <= 0x1fffffffffffffn ? Number(v) : v;
  }
  return s.replace(/^0+(?=.)/, '');
}

/** packed() for 33 ≤ w ≤ 53 (5 to 7 bytes): the value as a number. */
export function packedNumber(data: Uint8Array, p: number, nb: number, pad: number): number {
  let hi = 0;
  for (let i = 0; i < nb - 4; i++) hi = hi * 256 + data[p + i]!;
  const q = p + nb - 4;
  const lo = ((data[q]! << 24) | (data[q + 1]! << 16) | (data[q + 2]! << 8) | data[q + 3]!) >>> 0;
  // (hi, lo) shifted right by pad; hi < 2^24
  return (hi >>> pad) * 2 ** 32 + (lo >>> pad) + (hi & ((1 << pad) - 1)) * 2 ** (32 - pad);
}

/** A vector's bits, MSB first and left-aligned in nb bytes at data[p]. */
export function packed(data: Uint8Array, p: number, w: number, nb: number): VcdValue {
  const pad = nb * 8 - w;
  if (nb <= 4) {
    let x = 0;
    for (let i = 0; i < nb; i++) x = x * 256 + data[p + i]!;
    return Math.floor(x / 2 ** pad);
  }
  if (w <= 53) {
    // the top nb-4 bytes, then the last 4, shifted right by pad as a 64-bit pair
    let hi = 0;
    for (let i = 0; i < nb - 4; i++) hi = hi * 256 + data[p + i]!;
    let lo = 0;
    for (let i = nb - 4; i < nb; i++) lo = lo * 256 + data[p + i]!;
    const lo2 = Math.floor(lo / 2 ** pad) + (hi % 2 ** pad) * 2 ** (32 - pad);
    return Math.floor(hi / 2 ** pad) * 2 ** 32 + lo2;
  }
  let v = 0n;
  for (let i = 0; i < nb; i++) v = (v << 8n) | BigInt(data[p + i]!);
  return v >> BigInt(pad);
}
