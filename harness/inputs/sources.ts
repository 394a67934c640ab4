// Where weights and inputs come from: generated from the seed (the question's distributions),
// users' files (.npy, .npz, or JSON {"W": [[…]], "b": […]}; input vectors and labels as .npy or
// .npz), or a built-in dataset (harness/inputs/datasets), which goes through the same file loader. Shapes
// set classes/inputs unless the config gives them; a mismatch is an error naming the file.
// Or a trained model (--model: Keras or ONNX, harness/inputs/models): its head gives the weights
// and parameters, and --model-inputs runs its body in float to give the input vectors.
// Which .npz member is read (harness/inputs/npy.ts loadArray, docs/real-data.md): FILE.npz:NAME names it;
// FILE.npz alone gives its only array, else W (weights), b (bias), X (input vectors), y (labels),
// and --weights FILE.npz brings its b, --input-vectors FILE.npz its y, unless named otherwise.
import { InputError } from '../../lib/errors.ts';
import { LIMITS, readJsonCapped } from '../../lib/limits.ts';
import { loadArrayAsync, type LoadedArray } from './npz.ts';
import { configSchema, parseConfig, SEED_CONFIG, type HeadConfig, type Mode } from '../../models/config.ts';
import { generateWeights, quantizeWeights } from '../../models/weights.ts';
import { generateVectors, quantizeVectors } from '../../models/vectors.ts';
import { buildScenario, type Scenario } from './scenario.ts';
import { DATASETS } from './datasets/index.ts';
import { chooseFormats, FMT_FIELDS, type FmtField, type FmtSource, type FormatChoice } from './auto-formats.ts';
import { modelFeatures, modelHead, modelNotes, type ModelHeadSource, type ModelInfo } from './models/source.ts';
import type { Fmt } from '../../models/numerics.ts';
import type { DataSources } from './data-sources.ts';

/**
 * Where a run's data comes from: the user's parameters and the data sources (the table of
 * data-sources.ts: the CLI's data flags, a sweep spec's `data`).
 */
export interface DataOptions extends DataSources {
  /** the parameters given (config file and flags) */
  params: Record<string, unknown>;
  /** vectors to run (null: all of --input-vectors, else 1000) */
  vectors: number | null;
  seed: number;
  /** where built-in datasets are prepared and cached */
  out: string;
}

export interface FloatSources {
  /** parameters implied by the files or the dataset (classes/inputs, dataset defaults) */
  params: Record<string, unknown>;
  /** the user's parameters (flags and --config), without an `--inputs FILE.npy` */
  given: Record<string, unknown>;
  wFloat?: Float64Array;
  bFloat?: Float64Array;
  /** [vectorCount][inputs], already cut to --vectors */
  xFloat?: Float64Array;
  vectorCount?: number;
  labels?: Int32Array;
  describe: string;
  /** lines to print before the run (dataset provenance, the model) */
  notes: string[];
  /** formats the model's quantizers fix (win over --auto-formats, lose to a given format) */
  modelFormats?: Partial<Record<FmtField, Fmt>>;
  /** the model (--model) */
  model?: ModelInfo;
}

