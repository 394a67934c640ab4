// The head and body of an ONNX model (PyTorch's torch.onnx.export, tf2onnx, QONNX from
// Brevitas, QDQ from onnxruntime's quantizer). The head is the last dense layer — a Gemm, or a
// MatMul (plus an Add of a constant bias) — whose weights are constants, or the node named by
// --head-layer. What feeds it (a Relu, seen through shape-only ops and quantizers) sets relu;
// what follows it (Softmax, LogSoftmax, ArgMax) is recognised; quantizers on its input, weights
// and bias give their formats (quantizers.ts). The body runs in onnxruntime (onnx-body.ts).
import { InputError } from '../../../lib/errors.ts';
import { decodeModel, Graph, opsetOf, type Const, type Node } from './onnx-graph.ts';
import { formatOf, isQuantizer, quantizeConst } from './quantizers.ts';
import { onnxBody } from './onnx-body.ts';
import type { HeadOutput, LoadedModel, ModelFormat, ModelHead } from './model.ts';

/** Ops that change no value of the head's input vector (shape only, or identity at inference). */
const PASS = new Set(['Identity', 'Dropout', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze']);
const OUTPUTS: Record<string, HeadOutput> = { Softmax: 'softmax', LogSoftmax: 'log-softmax', ArgMax: 'argmax' };
/** metadata_props keys that carry class names, as exporters write them */
const LABEL_KEYS = ['labels', 'class_names', 'classes', 'names'];

interface Dense {
  node: Node;
  /** the Add of MatMul + Add */
  add: Node | null;
  op: string;
  input: string;
  output: string;
  W: Const;
  /** the weights' quantizer, if any */
  wQuant: Node | null;
  b: Const | null;
  bQuant: Node | null;
  storedLayout: 'out-in' | 'in-out';
}

export async function loadOnnx(path: string, buf: Buffer, headLayer: string | undefined): Promise<LoadedModel> {
  const model = decodeModel(path, buf);
  const opset = opsetOf(model);
  if (opset < 11) throw new InputError(`${path}: opset ${opset}; headsim reads ONNX opset 11 or later (export with opset_version ≥ 11)`);
  const g = new Graph(path, model);
  const dense = denseLayers(g);
  const names = dense.map((d) => g.name(d.node));
  if (!dense.length) throw new InputError(`${path}: no dense layer (a Gemm, or a MatMul with constant weights) in the graph, so no head`);
  let d: Dense;
  if (headLayer !== undefined) {
    const found = dense.find((x) => g.name(x.node) === headLayer || (x.add && g.name(x.add) === headLayer));
    if (!found) throw new InputError(`--head-layer ${headLayer}: ${path} has no dense layer of that name (dense layers: ${names.join(', ')})`);
    d = found;
  } else d = dense[dense.length - 1]!;
  const [N, K] = d.storedLayout === 'out-in' ? d.W.shape : [d.W.shape[1]!, d.W.shape[0]!];
  const W = d.storedLayout === 'out-in' ? d.W.data : transpose(d.W.data, K!, N!);
  let b: Float64Array | null = null;
  if (d.b) {
    if (d.b.data.length !== N && d.b.data.length !== 1) throw new InputError(`${path}: the bias of '${g.name(d.node)}' has ${d.b.data.length} values for ${N} classes`);
    b = d.b.data.length === 1 ? new Float64Array(N!).fill(d.b.data[0]!) : d.b.data;
  }
  const formats: ModelHead['formats'] = {};
  const formatNotes: string[] = [];
  const take = (field: 'inFmt' | 'wFmt' | 'biasFmt', q: Node | null) => {
    if (!q) return;
    const f = formatOf(g, q);
    if ('why' in f) formatNotes.push(`${field}: ${f.why}`);
    else formats[field] = f as ModelFormat;
  };
  take('wFmt', d.wQuant);
  take('biasFmt', d.bQuant);
  const feed = feeder(g, d.input);
  take('inFmt', feed.quant);
  const output = follower(g, d.output, headLayer !== undefined, g.name(d.node));
  const head: ModelHead = {
    layer: g.name(d.node),
    op: d.op,
    classes: N!,
    inputs: K!,
    W,
    b,
    storedLayout: d.storedLayout,
    relu: feed.relu !== null,
    reluFrom: feed.relu,
    output,
    labels: labelsOf(g, N!),
    formats,
    formatNotes,
  };
  const producer = model.producerName ? `, ${model.producerName}${model.producerVersion ? ' ' + model.producerVersion : ''}` : '';
  const bodyLayers = ancestors(g, d.input).map((n) => n.opType ?? '?');
  let body: LoadedModel['body'] = null, bodyError: string | null = null;
  try {
    body = await onnxBody(path, model, d.input, K!);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    bodyError = e.message;
  }
  return { path, format: `ONNX (opset ${opset}${producer})`, head, body, bodyError, bodyLayers };
}

/** Every dense layer with constant weights, in graph (topological) order. */
function denseLayers(g: Graph): Dense[] {
  const out: Dense[] = [];
  for (const n of g.nodes) {
    if (n.opType === 'Gemm') {
      const [a, bName, c] = n.input ?? [];
      const w = constChain(g, bName ?? '');
      if (!w || w.value.shape.length !== 2 || (g.attr(n, 'transA')?.i ?? 0) !== 0) continue;
      const alpha = g.attr(n, 'alpha')?.f ?? 1, beta = g.attr(n, 'beta')?.f ?? 1;
      const bias = c ? constChain(g, c) : null;
      if (c && !bias) continue; // a computed C is not a bias
      out.push({
        node: n,
        add: null,
        op: 'Gemm',
        input: a!,
        output: n.output![0]!,
        W: scale(w.value, alpha),
        wQuant: w.quant,
        b: bias ? scale(bias.value, beta) : null,
        bQuant: bias?.quant ?? null,
        storedLayout: (g.attr(n, 'transB')?.i ?? 0) === 1 ? 'out-in' : 'in-out',
      });
    } else if (n.opType === 'MatMul') {
      const [a, bName] = n.input ?? [];
      const w = constChain(g, bName ?? '');
      if (!w || w.value.shape.length !== 2) continue;
      const next = g.onlyConsumer(n.output![0]!);
      let add: Node | null = null, bias: ReturnType<typeof constChain> = null;
      if (next?.opType === 'Add') {
        const other = next.input!.find((i) => i !== n.output![0]);
        bias = other ? constChain(g, other) : null;
        if (bias && bias.value.data.length === w.value.shape[1]) add = next;
        else bias = null;
      }
      out.push({
        node: n,
        add,
        op: add ? 'MatMul + Add' : 'MatMul',
        input: a!,
        output: (add ?? n).output![0]!,
        W: w.value,
        wQuant: w.quant,
        b: bias?.value ?? null,
        bQuant: bias?.quant ?? null,
        storedLayout: 'in-out',
      });
    }
  }
  return out;
}

/**
 * A constant as the model computes with it: an initializer or Constant, through Identity,
 * Transpose and one quantizer (whose node is returned: its format is the constant's).
 */
function constChain(g: Graph, name: string): { value: Const; quant: Node | null } | null {
  const direct = g.constant(name);
  if (direct) return { value: direct, quant: null };
  const n = g.producer.get(name);
  if (!n) return null;
  const src = n.input?.[0] ?? '';
  if (n.opType === 'Identity') return constChain(g, src);
  if (n.opType === 'Transpose') {
    const c = constChain(g, src);
    if (!c || c.value.shape.length !== 2) return null;
    const [r, k] = c.value.shape as [number, number];
    return { value: { ...c.value, shape: [k, r], data: transpose(c.value.data, r, k) }, quant: c.quant };
  }
  if (isQuantizer(n)) {
    // QDQ: DequantizeLinear(QuantizeLinear(w)) is one quantizer; its format is the DequantizeLinear's
    const inner = g.producer.get(src);
    if (n.opType === 'DequantizeLinear' && inner?.opType === 'QuantizeLinear') {
      const w = constChain(g, inner.input?.[0] ?? '');
      return w ? { value: quantizeConst(g, n, quantizeConst(g, inner, w.value)), quant: n } : null;
    }
    const w = g.constant(src);
    return w ? { value: quantizeConst(g, n, w), quant: n } : null;
  }
  return null;
}

/** What feeds the head's input: a Relu (its node's name) and the input's quantizer, through shape-only ops. */
function feeder(g: Graph, input: string): { relu: string | null; quant: Node | null } {
  let quant: Node | null = null;
  for (let t = input, hops = 0; hops < 64; hops++) {
    const n = g.producer.get(t);
    if (!n) break;
    if (n.opType === 'Relu') return { relu: g.name(n), quant };
    if (isQuantizer(n)) quant ??= n;
    else if (!PASS.has(n.opType ?? '')) break;
    t = n.input?.[0] ?? '';
  }
  return { relu: null, quant };
}

/** What the head's output goes through to the model's output. */
function follower(g: Graph, output: string, named: boolean, layer: string): HeadOutput {
  for (let t = output, hops = 0; hops < 64; hops++) {
    if (g.model.graph!.output?.some((o) => o.name === t)) return 'logits';
    const c = g.consumers.get(t) ?? [];
    if (c.length !== 1) break;
    const n = c[0]!;
    if (OUTPUTS[n.opType ?? '']) return OUTPUTS[n.opType!]!;
    if (!PASS.has(n.opType ?? '')) {
      if (named) return 'logits';
      throw new InputError(
        `${g.path}: the last dense layer '${layer}' feeds ${n.opType} '${g.name(n)}'; headsim's head is a dense layer followed at most by a softmax or argmax (name the head with --head-layer to take '${layer}' anyway)`,
      );
    }
    t = n.output?.[0] ?? '';
  }
  return 'logits';
}

/** The nodes a tensor depends on, in graph order. */
function ancestors(g: Graph, tensor: string): Node[] {
  const need = new Set<Node>();
  const stack = [tensor];
  while (stack.length) {
    const n = g.producer.get(stack.pop()!);
    if (!n || need.has(n)) continue;
    need.add(n);
    stack.push(...(n.input ?? []).filter(Boolean));
  }
  return g.nodes.filter((n) => need.has(n) && n.opType !== 'Constant');
}

/** Class names from the model's metadata: a JSON array, or a {index: name} map (JSON or Python literal). */
function labelsOf(g: Graph, classes: number): string[] | null {
  for (const p of g.model.metadataProps ?? []) {
    if (!LABEL_KEYS.includes(p.key ?? '')) continue;
    const text = (p.value ?? '').trim();
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      try {
        v = JSON.parse(text.replace(/'/g, '"').replace(/([{,]\s*)(\d+)\s*:/g, '$1"$2":'));
      } catch {
        continue;
      }
    }
    const names = Array.isArray(v) ? v : v && typeof v === 'object' ? Array.from({ length: classes }, (_, i) => (v as Record<string, unknown>)[i]) : null;
    if (names && names.length === classes && names.every((x) => typeof x === 'string' && x)) return names as string[];
    throw new InputError(`${g.path}: metadata '${p.key}' should name the ${classes} classes, got ${text.slice(0, 80)}`);
  }
  return null;
}

function scale(c: Const, by: number): Const {
  return by === 1 ? c : { ...c, data: c.data.map((v) => v * by) };
}

/** a is [rows][cols]; returns [cols][rows]. */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c]!;
  return t;
}

