// The `data` field of a sweep spec: the data sources of `sim`'s data flags, by the same names,
// its schema made from their table (harness/inputs/data-sources.ts); file paths are relative to
// the spec file. { "dataset": "mnist" }, { "weights": "W.npy", "inputVectors": "X.npz", "autoFormats": true },
// { "model": "m.onnx", "modelInputs": "X.npy", "inputLabels": "y.npy", "headLayer": "fc" }.
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { DATA_SOURCE_NAMES, PATH_SOURCES, sourceDef, type DataSourceName, type DataSources } from '../inputs/data-sources.ts';

export type SpecData = DataSources;

const got = (iss: { input?: unknown }) => `got ${JSON.stringify(iss.input)}`;

function fieldSchema(name: DataSourceName): z.ZodType {
  const d = sourceDef(name);
  switch (d.kind) {
    case 'path': {
      const error = (iss: { input?: unknown }) => `expected a file path (relative to the spec), ${got(iss)}`;
      return z.string({ error }).min(1, { error });
    }
    case 'name': {
      const error = (iss: { input?: unknown }) => `expected ${d.noun ?? 'a name'}, ${got(iss)}`;
      return z.string({ error }).min(1, { error });
    }
    case 'choice':
      return z.enum(d.choices as [string, ...string[]], { error: (iss) => `expected one of ${d.choices!.join(', ')}, ${got(iss)}` });
    case 'switch':
      return z.boolean({ error: (iss) => `expected true or false, ${got(iss)}` });
  }
}

/** A spec's `data`, as written (paths not yet resolved against the spec's directory). */
export const specDataSchema = z.strictObject(Object.fromEntries(DATA_SOURCE_NAMES.map((k) => [k, fieldSchema(k).optional()])), {
  error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field (fields: ${DATA_SOURCE_NAMES.join(', ')})` : `expected an object { ${DATA_SOURCE_NAMES.join(', ')} }`),
}) as unknown as z.ZodType<SpecData>;

/** File paths relative to `baseDir` (the spec's directory; null: as given). A .npz:MEMBER suffix stays: only the path part is relative. */
export function resolveDataPaths(d: SpecData, baseDir: string | null): SpecData {
  const out: SpecData = { ...d };
  for (const k of PATH_SOURCES) {
    const v = d[k];
    if (v !== undefined && baseDir !== null && !isAbsolute(v)) out[k] = join(baseDir, v);
  }
  return out;
}