export async function loadSources(o: DataOptions): Promise<FloatSources> {
  const given = { ...o.params };
  const notes: string[] = [];
  let { weights: wPath, bias: bPath, inputVectors: xPath, inputLabels: yPath } = o;
  const params: Record<string, unknown> = {};
  // `--inputs` is the parameter K and `--labels` the class names: the issue's `--inputs X.npy`
  // and `--labels y.npy` are accepted for --input-vectors / --input-labels when given a .npy file.
  for (const [param, flag] of [['inputs', 'input-vectors'], ['labels', 'input-labels']] as const) {
    const v = given[param];
    if (typeof v !== 'string') continue;
    if (!/\.np[yz](:[^:/\\]+)?$/i.test(v))
      throw new InputError(
        param === 'inputs'
          ? `--inputs: expected a number (features per vector) or a .npy/.npz file of input vectors, got '${v}'`
          : `--labels: expected class names as a JSON array or a .npy/.npz file of input labels, got '${v}'`,
      );
    const other = param === 'inputs' ? xPath : yPath;
    if (other !== undefined) throw new InputError(`--${param} ${v}: already given by --${flag} ${other}`);
    if (param === 'inputs') xPath = v;
    else yPath = v;
    delete given[param];
  }
  const dsName = o.dataset;
  if (dsName !== undefined) {
    const ds = DATASETS[dsName];
    if (!ds) throw new InputError(`--dataset: '${dsName}' is not one of ${Object.keys(DATASETS).join(', ')}`);
    const mine = { weights: wPath, bias: bPath, 'weights-layout': o.weightsLayout, 'input-vectors': xPath, 'input-labels': yPath };
    const clash = Object.entries(mine).find(([, v]) => v !== undefined);
    if (clash) throw new InputError(`--dataset ${dsName}: provides weights, bias, input vectors and labels; drop --${clash[0]}`);
    const files = await ds(o.out);
    ({ weights: wPath, bias: bPath, inputVectors: xPath, labels: yPath } = files);
    Object.assign(params, files.params);
    notes.push(files.note);
  }
  let model: ModelHeadSource | undefined;
  if (o.model !== undefined) {
    const mine = { weights: wPath, bias: bPath, 'weights-layout': o.weightsLayout, dataset: dsName };
    const clash = Object.entries(mine).find(([, v]) => v !== undefined);
    if (clash) throw new InputError(`--model ${o.model}: provides the weights and bias; drop --${clash[0]}`);
    if (o.modelInputs !== undefined && xPath !== undefined) throw new InputError(`--model-inputs ${o.modelInputs}: the input vectors are given by --input-vectors ${xPath} already; give one`);
    model = await modelHead(o.model, o.headLayer, given);
    Object.assign(params, model.params);
    if (o.modelInputs !== undefined) xPath = o.modelInputs;
  } else {
    if (o.modelInputs !== undefined) throw new InputError('--model-inputs: needs --model (the model whose inputs they are)');
    if (o.headLayer !== undefined) throw new InputError('--head-layer: needs --model');
  }
  if (bPath && !wPath) throw new InputError('--bias: needs --weights');
  if (yPath && !xPath) throw new InputError('--input-labels: needs --input-vectors (labels belong to given input vectors)');
  const describe: string[] = [];
  let wFloat: Float64Array | undefined, bFloat: Float64Array | undefined;

  if (model) {
    ({ wFloat, bFloat } = model);
    const i = model.info;
    describe.push(`${i.path} (${i.format}, head '${i.headLayer}')`);
  } else if (wPath) {
    const layout = o.weightsLayout ?? 'out-in'; // datasets: out-in
    let W: { shape: number[]; data: Float64Array };
    let b: Float64Array | undefined;
    let bFile: LoadedArray | undefined; // a bias in W's archive (model.npz:b) or --bias
    let wLabel = wPath;
    if (wPath.endsWith('.json')) {
      const j = await readJsonWeights(wPath);
      W = j.W;
      b = j.b;
    } else {
      const got = await loadArrayAsync(wPath, 'W', 'b');
      W = got.main.array;
      wLabel = got.main.label;
      bFile = got.companion;
    }
    const want = layout === 'out-in' ? '[classes, inputs]' : '[inputs, classes] (--weights-layout in-out)';
    if (W.shape.length !== 2) throw new InputError(`${wLabel}: weights must be 2-D ${want}, got shape [${W.shape}]`);
    if (W.shape[0] === 0 || W.shape[1] === 0) throw new InputError(`${wLabel}: weights have an empty axis, shape [${W.shape}]`);
    finite(wLabel, W.data);
    let [N, K] = W.shape as [number, number];
    if (layout === 'in-out') [N, K] = [K, N];
    // In the file's terms (its shape), not as a parameter the user never set.
    for (const [field, v] of [['classes', N], ['inputs', K]] as const) {
      const [lo, hi] = paramRange(field);
      if (v < lo || v > hi) throw new InputError(`${wLabel}: weights of shape [${W.shape.join(', ')}] ${want} give ${field} = ${v}; a head has ${lo} … ${hi}`);
    }
    wFloat = layout === 'in-out' ? transpose(W.data, N, K) : W.data;
    if (bPath) {
      if (b) throw new InputError(`${bPath}: ${wPath} holds a bias "b" already`);
      if (bFile) throw new InputError(`${bPath}: ${wPath} holds a bias "b" already; to use --bias, name the weights: ${wPath}:W`);
      bFile = (await loadArrayAsync(bPath, 'b')).main;
    }
    if (bFile) {
      const a = bFile.array;
      if (a.shape.length !== 1 || a.shape[0] !== N) throw new InputError(`${bFile.label}: bias must have shape [${N}] (the classes of ${wLabel}), got [${a.shape}]`);
      finite(bFile.label, a.data);
      b = a.data;
    }
    if (b && b.length !== N) throw new InputError(`${wPath}: "b" has ${b.length} values for ${N} classes`);
    bFloat = b ?? new Float64Array(N);
    for (const [field, v] of [['classes', N], ['inputs', K]] as const) {
      if (given[field] !== undefined && given[field] !== v) throw new InputError(`${wLabel}: weights imply ${field}=${v} but ${field}=${String(given[field])} was given`);
      params[field] = v;
    }
    fitDefaults(params, given, N, K);
    describe.push(`${wLabel}${bFile ? ` + ${bFile.label}` : ''} (${layout})`);
  } else describe.push(`generated: W, b ~ N(0, 0.5), seed ${o.seed}`);

  let xFloat: Float64Array | undefined, vectorCount: number | undefined, labels: Int32Array | undefined;
  if (xPath) {
    const got = await loadArrayAsync(xPath, 'X', 'y');
    let { array: X } = got.main;
    const xLabel = got.main.label;
    let yFile = got.companion; // labels in X's archive (data.npz:y) or --input-labels
    const modelRows = model && o.modelInputs !== undefined ? X.shape[0]! : null;
    if (model && modelRows !== null) {
      // the model's own inputs: its body (in float) gives the head's input vectors
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
      throw new InputError(`${xLabel}: input vectors have ${K} features but ${wPath} implies inputs=${String(params.inputs)}`);
    if (given.inputs !== undefined && given.inputs !== K) throw new InputError(`${xLabel}: input vectors have ${K} features but inputs=${String(given.inputs)} was given`);
    params.inputs = K;
    fitDefaults(params, given, (params.classes ?? given.classes ?? SEED_CONFIG.classes) as number, K);
    vectorCount = o.vectors ?? rows;
    if (vectorCount > rows) throw new InputError(`${xLabel}: holds ${rows} vectors, --vectors asks for ${vectorCount}`);
    xFloat = X.data.subarray(0, vectorCount * K); // model inputs: the features of the first vectorCount rows
    finite(xLabel, xFloat);
    if (yPath) {
      if (yFile) throw new InputError(`${yPath}: ${xPath} holds labels "y" already; to use --input-labels, name the vectors: ${xPath}:X`);
      yFile = (await loadArrayAsync(yPath, 'y')).main;
    }
    if (yFile) {
      const { array: y, label: yLabel } = yFile;
      const flat = y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1);
      if (!flat || y.shape[0] !== rows) throw new InputError(`${yLabel}: labels must have shape [${rows}] (the vectors of ${xLabel}), got [${y.shape}]`);
      const classes = (given.classes ?? params.classes ?? SEED_CONFIG.classes) as number;
      labels = new Int32Array(vectorCount);
      for (let i = 0; i < vectorCount; i++) {
        const v = y.data[i]!;
        if (!Number.isInteger(v) || v < 0 || v >= classes)
          throw new InputError(`${yLabel}: label ${i} is ${v}, expected an integer class index in 0…${classes - 1}`);
        labels[i] = v;
      }
    }
    describe.push(`${model && o.modelInputs !== undefined ? 'model inputs' : 'inputs'} ${xLabel}${yFile ? `, labels ${yFile.label}` : ''}`);
  }
  if (!model) return { params, given, wFloat, bFloat, xFloat, vectorCount, labels, describe: describe.join('; '), notes };
  const info = model.info;
  if (info.predicted && labels) info.accuracy = info.predicted.reduce((n, c, v) => n + (c === labels![v] ? 1 : 0), 0) / labels.length;
  notes.push(...modelNotes(info));
  const modelFormats = Object.fromEntries(Object.entries(info.formats).map(([k, f]) => [k, f.fmt])) as Partial<Record<FmtField, Fmt>>;
  return { params, given, wFloat, bFloat, xFloat, vectorCount, labels, describe: describe.join('; '), notes, modelFormats, model: info };
}

