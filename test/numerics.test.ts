import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, SEED_CONFIG, provenAccWidth } from '../models/config.ts';
import { autoExpPar, backEndCycles, frontCycles, geometry, RECIP_BITS, RECIP_FRAC } from '../models/geometry.ts';
import { quantize, roundShift, satS, satU, msbIndex, fromBits, toBits } from '../models/numerics.ts';
import { approxScore, dividedProb, expHiTable, expIndex, expLoTable, expTable, expValue, recipDivide, recipIndex, recipTable, reciprocalProb, serialProb } from '../models/tables.ts';
import { splitProduct } from '../models/exp-entry.ts';
import { approxScoreCode, dividedProbBitsCode, dividedProbCode, expIndexCode, reciprocalProbCode, roundShiftCode, satSCode, satUCode, splitProductCode, toBitsCode } from '../models/inline.ts';
import type { Geometry } from '../models/geometry.ts';

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
  // the old back end's tables: {12, 16, 16}, the reciprocal from a table
  const old = geometry(parseConfig({ expLut: { addrBits: 12, outBits: 16, range: 16 }, expImpl: 'table', recipImpl: 'table' }), 41);
  it('exp table: one entry per logit step, monotone, saturating at 1', () => {
    const t = expTable(old);
    expect(t.length).toBe(4096);
    expect(old.expShift).toBe(0);
    expect(t[0]).toBe(65535);
    for (let i = 1; i < t.length; i++) expect(t[i]!).toBeLessThanOrEqual(t[i - 1]!);
    expect(t[256]).toBe(Math.round(Math.exp(-1) * 65536));
  });
  it('split exp: hi · lo is exp(-d) · exp(0) within the tables\' rounding over the whole range, monotone, 1.0 all ones', () => {
    const t = { exp: [], expHi: expHiTable(g), expLo: expLoTable(g) };
    expect([t.expHi.length, t.expLo.length, t.expHi[0], t.expLo[0]]).toEqual([64, 64, 2 ** g.expHiWidth - 1, 2 ** g.expLoWidth - 1]);
    // half an LSB of each table (the low one's entries are ≥ exp(-1/4)), and the product's rounding
    const bound = 0.5 + (2 ** g.expOutBits * (2 ** -g.expHiWidth + 2 ** -g.expLoWidth / Math.exp(-0.25))) / 2;
    let prev = Infinity;
    for (let d = 0; d < 4200; d++) {
      const e = expValue(d, g, t);
      expect(e).toBeLessThanOrEqual(prev);
      prev = e;
      // every entry carries the tables' common scale (1 − 2^-hiWidth)(1 − 2^-loWidth): exp(0) = e0, not 2^outBits
      expect(Math.abs(e - Math.exp(-Math.min(d, 4095) / 256) * g.e0)).toBeLessThanOrEqual(bound);
    }
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
  it('serial divider is exactly rounded; reciprocal table within 1e-3; divided reciprocal within 3/4 LSB', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 600000 }), (e, extra) => {
      const sum = e + extra;
      const exact = e / sum;
      const ps = serialProb(e, sum, old) / 2 ** old.probFrac;
      expect(Math.abs(ps - exact)).toBeLessThanOrEqual(2 ** -(old.probFrac + 1));
      const { msb, index } = recipIndex(sum);
      const pr = reciprocalProb(e, recipTable()[index]!, msb, old) / 2 ** old.probFrac;
      expect(Math.abs(pr - exact)).toBeLessThan(1e-3);
    }), { numRuns: 500 });
    // divide: e ≤ 2^outBits − 1 and Σe ≥ exp(0) = g.e0
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** g.expOutBits - 1 }), fc.integer({ min: 0, max: 40000 }), (e, extra) => {
      const sum = Math.max(e, g.e0) + extra;
      const recip = recipDivide(sum, g);
      expect(recip).toBeLessThan(2 ** g.recipW);
      const p = reciprocalProb(e, recip, 0, g);
      expect(Math.abs(p / 2 ** g.probFrac - e / sum)).toBeLessThanOrEqual(0.75 * 2 ** -g.probFrac);
      expect(p).toBeLessThanOrEqual(2 ** g.probFrac);
    }), { numRuns: 500 });
  });
});

