// Scoreboard: every value the head emitted, checked against the bit-true reference. It also
// keeps the per-vector results that the accuracy figures are computed from.
import { bitTrue, type BitTrueResult } from '../../models/bittrue.ts';
import { toBits } from '../../models/numerics.ts';
import type { Scenario } from '../inputs/scenario.ts';

export interface ValueMismatch {
  vector: number;
  entry: number;
  expected: { index: number; value: number };
  actual: { index: number; value: number };
}

export interface Scored {
  refs: BitTrueResult[];
  checked: number;
  mismatches: number;
  firstMismatch: ValueMismatch | null;
}

/** Compare emitted entries (index, raw port value) per vector with the bit-true reference. */
export function score(s: Scenario, outIndex: ArrayLike<number>, outValue: ArrayLike<number>, vectorsDone: number): Scored {
  const { g } = s;
  const refs: BitTrueResult[] = [];
  let mismatches = 0;
  let firstMismatch: ValueMismatch | null = null;
  for (let v = 0; v < s.vectors.count; v++) {
    const ref = bitTrue(g, s.t, s.w, s.config.relu, s.vectors.xQ, v * g.K);
    refs.push(ref);
    if (v >= vectorsDone) continue;
    for (let e = 0; e < g.E; e++) {
      const exp = ref.entries[e]!;
      const idx = outIndex[v * g.E + e]!;
      const val = outValue[v * g.E + e]!;
      if (idx !== exp.index || val !== toBits(exp.value, g.valW)) {
        mismatches++;
        firstMismatch ??= { vector: v, entry: e, expected: { index: exp.index, value: toBits(exp.value, g.valW) }, actual: { index: idx, value: val } };
      }
    }
  }
  if (vectorsDone < s.vectors.count) mismatches += (s.vectors.count - vectorsDone) * g.E;
  return { refs, checked: vectorsDone * g.E, mismatches, firstMismatch };
}