/** Values a run holds per vector (inputs and per-class references) times vectors, at most. */
export const MAX_RUN_VALUES = 2 ** 26;

export interface SourcedScenario {
  config: HeadConfig;
  base: Scenario;
  src: FloatSources;
  formats: FormatChoice;
  autoFormats: boolean;
}

/** Sources → config (with --auto-formats applied) → the scenario every mode runs on. */
export async function sourcedScenario(o: DataOptions, modes: readonly Mode[]): Promise<SourcedScenario> {
  return scenarioOf(await loadSources(o), { vectors: o.vectors, seed: o.seed, autoFormats: o.autoFormats === true }, modes);
}

/**
 * Loaded sources → config → scenario, for the parameters in `src.given`. Split from loading so
 * a sweep loads the files once and resolves each point's configuration from them.
 */
export function scenarioOf(src: FloatSources, o: { vectors: number | null; seed: number; autoFormats: boolean }, modes: readonly Mode[]): SourcedScenario {
  const mode = modes[0]!;
  // formats the model's quantizers fix: over the defaults and --auto-formats, under a given format
  const fromModel = src.modelFormats ?? {};
  const aligned = alignedBias(src);
  const prelim = parseConfig({ ...src.params, ...aligned, ...fromModel, ...src.given, mode });
  const count = src.vectorCount ?? o.vectors ?? 1000;
  // Vectors, their float references and outputs are held in memory: bound them (about 0.8 GB).
  const values = count * (prelim.inputs + prelim.classes);
  if (values > MAX_RUN_VALUES)
    throw new InputError(`--vectors: ${count} vectors × (${prelim.inputs} inputs + ${prelim.classes} classes) = ${values.toLocaleString('en-US')} values exceeds ${MAX_RUN_VALUES.toLocaleString('en-US')}; run fewer vectors (or several runs with other seeds)`);
  let wFloat = src.wFloat, bFloat = src.bFloat;
  if (!wFloat) ({ wFloat, bFloat } = generateWeights(prelim, o.seed));
  const xFloat = src.xFloat ?? generateVectors(prelim, count, o.seed).xFloat;
  const autoFormats = o.autoFormats;
  const formats: FormatChoice = autoFormats
    ? chooseFormats(prelim, { ...fromModel, ...src.given }, { wFloat, bFloat: bFloat!, xFloat, count }, modes.some((m) => m !== 'argmax'))
    : { params: {}, source: Object.fromEntries(FMT_FIELDS.map((f) => [f, f in src.given ? 'given' : 'default'])) as Record<FmtField, FmtSource>, notes: [] };
  for (const f of FMT_FIELDS) if (f in fromModel && !(f in src.given)) formats.source[f] = 'model';
  if (aligned.biasFmt && !autoFormats) formats.notes.push(`biasFmt: frac ${aligned.biasFmt.frac} = inFmt.frac + wFmt.frac, the alignment of the products in the model's formats (the bias has no quantizer)`);
  const config = autoFormats ? parseConfig({ ...src.params, ...aligned, ...fromModel, ...formats.params, ...src.given, mode }) : prelim;
  const weights = quantizeWeights(config, wFloat, bFloat!);
  const vectors = { ...quantizeVectors(config, xFloat, count), ...(src.labels ? { labels: src.labels } : {}) };
  return { config, base: buildScenario(config, count, o.seed, { weights, vectors }), src, formats, autoFormats };
}