describe('expPar auto', () => {
  it('is the fewest lanes with which the back end keeps up with the front end (or reaches cPar\'s II)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 300 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 16 }),
      fc.integer({ min: 1, max: 5 }), fc.constantFrom('serial', 'reciprocal'), fc.constantFrom('table', 'divide'), fc.constantFrom('table', 'split'), fc.constantFrom('topk', 'all'),
      fc.constantFrom('tree', 'stream'),
      (classes, cParSeed, inputs, kParSeed, topKSeed, divider, recipImpl, expImpl, emit, select) => {
        const c = parseConfig({ classes, cPar: Math.min(cParSeed, classes), inputs, kPar: Math.min(kParSeed, inputs), topK: Math.min(topKSeed, classes), divider, recipImpl, expImpl, emit, select });
        const g = geometry(c, provenAccWidth(c));
        const back = (p: number) => backEndCycles(geometry({ ...c, expPar: p }, provenAccWidth(c)));
        const fits = (p: number) => back(p) <= Math.max(frontCycles(g), back(c.cPar));
        let brute = c.cPar;
        for (let p = 1; p <= c.cPar; p++) if (fits(p)) { brute = p; break; }
        expect(g.expPar).toBe(brute);
        expect(autoExpPar(g)).toBe(brute);
      }), { numRuns: 400 });
  });
  it('is 1 at the seed and outside softmax', () => {
    expect(geometry(SEED_CONFIG, 41).expPar).toBe(1);
    expect(geometry(parseConfig({ mode: 'approx', classes: 12, inputs: 3, kPar: 3 }), 41).expPar).toBe(1);
  });
});

describe('inline code twins (models/inline.ts) equal their functions', () => {
  const fn = (params: string[], body: string) => new Function(...params, `return ${body};`) as (...a: number[]) => number;
  const int = (bits: number) => fc.integer({ min: -(2 ** bits), max: 2 ** bits });
  const geo = (o: Partial<Geometry>) => o as Geometry;
  const runs = { numRuns: 2000 };

  it('roundShift, satS, satU, toBits', () => {
    fc.assert(fc.property(int(45), fc.integer({ min: -8, max: 30 }), (v, s) => fn(['v'], roundShiftCode('v', s))(v) === roundShift(v, s)), runs);
    fc.assert(fc.property(int(45), fc.integer({ min: 2, max: 40 }), (v, w) => fn(['v'], satSCode('v', w))(v) === satS(v, w) && fn(['v'], satUCode('v', w))(v) === satU(v, w)), runs);
    fc.assert(fc.property(fc.integer({ min: 2, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (w, f) => {
      const v = Math.floor(f * 2 ** w) - 2 ** (w - 1);
      return fn(['v'], toBitsCode('v', w))(v) === toBits(v, w);
    }), runs);
  });

  it('expIndex, splitProduct, reciprocalProb, approxScore', () => {
    fc.assert(fc.property(int(24), fc.integer({ min: -4, max: 12 }), fc.integer({ min: 1, max: 16 }), (d, expShift, expAddrBits) =>
      fn(['d'], expIndexCode('d', { expShift, expAddrBits }))(d) === expIndex(d, geo({ expShift, expAddrBits }))), runs);
    fc.assert(fc.property(fc.nat(2 ** 18), fc.nat(2 ** 18), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 4, max: 24 }), (hi, lo, shift, outBits) =>
      fn(['hi', 'lo'], splitProductCode('hi', 'lo', shift, outBits))(hi, lo) === splitProduct(hi, lo, shift, outBits)), runs);
    fc.assert(fc.property(fc.nat(2 ** 18), fc.nat(2 ** 22), fc.integer({ min: 8, max: 30 }), fc.integer({ min: 4, max: 16 }), fc.integer({ min: 4, max: 18 }), (e, recip, recipFrac, probFrac, probW) => {
      const g = geo({ recipFrac, probFrac, probW });
      return fn(['e', 'r'], reciprocalProbCode('e', 'r', 0, g))(e, recip) === reciprocalProb(e, recip, 0, g);
    }), runs);
    // the divided reciprocal's product: its inline twin on any input, reciprocalProb where e ≤ Σe
    fc.assert(fc.property(fc.nat(2 ** 16), fc.integer({ min: 1, max: 2 ** 20 }), fc.nat(2 ** 16), fc.integer({ min: 8, max: 16 }), fc.integer({ min: 4, max: 18 }), fc.integer({ min: 4, max: 18 }), (e, sum, recip, outBits, probFrac, probW) => {
      const g = geo({ recipFrac: outBits + probFrac + 2, probFrac, probW });
      const code = fn(['e', 'r'], dividedProbCode(`(${dividedProbBitsCode('e', 'r', g)})`, g));
      const inRange = Math.min(e, sum) % 2 ** outBits;
      const r = Math.floor(2 ** g.recipFrac / Math.max(sum, inRange, 1));
      return code(e, recip) === dividedProb(e, recip, g) && code(inRange, r) === reciprocalProb(inRange, r, 0, g);
    }), runs);
    fc.assert(fc.property(fc.nat(2 ** 18), fc.nat(2 ** 20), fc.integer({ min: 4, max: 18 }), fc.integer({ min: 4, max: 16 }), fc.integer({ min: 4, max: 18 }), (e, scale, expOutBits, probFrac, probW) => {
      const g = geo({ expOutBits, probFrac, probW });
      return fn(['e'], approxScoreCode('e', scale, g))(e) === approxScore(e, scale, g);
    }), runs);
  });
});
