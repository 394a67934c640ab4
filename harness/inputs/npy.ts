/**
 * NumPy .npy reader and writer (numpy/lib/format.py, NEP 1); .npz archives: npz.ts.
 *
 * Reader, versions 1.0/2.0/3.0: every numeric dtype — b1; i1 i2 i4 i8; u1 u2 u4 u8; f2 f4 f8 —
 * in either byte order ('<', '>'; '|' and '=' mean native, as NumPy reads them), C or Fortran
 * order. Everything is read into a Float64Array in C (row-major) order of the logical shape, so
 * downstream code (quantizers, references) handles one element type and one layout: a
 * Fortran-ordered file (np.save of W.T, scikit-learn's coef_) is transposed on read and its shape
 * stays the logical shape. Every value converts exactly: f2 and f4 widen exactly, b1 reads as 0/1,
 * and an i8/u8 value outside ±(2^53 − 1) is refused (InputError naming the file and the first such
 * element, in C order) rather than rounded — labels and weights never need one.
 *
 * Refused, one line naming the file and the dtype: what is not a real number (complex, object,
 * strings, datetime64/timedelta64, void, structured) and long double (f12/f16, whose bytes mean
 * x87 extended or IEEE quad depending on the machine that wrote the file). Truncated files, a shape
 * that disagrees with the byte count, a malformed header or archive: one line too. Memory is
 * bounded by the file: the header's shape is checked against the byte count before anything is
 * allocated.
 *
 * Writer: f4, f8, i1, i2, i4, little-endian, C order, byte-identical to np.save.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import { InputError, isErrnoException } from '../../lib/errors.ts';
import { closeInput, LIMITS, openInput, readSome, showBytes, type OpenedInput } from '../../lib/limits.ts';
import { clip, parseHeaderDict, pyRepr, type PyValue } from './py-literal.ts';
import { ZIP_MAGIC } from './zip.ts';

/** The dtypes the writer writes. */
export type NpyDtype = 'f4' | 'f8' | 'i1' | 'i2' | 'i4';
/** The dtypes the reader reads (kind + item size, byte order aside). */
export type NpyReadDtype = NpyDtype | 'f2' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';
export interface NpyArray {
  dtype: NpyReadDtype;
  /** the logical shape; data is in C order of it, whatever the file's order */
  shape: number[];
  data: Float64Array;
}
export interface NpyInput {
  dtype: NpyDtype;
  shape: readonly number[];
  data: ArrayLike<number>;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]); // "PK\5\6": the end record, alone in an empty zip
const ITEM_SIZE: Record<NpyDtype, number> = { f4: 4, f8: 8, i1: 1, i2: 2, i4: 4 };
const READ_SIZE: Record<NpyReadDtype, number> = { b1: 1, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, f2: 2, f4: 4, f8: 8 };
const INT_RANGE: Partial<Record<NpyDtype, [number, number]>> = {
  i1: [-0x80, 0x7f],
  i2: [-0x8000, 0x7fff],
  i4: [-0x80000000, 0x7fffffff],
};
/** dtype kinds that hold something other than real numbers */
const NOT_NUMBERS: Record<string, string> = {
  c: 'complex',
  O: 'Python objects',
  U: 'unicode strings',
  S: 'byte strings',
  a: 'byte strings',
  M: 'datetime64',
  m: 'timedelta64',
  V: 'raw bytes (void)',
};
const READABLE = 'b1, i1–i8, u1–u8, f2–f8';
const NATIVE_LITTLE = endianness() === 'LE';
const STREAM_CHUNK = 1 << 20;
/** A header longer than this is not NumPy's (np.load itself refuses 10,000 bytes by default). */
const MAX_HEADER = 1 << 20;
const MAX_DIMS = 64; // NumPy's own limit (NPY_MAXDIMS)
const ARRAY_ALIGN = 64; // numpy aligns the data start to 64 bytes
const GROWTH_AXIS_MAX_DIGITS = 21; // numpy's spare header room; matching it gives byte-identical files

export function readNpy(path: string): NpyArray {
  return parseNpy(readInput(path), path);
}

/**
 * A file's bytes taken in as they are read, bounded by what its first bytes say: a .npy its
 * header and the data its shape needs (an array past LIMITS.arrayElements is refused from its
 * header, before the data is read; a regular file of another size from its size), a .npz (zip)
 * at most LIMITS.archiveBytes. Anything else is refused by its magic.
 */
