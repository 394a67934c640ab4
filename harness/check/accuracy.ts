// Accuracy against the float64 reference (docs/contract.md §Accuracy terms), and the question's own
// check: does sorting the emitted values give the logits' order, and if not, why.
import { floatReference, softmax, type FloatResult } from '../../models/float-ref.ts';
import { fromBits } from '../../models/numerics.ts';
import { orderByValue, sameOrder } from '../../models/ranking.ts';
import type { BitTrueResult } from '../../models/bittrue.ts';
import type { Scenario } from '../inputs/scenario.ts';

export interface Accuracy {
  top1VsFloat: number;
  /** filled in when all three modes ran on the same vectors */
  modesAgree: number | null;
  rankingAgreement: number;
  maxProbError: number | null;
  maxProbErrorEndToEnd: number | null;
  /** share of vectors whose emitted values, sorted, keep the emitted (logit) order */
  valueOrderAgreement: number;
  valueOrderBreaks: { saturated: number; underflow: number; tie: number; inversion: number };
  /** vs labels, when the vectors carry labels (real data) */
  labelAccuracy: number | null;
}

export interface EmittedVector {
  entries: { index: number; value: number }[];
  top1: number;
}

export function floatRefs(s: Scenario): FloatResult[] {
  return Array.from({ length: s.vectors.count }, (_, v) => floatReference(s.w, s.g.N, s.g.K, s.config.relu, s.vectors.xFloat, v * s.g.K));
}

/** The entries the head emitted for each vector, values decoded (logit steps or probability LSBs). */
export function emitted(s: Scenario, outIndex: ArrayLike<number>, outValue: ArrayLike<number>): EmittedVector[] {
  const { g } = s;
  return Array.from({ length: s.vectors.count }, (_, v) => {
    const entries = Array.from({ length: g.E }, (_, e) => {
      const raw = outValue[v * g.E + e]!;
      return { index: outIndex[v * g.E + e]!, value: g.mode === 'argmax' ? fromBits(raw, g.valW) : raw };
    });
    return { entries, top1: g.emitAll ? orderByValue(entries)[0]! : entries[0]!.index };
  });
}

/** `em`: what the head emitted; `refs`: the bit-true results (for the logits behind each value). */
export function accuracy(s: Scenario, em: EmittedVector[], refs: BitTrueResult[], floats: FloatResult[]): Accuracy {
  const { g } = s;
  const V = em.length;
  let top1 = 0,
    ranking = 0,
    valueOrder = 0,
    labelHits = 0;
  let maxErr = 0,
    maxErrE2E = 0;
  const breaks = { saturated: 0, underflow: 0, tie: 0, inversion: 0 };
  const labels = s.vectors.labels;
  for (let v = 0; v < V; v++) {
    const f = floats[v]!;
    const { entries, top1: t1 } = em[v]!;
    if (t1 === f.order[0]) top1++;
    if (labels && t1 === labels[v]) labelHits++;
    const hwOrder = g.emitAll ? orderByValue(entries) : entries.map((e) => e.index);
    if (sameOrder(hwOrder, f.order.slice(0, hwOrder.length))) ranking++;
    const logitOrder = g.emitAll ? orderByValue(entries.map((e) => ({ index: e.index, value: refs[v]!.z[e.index]! }))) : hwOrder;
    if (sameOrder(orderByValue(entries), logitOrder)) valueOrder++;
    else breaks[whyOrderBreaks(s, refs[v]!, entries)]++;
    if (g.mode === 'softmax') {
      const pHw = softmax(Array.from(refs[v]!.z, (z) => z / 2 ** g.logitFrac));
      for (const e of entries) {
        const p = e.value / 2 ** g.probFrac;
        maxErr = Math.max(maxErr, Math.abs(p - pHw[e.index]!));
        maxErrE2E = Math.max(maxErrE2E, Math.abs(p - f.p[e.index]!));
      }
    }
  }
  const share = (n: number) => (V ? n / V : 0);
  return {
    top1VsFloat: share(top1),
    modesAgree: null,
    rankingAgreement: share(ranking),
    maxProbError: g.mode === 'softmax' ? maxErr : null,
    maxProbErrorEndToEnd: g.mode === 'softmax' ? maxErrE2E : null,
    valueOrderAgreement: share(valueOrder),
    valueOrderBreaks: breaks,
    labelAccuracy: labels ? share(labelHits) : null,
  };
}

/** Why sorting the values differs from the logit order: the first adjacent pair that breaks it. */
function whyOrderBreaks(s: Scenario, r: BitTrueResult, entries: { index: number; value: number }[]): keyof Accuracy['valueOrderBreaks'] {
  const { g } = s;
  const byLogit = [...entries].sort((a, b) => r.z[b.index]! - r.z[a.index]! || a.index - b.index);
  for (let i = 0; i + 1 < byLogit.length; i++) {
    const a = byLogit[i]!,
      b = byLogit[i + 1]!;
    if (a.value > b.value || (a.value === b.value && a.index < b.index)) continue;
    if (a.value < b.value) return 'inversion';
    if (g.mode === 'approx' && r.z[a.index]! >= 0 && r.z[b.index]! >= 0) return 'saturated';
    if (a.value === 0) return 'underflow';
    return 'tie';
  }
  return 'tie';
}

/** Share of vectors whose top-1 is the same in every mode's run. */
export function modesAgree(top1s: number[][]): number {
  const V = top1s[0]?.length ?? 0;
  let n = 0;
  for (let v = 0; v < V; v++) if (top1s.every((t) => t[v] === top1s[0]![v])) n++;
  return V ? n / V : 0;
}
