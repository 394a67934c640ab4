// An ONNX model as headsim reads it: the protobuf decoded by onnx-proto (the ONNX schema for
// protobufjs), its tensors as float64 arrays, and the graph's wiring (who produces a tensor, who
// consumes it, which tensors are constants). Weights stored outside the file (external data,
// what torch.onnx writes for large models) are read from the files beside the model.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import onnxProto from 'onnx-proto';
import { InputError } from '../../../lib/errors.ts';

export const { onnx } = onnxProto;
export type Node = onnxProto.onnx.INodeProto;
export type Tensor = onnxProto.onnx.ITensorProto;
export type Model = onnxProto.onnx.ModelProto;

type Int64 = number | { toNumber(): number };
export const int = (v: Int64 | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());

/** A float64 copy of a constant: its values in C order and its shape. */
export interface Const {
  shape: number[];
  data: Float64Array;
  /** the ONNX element type (1 float, 3 int8, 2 uint8, …) */
  type: number;
}

const T = onnx.TensorProto.DataType;
/** element type → [bytes, reader of raw little-endian data] */
const RAW: Record<number, [number, (v: DataView, o: number) => number]> = {
  [T.FLOAT]: [4, (v, o) => v.getFloat32(o, true)],
  [T.DOUBLE]: [8, (v, o) => v.getFloat64(o, true)],
  [T.INT8]: [1, (v, o) => v.getInt8(o)],
  [T.UINT8]: [1, (v, o) => v.getUint8(o)],
  [T.INT16]: [2, (v, o) => v.getInt16(o, true)],
  [T.UINT16]: [2, (v, o) => v.getUint16(o, true)],
  [T.INT32]: [4, (v, o) => v.getInt32(o, true)],
  [T.UINT32]: [4, (v, o) => v.getUint32(o, true)],
  [T.INT64]: [8, (v, o) => Number(v.getBigInt64(o, true))],
  [T.UINT64]: [8, (v, o) => Number(v.getBigUint64(o, true))],
  [T.BOOL]: [1, (v, o) => v.getUint8(o)],
  [T.FLOAT16]: [2, (v, o) => half(v.getUint16(o, true))],
  [T.BFLOAT16]: [2, (v, o) => new Float32Array(new Uint32Array([v.getUint16(o, true) << 16]).buffer)[0]!],
};

function half(h: number): number {
  const e = (h >> 10) & 0x1f, m = h & 0x3ff;
  const mag = e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1024 + m) * 2 ** (e - 25);
  return h & 0x8000 ? -mag : mag;
}

/** The decoded model; every way a file can fail to be one is an InputError naming it. */
export function decodeModel(path: string, buf: Buffer): Model {
  let m: Model;
  try {
    m = onnx.ModelProto.decode(buf);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new InputError(
      /\.onnx$/i.test(path)
        ? `${path}: truncated or damaged ONNX file (protobuf: ${why})`
        : `${path}: not a model (neither a Keras .keras or .h5 nor an ONNX protobuf: ${why})`,
    );
  }
  if (!m.graph || !m.graph.node?.length || !m.opsetImport?.length || int(m.irVersion) < 3)
    throw new InputError(
      /\.onnx$/i.test(path)
        ? `${path}: truncated or damaged ONNX file (it decodes to no graph)`
        : `${path}: not a model (expected a Keras .keras or .h5, or an ONNX file with a graph; this decodes to no ONNX graph)`,
    );
  // a file cut at a field boundary decodes, but without the tensors at its end
  const defined = new Set([...(m.graph.input ?? []), ...(m.graph.initializer ?? [])].map((t) => t.name));
  for (const n of m.graph.node) for (const o of n.output ?? []) defined.add(o);
  for (const n of m.graph.node)
    for (const i of n.input ?? [])
      if (i && !defined.has(i) && !n.opType?.match(/^(If|Loop|Scan)$/))
        throw new InputError(`${path}: truncated or damaged ONNX file (tensor '${i}', an input of ${n.opType} '${n.name ?? ''}', is defined nowhere)`);
  return m;
}

/** The opset of the default (ai.onnx) domain. */
export const opsetOf = (m: Model) => int(m.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version);

