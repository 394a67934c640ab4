/**
 * NumPy .npy reader and writer, and a .npz (np.savez / np.savez_compressed) reader.
 * Formats: numpy/lib/format.py (NEP 1); .npz is a zip of .npy members, stored or deflated.
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
 * allocated, and a .npz member is inflated only up to its declared size, which must be possible for
 * its compressed size (deflate expands at most ~1032×).
 *
 * .npz: a reader of the zip central directory (zip64 too: NumPy forces zip64 local headers) plus
 * Node's zlib.inflateRawSync, not an npm zip library: the small synchronous one (fflate 0.8.3's
 * unzipSync) allocates each member from its declared size and loops over an entry count it does
 * not check against the file, so it would need these same bounds around it; zlib is native, bounds
 * the output itself (maxOutputLength) and, from Node 20.15, checks each member's CRC-32.
 *
 * Writer: f4, f8, i1, i2, i4, little-endian, C order, byte-identical to np.save.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { dirname } from 'node:path';
import * as zlib from 'node:zlib';
import { InputError, isErrnoException } from '../../lib/errors.ts';

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
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]); // "PK\3\4", what np.load looks for
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
const STREAM_MAX = 2 ** 31; // from a pipe or device; a regular file is bounded by its size
const MAX_DIMS = 64; // NumPy's own limit (NPY_MAXDIMS)
const MAX_NESTING = 32; // header literals nest this deep at most (structured dtypes); bounds the recursion
const ARRAY_ALIGN = 64; // numpy aligns the data start to 64 bytes
const GROWTH_AXIS_MAX_DIGITS = 21; // numpy's spare header room; matching it gives byte-identical files

export function readNpy(path: string): NpyArray {
  return parseNpy(readInput(path), path);
}

/**
 * A file's bytes. A regular file is read at its size; a pipe or device (`<(python …)`, /dev/zero)
 * in chunks, refused as soon as its first bytes cannot start a .npy or .npz, and capped.
 */
function readInput(path: string): Buffer {
  const cannot = (e: unknown): never => {
    throw new InputError(`${path}: cannot read file (${isErrnoException(e) ? e.code : String(e)})`);
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return cannot(e);
  }
  try {
    if (fstatSync(fd).isFile()) return readFileSync(fd);
    const chunks: Buffer[] = [];
    const chunk = Buffer.allocUnsafe(STREAM_CHUNK);
    let total = 0;
    for (let n; (n = readSync(fd, chunk, 0, STREAM_CHUNK, null)) > 0; ) {
      chunks.push(Buffer.from(chunk.subarray(0, n))); // a copy: a pipe gives 64 KiB at a time
      const before = total;
      total += n;
      if (before < MAGIC.length && total >= MAGIC.length) {
        const head = Buffer.concat(chunks).subarray(0, MAGIC.length);
        if (!head.equals(MAGIC) && !head.subarray(0, 4).equals(ZIP_MAGIC)) throw new InputError(`${path}: bad magic (not a .npy or .npz file)`);
      }
      if (total > STREAM_MAX) throw new InputError(`${path}: more than ${STREAM_MAX} bytes from a pipe or device; save it to a file`);
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof InputError) throw e;
    return cannot(e);
  } finally {
    closeSync(fd);
  }
}

export function parseNpy(buf: Buffer, name: string): NpyArray {
  const fail = (problem: string): never => {
    throw new InputError(`${name}: ${problem}`);
  };
  const magicLen = Math.min(buf.length, MAGIC.length);
  if (!buf.subarray(0, magicLen).equals(MAGIC.subarray(0, magicLen)) || buf.length === 0) {
    fail('bad magic (not a .npy file)');
  }
  if (buf.length < 8) fail(`truncated header (file is ${buf.length} bytes)`);
  const major = buf[6]!;
  const minor = buf[7]!;
  if (major < 1 || major > 3 || minor !== 0) fail(`unsupported .npy format version ${major}.${minor}`);
  const prefix = major === 1 ? 10 : 12; // magic + version + uint16 (v1) or uint32 (v2, v3) length
  if (buf.length < prefix) fail(`truncated header (file is ${buf.length} bytes)`);
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const dataStart = prefix + headerLen;
  if (buf.length < dataStart) fail(`truncated header (file is ${buf.length} bytes, header needs ${dataStart})`);
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

  // Exact (BigInt) so that no product of huge axes can round onto the file's length.
  const size = READ_SIZE[dtype];
  const need = shape.reduce((a, n) => a * BigInt(n), 1n) * BigInt(size);
  const have = buf.length - dataStart;
  if (need !== BigInt(have)) fail(`data is ${have} bytes, shape ${showShape(shape)} of ${dtype} needs ${need}`);
  const count = have / size;
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

/** A .npz archive: its arrays by name (member 'W.npy' → 'W'), decoded on demand. */
export interface NpzArchive {
  /** array names in archive order */
  names: string[];
  /** the array; its messages name it FILE.npz:NAME */
  read(name: string): NpyArray;
}

export function readNpz(path: string): NpzArchive {
  return parseNpz(readInput(path), path);
}

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
}

