// Level 2: the bit-true reference. The computation in the hardware's fixed-point formats,
// with no notion of cycles; it defines every output bit the model and the RTL must produce.
import type { Geometry } from './geometry.ts';
import { roundShift, satS } from './numerics.ts';
import { topIndices } from './ranking.ts';
import { approxScore, expValue, recipDivide, recipIndex, reciprocalProb, serialProb } from './tables.ts';
import type { Tables } from './tables-set.ts';
import type { HeadWeights } from './weights.ts';

export interface Entry {
  index: number;
  /** logit (signed) in argmax mode, probability or score (unsigned) otherwise */
  value: number;
}

export interface BitTrueResult {
  /** requantized logits, logitFmt */
  z: Int32Array;
  /** selection order of the comparator tree (R entries) */
  rank: number[];
  /** exp unit outputs per class (softmax: of max − z; approx: of −z); empty in argmax */
  e: Int32Array;
  /** Σe in softmax mode */
  sum: number;
  entries: Entry[];
}

/**
 * Logits of one vector: ReLU, dot products with per-beat accumulation, bias, requantize. They do
 * not depend on the mode, so the scenario's modes (and the quantization report) share them: each
 * vector's are computed once per weights, vectors and front-end geometry.
 */
export function logits(g: Geometry, w: HeadWeights, relu: boolean, xQ: ArrayLike<number>, off: number): Int32Array {
  const key = `${relu} ${g.N} ${g.K} ${g.kPar} ${g.accW} ${g.accSat} ${g.biasShift} ${g.requantShift} ${g.logitW}`;
  let byXq = memo.get(w);
  if (!byXq) memo.set(w, (byXq = new WeakMap()));
  let byKey = byXq.get(xQ);
  if (!byKey) byXq.set(xQ, (byKey = new Map()));
  let vectors = byKey.get(key);
  if (!vectors) byKey.set(key, (vectors = new Map()));
  let z = vectors.get(off);
  if (!z) vectors.set(off, (z = computeLogits(g, w, relu, xQ, off)));
  return z;
}

const memo = new WeakMap<HeadWeights, WeakMap<object, Map<string, Map<number, Int32Array>>>>();

function computeLogits(g: Geometry, w: HeadWeights, relu: boolean, xQ: ArrayLike<number>, off: number): Int32Array {
  const z = new Int32Array(g.N);
  for (let n = 0; n < g.N; n++) {
    let acc = 0;
    for (let b = 0; b < g.B; b++) {
      let s = 0;
      for (let l = 0; l < g.kPar; l++) {
        const k = b * g.kPar + l;
        if (k >= g.K) break;
        const x = xQ[off + k]!;
        s += (relu && x < 0 ? 0 : x) * w.wQ[n * g.K + k]!;
      }
      acc = g.accSat ? satS(acc + s, g.accW) : acc + s;
    }
    z[n] = satS(roundShift(acc + w.bQ[n]! * 2 ** g.biasShift, g.requantShift), g.logitW);
  }
  return z;
}

export function bitTrue(g: Geometry, t: Tables, w: HeadWeights, relu: boolean, xQ: ArrayLike<number>, off: number): BitTrueResult {
  const z = logits(g, w, relu, xQ, off);
  const rank = topIndices(z, g.R);
  const order = g.emitAll ? Array.from({ length: g.N }, (_, i) => i) : rank;
  const e = new Int32Array(g.mode === 'argmax' ? 0 : g.N);
  let sum = 0;
  let value: (i: number) => number = (i) => z[i]!;
  if (g.mode === 'softmax') {
    const max = z[rank[0]!]!;
    for (let i = 0; i < g.N; i++) sum += e[i] = expValue(max - z[i]!, g, t);
    if (g.serial) value = (i) => serialProb(e[i]!, sum, g);
    else if (g.recipDivide) {
      const recip = recipDivide(sum, g);
      value = (i) => reciprocalProb(e[i]!, recip, 0, g);
    } else {
      const { msb, index } = recipIndex(sum);
      value = (i) => reciprocalProb(e[i]!, t.recip[index]!, msb, g);
    }
  } else if (g.mode === 'approx') {
    for (let i = 0; i < g.N; i++) e[i] = expValue(-z[i]!, g, t);
    value = (i) => approxScore(e[i]!, w.scale, g);
  }
  return { z, rank, e, sum, entries: order.map((index) => ({ index, value: value(index) })) };
}