class Intake {
  private chunks: Buffer[] = [];
  private total = 0;
  /** the bytes the file may hold in all, once its first bytes are in */
  private plan: { bytes: number; archive: boolean } | null = null;

  /** `size`: a regular file's size, null for a pipe or a device */
  constructor(
    private readonly path: string,
    private readonly size: number | null,
  ) {}

  /** How many bytes to ask for next; 0 when enough is in (a .npy: one past its data shows the excess). */
  room(): number {
    if (!this.plan) return 4096;
    return Math.max(0, Math.min(STREAM_CHUNK, this.plan.bytes + 1 - this.total));
  }

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
    if (!this.plan) this.plan = this.planFrom(Buffer.concat(this.chunks));
    if (this.plan?.archive && this.total > this.plan.bytes) throw this.tooLarge();
  }

  done(): Buffer {
    const all = Buffer.concat(this.chunks, this.total);
    if (!this.plan && all.length) this.planFrom(all); // a short file: its magic decides
    return all;
  }

  private planFrom(head: Buffer): { bytes: number; archive: boolean } | null {
    const n = Math.min(head.length, MAGIC.length);
    const k = Math.min(head.length, 4);
    const zip = [ZIP_MAGIC, EMPTY_ZIP_MAGIC].some((m) => head.subarray(0, k).equals(m.subarray(0, k))); // an empty archive starts with its end record
    if (!head.subarray(0, n).equals(MAGIC.subarray(0, n)) && !zip) throw new InputError(`${this.path}: bad magic (not a .npy or .npz file)`);
    if (head.length < MAGIC.length) return null;
    if (zip) {
      if (this.size !== null && this.size > LIMITS.archiveBytes) throw this.tooLarge();
      return { bytes: LIMITS.archiveBytes, archive: true };
    }
    const h = parseHeader(head, this.path, true);
    if (!h) return null;
    const bytes = h.dataStart + checkElements(this.path, h) * READ_SIZE[h.dtype];
    if (this.size !== null && this.size !== bytes) sizeMismatch(this.path, h, this.size - h.dataStart);
    return { bytes, archive: false };
  }

  private tooLarge(): InputError {
    return new InputError(`${this.path}: a .npz archive larger than ${showBytes(LIMITS.archiveBytes)}; save fewer or smaller arrays`);
  }
}

const cannotRead = (path: string, e: unknown): never => {
  throw new InputError(`${path}: cannot read file (${isErrnoException(e) ? e.code : String(e)})`);
};

/**
 * A file's bytes, bounded (Intake): a regular file is refused before it is read whole, a pipe
 * or a device (`<(python …)`, /dev/zero) read in chunks up to what its header allows.
 */
export function readInput(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return cannotRead(path, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(`${path}: cannot read file (EISDIR)`);
    const intake = new Intake(path, st.isFile() ? st.size : null);
    for (let room; (room = intake.room()) > 0; ) {
      const chunk = Buffer.allocUnsafe(room);
      const n = readSync(fd, chunk, 0, room, null);
      if (n === 0) break;
      intake.add(chunk.subarray(0, n));
    }
    return intake.done();
  } catch (e) {
    if (e instanceof InputError) throw e;
    return cannotRead(path, e);
  } finally {
    closeSync(fd);
  }
}

/** readInput for the CLI: asynchronous, so a silent pipe is given up on and signals are obeyed meanwhile. */
export async function readInputAsync(path: string): Promise<Buffer> {
  let input: OpenedInput;
  try {
    input = await openInput(path, 'file');
  } catch (e) {
    throw e instanceof InputError ? new InputError(e.message.replace(/\(a directory\)$/, '(EISDIR)')) : e;
  }
  try {
    const intake = new Intake(path, input.size);
    for (let room; (room = intake.room()) > 0; ) {
      const chunk = Buffer.allocUnsafe(room);
      const n = await readSome(input, chunk, path, 'file');
      if (n === 0) break;
      intake.add(chunk.subarray(0, n));
    }
    return intake.done();
  } finally {
    closeInput(input);
  }
}

/** The data's length disagrees with the header's shape. */
function sizeMismatch(name: string, h: NpyHeader, have: number): never {
  throw new InputError(`${name}: data is ${have} bytes, shape ${showShape(h.shape)} of ${h.dtype} needs ${h.count * BigInt(READ_SIZE[h.dtype])}`);
}