/**
 * A bias format that fits the model's formats when the default does not: without a quantizer
 * of its own the bias gets the products' alignment, as the config requires biasFmt.frac ≤
 * inFmt.frac + wFmt.frac (--auto-formats then chooses within that cap).
 */
function alignedBias(src: FloatSources): { biasFmt?: Fmt } {
  const m = src.modelFormats;
  if (!m || m.biasFmt || 'biasFmt' in src.given) return {};
  const inFrac = ((src.given.inFmt as Fmt | undefined) ?? m.inFmt ?? SEED_CONFIG.inFmt).frac;
  const wFrac = ((src.given.wFmt as Fmt | undefined) ?? m.wFmt ?? SEED_CONFIG.wFmt).frac;
  return inFrac + wFrac < SEED_CONFIG.biasFmt.frac ? { biasFmt: { width: SEED_CONFIG.biasFmt.width, frac: inFrac + wFrac } } : {};
}

/**
 * Defaults that a small head from a file cannot take (kPar 8 with 4 inputs, topK 3 with 2
 * classes) follow the file's shape, unless the user set them: the user never chose them.
 */
function fitDefaults(params: Record<string, unknown>, given: Record<string, unknown>, classes: number, inputs: number): void {
  if (given.kPar === undefined && inputs < SEED_CONFIG.kPar) params.kPar = inputs;
  if (given.topK === undefined && classes < SEED_CONFIG.topK) params.topK = classes;
}

