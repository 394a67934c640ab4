/**
 * Minimal NumPy .npy reader/writer: versions 1.0/2.0/3.0, little-endian, C order,
 * dtypes f4, f8, i1, i2, i4. Everything is read into a Float64Array so downstream code
 * (quantizers, references) handles one element type; all five dtypes convert exactly.
 * Format spec: numpy/lib/format.py (NEP 1).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError, isErrnoException } from '../../lib/errors.ts';

export type NpyDtype = 'f4' | 'f8' | 'i1' | 'i2' | 'i4';
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: Float64Array;
}
export interface NpyInput {
  dtype: NpyDtype;
  shape: readonly number[];
  data: ArrayLike<number>;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"
const ITEM_SIZE: Record<NpyDtype, number> = { f4: 4, f8: 8, i1: 1, i2: 2, i4: 4 };
const INT_RANGE: Partial<Record<NpyDtype, [number, number]>> = {
  i1: [-0x80, 0x7f],
  i2: [-0x8000, 0x7fff],
  i4: [-0x80000000, 0x7fffffff],
};
const ARRAY_ALIGN = 64; // numpy aligns the data start to 64 bytes
const GROWTH_AXIS_MAX_DIGITS = 21; // numpy's spare header room; matching it gives byte-identical files

export function readNpy(path: string): NpyArray {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read file (${isErrnoException(e) ? e.code : String(e)})`);
  }
  return parseNpy(buf, path);
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
  const major = buf[6];
  const minor = buf[7];
  if (major < 1 || major > 3 || minor !== 0) fail(`unsupported .npy format version ${major}.${minor}`);
  const prefix = major === 1 ? 10 : 12; // magic + version + uint16 (v1) or uint32 (v2, v3) length
  if (buf.length < prefix) fail(`truncated header (file is ${buf.length} bytes)`);
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const dataStart = prefix + headerLen;
  if (buf.length < dataStart) fail(`truncated header (file is ${buf.length} bytes, header needs ${dataStart})`);
  const text = buf.toString(major === 3 ? 'utf8' : 'latin1', prefix, dataStart);

  const dict = parseHeaderDict(text, fail);
  const keys = [...dict.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') fail(`header keys are {${keys}}, expected {descr, fortran_order, shape}`);
  const dtype = parseDescr(dict.get('descr')!, fail);
  const fortran = dict.get('fortran_order');
  if (typeof fortran !== 'boolean') fail(`header fortran_order is ${JSON.stringify(fortran)}, expected True or False`);
  if (fortran) fail('fortran_order arrays are not supported; save with np.ascontiguousarray');
  const shapeVal = dict.get('shape');
  if (!Array.isArray(shapeVal) || !shapeVal.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
    fail(`header shape ${JSON.stringify(shapeVal)} is not a tuple of non-negative integers`);
  }
  const shape = shapeVal as number[];

  const count = shape.reduce((a, n) => a * n, 1);
  const size = ITEM_SIZE[dtype];
  const have = buf.length - dataStart;
  if (have !== count * size) fail(`data is ${have} bytes, shape [${shape.join(',')}] of ${dtype} needs ${count * size}`);
  return { dtype, shape, data: decode(new DataView(buf.buffer, buf.byteOffset + dataStart, have), dtype, count) };
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

function parseDescr(descr: PyValue, fail: (p: string) => never): NpyDtype {
  if (typeof descr !== 'string') return fail(`unsupported dtype ${JSON.stringify(descr)} (structured arrays are not supported)`);
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const code = m ? m[2] + m[3] : '';
  if (!m || !(code in ITEM_SIZE)) return fail(`unsupported dtype '${descr}' (supported: <f4, <f8, |i1, <i2, <i4)`);
  const dtype = code as NpyDtype;
  if (ITEM_SIZE[dtype] > 1 && m[1] !== '<') {
    fail(`unsupported dtype '${descr}' (${m[1] === '>' ? 'big-endian' : 'byte order must be <'})`);
  }
  return dtype;
}

// DataView: endian-explicit and indifferent to the Buffer's alignment inside its pool.
function decode(view: DataView, dtype: NpyDtype, count: number): Float64Array {
  const out = new Float64Array(count);
  switch (dtype) {
    case 'f4': for (let k = 0; k < count; k++) out[k] = view.getFloat32(4 * k, true); break;
    case 'f8': for (let k = 0; k < count; k++) out[k] = view.getFloat64(8 * k, true); break;
    case 'i1': for (let k = 0; k < count; k++) out[k] = view.getInt8(k); break;
    case 'i2': for (let k = 0; k < count; k++) out[k] = view.getInt16(2 * k, true); break;
    case 'i4': for (let k = 0; k < count; k++) out[k] = view.getInt32(4 * k, true); break;
  }
  return out;
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

function parseHeaderDict(text: string, fail: (p: string) => never): Map<string, PyValue> {
  let i = 0;
  const bad = (what: string): never => fail(`malformed header (${what} at offset ${i}): ${JSON.stringify(text.trimEnd())}`);
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const atom = /True|False|None|-?\d+L?/y; // 'L': Python 2 era files wrote long ints as 3L
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) bad('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
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
        const v = value();
        if (c === '{') {
          if (typeof v !== 'string') bad('non-string key');
          ws();
          if (text[i] !== ':') bad("expected ':'");
          i++;
          map.set(v as string, value());
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
  const dict = value();
  ws();
  if (i !== text.length) bad('trailing characters');
  if (!(dict instanceof Map)) return bad('not a dict');
  return dict;
}
