// The `data` field of a sweep spec: the same data sources as the data flags of `sim`
// (harness/inputs/sources.ts DataOptions), by the same names; file paths are relative to the
// spec file. { "dataset": "mnist" }, { "weights": "W.npy", "inputVectors": "X.npz", "autoFormats": true },
// { "model": "m.onnx", "modelInputs": "X.npy", "inputLabels": "y.npy", "headLayer": "fc" }.
import { isAbsolute, join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { DATASETS } from '../inputs/datasets/index.ts';
import { DATA_FLAGS, type DataOptions } from '../inputs/sources.ts';

export type SpecData = Partial<Pick<DataOptions, (typeof DATA_FLAGS)[number]>>;

const PATHS = ['weights', 'bias', 'inputVectors', 'inputLabels', 'model', 'modelInputs'] as const;
const LAYOUTS = ['out-in', 'in-out'];

export function parseSpecData(raw: unknown, baseDir: string | null): SpecData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(`data: expected an object { ${DATA_FLAGS.join(', ')} }`);
  const out: SpecData = {};
  for (const [k, v] of Object.entries(raw)) {
    if ((PATHS as readonly string[]).includes(k)) {
      if (typeof v !== 'string' || !v) throw new InputError(`data.${k}: expected a file path (relative to the spec), got ${JSON.stringify(v)}`);
      // .npz:MEMBER suffixes stay as they are; only the path part is relative to the spec.
      out[k as (typeof PATHS)[number]] = baseDir === null || isAbsolute(v) ? v : join(baseDir, v);
    } else if (k === 'weightsLayout') {
      if (typeof v !== 'string' || !LAYOUTS.includes(v)) throw new InputError(`data.weightsLayout: expected one of ${LAYOUTS.join(', ')}, got ${JSON.stringify(v)}`);
      out.weightsLayout = v as 'out-in' | 'in-out';
    } else if (k === 'headLayer') {
      if (typeof v !== 'string' || !v) throw new InputError(`data.headLayer: expected a layer name, got ${JSON.stringify(v)}`);
      out.headLayer = v;
    } else if (k === 'dataset') {
      if (typeof v !== 'string' || !(v in DATASETS)) throw new InputError(`data.dataset: expected one of ${Object.keys(DATASETS).join(', ')}, got ${JSON.stringify(v)}`);
      out.dataset = v;
    } else if (k === 'autoFormats') {
      if (typeof v !== 'boolean') throw new InputError(`data.autoFormats: expected true or false, got ${JSON.stringify(v)}`);
      out.autoFormats = v;
    } else throw new InputError(`data.${k}: unknown field (fields: ${DATA_FLAGS.join(', ')})`);
  }
  return out;
}
