// Where weights and inputs come from, and the scenario they make: generated from the seed (the
// question's distributions), users' files (.npy, .npz, or JSON {"W": [[…]], "b": […]}; input
// vectors and labels as .npy or .npz: weights-file.ts, vectors-file.ts), or a built-in dataset
// (harness/inputs/datasets), which goes through the same file loader (which files: source-files.ts).
// Shapes set classes/inputs unless the config gives them; a mismatch is an error naming the file.
// Or a trained model (--model: Keras or ONNX, harness/inputs/models): its head gives the weights
// and parameters, and --model-inputs runs its body in float to give the input vectors.
// Which .npz member is read (harness/inputs/npy.ts loadArray, docs/real-data.md): FILE.npz:NAME names it;
// FILE.npz alone gives its only array, else W (weights), b (bias), X (input vectors), y (labels),
// and --weights FILE.npz brings its b, --input-vectors FILE.npz its y, unless named otherwise.
import { InputError } from '../../lib/errors.ts';
import { parseConfig, SEED_CONFIG, type HeadConfig, type Mode } from '../../models/config.ts';
import { generateWeights, quantizeWeights } from '../../models/weights.ts';
import { generateVectors, quantizeVectors } from '../../models/vectors.ts';
import { buildScenario, type Scenario } from './scenario.ts';
import { chooseFormats, FMT_FIELDS, type FmtField, type FmtSource, type FormatChoice } from './auto-formats.ts';
import { modelNotes, type ModelInfo } from './models/source.ts';
import type { Fmt } from '../../models/numerics.ts';
import type { DataOptions } from './data-sources.ts';
import { sourceFiles } from './source-files.ts';
import { loadVectors } from './vectors-file.ts';
import { loadWeights } from './weights-file.ts';

export type { DataOptions };

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

/** The data options → the float data (files read and checked) and the parameters it implies. */
export async function loadSources(o: DataOptions): Promise<FloatSources> {
  const f = await sourceFiles(o);
  const { given, params, notes, model } = f;
  const describe: string[] = [];
  let wFloat: Float64Array | undefined, bFloat: Float64Array | undefined;
  if (model) {
    ({ wFloat, bFloat } = model);
    const i = model.info;
    describe.push(`${i.path} (${i.format}, head '${i.headLayer}')`);
  } else if (f.weights) {
    const w = await loadWeights(f.weights, f.bias, o.weightsLayout ?? 'out-in', given, params); // datasets: out-in
    ({ wFloat, bFloat } = w);
    describe.push(w.describe);
  } else describe.push(`generated: W, b ~ N(0, 0.5), seed ${o.seed}`);
  let xFloat: Float64Array | undefined, vectorCount: number | undefined, labels: Int32Array | undefined;
  if (f.inputVectors) {
    const x = await loadVectors({ xPath: f.inputVectors, yPath: f.inputLabels, wPath: f.weights, model: f.modelInputs ? model : undefined, vectors: o.vectors, given, params });
    ({ xFloat, vectorCount, labels } = x);
    describe.push(x.describe);
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

