// The cycle model equals the bit-true reference bit for bit, and its measured latency and II
// equal the ARCHITECTURE.md formulas, over random configurations and random backpressure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../models/config.ts';
import { timing } from '../models/geometry.ts';
import { runModel } from '../harness/run/model.ts';
import { buildScenario } from '../harness/inputs/scenario.ts';
import { score } from '../harness/check/scoreboard.ts';

const configArb = fc
  .record({
    classes: fc.integer({ min: 2, max: 12 }),
    inputs: fc.integer({ min: 1, max: 40 }),
    kParSeed: fc.integer({ min: 1, max: 9 }),
    cParSeed: fc.integer({ min: 1, max: 12 }),
    relu: fc.boolean(),
    mode: fc.constantFrom('argmax', 'softmax', 'approx'),
    topKSeed: fc.integer({ min: 1, max: 12 }),
    emit: fc.constantFrom('topk', 'topk', 'all'),
    divider: fc.constantFrom('serial', 'reciprocal'),
    addrBits: fc.integer({ min: 3, max: 12 }),
    outBits: fc.integer({ min: 8, max: 18 }),
    range: fc.constantFrom(4, 8, 16, 32),
    logitFrac: fc.integer({ min: 4, max: 10 }),
    narrowAcc: fc.boolean(),
    expParSeed: fc.integer({ min: 0, max: 12 }),
    expImpl: fc.constantFrom('table', 'split'),
    loBitsSeed: fc.integer({ min: 1, max: 8 }),
    hiWidth: fc.integer({ min: 6, max: 18 }),
    loWidth: fc.integer({ min: 6, max: 18 }),
    recipImpl: fc.constantFrom('table', 'divide'),
    select: fc.constantFrom('auto', 'tree', 'stream'),
  })
  .map((r) => ({
    classes: r.classes,
    inputs: r.inputs,
    kPar: Math.min(r.kParSeed, r.inputs),
    cPar: Math.min(r.cParSeed, r.classes),
    relu: r.relu,
    mode: r.mode,
    topK: Math.min(r.topKSeed, r.classes),
    emit: r.emit,
    divider: r.divider,
    expLut: { addrBits: r.addrBits, outBits: r.outBits, range: r.range },
    logitFmt: { width: 16, frac: r.logitFrac },
    ...(r.narrowAcc ? { accWidth: 24 } : {}),
    // 0 = auto, else 1 … cPar
    expPar: r.expParSeed === 0 ? ('auto' as const) : Math.min(r.expParSeed, r.cParSeed, r.classes),
    expImpl: r.expImpl,
    expSplit: { loBits: Math.min(r.loBitsSeed, r.addrBits - 1), hiWidth: r.hiWidth, loWidth: Math.max(r.loWidth, r.outBits - r.hiWidth) },
    recipImpl: r.recipImpl,
    select: r.select,
  }));

describe('cycle model vs bit-true reference', () => {
  it('matches bit for bit with latency and II as the formulas, under random backpressure (in phases, with a reset mid-run, or not)', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0.2, max: 1, noNaN: true }), fc.double({ min: 0.2, max: 1, noNaN: true }), fc.boolean(), async (raw, seed, validRate, readyRate, phases) => {
        const cfg = parseConfig(raw);
        const s = buildScenario(cfg, 9, seed);
        const r = await runModel(s, { seed, validRate, readyRate, resetCycles: 2, probe: 4, phases, midRunReset: phases });
        expect(r.tb.protocolErrors).toEqual([]);
        expect(r.tb.done).toBe(9);
        // 9 vectors, probe 4: with the phases every functional point is reached (harness/run/coverage.ts)
        expect(r.tb.coverage().missed).toEqual([]);
        if (phases) expect(r.tb.coverage().required).toEqual(expect.arrayContaining(['stall', 'banksFull', 'outputBackpressure', 'midRunReset']));
        const sc = score(s, r.tb.outIndex, r.tb.outValue, r.tb.done);
        expect(sc.firstMismatch).toBeNull();
        const t = timing(s.g);
        expect(r.tb.timing()).toEqual({ latency: t.latency, ii: t.ii });
      }),
      { numRuns: 150 },
    );
  });

  it.each([
    ['topK = N', { classes: 6, inputs: 10, kPar: 3, topK: 6 }],
    ['N = 2', { classes: 2, inputs: 5, kPar: 2, topK: 2, divider: 'serial' }],
    ['cPar < N, kPar not dividing K', { classes: 9, cPar: 4, inputs: 23, kPar: 5 }],
    ['emit all', { classes: 7, inputs: 12, kPar: 4, emit: 'all' }],
    ['saturating accumulator', { inputs: 64, kPar: 8, accWidth: 20, inFmt: { width: 16, frac: 14 } }],
    ['expPar 3 not dividing N, emit all', { classes: 11, cPar: 5, expPar: 3, inputs: 12, kPar: 4, emit: 'all' }],
    ['old back end: expPar = cPar, table, reciprocal table', { classes: 9, cPar: 4, expPar: 4, expImpl: 'table', recipImpl: 'table', inputs: 10, kPar: 5 }],
    ['short front end: back end bounds the II', { classes: 12, cPar: 12, inputs: 3, kPar: 3, topK: 4 }],
    ['stream, cPar > B (the drain stalls the front end)', { classes: 13, cPar: 5, inputs: 6, kPar: 2, topK: 4, select: 'stream' }],
  ])('%s, all modes, both selects, heavy backpressure', async (_name, raw) => {
    for (const [mode, select] of (['argmax', 'softmax', 'approx'] as const).flatMap((m) => (['tree', 'stream'] as const).map((sel) => [m, sel] as const))) {
      const s = buildScenario(parseConfig({ ...raw, mode, select }), 12, 3);
      const r = await runModel(s, { seed: 5, validRate: 0.3, readyRate: 0.25, resetCycles: 2, probe: 4, phases: true, midRunReset: true });
      expect(score(s, r.tb.outIndex, r.tb.outValue, r.tb.done).mismatches).toBe(0);
      const t = timing(s.g);
      expect(r.tb.timing()).toEqual({ latency: t.latency, ii: t.ii });
    }
  });
});

describe('the traffic reaches every point it promises', () => {
  // Two heads where the mid-run reset used to cut the backpressure phase short (no stall), or
  // cut off the release of the full banks (no transfer meeting a completion).
  it.each([
    ['stream, N 2, slow traffic', { classes: 2, inputs: 29, kPar: 2, cPar: 2, relu: false, mode: 'softmax', topK: 1, expLut: { addrBits: 3, outBits: 8, range: 4 }, logitFmt: { width: 16, frac: 4 }, expImpl: 'table', select: 'stream' }, 2],
    ['tree, N 2, kPar 1, slow traffic', { classes: 2, inputs: 6, kPar: 1, cPar: 2, relu: false, mode: 'argmax', topK: 1, divider: 'serial', expLut: { addrBits: 3, outBits: 8, range: 4 }, logitFmt: { width: 16, frac: 4 }, select: 'auto' }, 1],
  ] as const)('%s', async (_name, raw, seed) => {
    const s = buildScenario(parseConfig(raw), 9, seed);
    const r = await runModel(s, { seed, validRate: 0.2, readyRate: 0.2, resetCycles: 2, probe: 4, phases: true, midRunReset: true });
    expect(r.tb.coverage().required).toEqual(expect.arrayContaining(['stall', 'midRunReset']));
    expect(r.tb.coverage().missed).toEqual([]);
  });
});
