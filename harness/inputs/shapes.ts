// What the shape of a user's file means for the head's parameters: classes and inputs within
// the config schema's ranges (phrased in the file's terms), defaults that follow a small head's
// shape unless the user set them, and values that must be finite.
import { configSchema, SEED_CONFIG } from '../../models/config.ts';
import { InputError } from '../../lib/errors.ts';

/** A numeric parameter's range in the config schema (models/config.ts), to phrase a file's shape against it. */
export function paramRange(name: 'classes' | 'inputs'): [number, number] {
  let s = (configSchema.shape as Record<string, unknown>)[name] as { minValue?: number | null; maxValue?: number | null; unwrap?: () => unknown };
  while (s.unwrap && s.minValue === undefined) s = s.unwrap() as typeof s;
  return [s.minValue ?? 1, s.maxValue ?? Infinity];
}

/**
 * Defaults that a small head from a file cannot take (kPar 8 with 4 inputs, topK 3 with 2
 * classes) follow the file's shape, unless the user set them: the user never chose them.
 */
export function fitDefaults(params: Record<string, unknown>, given: Record<string, unknown>, classes: number, inputs: number): void {
  if (given.kPar === undefined && inputs < SEED_CONFIG.kPar) params.kPar = inputs;
  if (given.topK === undefined && classes < SEED_CONFIG.topK) params.topK = classes;
}

export function finite(path: string, a: Float64Array): void {
  const i = a.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new InputError(`${path}: element ${i} is ${a[i]} (values must be finite)`);
}
