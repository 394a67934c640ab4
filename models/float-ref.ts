// Level 1: the float64 reference, the question's math (ReLU → dense → softmax). The yardstick
// for accuracy only; it never defines a hardware bit.
import type { HeadWeights } from './weights.ts';
import { topIndices } from './ranking.ts';

export interface FloatResult {
  z: Float64Array;
  p: Float64Array;
  /** all classes, descending, ties to the lower index */
  order: number[];
}

/** Float logits z = W·relu?(x) + b of one vector (x[off..off+K)), into `z` (allocated if not given). */
export function floatLogits(
  w: Pick<HeadWeights, 'wFloat' | 'bFloat'>,
  N: number,
  K: number,
  relu: boolean,
  x: ArrayLike<number>,
  off: number,
  z = new Float64Array(N),
): Float64Array {
  for (let n = 0; n < N; n++) {
    let s = w.bFloat[n]!;
    for (let k = 0; k < K; k++) {
      const v = x[off + k]!;
      s += (relu && v < 0 ? 0 : v) * w.wFloat[n * K + k]!;
    }
    z[n] = s;
  }
  return z;
}

export function floatReference(w: HeadWeights, N: number, K: number, relu: boolean, x: ArrayLike<number>, off: number): FloatResult {
  const z = floatLogits(w, N, K, relu, x, off);
  return { z, p: softmax(z), order: topIndices(z, N) };
}

export function softmax(z: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) max = Math.max(max, z[i]!);
  const p = Float64Array.from(z, (v) => Math.exp(v - max));
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / s);
}