/** A numeric parameter's range in the config schema (models/config.ts), to phrase a file's shape against it. */
function paramRange(name: 'classes' | 'inputs'): [number, number] {
  let s = (configSchema.shape as Record<string, unknown>)[name] as { minValue?: number | null; maxValue?: number | null; unwrap?: () => unknown };
  while (s.unwrap && s.minValue === undefined) s = s.unwrap() as typeof s;
  return [s.minValue ?? 1, s.maxValue ?? Infinity];
}

function finite(path: string, a: Float64Array): void {
  const i = a.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new InputError(`${path}: element ${i} is ${a[i]} (values must be finite)`);
}

/** a is [cols][rows] (inputs × classes); returns [rows][cols]. */
function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[r * cols + c] = a[c * rows + r]!;
  return t;
}

async function readJsonWeights(path: string): Promise<{ W: { shape: number[]; data: Float64Array }; b?: Float64Array }> {
  let j: unknown;
  try {
    j = await readJsonCapped(path, { what: 'weights file', maxBytes: LIMITS.weightsJsonBytes });
  } catch (e) {
    // the words the file's other errors use ("cannot read file (ENOENT)")
    throw e instanceof InputError ? new InputError(e.message.replace(': cannot read weights file (', ': cannot read file (')) : e;
  }
  const o = j as { W?: unknown; b?: unknown };
  if (!Array.isArray(o.W) || !o.W.length || !o.W.every((r) => Array.isArray(r) && r.length > 0 && r.length === (o.W as unknown[][])[0]!.length))
    throw new InputError(`${path}: "W" must be a non-empty array of equal-length rows`);
  const rows = o.W as unknown[][];
  const flat = rows.flat();
  if (!flat.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new InputError(`${path}: "W" holds a non-numeric value`);
  let b: Float64Array | undefined;
  if (o.b !== undefined) {
    if (!Array.isArray(o.b) || !o.b.every((v) => typeof v === 'number' && Number.isFinite(v)))
      throw new InputError(`${path}: "b" must be an array of numbers`);
    b = Float64Array.from(o.b as number[]);
  }
  return { W: { shape: [rows.length, rows[0]!.length], data: Float64Array.from(flat as number[]) }, b };
}