export function parseNpz(buf: Buffer, name: string): NpzArchive {
  const fail = (problem: string): never => {
    throw new InputError(`${name}: ${problem}`);
  };
  const members = new Map<string, ZipEntry>();
  for (const e of zipDirectory(buf, fail)) {
    if (!e.name.endsWith('.npy')) continue; // np.savez writes only .npy members; np.load would return others as bytes
    const key = e.name.slice(0, -4);
    if (members.has(key)) fail(`holds the member ${clip(e.name)} twice`);
    members.set(key, e);
  }
  return {
    names: [...members.keys()],
    read(key: string): NpyArray {
      const e = members.get(key);
      if (!e) return fail(`has no array '${clip(key)}' (it holds ${listNames([...members.keys()])})`);
      return parseNpy(zipMember(buf, e, (p) => fail(`member ${clip(e.name)}: ${p}`)), `${name}:${clip(key)}`);
    },
  };
}

function listNames(names: string[]): string {
  if (!names.length) return 'no .npy members';
  return clip(names.map((n) => `'${n}'`).join(', '), 200);
}

/** The central directory (zip64 too), every field checked against the file before use. */
function zipDirectory(buf: Buffer, fail: (p: string) => never): ZipEntry[] {
  const notZip = (why: string): never => fail(`not a valid .npz (zip) archive: ${why}`);
  let eocd = -1;
  for (let p = buf.length - 22; p >= Math.max(0, buf.length - 22 - 0xffff); p--) {
    if (buf.readUInt32LE(p) === 0x06054b50 && p + 22 + buf.readUInt16LE(p + 20) <= buf.length) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) notZip('no end-of-central-directory record (truncated?)');
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdStart = buf.readUInt32LE(eocd + 16);
  if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === 0x07064b50) {
    const at = buf.readBigUInt64LE(eocd - 12);
    if (at > BigInt(eocd - 20 - 56)) notZip('zip64 end-of-central-directory record outside the file');
    const z = Number(at);
    if (buf.readUInt32LE(z) !== 0x06064b50) notZip('bad zip64 end-of-central-directory record');
    const [n, size, start] = [buf.readBigUInt64LE(z + 32), buf.readBigUInt64LE(z + 40), buf.readBigUInt64LE(z + 48)];
    if (start + size > BigInt(z)) notZip('central directory outside the file');
    [count, cdSize, cdStart] = [Number(n > BigInt(buf.length) ? BigInt(buf.length) : n), Number(size), Number(start)];
  }
  if (cdStart + cdSize > eocd) notZip('central directory outside the file');
  if (count * 46 > cdSize) notZip(`${count} entries cannot fit a ${cdSize}-byte central directory`);
  const entries: ZipEntry[] = [];
  const end = cdStart + cdSize;
  for (let p = cdStart, k = 0; k < count; k++) {
    if (p + 46 > end || buf.readUInt32LE(p) !== 0x02014b50) notZip(`central directory entry ${k} is damaged`);
    const flags = buf.readUInt16LE(p + 8);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > end) notZip(`central directory entry ${k} is damaged`);
    const e: ZipEntry = {
      name: buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen),
      flags,
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      csize: buf.readUInt32LE(p + 20),
      usize: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
    };
    // zip64 extra field (id 1): 8-byte values for exactly those fields that are 0xFFFFFFFF
    const wide = (['usize', 'csize', 'offset'] as const).filter((f) => e[f] === 0xffffffff);
    if (wide.length) {
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd && buf.readUInt16LE(x) !== 1) x += 4 + buf.readUInt16LE(x + 2);
      if (x + 4 > xEnd || buf.readUInt16LE(x + 2) < 8 * wide.length || x + 4 + 8 * wide.length > xEnd) {
        notZip(`entry ${clip(e.name)} lacks its zip64 sizes`);
      }
      wide.forEach((f, j) => {
        const v = buf.readBigUInt64LE(x + 4 + 8 * j);
        e[f] = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
      });
    }
    entries.push(e);
    p = next;
  }
  return entries;
}

/** A member's bytes: stored, or deflated and inflated up to its declared size. */
function zipMember(buf: Buffer, e: ZipEntry, fail: (p: string) => never): Buffer {
  if (e.flags & 0x1) fail('encrypted');
  const p = e.offset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== 0x04034b50) fail('local header missing (damaged archive)');
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  if (start + e.csize > buf.length) fail(`truncated (${e.csize} bytes declared, ${Math.max(0, buf.length - start)} present)`);
  const raw = buf.subarray(start, start + e.csize);
  let data: Buffer;
  if (e.method === 0) {
    if (e.usize !== e.csize) fail(`stored member declares ${e.usize} bytes but holds ${e.csize}`);
    data = raw;
  } else if (e.method === 8) {
    // deflate expands at most 1032:1; a larger declared size is a damaged (or hostile) archive
    if (e.usize > 1032 * e.csize + 64) fail(`declares ${e.usize} bytes, impossible from ${e.csize} deflated bytes`);
    try {
      data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.usize) });
    } catch (err) {
      return fail(`damaged deflate data (${clip(String((err as Error).message ?? err).split('\n')[0]!)})`);
    }
    if (data.length !== e.usize) fail(`inflates to ${data.length} bytes, ${e.usize} declared`);
  } else {
    return fail(`compression method ${e.method} is not read (np.savez writes stored or deflated members)`);
  }
  // zlib.crc32 is in Node ≥ 20.15
  const crc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (crc32 && crc32(data) !== e.crc) fail('CRC mismatch (damaged archive)');
  return data;
}

