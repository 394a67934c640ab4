// Seed scenario, 10,000 vectors: the three modes agree on top-1 and the softmax unit's error
// stays under 1e-3 with the default formats (issue #2 acceptance).
import { describe, expect, it } from 'vitest';
import { SEED_CONFIG } from '../../models/config.ts';
import { accuracy, emitted, floatRefs, modesAgree } from '../../harness/check/accuracy.ts';
import { runModel } from '../../harness/run/model.ts';
import { buildScenario, withMode } from '../../harness/inputs/scenario.ts';
import { score } from '../../harness/check/scoreboard.ts';
import { DEFAULT_TRAFFIC } from '../../harness/run/traffic.ts';

describe('seed scenario accuracy', () => {
  it('10,000 vectors: modesAgree = 1, maxProbError ≤ 1e-3, bit-exact', async () => {
    const base = buildScenario(SEED_CONFIG, 10_000, 1);
    const floats = floatRefs(base);
    const top1s: number[][] = [];
    for (const mode of ['argmax', 'softmax', 'approx'] as const) {
      const s = withMode(base, mode);
      const r = await runModel(s, DEFAULT_TRAFFIC);
      const sc = score(s, r.tb.outIndex, r.tb.outValue, r.tb.done);
      expect(sc.mismatches).toBe(0);
      const em = emitted(s, r.tb.outIndex, r.tb.outValue);
      const acc = accuracy(s, em, sc.refs, floats);
      expect(acc.top1VsFloat).toBeGreaterThan(0.99);
      if (mode === 'softmax') expect(acc.maxProbError!).toBeLessThanOrEqual(1e-3);
      top1s.push(em.map((e) => e.top1));
    }
    expect(modesAgree(top1s)).toBe(1);
  }, 300_000);
});
