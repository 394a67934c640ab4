// The weights and bias of a user's file: .npy or .npz (a bias in W's archive, or --bias), or
// JSON {"W": [[…]], "b": […]}, in out-in ([classes, inputs], PyTorch) or in-out ([inputs,
// classes], Keras) layout. Their shape sets classes and inputs (a given value must agree); every
// error names the file.
import { InputError } from '../../lib/errors.ts';
import { LIMITS, readJsonCapped } from '../../lib/limits.ts';
import { loadArrayAsync, type LoadedArray } from './npz.ts';
import { finite, fitDefaults, paramRange } from './shapes.ts';

export interface LoadedWeights {
  /** [classes][inputs] */
  wFloat: Float64Array;
  bFloat: Float64Array;
  /** "W.npy + b.npy (out-in)" */
  describe: string;
}

/** `params` gets classes and inputs (and the defaults that follow them); `given` are the user's parameters. */
export async function loadWeights(
  wPath: string,
  bPath: string | undefined,
  layout: 'out-in' | 'in-out',
  given: Record<string, unknown>,
  params: Record<string, unknown>,
): Promise<LoadedWeights> {
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
  const wFloat = layout === 'in-out' ? transpose(W.data, N, K) : W.data;
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
  for (const [field, v] of [['classes', N], ['inputs', K]] as const) {
    if (given[field] !== undefined && given[field] !== v) throw new InputError(`${wLabel}: weights imply ${field}=${v} but ${field}=${String(given[field])} was given`);
    params[field] = v;
  }
  fitDefaults(params, given, N, K);
  return { wFloat, bFloat: b ?? new Float64Array(N), describe: `${wLabel}${bFile ? ` + ${bFile.label}` : ''} (${layout})` };
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
