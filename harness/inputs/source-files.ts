// Which files a run reads, before any is read: the data options after the aliases
// (`--inputs X.npy`, `--labels y.npy` for --input-vectors, --input-labels), a built-in dataset's
// cached files, or a trained model's head (--model; its body makes the input vectors from
// --model-inputs). Two sources of the same data are an InputError naming both flags.
import { InputError } from '../../lib/errors.ts';
import { flagOf, type DataOptions } from './data-sources.ts';
import { DATASETS } from './datasets/index.ts';
import { modelHead, type ModelHeadSource } from './models/source.ts';

export interface SourceFiles {
  weights?: string;
  bias?: string;
  inputVectors?: string;
  inputLabels?: string;
  /** the model's head (--model), whose inputs are given (--model-inputs) or not */
  model?: ModelHeadSource;
  /** the input vectors are the model's own inputs (its body runs on them) */
  modelInputs: boolean;
  /** the user's parameters without an alias's file */
  given: Record<string, unknown>;
  /** parameters a dataset or the model implies */
  params: Record<string, unknown>;
  /** lines to print before the run (dataset provenance) */
  notes: string[];
}

export async function sourceFiles(o: DataOptions): Promise<SourceFiles> {
  const f: SourceFiles = { weights: o.weights, bias: o.bias, inputVectors: o.inputVectors, inputLabels: o.inputLabels, modelInputs: false, given: { ...o.params }, params: {}, notes: [] };
  fileAliases(f);
  if (o.dataset !== undefined) await dataset(f, o, o.dataset);
  if (o.model !== undefined) await model(f, o, o.model);
  else {
    if (o.modelInputs !== undefined) throw new InputError(`${flagOf('modelInputs')}: needs --model (the model whose inputs they are)`);
    if (o.headLayer !== undefined) throw new InputError(`${flagOf('headLayer')}: needs --model`);
  }
  if (f.bias && !f.weights) throw new InputError('--bias: needs --weights');
  if (f.inputLabels && !f.inputVectors) throw new InputError('--input-labels: needs --input-vectors (labels belong to given input vectors)');
  return f;
}

/**
 * `--inputs` is the parameter K and `--labels` the class names: the issue's `--inputs X.npy`
 * and `--labels y.npy` are accepted for --input-vectors / --input-labels when given a .npy file.
 */
function fileAliases(f: SourceFiles): void {
  for (const [param, source] of [['inputs', 'inputVectors'], ['labels', 'inputLabels']] as const) {
    const v = f.given[param];
    if (typeof v !== 'string') continue;
    if (!/\.np[yz](:[^:/\\]+)?$/i.test(v))
      throw new InputError(
        param === 'inputs'
          ? `--inputs: expected a number (features per vector) or a .npy/.npz file of input vectors, got '${v}'`
          : `--labels: expected class names as a JSON array or a .npy/.npz file of input labels, got '${v}'`,
      );
    const other = f[source];
    if (other !== undefined) throw new InputError(`--${param} ${v}: already given by ${flagOf(source)} ${other}`);
    f[source] = v;
    delete f.given[param];
  }
}

/** The flag of the first of `names` given (a source that clashes with another). */
function clash(f: SourceFiles, o: DataOptions, names: readonly ('weights' | 'bias' | 'weightsLayout' | 'inputVectors' | 'inputLabels' | 'dataset')[]): string | undefined {
  const value = (k: (typeof names)[number]) => (k === 'weightsLayout' || k === 'dataset' ? o[k] : f[k]);
  const k = names.find((n) => value(n) !== undefined);
  return k && flagOf(k);
}

async function dataset(f: SourceFiles, o: DataOptions, name: string): Promise<void> {
  const ds = DATASETS[name];
  if (!ds) throw new InputError(`--dataset: '${name}' is not one of ${Object.keys(DATASETS).join(', ')}`);
  const other = clash(f, o, ['weights', 'bias', 'weightsLayout', 'inputVectors', 'inputLabels']);
  if (other) throw new InputError(`--dataset ${name}: provides weights, bias, input vectors and labels; drop ${other}`);
  const files = await ds(o.out);
  Object.assign(f, { weights: files.weights, bias: files.bias, inputVectors: files.inputVectors, inputLabels: files.labels });
  Object.assign(f.params, files.params);
  f.notes.push(files.note);
}

async function model(f: SourceFiles, o: DataOptions, path: string): Promise<void> {
  const other = clash(f, o, ['weights', 'bias', 'weightsLayout', 'dataset']);
  if (other) throw new InputError(`--model ${path}: provides the weights and bias; drop ${other}`);
  if (o.modelInputs !== undefined && f.inputVectors !== undefined) throw new InputError(`--model-inputs ${o.modelInputs}: the input vectors are given by --input-vectors ${f.inputVectors} already; give one`);
  f.model = await modelHead(path, o.headLayer, f.given);
  Object.assign(f.params, f.model.params);
  if (o.modelInputs !== undefined) {
    f.inputVectors = o.modelInputs;
    f.modelInputs = true;
  }
}
