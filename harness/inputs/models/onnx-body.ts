// The body of an ONNX model in float: onnxruntime-node (its CPU binary ships in the npm package)
// runs the whole graph once per batch, with the head's input tensor as an extra output. That
// one run gives both the head's input vectors and the model's own prediction (its first
// output), so the float accuracy reported is the one the framework computes. QONNX Quant nodes
// become standard ops first (quantizers.ts); onnxruntime is loaded only when a model is.
import { InputError } from '../../../lib/errors.ts';
import { int, onnx, type Model } from './onnx-graph.ts';
import { lowerQuantNodes } from './quantizers.ts';
import { argmax, type ModelBody } from './model.ts';

/** Rows per onnxruntime run when the model's batch axis is free. */
const BATCH = 256;

export async function onnxBody(path: string, source: Model, headInput: string, inputs: number): Promise<ModelBody> {
  // a copy: the graph is changed (Quant lowered, an output added)
  const model = onnx.ModelProto.decode(onnx.ModelProto.encode(source).finish());
  const graph = model.graph!;
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const feeds = (graph.input ?? []).filter((i) => !inits.has(i.name));
  if (feeds.length !== 1) throw new InputError(`${path}: the model has ${feeds.length} inputs (${feeds.map((i) => i.name).join(', ')}); headsim feeds models of one input`);
  const input = feeds[0]!;
  const tt = input.type?.tensorType;
  const T = onnx.TensorProto.DataType;
  if (tt?.elemType !== T.FLOAT && tt?.elemType !== T.DOUBLE) throw new InputError(`${path}: input '${input.name}' has element type ${tt?.elemType}; headsim feeds float or double inputs`);
  const dims = (tt.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && int(d.dimValue) > 0 ? int(d.dimValue) : null));
  if (!dims.length) throw new InputError(`${path}: input '${input.name}' has no shape; headsim needs [batch, …]`);
  const outputName = graph.output?.[0]?.name;
  if (!outputName) throw new InputError(`${path}: the graph has no output`);
  const direct = headInput === input.name; // the model is the head alone: its input is the head's
  if (!direct && !graph.output!.some((o) => o.name === headInput))
    graph.output!.push(onnx.ValueInfoProto.create({ name: headInput, type: { tensorType: { elemType: T.FLOAT } } }));
  lowerQuantNodes(model, path);
  // an optional dependency (294 MB): `make cosim` leaves it out, `npm ci` and `make test` install it
  const ort = await import('onnxruntime-node').catch(() => {
    throw new InputError(`${path}: running an ONNX body needs onnxruntime-node, which is not installed: run 'npm ci' in the project`);
  });
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  } catch (e) {
    throw new InputError(`${path}: onnxruntime cannot run the body (${String((e as Error).message).split('\n')[0]})`);
  }
  const inputShape = dims.slice(1);
  const rowSize = inputShape.reduce<number>((a, d) => a * (d ?? 1), 1);
  const fixedBatch = dims[0];
  const ops = [...new Set((model.graph!.node ?? []).map((n) => n.opType))];
  return {
    inputShape,
    describe: `onnxruntime ${ort.env.versions.node ?? ''} (CPU), the whole graph (${ops.join(', ')})`,
    async run(x, count) {
      const features = new Float64Array(count * inputs);
      const predicted = new Int32Array(count);
      const step = fixedBatch ?? BATCH;
      for (let r0 = 0; r0 < count; r0 += step) {
        const rows = Math.min(step, count - r0);
        const n = fixedBatch ?? rows; // a fixed batch axis: the last run padded with zeros
        const data = tt.elemType === T.DOUBLE ? new Float64Array(n * rowSize) : new Float32Array(n * rowSize);
        data.set(x.subarray(r0 * rowSize, (r0 + rows) * rowSize));
        const shape = [n, ...inputShape.map((d) => d ?? 1)];
        let out: Record<string, { data: unknown; dims: readonly number[] }>;
        try {
          out = await session.run({ [input.name!]: new ort.Tensor(tt.elemType === T.DOUBLE ? 'float64' : 'float32', data, shape) });
        } catch (e) {
          throw new InputError(`${path}: onnxruntime failed on inputs ${r0}…${r0 + rows - 1} (${String((e as Error).message).split('\n')[0]})`);
        }
        const f = direct ? data : (out[headInput]!.data as Float32Array);
        if (f.length !== n * inputs) throw new InputError(`${path}: the head's input '${headInput}' holds ${f.length / n} values per input, not the head's ${inputs}`);
        for (let i = 0; i < rows * inputs; i++) features[r0 * inputs + i] = Number(f[i]);
        const y = out[outputName]!;
        const per = (y.data as ArrayLike<unknown>).length / n;
        for (let r = 0; r < rows; r++) predicted[r0 + r] = per === 1 ? Number((y.data as ArrayLike<number | bigint>)[r]) : argmax(y.data as Float32Array, r * per, per);
      }
      return { features, predicted };
    },
  };
}
