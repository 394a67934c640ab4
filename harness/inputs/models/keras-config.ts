// A Keras model's config (config.json of a .keras, model_config of a .h5) as the chain of layers
// from the input to the output: a Sequential's list, or a Functional model's graph when each
// layer takes one tensor (an MLP's shape). Keras 3 and Keras 2 spell the graph differently; both
// are read. A model that is not a chain is refused here, suggesting an ONNX export.
import { InputError } from '../../../lib/errors.ts';

export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** build_config.input_shape, with the batch axis */
  builtShape: unknown;
}

export interface KerasChain {
  layers: KerasLayer[];
  /** the model's input shape without the batch axis (null: any size) */
  inputShape: (number | null)[] | null;
  className: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

export function kerasChain(raw: unknown, label: string): KerasChain {
  const top = obj(raw);
  const className = String(top.class_name ?? '');
  const cfg = obj(top.config);
  const rawLayers = Array.isArray(cfg.layers) ? (cfg.layers as unknown[]).map(obj) : null;
  if (!rawLayers) throw new InputError(`${label}: not a model: its config has no layers (class ${className || 'none'})`);
  const layer = (l: Json): KerasLayer => {
    const c = obj(l.config);
    return { name: String(l.name ?? c.name ?? ''), className: String(l.class_name ?? ''), config: c, builtShape: obj(l.build_config).input_shape };
  };
  let layers: KerasLayer[];
  if (className === 'Sequential') layers = rawLayers.map(layer);
  else {
    // Functional: walk back from the output through each layer's one inbound tensor
    const byName = new Map(rawLayers.map((l) => [layer(l).name, l]));
    const outs = historyNames(cfg.output_layers);
    if (outs.length !== 1) throw new InputError(`${label}: the model has ${outs.length} outputs; headsim's Keras reader takes one (export to ONNX for other graphs)`);
    layers = [];
    const seen = new Set<string>();
    for (let name: string | undefined = outs[0]; name !== undefined; ) {
      const l = byName.get(name);
      if (!l || seen.has(name)) throw new InputError(`${label}: its config names a layer '${name}' it does not define`);
      seen.add(name);
      layers.unshift(layer(l));
      const inbound = historyNames(l.inbound_nodes);
      if (inbound.length > 1)
        throw new InputError(`${label}: layer '${name}' takes ${inbound.length} inputs; headsim's Keras reader evaluates a chain of layers (export the model to ONNX and give the .onnx)`);
      name = inbound[0];
    }
  }
  return { layers, inputShape: inputShapeOf(layers), className };
}

/** Layer names in a Keras 3 ({keras_history: [name, …]}) or Keras 2 ([[name, 0, 0, {}]]) node list. */
function historyNames(v: unknown): string[] {
  const out: string[] = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x)) {
      if (typeof x[0] === 'string' && typeof x[1] === 'number') out.push(x[0]);
      else x.forEach(visit);
    } else if (x && typeof x === 'object') {
      const o = x as Json;
      const h = obj(o.config).keras_history;
      if (Array.isArray(h) && typeof h[0] === 'string') out.push(h[0]);
      else Object.values(o).forEach(visit);
    }
  };
  visit(v);
  return [...new Set(out)];
}

function inputShapeOf(layers: KerasLayer[]): (number | null)[] | null {
  const first = layers[0];
  if (!first) return null;
  const c = first.config;
  const shape = c.batch_shape ?? c.batch_input_shape ?? first.builtShape;
  return Array.isArray(shape) ? shape.slice(1).map((d) => (typeof d === 'number' ? d : null)) : null;
}
