// Input vectors: float (the question's a ~ N(0, 0.5)) and quantized to inFmt.
import type { HeadConfig } from './config.ts';
import { quantizeInto } from './numerics.ts';
import { mulberry32, normal, subSeed } from './prng.ts';

export interface InputVectors {
  count: number;
  /** [count][inputs] row-major */
  xFloat: Float64Array;
  xQ: Int32Array;
  saturated: number;
  labels?: Int32Array;
}

export function generateVectors(c: HeadConfig, count: number, seed: number): InputVectors {
  const gen = normal(mulberry32(subSeed(seed, 2)), 0, 0.5);
  return quantizeVectors(c, new Float64Array(count * c.inputs).map(gen), count);
}

export function quantizeVectors(c: HeadConfig, xFloat: Float64Array, count: number): InputVectors {
  const xQ = new Int32Array(xFloat.length);
  const saturated = quantizeInto(xQ, xFloat, c.inFmt);
  return { count, xFloat, xQ, saturated };
}
