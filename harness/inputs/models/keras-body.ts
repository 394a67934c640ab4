// The layers of an MLP body, evaluated in TypeScript as Keras computes them: InputLayer, Dense,
// the activations (Activation, ReLU, LeakyReLU, Softmax, and a Dense layer's own), Flatten,
// Reshape, Dropout (and its noise siblings: identity at inference), Rescaling, Normalization,
// BatchNormalization. Values are float64 rounded to float32 after every layer (Keras' float32
// dtype policy), so the model's predictions are the framework's. Any other layer is refused,
// naming it and suggesting an ONNX export (whose body onnxruntime runs).
import { InputError } from '../../../lib/errors.ts';
import type { KerasLayer } from './keras-config.ts';
import type { Var } from './keras-h5.ts';

/** One row's values after a layer, and its shape without the batch axis. */
interface Act {
  v: Float64Array;
  shape: number[];
}

/** A layer as a function of one row. */
export type LayerFn = (a: Act) => Act;

const IDENTITY = new Set(['InputLayer', 'Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'SpatialDropout1D', 'SpatialDropout2D', 'ActivityRegularization']);
export const KERAS_BODY_LAYERS = 'InputLayer, Dense, Activation, ReLU, LeakyReLU, Softmax, Flatten, Reshape, Dropout, Rescaling, Normalization, BatchNormalization';

const f32 = (v: Float64Array) => {
  for (let i = 0; i < v.length; i++) v[i] = Math.fround(v[i]!);
  return v;
};

/** Elementwise activations by Keras name (softmax-like ones act on the last axis). */
const ELEMENTWISE: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  leaky_relu: (x) => (x >= 0 ? x : 0.2 * x),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x)),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  hard_sigmoid: (x) => Math.min(1, Math.max(0, x / 6 + 0.5)),
  tanh: Math.tanh,
  softplus: (x) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0),
  softsign: (x) => x / (1 + Math.abs(x)),
  silu: (x) => x / (1 + Math.exp(-x)),
  swish: (x) => x / (1 + Math.exp(-x)),
  exponential: Math.exp,
};

function lastAxis(a: Act, f: (row: Float64Array) => void): Act {
  const n = a.shape[a.shape.length - 1] ?? a.v.length;
  const v = Float64Array.from(a.v);
  for (let o = 0; o < v.length; o += n) f(v.subarray(o, o + n));
  return { v, shape: a.shape };
}

const softmax = (r: Float64Array) => {
  const m = Math.max(...r);
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] = Math.exp(r[i]! - m);
  for (let i = 0; i < r.length; i++) r[i]! /= s;
};

export function activation(name: string, where: string): LayerFn {
  if (name === 'softmax') return (a) => lastAxis(a, softmax);
  if (name === 'log_softmax')
    return (a) =>
      lastAxis(a, (r) => {
        const m = Math.max(...r);
        const l = Math.log(r.reduce((s, x) => s + Math.exp(x - m), 0)) + m;
        for (let i = 0; i < r.length; i++) r[i]! -= l;
      });
  const f = ELEMENTWISE[name];
  if (!f) throw new InputError(`${where}: activation '${name}' is not evaluated by headsim's Keras reader (export the model to ONNX and give the .onnx)`);
  return (a) => ({ v: a.v.map(f), shape: a.shape });
}

/** Broadcasts a per-channel (last-axis) parameter, or a scalar. */
const chan = (p: Float64Array | number[] | number, i: number, n: number) => (typeof p === 'number' ? p : p.length === 1 ? p[0]! : p[i % n]!);
const param = (v: unknown): number[] | number => (Array.isArray(v) ? v.flat(8).map(Number) : Number(v ?? 0));

