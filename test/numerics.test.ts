import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, SEED_CONFIG, provenAccWidth } from '../models/config.ts';
import { geometry, RECIP_BITS, RECIP_FRAC } from '../models/geometry.ts';
import { quantize, roundShift, satS, satU, msbIndex, fromBits, toBits } from '../models/numerics.ts';
import { expIndex, expTable, recipIndex, recipTable, reciprocalProb, serialProb } from '../models/tables.ts';

describe('fixed point', () => {
  it('rounds half up, also for negatives, and shifts left for s ≤ 0', () => {
    expect([roundShift(5, 1), roundShift(-5, 1), roundShift(-6, 2), roundShift(3, -2)]).toEqual([3, -2, -1, 12]);
    fc.assert(fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 1, max: 20 }), (v, s) => {
      expect(roundShift(v, s)).toBe(Math.floor(v / 2 ** s + 0.5));
    }));
  });
  it('saturates and counts it', () => {
    expect(quantize(100, { width: 8, frac: 2 })).toEqual({ q: 127, saturated: true });
    expect(quantize(-0.375, { width: 8, frac: 2 })).toEqual({ q: -1, saturated: false });
    expect([satS(-200, 8), satU(-3, 4), satU(99, 4)]).toEqual([-128, 0, 15]);
  });
  it('two’s complement bit patterns round-trip', () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
      expect(fromBits(toBits(v, 32), 32)).toBe(v);
    }));
  });
  it('finds the leading one exactly near powers of two', () => {
    for (let k = 1; k < 52; k++) expect([msbIndex(2 ** k - 1), msbIndex(2 ** k), msbIndex(2 ** k + 1)]).toEqual([k - 1, k, k]);
  });
  it('derives an accumulator width that holds the worst case', () => {
    expect(provenAccWidth(SEED_CONFIG)).toBe(41);
  });
});

describe('tables', () => {
  const g = geometry(SEED_CONFIG, 41);
  it('exp table: one entry per logit step, monotone, saturating at 1', () => {
    const t = expTable(g);
    expect(t.length).toBe(4096);
    expect(g.expShift).toBe(0);
    expect(t[0]).toBe(65535);
    for (let i = 1; i < t.length; i++) expect(t[i]!).toBeLessThanOrEqual(t[i - 1]!);
    expect(t[256]).toBe(Math.round(Math.exp(-1) * 65536));
  });
  it('exp index clamps: negative d to 0, beyond the range to the last entry', () => {
    expect([expIndex(-5, g), expIndex(0, g), expIndex(10, g), expIndex(1e6, g)]).toEqual([0, 0, 10, 4095]);
    const coarse = geometry(parseConfig({ expLut: { addrBits: 6, outBits: 16, range: 16 } }), 41);
    expect(coarse.expShift).toBe(6);
    expect(expIndex(130, coarse)).toBe(2);
  });
  it('reciprocal table is within half a bucket of 1/m', () => {
    const r = recipTable();
    expect(r.length).toBe(2 ** RECIP_BITS);
    for (let j = 0; j < r.length; j++) {
      const m = 1 + (j + 0.5) / 2 ** RECIP_BITS;
      expect(Math.abs(r[j]! / 2 ** RECIP_FRAC - 1 / m)).toBeLessThan(2 ** -(RECIP_FRAC - 1));
    }
    expect(recipIndex(3 * 2 ** 20)).toEqual({ msb: 21, index: 512 });
  });
  it('serial divider is exactly rounded; reciprocal is within 1e-3', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 600000 }), (e, extra) => {
      const sum = e + extra;
      const exact = e / sum;
      const ps = serialProb(e, sum, g) / 2 ** g.probFrac;
      expect(Math.abs(ps - exact)).toBeLessThanOrEqual(2 ** -(g.probFrac + 1));
      const { msb, index } = recipIndex(sum);
      const pr = reciprocalProb(e, recipTable()[index]!, msb, g) / 2 ** g.probFrac;
      expect(Math.abs(pr - exact)).toBeLessThan(1e-3);
    }), { numRuns: 500 });
  });
});