interface NpyHeader {
  dtype: NpyReadDtype;
  little: boolean;
  fortran: boolean;
  shape: number[];
  /** elements the shape holds (exact) */
  count: bigint;
  dataStart: number;
}

/**
 * The header of a .npy in `buf`. `partial`: buf holds the file's start only; null while the
 * header is not complete.
 */
function parseHeader(buf: Buffer, name: string, partial = false): NpyHeader | null {
  const fail = (problem: string): never => {
    throw new InputError(`${name}: ${problem}`);
  };
  const magicLen = Math.min(buf.length, MAGIC.length);
  if (!buf.subarray(0, magicLen).equals(MAGIC.subarray(0, magicLen)) || buf.length === 0) {
    fail('bad magic (not a .npy file)');
  }
  if (buf.length < 8) return partial ? null : fail(`truncated header (file is ${buf.length} bytes)`);
  const major = buf[6]!;
  const minor = buf[7]!;
  if (major < 1 || major > 3 || minor !== 0) fail(`unsupported .npy format version ${major}.${minor}`);
  const prefix = major === 1 ? 10 : 12; // magic + version + uint16 (v1) or uint32 (v2, v3) length
  if (buf.length < prefix) return partial ? null : fail(`truncated header (file is ${buf.length} bytes)`);
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  if (headerLen > MAX_HEADER) fail(`header of ${headerLen} bytes (NumPy writes a few hundred; at most ${MAX_HEADER} are read)`);
  const dataStart = prefix + headerLen;
  if (buf.length < dataStart) return partial ? null : fail(`truncated header (file is ${buf.length} bytes, header needs ${dataStart})`);
  const text = buf.toString(major === 3 ? 'utf8' : 'latin1', prefix, dataStart);

  const dict = parseHeaderDict(text, fail);
  const keys = [...dict.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') fail(`header keys are {${clip(keys)}}, expected {descr, fortran_order, shape}`);
  const { dtype, little } = parseDescr(dict.get('descr')!, fail);
  const fortran = dict.get('fortran_order');
  if (typeof fortran !== 'boolean') fail(`header fortran_order is ${clip(pyRepr(fortran!))}, expected True or False`);
  const shapeVal = dict.get('shape');
  if (!Array.isArray(shapeVal) || !shapeVal.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
    return fail(`header shape ${clip(pyRepr(shapeVal!))} is not a tuple of non-negative integers`);
  }
  const shape = shapeVal as number[];
  if (shape.length > MAX_DIMS) fail(`header shape has ${shape.length} dimensions (NumPy allows at most ${MAX_DIMS})`);
  // Exact (BigInt): no product of huge axes can round onto the file's length or under the limit.
  const count = shape.reduce((a, n) => a * BigInt(n), 1n);
  return { dtype, little, fortran: fortran as boolean, shape, count, dataStart };
}

/** An array past LIMITS.arrayElements is refused (from its header: before its data is read). */
function checkElements(name: string, h: NpyHeader): number {
  if (h.count > BigInt(LIMITS.arrayElements))
    throw new InputError(`${name}: shape ${showShape(h.shape)} holds ${h.count.toLocaleString('en-US')} values; at most ${LIMITS.arrayElements.toLocaleString('en-US')} are read (${showBytes(LIMITS.arrayElements * 8)} as float64): save fewer vectors`);
  return Number(h.count);
}

export function parseNpy(buf: Buffer, name: string): NpyArray {
  const fail = (problem: string): never => {
    throw new InputError(`${name}: ${problem}`);
  };
  const h = parseHeader(buf, name)!;
  const { dtype, little, fortran, shape, dataStart } = h;
  const size = READ_SIZE[dtype];
  const have = buf.length - dataStart;
  if (h.count * BigInt(size) !== BigInt(have)) sizeMismatch(name, h, have);
  const count = checkElements(name, h);
  const view = new DataView(buf.buffer, buf.byteOffset + dataStart, have);
  let data = decode(view, dtype, little, count);
  if (fortran) data = fortranToC(data, shape);
  if (dtype === 'i8' || dtype === 'u8') {
    // decode marks values it cannot hold exactly with NaN (an integer is never NaN otherwise)
    const k = data.findIndex(Number.isNaN);
    if (k >= 0) {
      const idx = unravel(k, shape);
      const at = fortran ? idx.reduce((acc, i, d) => acc + i * shape.slice(0, d).reduce((a, n) => a * n, 1), 0) : k;
      const v = dtype === 'i8' ? view.getBigInt64(8 * at, little) : view.getBigUint64(8 * at, little);
      fail(
        `element ${shape.length === 1 ? k : `[${idx.join(', ')}]`} is ${v}: ${dtype === 'i8' ? 'int64' : 'uint64'} values beyond ±(2^53 − 1) ` +
          `cannot be held exactly (headsim reads every value as a float64)`,
      );
    }
  }
  return { dtype, shape, data };
}

export function encodeNpy(arr: NpyInput): Buffer {
  const { dtype, shape, data } = arr;
  const size = ITEM_SIZE[dtype];
  if (size === undefined) throw new RangeError(`encodeNpy: unknown dtype '${dtype}'`);
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`encodeNpy: bad shape [${shape.join(',')}]`);
  const count = shape.reduce((a, n) => a * n, 1);
  if (data.length !== count) throw new RangeError(`encodeNpy: data has ${data.length} elements, shape [${shape.join(',')}] needs ${count}`);

  // Same text numpy writes: sorted keys, Python tuple repr, spare room after the first axis.
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descrOf(dtype)}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) header += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const hlen = header.length + 1; // + '\n'
  let prefix = 10;
  let pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
  if (hlen + pad > 0xffff) {
    prefix = 12; // version 2.0: uint32 header length
    pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
  }
  const dataStart = prefix + hlen + pad;
  const buf = Buffer.alloc(dataStart + count * size);
  MAGIC.copy(buf, 0);
  buf[6] = prefix === 10 ? 1 : 2;
  buf[7] = 0;
  if (prefix === 10) buf.writeUInt16LE(hlen + pad, 8);
  else buf.writeUInt32LE(hlen + pad, 8);
  buf.write(header, prefix, 'latin1');
  buf.fill(0x20, prefix + header.length, dataStart - 1);
  buf[dataStart - 1] = 0x0a;
  encode(new DataView(buf.buffer, buf.byteOffset + dataStart, count * size), dtype, data);
  return buf;
}

