/**
 * FST's building blocks (GTKWave's fstapi.c), shared by FstWriter and FstSource: block and
 * hierarchy tags, the integer encodings (big-endian u64, LEB128 varints), the timescale as a
 * power of ten, and how a vector's bits are packed (MSB first, left-aligned in whole bytes).
 */

export const BL_HDR = 0;
export const BL_BLACKOUT = 2;
export const BL_GEOM = 3;
export const BL_HIER = 4;
export const BL_HIER_LZ4 = 6;
export const BL_HIER_LZ4DUO = 7;
export const BL_VCDATA_DYN_ALIAS2 = 8;
/** every value-change block type; readers here decode DYN_ALIAS2, the one fstapi writes */
export const VC_BLOCKS = new Set([1, 5, BL_VCDATA_DYN_ALIAS2]);
export const ST_VCD_MODULE = 0;
export const ST_ATTRBEGIN = 252;
export const ST_ATTREND = 253;
export const ST_SCOPE = 254;
export const ST_UPSCOPE = 255;
export const VT_VCD_WIRE = 16;
export const VD_IMPLICIT = 0;
/** the header block, type byte included */
export const HDR_BYTES = 330;

/** A growable byte buffer with FST's integer encodings. */
export class Bytes {
  buf: Uint8Array;
  len = 0;
  constructor(size = 256) {
    this.buf = new Uint8Array(size);
  }
  need(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  u8(b: number): void {
    this.need(1);
    this.buf[this.len++] = b;
  }
  /** Unsigned LEB128, for values up to 2^53. */
  varint(v: number): void {
    this.need(8);
    while (v >= 128) {
      this.buf[this.len++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }
  /** Signed LEB128 (fstWriterSVarint), for |v| < 2^31. */
  svarint(v: number): void {
    this.need(8);
    for (;;) {
      const b = v & 127;
      v >>= 7;
      if ((v === 0 && !(b & 64)) || (v === -1 && b & 64)) {
        this.buf[this.len++] = b;
        return;
      }
      this.buf[this.len++] = b | 128;
    }
  }
  u64(v: number): void {
    this.need(8);
    const hi = Math.floor(v / 2 ** 32);
    new DataView(this.buf.buffer, this.buf.byteOffset).setUint32(this.len, hi);
    new DataView(this.buf.buffer, this.buf.byteOffset).setUint32(this.len + 4, v >>> 0);
    this.len += 8;
  }
  bytes(b: Uint8Array): void {
    this.need(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  cstr(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
    this.u8(0);
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** '1ns' → -9, '10ps' → -11: FST stores the timescale as a power of ten. */
export function timescaleExponent(ts: string): number {
  const m = /^\s*(1|10|100)\s*(s|ms|us|ns|ps|fs)\s*$/.exec(ts);
  if (!m) throw new RangeError(`FstWriter: unsupported timescale '${ts}'`);
  return { s: 0, ms: -3, us: -6, ns: -9, ps: -12, fs: -15 }[m[2] as 's']! + m[1]!.length - 1;
}

/** 10^exp seconds as a VCD timescale: −9 → 1ns, −11 → 10ps, −10 → 100ps. */
export function timescaleOf(exp: number): string {
  const units = ['s', 'ms', 'us', 'ns', 'ps', 'fs'];
  const k = Math.max(0, Math.ceil(-exp / 3)); // the unit whose multiplier is 1, 10 or 100
  return `${10 ** (exp + 3 * k)}${units[k]}`;
}

/** Reads varints and fixed fields from a byte array. */
export class Cursor {
  constructor(
    public b: Uint8Array,
    public p = 0,
  ) {}
  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const x = this.b[this.p++];
      if (x === undefined) throw new RangeError('FST: varint past the end');
      v += (x & 127) * scale;
      if (x < 128) return v;
      scale *= 128;
    }
  }
  svarint(): number {
    let v = 0;
    let shift = 0;
    let x: number;
    do {
      x = this.b[this.p++]!;
      v += (x & 127) * 2 ** shift;
      shift += 7;
    } while (x & 128);
    if (x & 64) v -= 2 ** shift;
    return v;
  }
  cstr(): string {
    const e = this.b.indexOf(0, this.p);
    const s = Buffer.from(this.b.buffer, this.b.byteOffset + this.p, e - this.p).toString('utf8');
    this.p = e + 1;
    return s;
  }
}

export const u64 = (b: Uint8Array, p: number): number => {
  const dv = new DataView(b.buffer, b.byteOffset);
  return dv.getUint32(p) * 2 ** 32 + dv.getUint32(p + 4);
};

export function varintLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

export /** The bits of v MSB first, left-aligned in nb bytes at buf[p]; returns the end. */
function packBits(buf: Uint8Array, p: number, v: number, w: number, nb: number): number {
  const pad = nb * 8 - w; // 0…7
  if (w <= 32) {
    const xs = (v << pad) >>> 0; // v < 2^w: the int32 shift keeps every bit
    for (let i = nb - 1; i >= 0; i--) buf[p++] = (xs >>> (8 * i)) & 255;
    return p;
  }
  const hi = Math.floor(v / 4294967296);
  const lo = v >>> 0;
  // (hi, lo) << pad; the value's nb bytes are the low nb of these 8
  const H = pad ? ((hi << pad) | (lo >>> (32 - pad))) >>> 0 : hi;
  const L = (lo << pad) >>> 0;
  for (let j = 8 - nb; j < 4; j++) buf[p++] = (H >>> (8 * (3 - j))) & 255;
  buf[p++] = L >>> 24;
  buf[p++] = (L >>> 16) & 255;
  buf[p++] = (L >>> 8) & 255;
  buf[p++] = L & 255;
  return p;
}
