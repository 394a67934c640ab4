// The data a sweep measures its points on: generated from the seed (as before), or the user's
// weights, bias, input vectors and labels (the data flags of `sim`, or the spec's `data`),
// loaded by the same loader as `sim` (harness/inputs/sources.ts). The main thread loads the
// files once, hashes them (the hash is part of every point key) and resolves each point's
// configuration (shapes from the files, --auto-formats per point); worker threads get a DataRef
// (the file paths or dataset name and the hash), load the files again and check the hash, so
// every piece of work of a point sees exactly the data its key names.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { parseConfig, type Mode } from '../../models/config.ts';
import { DATASETS } from '../inputs/datasets/index.ts';
import { anySource, DATA_SOURCE_NAMES, GIVING_SOURCES, type DataSourceName, type DataSources } from '../inputs/data-sources.ts';
import { buildScenario, type Scenario } from '../inputs/scenario.ts';
import { loadSources, scenarioOf, sourcedScenario, type DataOptions, type FloatSources, type SourcedScenario } from '../inputs/sources.ts';
import type { SpecData } from './data-spec.ts';
import { configKey, type SweepPoint } from './spec.ts';

/** Hashes of the user's data: weights and bias (they fill the ROMs) and input vectors and labels. */
export interface DataHash {
  weights: string | null;
  inputs: string | null;
}

/** What a worker needs to load a sweep's data again: the sources as given, and their hash. */
export interface DataRef extends Omit<DataSources, 'autoFormats'> {
  /** first rows of the input vectors taken (null: no input vectors) */
  vectors: number | null;
  /** where built-in datasets are cached (absolute) */
  out: string;
  hash: DataHash;
  /** the files, for reports: "W.npy + b.npy (out-in); inputs X.npy, labels y.npy" */
  describe: string;
}

export interface SweepData {
  /** null: weights and vectors generated from the seed (point keys as without data) */
  ref: DataRef | null;
  src: FloatSources;
  /** parameters the data implies (classes and inputs from the shapes, a dataset's defaults): under the spec's base */
  implied: Record<string, unknown>;
  /** the parameter flags, without an `--inputs X.npy` / `--labels y.npy` alias */
  params: Record<string, unknown>;
  autoFormats: boolean;
  /** accuracy vectors per point: --vectors, else the spec's, else all input vectors, else 1000 */
  vectors: number;
  /** lines to print (dataset provenance) */
  notes: string[];
}

/** How a worker loads the sources again: every one but --auto-formats (the points' configurations are resolved). */
const REF_SOURCES = DATA_SOURCE_NAMES.filter((k): k is Exclude<DataSourceName, 'autoFormats'> => k !== 'autoFormats');

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function dataHash(src: FloatSources): DataHash {
  const h = (...parts: (ArrayBufferView | undefined)[]) => {
    const s = createHash('sha256');
    for (const p of parts) s.update(p ? bytes(p) : new Uint8Array()).update('\0');
    return s.digest('hex').slice(0, 24);
  };
  return {
    weights: src.wFloat ? h(src.wFloat, src.bFloat) : null,
    inputs: src.xFloat ? h(src.xFloat, src.labels) : null,
  };
}

/**
 * The sweep's data: the data flags (`flags`, as `dataOf` gives them) over the spec's `data`.
 * A flag that names a source (weights, bias, input vectors or labels, dataset) replaces the
 * spec's sources, so a spec written for one model runs on another; --auto-formats from either.
 */
export async function sweepData(spec: SpecData | null, flags: DataOptions): Promise<SweepData> {
  const fromFlags = anySource(flags, GIVING_SOURCES);
  const sources = fromFlags || !spec ? flags : { ...flags, ...spec, weightsLayout: flags.weightsLayout ?? spec.weightsLayout, headLayer: flags.headLayer ?? spec.headLayer };
  const o: DataOptions = { ...sources, params: flags.params, autoFormats: flags.autoFormats === true || spec?.autoFormats === true, vectors: flags.vectors, seed: flags.seed, out: flags.out };
  const src = await loadSources(o);
  const hash = dataHash(src);
  const given = anySource(o, GIVING_SOURCES);
  const ref: DataRef | null = given
    ? {
        ...Object.fromEntries(REF_SOURCES.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])),
        vectors: src.vectorCount ?? null,
        out: resolve(o.out),
        hash,
        describe: src.describe,
      }
    : null;
  return { ref, src, implied: src.params, params: src.given, autoFormats: !!o.autoFormats, vectors: src.vectorCount ?? flags.vectors ?? 1000, notes: src.notes };
}

