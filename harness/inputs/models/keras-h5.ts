// Keras' weights from HDF5, read with jsfive (pure JavaScript, reads from a buffer, no native or
// wasm part; the HDF5 features Keras' files use: groups, attributes with variable-length
// strings, contiguous and chunked/deflated datasets). Two layouts:
// - Keras 3 `model.weights.h5` (inside a .keras zip): a `vars` group per layer whose `name`
//   attribute is the layer's name, its datasets `0`, `1`, … in the layer's variable order;
// - the legacy `.h5` (Keras 2 and Keras 3's model.save('m.h5')): the config in the root
//   attribute `model_config`, weights under `model_weights/<layer>/` in the order of that
//   group's `weight_names` attribute.
import * as hdf5 from 'jsfive';
import { InputError } from '../../../lib/errors.ts';

/** One weight array: shape and values (float64, C order). */
export interface Var {
  shape: number[];
  data: Float64Array;
}

/** HDF5 files start with this signature. */
export const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export function openH5(buf: Buffer, label: string): hdf5.File {
  // jsfive reads only what it needs, so a cut-off tail would pass unnoticed: the superblock's
  // end-of-file address says how long the file is
  const eof = eofAddress(buf);
  if (eof !== null && eof > buf.length) throw new InputError(`${label}: truncated HDF5 file (its superblock says ${eof} bytes, the file has ${buf.length})`);
  try {
    return new hdf5.File(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer, label);
  } catch (e) {
    throw new InputError(`${label}: truncated or damaged HDF5 file (${oneLine(e)})`);
  }
}

/** The end-of-file address of an HDF5 superblock (versions 0–3, at offset 0), or null when unreadable. */
function eofAddress(buf: Buffer): number | null {
  if (buf.length < 48 || !buf.subarray(0, 8).equals(HDF5_MAGIC)) return null;
  const version = buf[8]!;
  const size = version >= 2 ? buf[9]! : buf[13]!; // size of offsets
  if (size !== 8 && size !== 4) return null;
  const at = version >= 2 ? 12 + 2 * size : version === 1 ? 28 + 2 * size : 24 + 2 * size;
  const base = version >= 2 ? 12 : version === 1 ? 28 : 24;
  if (at + size > buf.length) return null;
  const read = (o: number) => (size === 8 ? Number(buf.readBigUInt64LE(o)) : buf.readUInt32LE(o));
  return read(base) + read(at);
}

/** Reads through jsfive; anything it throws is a damaged file. */
function guard<T>(label: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${label}: truncated or damaged HDF5 file (${oneLine(e)})`);
  }
}

const oneLine = (e: unknown) => String(e instanceof Error ? e.message : e).split('\n')[0]!.slice(0, 160);

function toVar(d: hdf5.Dataset): Var {
  const v = d.value;
  const data = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) data[i] = Number(v[i]);
  return { shape: [...d.shape], data };
}

/** An attribute as text: h5py writes str attributes as strings, Keras 2 some as fixed-length bytes. */
function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8').replace(/\0+$/, '');
  if (Array.isArray(v) && v.length === 1) return text(v[0]);
  return null;
}

const isGroup = (x: unknown): x is hdf5.Group => x instanceof hdf5.Group && !(x instanceof hdf5.Dataset);

/** Keras 3: every layer's variables, by layer name (the optimizer's are skipped). */
export function keras3Vars(f: hdf5.File, label: string): Map<string, Var[]> {
  return guard(label, () => {
    const out = new Map<string, Var[]>();
    const walk = (g: hdf5.Group, key: string, depth: number) => {
      if (depth > 16) return;
      for (const k of g.keys) {
        if (depth === 0 && k === 'optimizer') continue;
        const c = g.get(k);
        if (!isGroup(c)) continue;
        if (k === 'vars') {
          const name = typeof c.attrs.name === 'string' ? c.attrs.name : key;
          const ds = c.keys.filter((x) => /^\d+$/.test(x)).sort((a, b) => Number(a) - Number(b));
          if (!out.has(name)) out.set(name, ds.map((x) => toVar(c.get(x) as hdf5.Dataset)));
        } else walk(c, k, depth + 1);
      }
    };
    walk(f, '', 0);
    return out;
  });
}

/** The legacy .h5: the model config (JSON) and every layer's weights, by layer name. */
export function legacyH5(f: hdf5.File, label: string): { config: unknown; vars: Map<string, Var[]> } {
  return guard(label, () => {
    const raw = text(f.attrs.model_config);
    if (raw === null)
      throw new InputError(`${label}: not a model: an HDF5 file without a Keras model_config (weights only? save the whole model: model.save('m.keras'))`);
    let config: unknown;
    try {
      config = JSON.parse(raw);
    } catch (e) {
      throw new InputError(`${label}: its model_config is not JSON (${oneLine(e)})`);
    }
    const vars = new Map<string, Var[]>();
    const root = f.keys.includes('model_weights') ? f.get('model_weights') : f;
    if (!isGroup(root)) return { config, vars };
    for (const layer of root.keys) {
      const g = root.get(layer);
      if (!isGroup(g)) continue;
      const names = g.attrs.weight_names;
      const list = Array.isArray(names) ? names.map((n) => text(n) ?? String(n)) : [];
      vars.set(layer, list.map((w) => toVar(g.get(w) as hdf5.Dataset)));
    }
    return { config, vars };
  });
}