export function writeNpy(path: string, arr: NpyInput): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeNpy(arr));
}

function descrOf(dtype: NpyDtype): string {
  return (dtype === 'i1' ? '|' : '<') + dtype;
}

function parseDescr(descr: PyValue, fail: (p: string) => never): { dtype: NpyReadDtype; little: boolean } {
  if (typeof descr !== 'string') {
    if (!Array.isArray(descr)) return fail(`dtype ${clip(pyRepr(descr))} is not a type string`);
    const fields = descr.map((f) => (Array.isArray(f) && typeof f[0] === 'string' ? `'${f[0]}'` : '?')).join(', ');
    return fail(`dtype is structured (fields ${clip(fields)}), not plain numbers (headsim reads ${READABLE}; save each field as its own array)`);
  }
  const m = /^([<>|=]?)([a-zA-Z])(\d*)(\[\w+\])?$/.exec(descr);
  const kind = m?.[2] ?? '';
  if (kind in NOT_NUMBERS) return fail(`dtype '${clip(descr)}' is ${NOT_NUMBERS[kind]}, not real numbers (headsim reads ${READABLE})`);
  const code = m && !m[4] ? kind + m[3] : '';
  if (code === 'f12' || code === 'f16') {
    return fail(`dtype '${descr}' is long double, whose bytes depend on the machine that wrote it; save with a.astype(np.float64)`);
  }
  if (!(code in READ_SIZE)) return fail(`unsupported dtype '${clip(descr)}' (headsim reads ${READABLE})`);
  const order = m![1];
  return { dtype: code as NpyReadDtype, little: order === '<' || (order !== '>' && NATIVE_LITTLE) };
}

const TWO32 = 0x1_0000_0000;
/** 2^(e − 25) for the 5-bit exponent e of a float16: a normal f2 is (1024 + mantissa) · 2^(e − 25). */
const F2_SCALE = Float64Array.from({ length: 32 }, (_, e) => 2 ** (e - 25));

/**
 * The file's elements in file order. DataView: endian-explicit and indifferent to the Buffer's
 * alignment inside its pool. i8/u8 outside the safe integers become NaN (see parseNpy).
 */