/** The graph's wiring, built once. */
export class Graph {
  readonly nodes: Node[];
  readonly producer = new Map<string, Node>();
  readonly consumers = new Map<string, Node[]>();
  readonly initializers = new Map<string, Tensor>();
  constructor(readonly path: string, readonly model: Model) {
    const g = model.graph!;
    this.nodes = g.node ?? [];
    for (const t of g.initializer ?? []) this.initializers.set(t.name ?? '', t);
    for (const n of this.nodes) {
      for (const o of n.output ?? []) this.producer.set(o, n);
      for (const i of n.input ?? []) if (i) (this.consumers.get(i) ?? this.consumers.set(i, []).get(i)!).push(n);
    }
  }

  /** A node's name for messages: its name, else its op and first output. */
  name(n: Node): string {
    return n.name || `${n.opType}:${n.output?.[0] ?? '?'}`;
  }

  /** The value of a constant tensor (an initializer or a Constant node's output); null when computed. */
  constant(name: string): Const | null {
    const t = this.initializers.get(name);
    if (t) return this.tensor(t, name);
    const n = this.producer.get(name);
    if (n?.opType === 'Constant') {
      const a = n.attribute?.find((x) => x.name === 'value');
      if (a?.t) return this.tensor(a.t, name);
      const f = n.attribute?.find((x) => x.name === 'value_float' || x.name === 'value_int');
      if (f) return { shape: [], data: Float64Array.of(f.name === 'value_float' ? (f.f ?? 0) : int(f.i)), type: f.name === 'value_float' ? T.FLOAT : T.INT64 };
    }
    return null;
  }

  tensor(t: Tensor, name: string): Const {
    const shape = (t.dims ?? []).map(int);
    const count = shape.reduce((a, b) => a * b, 1);
    const type = t.dataType ?? 0;
    const bad = (why: string): never => {
      throw new InputError(`${this.path}: tensor '${name}': ${why}`);
    };
    let raw: Uint8Array | null = t.rawData?.length ? t.rawData : null;
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) raw = this.external(t, name);
    const data = new Float64Array(count);
    if (raw) {
      const spec = RAW[type] ?? bad(`element type ${type} is not read`);
      if (raw.length !== count * spec[0]) bad(`holds ${raw.length} bytes for ${count} values of ${spec[0]} bytes (truncated?)`);
      const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let k = 0; k < count; k++) data[k] = spec[1](v, k * spec[0]);
    } else {
      const typed: ArrayLike<Int64> | null | undefined =
        type === T.FLOAT || type === T.COMPLEX64 ? t.floatData : type === T.DOUBLE ? t.doubleData : type === T.INT64 ? t.int64Data : type === T.UINT64 || type === T.UINT32 ? t.uint64Data : t.int32Data;
      const vals = typed ?? [];
      if (vals.length !== count) bad(`holds ${vals.length} values, its shape [${shape}] needs ${count}`);
      for (let k = 0; k < count; k++) data[k] = type === T.FLOAT16 ? half(int(vals[k])) : int(vals[k]);
    }
    return { shape, data, type };
  }

  /** External data: location, offset and length of the bytes in a file beside the model. */
  private external(t: Tensor, name: string): Uint8Array {
    const kv = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
    const dir = resolve(dirname(this.path));
    const file = resolve(join(dir, kv.location ?? ''));
    if (!kv.location || !file.startsWith(dir)) throw new InputError(`${this.path}: tensor '${name}': external data location '${kv.location ?? ''}' is not a file beside the model`);
    let all: Buffer;
    try {
      all = readFileSync(file);
    } catch (e) {
      throw new InputError(`${this.path}: tensor '${name}': its external data ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`);
    }
    const off = Number(kv.offset ?? 0), len = kv.length !== undefined ? Number(kv.length) : all.length - off;
    if (off + len > all.length) throw new InputError(`${file}: truncated (tensor '${name}' needs bytes ${off}…${off + len}, the file has ${all.length})`);
    return all.subarray(off, off + len);
  }

  attr(n: Node, name: string): { i?: number; f?: number; s?: string } | undefined {
    const a = n.attribute?.find((x) => x.name === name);
    if (!a) return undefined;
    return { i: int(a.i), f: a.f ?? 0, s: a.s ? Buffer.from(a.s).toString('utf8') : '' };
  }

  /** The single consumer of a tensor, or null (none, several, or a graph output too). */
  onlyConsumer(tensor: string): Node | null {
    const c = this.consumers.get(tensor) ?? [];
    const isOutput = this.model.graph!.output?.some((o) => o.name === tensor);
    return c.length === 1 && !isOutput ? c[0]! : null;
  }
}
