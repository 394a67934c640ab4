// Weights and bias of the dense layer: float (as trained or generated) and quantized to the
// hardware formats, with the count of values that saturated.
import type { HeadConfig } from './config.ts';
import { quantizeInto, toFloat } from './numerics.ts';
import { mulberry32, normal, subSeed } from './prng.ts';
import { approxScale } from './tables.ts';

export interface HeadWeights {
  /** W[n][k] row-major, n < classes, k < inputs */
  wFloat: Float64Array;
  bFloat: Float64Array;
  wQ: Int32Array;
  bQ: Int32Array;
  /** approx mode constant, unsigned {SCALE_WIDTH, SCALE_FRAC} */
  scale: number;
  saturated: { weights: number; bias: number };
}

/** The question's weights: W ~ N(0, 0.5), b ~ N(0, 0.5). */
export function generateWeights(c: HeadConfig, seed: number): HeadWeights {
  const gen = normal(mulberry32(subSeed(seed, 1)), 0, 0.5);
  const w = new Float64Array(c.classes * c.inputs).map(gen);
  const b = new Float64Array(c.classes).map(gen);
  return quantizeWeights(c, w, b);
}

export function quantizeWeights(c: HeadConfig, wFloat: Float64Array, bFloat: Float64Array): HeadWeights {
  const wQ = new Int32Array(wFloat.length);
  const bQ = new Int32Array(bFloat.length);
  const sat = { weights: quantizeInto(wQ, wFloat, c.wFmt), bias: quantizeInto(bQ, bFloat, c.biasFmt) };
  return { wFloat, bFloat, wQ, bQ, scale: approxScale(wFloat, c.classes), saturated: sat };
}

/** The values the hardware actually multiplies with, back in float (for diagnostics). */
export const dequantized = (q: Int32Array, frac: number) => Float64Array.from(q, (v) => toFloat(v, frac));
