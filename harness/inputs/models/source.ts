// `--model FILE` as a data source: the model's head becomes the weights, bias and parameters
// (classes, inputs, relu, class names, formats its quantizers fix) that --weights would give,
// and `--model-inputs X.npy` runs the body in float to make the head's input vectors, with the
// whole model's own prediction for its float accuracy. The rest of headsim runs as with
// --weights --input-vectors.
import { InputError } from '../../../lib/errors.ts';
import type { Fmt } from '../../../models/numerics.ts';
import type { NpyArray } from '../npy.ts';
import { loadModel } from './load.ts';
import type { LoadedModel } from './model.ts';

/** What the report says about the model. */
export interface ModelInfo {
  path: string;
  format: string;
  headLayer: string;
  headOp: string;
  /** the weight layout as the model stores it */
  storedLayout: 'out-in' | 'in-out';
  bias: boolean;
  relu: boolean;
  reluFrom: string | null;
  output: string;
  labelsFromModel: boolean;
  /** formats the model's quantizers fix, with where each comes from */
  formats: Record<string, { fmt: Fmt; from: string }>;
  formatNotes: string[];
  /** how the body ran (null: no --model-inputs) */
  body: string | null;
  bodyLayers: string[];
  /** the whole model's prediction per vector (after --vectors), as the framework computes it */
  predicted: Int32Array | null;
  /** share of vectors whose model prediction is the label (null: no labels or no --model-inputs) */
  accuracy: number | null;
}

export interface ModelHeadSource {
  model: LoadedModel;
  wFloat: Float64Array;
  bFloat: Float64Array;
  /** parameters the model implies: classes, inputs, relu, labels (class names) */
  params: Record<string, unknown>;
  info: ModelInfo;
}

/** The head of the model, checked against the parameters the user gave. */
export async function modelHead(path: string, headLayer: string | undefined, given: Record<string, unknown>): Promise<ModelHeadSource> {
  const model = await loadModel(path, headLayer);
  const h = model.head;
  const params: Record<string, unknown> = { classes: h.classes, inputs: h.inputs, relu: h.relu };
  for (const [field, v] of Object.entries(params))
    if (given[field] !== undefined && given[field] !== v)
      throw new InputError(`${path}: the model implies ${field}=${v} (head '${h.layer}'${field === 'relu' ? (h.relu ? `, fed by ReLU '${h.reluFrom}'` : ', fed by no ReLU') : ''}) but ${field}=${String(given[field])} was given`);
  if (h.labels && given.labels === undefined) params.labels = h.labels;
  const formats = Object.fromEntries(Object.entries(h.formats).map(([k, f]) => [k, { fmt: f!.fmt, from: f!.from }]));
  return {
    model,
    wFloat: h.W,
    bFloat: h.b ?? new Float64Array(h.classes),
    params,
    info: {
      path,
      format: model.format,
      headLayer: h.layer,
      headOp: h.op,
      storedLayout: h.storedLayout,
      bias: h.b !== null,
      relu: h.relu,
      reluFrom: h.reluFrom,
      output: h.output,
      labelsFromModel: params.labels !== undefined,
      formats,
      formatNotes: h.formatNotes,
      body: null,
      bodyLayers: model.bodyLayers,
      predicted: null,
      accuracy: null,
    },
  };
}

/**
 * The head's input vectors from the model's own inputs (the first `count` rows of X): X's rows
 * must have the model's input shape (axes of size 1 aside: [N, 8, 8] feeds [batch, 1, 8, 8]).
 */
export async function modelFeatures(src: ModelHeadSource, X: NpyArray, label: string, count: number): Promise<Float64Array> {
  const { model, info } = src;
  if (!model.body) throw new InputError(`--model-inputs ${label}: the body of ${model.path} cannot run here: ${model.bodyError}`);
  const want = model.body.inputShape;
  const row = X.shape.slice(1);
  const squeeze = (s: (number | null)[]) => s.filter((d) => d !== 1);
  const a = squeeze(row), b = squeeze(want);
  const fits = a.length === b.length && a.every((d, i) => b[i] === null || b[i] === d);
  if (X.shape.length < 2 || !fits)
    throw new InputError(`${label}: model inputs of shape [${X.shape}] do not fit the input of ${model.path}, [batch, ${want.map((d) => d ?? '?').join(', ')}]`);
  const size = row.reduce((x, y) => x * y, 1);
  const { features, predicted } = await model.body.run(X.data.subarray(0, count * size), count);
  const bad = features.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new InputError(`${label}: the model's body gives ${features[bad]} for input ${Math.floor(bad / model.head.inputs)} (values must be finite)`);
  info.body = `${model.body.describe}, on ${count} inputs of ${label} [${X.shape}]`;
  info.predicted = predicted;
  return features;
}

/** Lines for the console: the model, its head, its body, the formats it fixes. */
export function modelNotes(i: ModelInfo): string[] {
  const fmts = Object.entries(i.formats).map(([k, f]) => `${k} {${f.fmt.width},${f.fmt.frac}} from ${f.from}`);
  return [
    `model: ${i.path}, ${i.format}`,
    `  head: '${i.headLayer}' (${i.headOp}, weights stored ${i.storedLayout === 'out-in' ? '[classes, inputs]' : '[inputs, classes]'}), ${i.bias ? 'with bias' : 'no bias'}, ` +
      `${i.relu ? `relu (from '${i.reluFrom}')` : 'no relu'}, the model ends in ${i.output === 'logits' ? 'the logits' : i.output}${i.labelsFromModel ? '; class names from the model' : ''}`,
    `  body: ${i.bodyLayers.length ? i.bodyLayers.join(', ') : '(none: the model is the head)'}${i.body ? ` — ${i.body}` : ' (not run: give --model-inputs to run it)'}`,
    ...(fmts.length ? [`  formats from the model: ${fmts.join('; ')}`] : []),
    ...i.formatNotes.map((n) => `  no format from the model for ${n}`),
  ];
}