/** A source flag's value: FILE.npy, FILE.npz, or FILE.npz:NAME (one member). */
export function parseArraySpec(spec: string): { path: string; member?: string } {
  const m = /^(.+\.np[yz]):([^:/\\]+)$/i.exec(spec); // .npy:NAME too, to say it has no members
  return m ? { path: m[1]!, member: m[2]! } : { path: spec };
}

export interface LoadedArray {
  /** where it came from, for messages: W.npy, or model.npz:W */
  label: string;
  array: NpyArray;
}

/**
 * The array a source flag names, by the file's magic as np.load decides (.npy or a zip = .npz).
 * FILE.npz:NAME: its member NAME. FILE.npz alone: its only array, else its member `member`
 * (e.g. 'W'), else an error listing what it holds. `companion` (e.g. 'b' beside 'W'): returned too
 * when FILE.npz alone holds it besides the main array.
 */
export function loadArray(spec: string, member: string, companion?: string): { main: LoadedArray; companion?: LoadedArray } {
  const { path, member: named } = parseArraySpec(spec);
  const buf = readInput(path);
  if (buf.subarray(0, 4).equals(ZIP_MAGIC) || (buf.length >= 22 && buf.readUInt32LE(0) === 0x06054b50)) {
    const z = parseNpz(buf, path);
    const pick = named ?? (z.names.length === 1 ? z.names[0]! : member);
    if (named === undefined && !z.names.includes(pick)) {
      if (!z.names.length) throw new InputError(`${path}: holds no arrays (no .npy members)`);
      throw new InputError(`${path}: holds ${listNames(z.names)} but no '${member}'; name the array, e.g. ${path}:${z.names[0]}`);
    }
    const main = { label: `${path}:${clip(pick)}`, array: z.read(pick) };
    const other = named === undefined && companion !== undefined && companion !== pick && z.names.includes(companion);
    return { main, ...(other ? { companion: { label: `${path}:${companion}`, array: z.read(companion) } } : {}) };
  }
  if (named !== undefined) throw new InputError(`${spec}: ${path} is not a .npz archive, so it has no member '${named}'`);
  return { main: { label: path, array: parseNpy(buf, path) } };
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

/** Text from the file, for a message: on one line (control characters escaped) and short. */
function clip(s: string, max = 120): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  return t.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
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


/** The subset of Python literals a .npy header uses; tuples and lists both become arrays. */
type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

function pyRepr(v: PyValue): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `(${v.map(pyRepr).join(', ')})`;
  return `{${[...v].map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
}

function parseHeaderDict(text: string, fail: (p: string) => never): Map<string, PyValue> {
  let i = 0;
  const bad = (what: string): never => fail(`malformed header (${what} at offset ${i}): ${clip(JSON.stringify(text.trimEnd()))}`);
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const atom = /True|False|None|-?\d+L?/y; // 'L': Python 2 era files wrote long ints as 3L
  const value = (depth: number): PyValue => {
    if (depth > MAX_NESTING) bad(`nested deeper than ${MAX_NESTING}`);
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      let s = '';
      for (i++; i < text.length && text[i] !== c; i++) s += text[i] === '\\' ? text[++i] ?? '' : text[i]; // \' inside field names
      if (i >= text.length) bad('unterminated string');
      i++;
      return s;
    }
    if (c === '(' || c === '[' || c === '{') {
      const close = c === '(' ? ')' : c === '[' ? ']' : '}';
      const items: PyValue[] = [];
      const map = new Map<string, PyValue>();
      i++;
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return c === '{' ? map : items;
        }
        const v = value(depth + 1);
        if (c === '{') {
          if (typeof v !== 'string') bad('non-string key');
          ws();
          if (text[i] !== ':') bad("expected ':'");
          i++;
          map.set(v as string, value(depth + 1));
        } else {
          items.push(v);
        }
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) bad(`expected ',' or '${close}'`);
      }
    }
    atom.lastIndex = i;
    const m = atom.exec(text);
    if (!m) return bad('unexpected character');
    i += m[0].length;
    const t = m[0];
    return t === 'True' ? true : t === 'False' ? false : t === 'None' ? null : Number(t.replace('L', ''));
  };
  const dict = value(0);
  ws();
  if (i !== text.length) bad('trailing characters');
  if (!(dict instanceof Map)) return bad('not a dict');
  return dict;
}