/** The function of one layer; `where` names it in messages (file: layer 'name' (Class)). */
export function layerFn(l: KerasLayer, vars: Var[], where: string): LayerFn {
  const c = l.config;
  const need = (k: number, what: string) => {
    if (vars.length < k) throw new InputError(`${where}: has ${vars.length} weight arrays, expected ${what}`);
  };
  if (IDENTITY.has(l.className)) return (a) => a;
  switch (l.className) {
    case 'Dense': {
      need(1, 'a kernel');
      const [K, N] = vars[0]!.shape as [number, number];
      const kernel = vars[0]!.data;
      const bias = c.use_bias === false ? null : vars[1]?.data ?? null;
      const act = activation(String(c.activation ?? 'linear'), where);
      return (a) => {
        if (a.shape[a.shape.length - 1] !== K) throw new InputError(`${where}: expects ${K} features, gets shape [${a.shape}]`);
        const rows = a.v.length / K;
        const out = new Float64Array(rows * N);
        for (let r = 0; r < rows; r++)
          for (let n = 0; n < N; n++) {
            let s = bias ? bias[n]! : 0;
            for (let k = 0; k < K; k++) s += a.v[r * K + k]! * kernel[k * N + n]!;
            out[r * N + n] = Math.fround(s);
          }
        return act({ v: out, shape: [...a.shape.slice(0, -1), N] });
      };
    }
    case 'Activation':
      return activation(String(c.activation ?? 'linear'), where);
    case 'Softmax':
      return activation('softmax', where);
    case 'ReLU': {
      const max = c.max_value === null || c.max_value === undefined ? Infinity : Number(c.max_value);
      const slope = Number(c.negative_slope ?? 0), thr = Number(c.threshold ?? 0);
      return (a) => ({ v: a.v.map((x) => (x >= thr ? Math.min(x, max) : slope * (x - thr))), shape: a.shape });
    }
    case 'LeakyReLU': {
      const slope = Number(c.negative_slope ?? c.alpha ?? 0.3);
      return (a) => ({ v: a.v.map((x) => (x >= 0 ? x : slope * x)), shape: a.shape });
    }
    case 'Flatten':
      return (a) => ({ v: a.v, shape: [a.v.length] });
    case 'Reshape': {
      const target = (c.target_shape as number[]).map(Number);
      return (a) => {
        const known = target.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
        return { v: a.v, shape: target.map((d) => (d === -1 ? a.v.length / known : d)) };
      };
    }
    case 'Rescaling': {
      const scale = param(c.scale ?? 1), offset = param(c.offset ?? 0);
      return (a) => {
        const n = a.shape[a.shape.length - 1] ?? 1;
        return { v: a.v.map((x, i) => x * chan(scale, i, n) + chan(offset, i, n)), shape: a.shape };
      };
    }
    case 'Normalization': {
      const axis = c.axis;
      if (Array.isArray(axis) && (axis.length !== 1 || axis[0] !== -1)) throw new InputError(`${where}: Normalization over axis ${JSON.stringify(axis)} is not evaluated (only the last axis)`);
      const fromConfig = c.mean !== null && c.mean !== undefined;
      if (!fromConfig) need(2, 'mean and variance');
      const mean = fromConfig ? param(c.mean) : vars[0]!.data, variance = fromConfig ? param(c.variance) : vars[1]!.data;
      const invert = c.invert === true;
      return (a) => {
        const n = a.shape[a.shape.length - 1] ?? 1;
        return {
          v: a.v.map((x, i) => {
            // Keras: (x − mean) / max(sqrt(var), epsilon), epsilon 1e-7; invert: mean + x · sqrt(var)
            const sd = Math.max(Math.sqrt(chan(variance, i, n)), 1e-7);
            return invert ? chan(mean, i, n) + x * sd : (x - chan(mean, i, n)) / sd;
          }),
          shape: a.shape,
        };
      };
    }
    case 'BatchNormalization': {
      const axis = c.axis;
      if (axis !== -1 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === -1)) throw new InputError(`${where}: BatchNormalization over axis ${JSON.stringify(axis)} is not evaluated (only the last axis)`);
      const scale = c.scale !== false, center = c.center !== false;
      need((scale ? 1 : 0) + (center ? 1 : 0) + 2, 'gamma, beta, moving mean and variance');
      let i = 0;
      const gamma = scale ? vars[i++]!.data : null, beta = center ? vars[i++]!.data : null;
      const mean = vars[i++]!.data, variance = vars[i++]!.data, eps = Number(c.epsilon ?? 1e-3);
      return (a) => {
        const n = a.shape[a.shape.length - 1] ?? 1;
        return {
          v: a.v.map((x, k) => {
            const j = k % n;
            return ((x - mean[j]!) / Math.sqrt(variance[j]! + eps)) * (gamma ? gamma[j]! : 1) + (beta ? beta[j]! : 0);
          }),
          shape: a.shape,
        };
      };
    }
    default:
      throw new InputError(
        `${where} is not evaluated by headsim's Keras reader (it runs ${KERAS_BODY_LAYERS}); export the model to ONNX (tf2onnx, or keras' model.export(…, format="onnx")) and give the .onnx`,
      );
  }
}

/** Runs a chain of layers on one row; every layer's output rounded to float32. */
export function runChain(fns: LayerFn[], row: Float64Array, shape: number[]): Act {
  let a: Act = { v: f32(Float64Array.from(row)), shape };
  for (const f of fns) {
    const r = f(a);
    a = { v: f32(r.v), shape: r.shape };
  }
  return a;
}
