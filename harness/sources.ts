// Where weights and inputs come from: generated from the seed (the question's distributions),
// or users' files (.npy or JSON {"W": [[…]], "b": […]}). Shapes set classes/inputs unless the
// config gives them; a mismatch is an error naming the file.
import { readFileSync } from 'node:fs';
import type { CommonOptions } from './args.ts';
import { InputError } from './errors.ts';
import { readNpy } from './npy.ts';

export interface FloatSources {
  /** classes/inputs implied by the files */
  params: Record<string, number>;
  wFloat?: Float64Array;
  bFloat?: Float64Array;
  xFloat?: Float64Array;
  vectorCount?: number;
  labels?: Int32Array;
  describe: string;
}

export function loadSources(o: CommonOptions): FloatSources {
  const wPath = o.flags.weights as string | undefined;
  if (!wPath) {
    if (o.flags.bias) throw new InputError('--bias: needs --weights');
    return { params: {}, describe: `generated: W, b ~ N(0, 0.5), seed ${o.seed}` };
  }
  const layout = (o.flags['weights-layout'] as string | undefined) ?? 'out-in';
  if (layout !== 'out-in' && layout !== 'in-out') throw new InputError(`--weights-layout: expected out-in or in-out, got '${layout}'`);
  let W: { shape: number[]; data: Float64Array };
  let b: Float64Array | undefined;
  if (wPath.endsWith('.json')) {
    const j = readJsonWeights(wPath);
    W = j.W;
    b = j.b;
  } else W = readNpy(wPath);
  if (W.shape.length !== 2) throw new InputError(`${wPath}: weights must be 2-D [classes, inputs], got shape [${W.shape}]`);
  let [N, K] = W.shape as [number, number];
  let wFloat = W.data;
  if (layout === 'in-out') {
    [N, K] = [K, N];
    wFloat = transpose(W.data, K, N);
  }
  const bPath = o.flags.bias as string | undefined;
  if (bPath) {
    const a = readNpy(bPath);
    if (a.shape.length !== 1 || a.shape[0] !== N) throw new InputError(`${bPath}: bias must have shape [${N}], got [${a.shape}]`);
    b = a.data;
  }
  b ??= new Float64Array(N);
  for (const [field, v] of [['classes', N], ['inputs', K]] as const)
    if (o.params[field] !== undefined && o.params[field] !== v) throw new InputError(`${wPath}: weights imply ${field}=${v} but ${field}=${o.params[field]} was given`);
  return { params: { classes: N, inputs: K }, wFloat, bFloat: b, describe: `${wPath}${bPath ? ` + ${bPath}` : ''} (${layout})` };
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  // a is [cols][rows] (inputs × classes); returns [rows][cols]
  const t = new Float64Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[r * cols + c] = a[c * rows + r]!;
  return t;
}

function readJsonWeights(path: string): { W: { shape: number[]; data: Float64Array }; b?: Float64Array } {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`${path}: malformed weights file (${(e as Error).message.split('\n')[0]})`);
  }
  const o = j as { W?: unknown; b?: unknown };
  if (!Array.isArray(o.W) || !o.W.length || !o.W.every((r) => Array.isArray(r) && r.length === (o.W as unknown[][])[0]!.length))
    throw new InputError(`${path}: "W" must be a non-empty array of equal-length rows`);
  const rows = o.W as unknown[][];
  const flat = rows.flat();
  if (!flat.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new InputError(`${path}: "W" holds a non-numeric value`);
  let b: Float64Array | undefined;
  if (o.b !== undefined) {
    if (!Array.isArray(o.b) || o.b.length !== rows.length || !o.b.every((v) => typeof v === 'number' && Number.isFinite(v)))
      throw new InputError(`${path}: "b" must be ${rows.length} numbers`);
    b = Float64Array.from(o.b as number[]);
  }
  return { W: { shape: [rows.length, rows[0]!.length], data: Float64Array.from(flat as number[]) }, b };
}