function decode(view: DataView, dtype: NpyReadDtype, le: boolean, count: number): Float64Array {
  const out = new Float64Array(count);
  const lo = le ? 0 : 4; // offset of the low 32-bit word of a 64-bit integer
  const hi = 4 - lo;
  switch (dtype) {
    case 'b1': for (let k = 0; k < count; k++) out[k] = view.getUint8(k) === 0 ? 0 : 1; break;
    case 'i1': for (let k = 0; k < count; k++) out[k] = view.getInt8(k); break;
    case 'u1': for (let k = 0; k < count; k++) out[k] = view.getUint8(k); break;
    case 'i2': for (let k = 0; k < count; k++) out[k] = view.getInt16(2 * k, le); break;
    case 'u2': for (let k = 0; k < count; k++) out[k] = view.getUint16(2 * k, le); break;
    case 'i4': for (let k = 0; k < count; k++) out[k] = view.getInt32(4 * k, le); break;
    case 'u4': for (let k = 0; k < count; k++) out[k] = view.getUint32(4 * k, le); break;
    // hi · 2^32 is exact and + lo rounds once (monotonically), so a rounded v within the safe
    // range means the true value is, and then v is exact.
    case 'i8':
      for (let k = 0; k < count; k++) {
        const v = view.getInt32(8 * k + hi, le) * TWO32 + view.getUint32(8 * k + lo, le);
        out[k] = v >= -Number.MAX_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? v : NaN;
      }
      break;
    case 'u8':
      for (let k = 0; k < count; k++) {
        const v = view.getUint32(8 * k + hi, le) * TWO32 + view.getUint32(8 * k + lo, le);
        out[k] = v <= Number.MAX_SAFE_INTEGER ? v : NaN;
      }
      break;
    case 'f2':
      for (let k = 0; k < count; k++) {
        const h = view.getUint16(2 * k, le);
        const e = (h >> 10) & 0x1f, mant = h & 0x3ff;
        const mag = e === 0 ? mant * 2 ** -24 : e === 31 ? (mant ? NaN : Infinity) : (1024 + mant) * F2_SCALE[e]!;
        out[k] = h & 0x8000 ? -mag : mag;
      }
      break;
    case 'f4': for (let k = 0; k < count; k++) out[k] = view.getFloat32(4 * k, le); break;
    case 'f8': for (let k = 0; k < count; k++) out[k] = view.getFloat64(8 * k, le); break;
  }
  return out;
}

/** Elements in Fortran order (first axis fastest) → the same array in C order. */
function fortranToC(src: Float64Array, shape: readonly number[]): Float64Array {
  const nd = shape.length;
  if (nd < 2 || src.length === 0) return src; // 0-d and 1-d: both orders are one
  const out = new Float64Array(src.length);
  if (nd === 2) {
    const [rows, cols] = shape as [number, number];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = src[c * rows + r]!;
    return out;
  }
  const stride: number[] = [];
  for (let d = 0, s = 1; d < nd; d++) [stride[d], s] = [s, s * shape[d]!];
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = src[off]!;
    for (let d = nd - 1; d >= 0; d--) {
      // odometer over the C index, last axis fastest
      off += stride[d]!;
      if (++idx[d]! < shape[d]!) break;
      off -= stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}

function showShape(shape: readonly number[]): string {
  return shape.length > 8 ? `[${shape.slice(0, 8).join(',')},… (${shape.length} dims)]` : `[${shape.join(',')}]`;
}

function encode(view: DataView, dtype: NpyDtype, data: ArrayLike<number>): void {
  const n = data.length;
  const range = INT_RANGE[dtype];
  if (range) {
    // DataView would silently wrap; an out-of-range integer is a caller bug.
    for (let k = 0; k < n; k++) {
      const v = data[k];
      if (!Number.isInteger(v) || v < range[0] || v > range[1]) throw new RangeError(`encodeNpy: element ${k} = ${v} does not fit ${dtype}`);
    }
  }
  switch (dtype) {
    case 'f4': for (let k = 0; k < n; k++) view.setFloat32(4 * k, data[k], true); break;
    case 'f8': for (let k = 0; k < n; k++) view.setFloat64(8 * k, data[k], true); break;
    case 'i1': for (let k = 0; k < n; k++) view.setInt8(k, data[k]); break;
    case 'i2': for (let k = 0; k < n; k++) view.setInt16(2 * k, data[k], true); break;
    case 'i4': for (let k = 0; k < n; k++) view.setInt32(4 * k, data[k], true); break;
  }
}
