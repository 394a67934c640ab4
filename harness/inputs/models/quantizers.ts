// Quantizers in an ONNX graph: QONNX `Quant` (what Brevitas exports, domain qonnx.custom_op.general)
// and QuantizeLinear / DequantizeLinear (QDQ). Two jobs:
// - the head's formats: a quantizer on the head's input, weights or bias with one power-of-two
//   scale and a zero point of 0 is exactly a signed fixed-point format {width, frac} (unsigned
//   b bits → width b + 1); anything else (a per-channel or non-power-of-two scale, an offset)
//   has no such format, and the report says so;
// - running the graph: onnxruntime has no `Quant`, so each one becomes the standard ops that
//   compute it (Div, Add, Round, Clip, Sub, Mul), which is QONNX's own definition.
import type { Fmt } from '../../../models/numerics.ts';
import { InputError } from '../../../lib/errors.ts';
import { Graph, onnx, type Const, type Model, type Node } from './onnx-graph.ts';
import type { ModelFormat } from './model.ts';

export const QONNX_DOMAINS = ['qonnx.custom_op.general', 'finn.custom_op.general', 'onnx.brevitas'];
const isQonnx = (n: Node) => QONNX_DOMAINS.includes(n.domain ?? '');
export const isQuant = (n: Node) => n.opType === 'Quant' && isQonnx(n);
/** A quantizer the head's inputs may pass through on their way from the body. */
export const isQuantizer = (n: Node) => isQuant(n) || n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear';

const T = onnx.TensorProto.DataType;
/** integer element type of a QDQ tensor → [bits, signed] */
const INT_TYPES: Record<number, [number, boolean]> = { [T.INT8]: [8, true], [T.UINT8]: [8, false], [T.INT16]: [16, true], [T.UINT16]: [16, false], [T.INT32]: [32, true] };

/** Round half to even, as ONNX Round, QuantizeLinear and QONNX's ROUND do. */
export function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface QuantSpec {
  scale: Const;
  zero: Const;
  bits: number;
  signed: boolean;
  narrow: boolean;
  /** description for the report */
  what: string;
}

function scalar(c: Const | null): number | null {
  return c && c.data.length === 1 ? c.data[0]! : null;
}

/** The spec of a Quant or DequantizeLinear node (QuantizeLinear: of its DequantizeLinear partner). */
function specOf(g: Graph, n: Node): QuantSpec | null {
  const name = g.name(n);
  if (isQuant(n)) {
    const [, s, z, b] = n.input ?? [];
    const scale = g.constant(s ?? ''), zero = g.constant(z ?? ''), bits = scalar(g.constant(b ?? ''));
    if (!scale || !zero || bits === null) return null;
    const signed = (g.attr(n, 'signed')?.i ?? 1) === 1, narrow = (g.attr(n, 'narrow')?.i ?? 0) === 1;
    return { scale, zero, bits, signed, narrow, what: `Quant '${name}'` };
  }
  if (n.opType === 'DequantizeLinear' || n.opType === 'QuantizeLinear') {
    const [x, s, z] = n.input ?? [];
    const scale = g.constant(s ?? '');
    const zero = z ? g.constant(z) : { shape: [], data: Float64Array.of(0), type: T.UINT8 };
    // the integer type: the zero point's, else the quantized tensor's (a constant of int8 weights)
    const type = z ? zero?.type : n.opType === 'DequantizeLinear' ? g.constant(x ?? '')?.type : T.UINT8;
    const t = INT_TYPES[type ?? -1];
    if (!scale || !zero || !t) return null;
    return { scale, zero, bits: t[0], signed: t[1], narrow: false, what: `${n.opType} '${name}'` };
  }
  return null;
}

/** The fixed-point format a quantizer is, or why it is none. */
export function formatOf(g: Graph, n: Node): ModelFormat | { why: string } {
  const q = specOf(g, n);
  if (!q) return { why: `${g.name(n)}: its scale, zero point or bit width is not a constant` };
  const s = scalar(q.scale), z = scalar(q.zero);
  if (s === null) return { why: `${q.what}: a scale per channel (${q.scale.data.length} scales) is not one fixed-point format` };
  if (z !== 0) return { why: `${q.what}: zero point ${z} (an offset) is not a signed fixed-point format` };
  const frac = -Math.log2(s);
  if (!(s > 0) || !Number.isInteger(frac)) return { why: `${q.what}: scale ${s} is not a power of two, so not a fixed-point format` };
  if (!Number.isInteger(q.bits) || q.bits < 1) return { why: `${q.what}: bit width ${q.bits}` };
  const fmt: Fmt = { width: q.signed ? q.bits : q.bits + 1, frac };
  return { fmt, from: `${q.what} (${q.signed ? 'signed' : 'unsigned'} ${q.bits} bits, scale 2^${-frac})` };
}