/**
 * Each point's configuration on the data: shapes must match the files (an error names the
 * point), labels must be classes of the point, and with --auto-formats the formats are chosen
 * per point as `sim --mode <its mode> --auto-formats` with its parameters would choose them.
 * Points that become equal are run once.
 */
export function resolvePoints(points: SweepPoint[], data: SweepData, seed: number): SweepPoint[] {
  const { src } = data;
  const maxLabel = src.labels ? src.labels.reduce((m, v) => Math.max(m, v), 0) : -1;
  const seen = new Set<string>();
  const out: SweepPoint[] = [];
  for (const p of points) {
    for (const k of ['classes', 'inputs'] as const)
      if (src.params[k] !== undefined && p.config[k] !== src.params[k])
        throw new InputError(`${p.origin}: the data (${data.ref?.describe}) implies ${k}=${String(src.params[k])} but ${k}=${p.config[k]} was given`);
    if (maxLabel >= p.config.classes) throw new InputError(`${p.origin}: the labels go up to ${maxLabel} but the point has ${p.config.classes} classes`);
    const config = data.autoFormats ? scenarioOf({ ...src, given: p.params }, { vectors: data.vectors, seed, autoFormats: true }, [p.config.mode]).config : p.config;
    const key = configKey(config);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...p, index: out.length, config });
  }
  return out;
}

// A worker loads the data once per sweep (a point's pieces each need its scenario).
let loaded: { ref: DataRef; src: FloatSources } | null = null;

async function load(ref: DataRef, seed: number): Promise<FloatSources> {
  if (loaded && JSON.stringify(loaded.ref) === JSON.stringify(ref)) return loaded.src;
  const src = await loadSources({ ...ref, params: {}, vectors: ref.vectors, seed, out: ref.out });
  const now = dataHash(src);
  if (now.weights !== ref.hash.weights || now.inputs !== ref.hash.inputs) throw new InputError(`${ref.describe}: the data changed while the sweep ran`);
  loaded = { ref, src };
  return src;
}

/** The scenario of a point: its configuration (resolved: `params` is the full config) on the sweep's data. */
export async function pointScenario(p: { params: Record<string, unknown>; vectors: number; seed: number; data?: DataRef | null }): Promise<Scenario> {
  if (!p.data) return buildScenario(parseConfig(p.params), p.vectors, p.seed);
  const src = await load(p.data, p.seed);
  return scenarioOf({ ...src, given: p.params }, { vectors: p.vectors, seed: p.seed, autoFormats: false }, [p.params.mode as Mode]).base;
}

/**
 * The scenario a point's verification runs (`cosim` on the point): its resolved configuration
 * on the first `vectors` rows of the sweep's data, loaded as `cosim` loads its data flags (a
 * dataset by its cached files), or generated from the seed.
 */
export async function verifyScenario(p: { params: Record<string, unknown>; seed: number; data?: DataRef | null }, vectors: number, out: string): Promise<SourcedScenario> {
  const { mode, ...params } = p.params;
  const d = p.data;
  const files = d?.dataset ? await DATASETS[d.dataset]!(d.out) : null;
  const sources = files ? { weights: files.weights, bias: files.bias, inputVectors: files.inputVectors, inputLabels: files.labels } : d ? pick(d) : {};
  return sourcedScenario({ ...sources, params, vectors, seed: p.seed, out }, [mode as Mode]);
}

/** The sources of a DataRef but the dataset (passed by its files). */
const pick = (d: DataRef): Partial<DataOptions> => Object.fromEntries(REF_SOURCES.filter((k) => k !== 'dataset' && d[k] !== undefined).map((k) => [k, d[k]]));
