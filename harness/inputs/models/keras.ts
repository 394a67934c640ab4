// The head and body of a Keras model: Keras 3 `.keras` (a zip of config.json and
// model.weights.h5) or the legacy `.h5` (Keras 2 and 3). The head is the last Dense layer of the
// chain (or the one --head-layer names); its kernel is [inputs, classes]; a softmax (its own
// activation, or a Softmax/Activation layer after it) is recognised; a ReLU feeding it (a Dense's
// relu activation, a ReLU or Activation('relu') layer, through Dropout/Flatten/Reshape) sets
// relu. The body is evaluated in TypeScript (keras-body.ts).
import { InputError } from '../../../lib/errors.ts';
import { zipDirectory, zipMember } from '../zip.ts';
import { kerasChain, type KerasChain, type KerasLayer } from './keras-config.ts';
import { layerFn, runChain, type LayerFn } from './keras-body.ts';
import { keras3Vars, legacyH5, openH5, type Var } from './keras-h5.ts';
import { argmax, type HeadOutput, type LoadedModel, type ModelBody } from './model.ts';

const PASS = new Set(['Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'Flatten', 'Reshape', 'ActivityRegularization']);
const OUTPUT_ACTIVATIONS: Record<string, HeadOutput> = { softmax: 'softmax', log_softmax: 'log-softmax', linear: 'logits' };

/** A .keras archive: its config.json and model.weights.h5. */
export function loadKeras(path: string, buf: Buffer, headLayer: string | undefined): LoadedModel {
  const fail = (p: string): never => {
    throw new InputError(`${path}: ${p}`);
  };
  const members = new Map(zipDirectory(buf, fail, '.keras').map((e) => [e.name, e]));
  const need = (name: string) => members.get(name) ?? fail(`not a Keras model: the archive has no ${name} (it holds ${[...members.keys()].slice(0, 6).join(', ') || 'nothing'})`);
  const cfgEntry = need('config.json');
  let config: unknown;
  try {
    config = JSON.parse(zipMember(buf, cfgEntry, (p) => fail(`config.json: ${p}`)).toString('utf8'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: config.json is not JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const chain = kerasChain(config, path);
  const wLabel = `${path}:model.weights.h5`;
  const vars = keras3Vars(openH5(zipMember(buf, need('model.weights.h5'), (p) => fail(`model.weights.h5: ${p}`)), wLabel), wLabel);
  return assemble(path, 'Keras 3 (.keras)', chain, vars, headLayer);
}

/** A legacy .h5 (HDF5 with model_config and model_weights). */
export function loadKerasH5(path: string, buf: Buffer, headLayer: string | undefined): LoadedModel {
  const { config, vars } = legacyH5(openH5(buf, path), path);
  return assemble(path, 'Keras (legacy .h5)', kerasChain(config, path), vars, headLayer);
}

function assemble(path: string, format: string, chain: KerasChain, vars: Map<string, Var[]>, headLayer: string | undefined): LoadedModel {
  const { layers } = chain;
  const where = (l: KerasLayer) => `${path}: layer '${l.name}' (${l.className})`;
  const denseAt = layers.flatMap((l, i) => (l.className === 'Dense' ? [i] : []));
  if (!denseAt.length) throw new InputError(`${path}: no Dense layer in the model, so no head`);
  let h: number;
  if (headLayer !== undefined) {
    h = layers.findIndex((l) => l.name === headLayer && l.className === 'Dense');
    if (h < 0) throw new InputError(`--head-layer ${headLayer}: ${path} has no Dense layer of that name (Dense layers: ${denseAt.map((i) => layers[i]!.name).join(', ')})`);
  } else h = denseAt[denseAt.length - 1]!;
  const head = layers[h]!;
  const hv = vars.get(head.name) ?? [];
  if (!hv.length || hv[0]!.shape.length !== 2) throw new InputError(`${where(head)}: its kernel is missing from the weights`);
  const [K, N] = hv[0]!.shape as [number, number];
  const useBias = head.config.use_bias !== false;
  if (useBias && (!hv[1] || hv[1].data.length !== N)) throw new InputError(`${where(head)}: its bias is missing or not ${N} values`);
  const W = new Float64Array(N * K);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) W[n * K + k] = hv[0]!.data[k * N + n]!;

  // what feeds the head
  let reluFrom: string | null = null;
  for (let i = h - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (PASS.has(l.className)) continue;
    const act = l.config.activation ?? null; // Dense, Activation, Conv…: a layer's own activation
    const plainRelu = l.className === 'ReLU' && (l.config.max_value ?? null) === null && !Number(l.config.negative_slope ?? 0) && !Number(l.config.threshold ?? 0);
    if (act === 'relu' || plainRelu) reluFrom = l.name;
    break;
  }
  // what follows it
  // 'other': something the hardware head does not compute follows the dense layer
  let ending: HeadOutput | 'other' = OUTPUT_ACTIVATIONS[String(head.config.activation ?? 'linear')] ?? 'other';
  const after = layers.slice(h + 1);
  for (const l of after) {
    if (PASS.has(l.className)) continue;
    const act = l.className === 'Softmax' ? 'softmax' : l.className === 'Activation' ? String(l.config.activation) : null;
    if (act === 'linear') continue;
    ending = ending === 'logits' && act && OUTPUT_ACTIVATIONS[act] ? OUTPUT_ACTIVATIONS[act]! : 'other';
  }
  if (ending === 'other') {
    if (headLayer === undefined) {
      const what = after.find((l) => !PASS.has(l.className) && l.className !== 'Softmax') ?? head;
      throw new InputError(
        `${path}: the last Dense layer '${head.name}' is followed by ${what === head ? `its activation '${head.config.activation}'` : `layer '${what.name}' (${what.className})`}; headsim's head is a dense layer followed at most by a softmax (name the head with --head-layer to take '${head.name}' anyway)`,
      );
    }
    ending = 'logits';
  }
  const output: HeadOutput = ending;

  // the body: every layer before the head, then the rest for the model's own prediction
  let body: ModelBody | null = null, bodyError: string | null = null;
  try {
    const fns = layers.map((l) => layerFn(l, vars.get(l.name) ?? [], where(l)));
    body = kerasBody(chain, fns, h, K);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    bodyError = e.message;
  }
  return {
    path,
    format,
    head: {
      layer: head.name,
      op: 'Dense',
      classes: N,
      inputs: K,
      W,
      b: useBias ? hv[1]!.data : null,
      storedLayout: 'in-out',
      relu: reluFrom !== null,
      reluFrom,
      output,
      labels: null,
      formats: {},
      formatNotes: [],
    },
    body,
    bodyError,
    bodyLayers: layers.slice(0, h).filter((l) => l.className !== 'InputLayer').map((l) => l.className),
  };
}

function kerasBody(chain: KerasChain, fns: LayerFn[], h: number, K: number): ModelBody {
  const inputShape = chain.inputShape ?? [];
  const before = fns.slice(0, h), rest = fns.slice(h);
  return {
    inputShape,
    describe: `TypeScript, Keras' layers in float32 (${chain.layers.map((l) => l.className).join(', ')})`,
    async run(x, count) {
      const size = x.length / count;
      const shape = inputShape.map((d) => d ?? size);
      const features = new Float64Array(count * K);
      const predicted = new Int32Array(count);
      for (let r = 0; r < count; r++) {
        const f = runChain(before, x.subarray(r * size, (r + 1) * size), shape);
        features.set(f.v, r * K);
        const y = runChain(rest, f.v, f.shape);
        predicted[r] = argmax(y.v, 0, y.v.length);
      }
      return { features, predicted };
    },
  };
}