/** Fake-quantizes a constant as the node does: what the model computes with. */
export function quantizeConst(g: Graph, n: Node, x: Const): Const {
  const q = specOf(g, n);
  if (!q) throw new InputError(`${g.path}: ${g.name(n)}: its scale, zero point or bit width is not a constant`);
  const at = (c: Const, k: number, axisLen: number) => (c.data.length === 1 ? c.data[0]! : c.data[Math.floor(k / axisLen) % c.data.length]!);
  // per-channel parameters run along axis 0 here (weights [out, …]); one value is the common case
  const inner = x.data.length / Math.max(1, q.scale.data.length);
  const lo = q.signed ? -(2 ** (q.bits - 1)) + (q.narrow ? 1 : 0) : 0;
  const hi = q.signed ? 2 ** (q.bits - 1) - 1 : 2 ** q.bits - 1 - (q.narrow ? 1 : 0);
  const out = new Float64Array(x.data.length);
  const dequantOnly = n.opType === 'DequantizeLinear' && INT_TYPES[x.type] !== undefined;
  for (let k = 0; k < out.length; k++) {
    const s = at(q.scale, k, inner), z = at(q.zero, k, inner);
    const v = dequantOnly ? x.data[k]! : Math.min(hi, Math.max(lo, roundEven(x.data[k]! / s + z)));
    out[k] = Math.fround((v - z) * s);
  }
  return { shape: x.shape, data: out, type: T.FLOAT };
}

/**
 * Replaces every QONNX Quant node by the standard ops that compute it, in place, so onnxruntime
 * runs the graph. Other QONNX ops are refused, naming them.
 */
export function lowerQuantNodes(model: Model, path: string): void {
  const graph = model.graph!;
  const g = new Graph(path, model);
  const nodes: Node[] = [];
  let k = 0;
  for (const n of graph.node ?? []) {
    if (!isQonnx(n)) {
      nodes.push(n);
      continue;
    }
    if (!isQuant(n)) throw new InputError(`${path}: QONNX node '${g.name(n)}' (${n.opType}) is not run by headsim (it runs Quant); give a graph without it`);
    const q = specOf(g, n);
    if (!q) throw new InputError(`${path}: ${g.name(n)}: its scale, zero point or bit width is not a constant`);
    const mode = g.attr(n, 'rounding_mode')?.s || 'ROUND';
    const round = { ROUND: 'Round', FLOOR: 'Floor', CEIL: 'Ceil' }[mode];
    if (!round) throw new InputError(`${path}: ${g.name(n)}: rounding_mode ${mode} is not run by headsim (ROUND, FLOOR, CEIL)`);
    const [x, s, z] = n.input as string[];
    const lo = q.signed ? -(2 ** (q.bits - 1)) + (q.narrow ? 1 : 0) : 0;
    const hi = q.signed ? 2 ** (q.bits - 1) - 1 : 2 ** q.bits - 1 - (q.narrow ? 1 : 0);
    const p = `__headsim_quant${k++}`;
    graph.initializer!.push(
      onnx.TensorProto.create({ name: `${p}_lo`, dataType: T.FLOAT, dims: [], floatData: [lo] }),
      onnx.TensorProto.create({ name: `${p}_hi`, dataType: T.FLOAT, dims: [], floatData: [hi] }),
    );
    const op = (opType: string, inputs: string[], output: string) => onnx.NodeProto.create({ opType, input: inputs, output: [output], name: `${p}_${opType}` });
    nodes.push(
      op('Div', [x!, s!], `${p}_div`),
      op('Add', [`${p}_div`, z!], `${p}_add`),
      op(round, [`${p}_add`], `${p}_round`),
      op('Clip', [`${p}_round`, `${p}_lo`, `${p}_hi`], `${p}_clip`),
      op('Sub', [`${p}_clip`, z!], `${p}_sub`),
      op('Mul', [`${p}_sub`, s!], n.output![0]!),
    );
  }
  graph.node = nodes;
  model.opsetImport = model.opsetImport.filter((o: { domain?: string | null }) => !QONNX_DOMAINS.includes(o.domain ?? ''));
}
