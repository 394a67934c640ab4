// Where a run's data can come from, defined once: each data source's name (the key in
// DataOptions and in a sweep spec's `data` object; the flag is its kebab case: inputVectors ↔
// --input-vectors), the kind of value it takes and its help text. The commander flags
// (cli/options.ts), the sweep spec's schema (harness/sweep/data-spec.ts), the help text and the
// flags handed on to cluster tasks are all made from this table.
import { DATASETS } from './datasets/index.ts';

interface SourceDef {
  /** path: a file (relative to a spec's directory there); name: a word; choice: one of `choices`; switch: on or off */
  kind: 'path' | 'name' | 'choice' | 'switch';
  /** the placeholder of the value in the help (`--weights <file>`) */
  arg?: string;
  /** what a name is, in messages ('a layer name') */
  noun?: string;
  choices?: readonly string[];
  /** it gives data (weights, vectors, labels, a model or a dataset), not a way to read it */
  gives?: true;
  help: string;
}

export const DATA_SOURCES = {
  weights: { kind: 'path', arg: 'file', gives: true, help: 'trained weights: .npy [classes, inputs] or JSON {"W": [[…]], "b": […]}' },
  bias: { kind: 'path', arg: 'file', gives: true, help: 'bias .npy [classes] (with --weights)' },
  weightsLayout: { kind: 'choice', arg: 'layout', choices: ['out-in', 'in-out'], help: 'out-in: [classes, inputs] (PyTorch); in-out: [inputs, classes] (Keras)' },
  inputVectors: { kind: 'path', arg: 'file', gives: true, help: 'input vectors .npy [vectors, inputs]' },
  inputLabels: { kind: 'path', arg: 'file', gives: true, help: 'labels .npy [vectors] (with --input-vectors)' },
  model: { kind: 'path', arg: 'file', gives: true, help: 'a trained model: Keras .keras or .h5, or ONNX; its last dense layer is the head (docs/real-data.md)' },
  modelInputs: { kind: 'path', arg: 'file', gives: true, help: "the model's own inputs .npy [vectors, …its input shape]: the body runs in float to make the input vectors" },
  headLayer: { kind: 'name', arg: 'name', noun: 'a layer name', help: 'the dense layer to take as the head (default: the last)' },
  dataset: { kind: 'choice', arg: 'name', choices: Object.keys(DATASETS), gives: true, help: `a built-in trained head and test set: ${Object.keys(DATASETS).join(', ')}` },
  autoFormats: { kind: 'switch', help: 'choose the fractional bits of inputs, weights, bias and logits from the data' },
} as const satisfies Record<string, SourceDef>;

export type DataSourceName = keyof typeof DATA_SOURCES;

/** The names in table order (the order of the help). */
export const DATA_SOURCE_NAMES = Object.keys(DATA_SOURCES) as DataSourceName[];

type Def<K extends DataSourceName> = (typeof DATA_SOURCES)[K];
type ValueOf<D> = D extends { kind: 'switch' } ? boolean : D extends { choices: readonly (infer C extends string)[] } ? C : string;

/** The data sources a run was given: each optional, typed by its kind. */
export type DataSources = { [K in DataSourceName]?: ValueOf<Def<K>> };

/** A source's definition, for code that treats them all alike. */
export const sourceDef = (name: DataSourceName): SourceDef => DATA_SOURCES[name];

/** The sources that give data (a flag among them replaces a spec's data; synth then uses the user's data). */
export const GIVING_SOURCES = DATA_SOURCE_NAMES.filter((k) => sourceDef(k).gives);

type PathSourceName = { [K in DataSourceName]: Def<K> extends { kind: 'path' } ? K : never }[DataSourceName];

/** The sources whose values are file paths. */
export const PATH_SOURCES = DATA_SOURCE_NAMES.filter((k): k is PathSourceName => sourceDef(k).kind === 'path');

/** The flag of a source: --input-vectors for inputVectors. */
export const flagOf = (name: DataSourceName): string => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** True when any source is given. */
export const anySource = (d: Partial<Record<DataSourceName, unknown>>, names: readonly DataSourceName[] = DATA_SOURCE_NAMES): boolean =>
  names.some((k) => d[k] !== undefined && d[k] !== false);

/** The given sources as command-line arguments, in table order; `path` maps file paths (made absolute for a cluster task). */
export function sourceArgs(d: DataSources, path: (p: string) => string = (p) => p): string[] {
  return DATA_SOURCE_NAMES.flatMap((k) => {
    const v = d[k];
    if (v === undefined || v === false) return [];
    if (v === true) return [flagOf(k)];
    return [flagOf(k), sourceDef(k).kind === 'path' ? path(v) : v];
  });
}

/**
 * Where a run's data comes from: the user's parameters and the data sources of the table above
 * (the CLI's data flags, a sweep spec's `data`).
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
