// The input vectors (and their labels) of a user's file: .npy or .npz (labels in X's archive, or
// --input-labels), cut to --vectors rows; or a model's own inputs, which its body (in float) turns
// into the head's input vectors. Their width sets inputs (it must agree with the weights and a
// given value); labels must be class indices of the head. Every error names the file.
import { InputError } from '../../lib/errors.ts';
import { SEED_CONFIG } from '../../models/config.ts';
import { loadArrayAsync } from './npz.ts';
import { modelFeatures, type ModelHeadSource } from './models/source.ts';
import { finite, fitDefaults, paramRange } from './shapes.ts';

export interface LoadedVectors {
  /** [vectorCount][inputs], already cut to --vectors */
  xFloat: Float64Array;
  vectorCount: number;
  labels?: Int32Array;
  /** "inputs X.npy, labels y.npy" */
  describe: string;
}

export interface VectorsOptions {
  xPath: string;
  yPath?: string;
  /** the weights' file, to name it when the widths disagree */
  wPath?: string;
  /** the model whose body makes the vectors of its own inputs (`xPath` then holds those) */
  model?: ModelHeadSource;
  /** rows to take (null: all) */
  vectors: number | null;
  given: Record<string, unknown>;
  /** implied so far (classes, inputs of the weights); gets inputs and the defaults that follow */
  params: Record<string, unknown>;
}

export async function loadVectors(o: VectorsOptions): Promise<LoadedVectors> {
  const { xPath, yPath, model, given, params } = o;
  const got = await loadArrayAsync(xPath, 'X', 'y');
  let { array: X } = got.main;
  const xLabel = got.main.label;
  let yFile = got.companion; // labels in X's archive (data.npz:y) or --input-labels
  if (model) {
    // the model's own inputs: its body (in float) gives the head's input vectors
    const modelRows = X.shape[0]!;
    if (!modelRows) throw new InputError(`${xLabel}: model inputs have no rows, shape [${X.shape}]`);
    const count = o.vectors ?? modelRows;
    if (count > modelRows) throw new InputError(`${xLabel}: holds ${modelRows} inputs, --vectors asks for ${count}`);
    finite(xLabel, X.data.subarray(0, (X.data.length / modelRows) * count));
    const features = await modelFeatures(model, X, xLabel, count);
    X = { ...X, shape: [modelRows, model.model.head.inputs], data: features };
  }
  if (X.shape.length !== 2) throw new InputError(`${xLabel}: input vectors must be 2-D [vectors, inputs], got shape [${X.shape}]`);
  const [rows, K] = X.shape as [number, number];
  if (rows === 0 || K === 0) throw new InputError(`${xLabel}: input vectors have an empty axis, shape [${X.shape}]`);
  if (K > paramRange('inputs')[1]) throw new InputError(`${xLabel}: input vectors of shape [${X.shape.join(', ')}] have ${K} features; a head takes at most ${paramRange('inputs')[1]}`);
  if (params.inputs !== undefined && params.inputs !== K)
    throw new InputError(`${xLabel}: input vectors have ${K} features but ${o.wPath} implies inputs=${String(params.inputs)}`);
  if (given.inputs !== undefined && given.inputs !== K) throw new InputError(`${xLabel}: input vectors have ${K} features but inputs=${String(given.inputs)} was given`);
  params.inputs = K;
  fitDefaults(params, given, (params.classes ?? given.classes ?? SEED_CONFIG.classes) as number, K);
  const vectorCount = o.vectors ?? rows;
  if (vectorCount > rows) throw new InputError(`${xLabel}: holds ${rows} vectors, --vectors asks for ${vectorCount}`);
  const xFloat = X.data.subarray(0, vectorCount * K); // model inputs: the features of the first vectorCount rows
  finite(xLabel, xFloat);
  if (yPath) {
    if (yFile) throw new InputError(`${yPath}: ${xPath} holds labels "y" already; to use --input-labels, name the vectors: ${xPath}:X`);
    yFile = (await loadArrayAsync(yPath, 'y')).main;
  }
  let labels: Int32Array | undefined;
  if (yFile) {
    const { array: y, label: yLabel } = yFile;
    const flat = y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1);
    if (!flat || y.shape[0] !== rows) throw new InputError(`${yLabel}: labels must have shape [${rows}] (the vectors of ${xLabel}), got [${y.shape}]`);
    const classes = (given.classes ?? params.classes ?? SEED_CONFIG.classes) as number;
    labels = new Int32Array(vectorCount);
    for (let i = 0; i < vectorCount; i++) {
      const v = y.data[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= classes) throw new InputError(`${yLabel}: label ${i} is ${v}, expected an integer class index in 0…${classes - 1}`);
      labels[i] = v;
    }
  }
  return { xFloat, vectorCount, labels, describe: `${model ? 'model inputs' : 'inputs'} ${xLabel}${yFile ? `, labels ${yFile.label}` : ''}` };
}
