// The writers' compiled steps (VcdWriter.compileStep, FstWriter.compileStep) write the same bytes
// as changeSome, the writers' general path, for random signal sets of widths 1..53 (the
// writers' range), random subsets, signed and unsigned values, unchanged values and steps
// without a change; the VCD also equals a reference text built here with toString(2).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { VcdWriter, vcdId } from '../../waves/vcd-writer.ts';
import { FstWriter } from '../../waves/fst-writer.ts';
import type { WaveWriter } from '../../waves/wave-writer-api.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waves-step-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs of signals of one width (arrays of registers), so the compiled loops are exercised. */
const design = fc.array(fc.record({ width: fc.integer({ min: 1, max: 53 }), count: fc.integer({ min: 1, max: 7 }) }), { minLength: 1, maxLength: 12 });

/** A small deterministic generator, so that one seed gives a whole run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

interface Run {
  widths: number[];
  /** the step sets: ascending handle subsets (null: all) */
  sets: (Int32Array | null)[];
  steps: { t: number; set: number; values: Float64Array }[];
}

/** Random steps: each signal of the step's set keeps its value, takes the same bits in the other sign, or a new value in its range. */
function makeRun(segments: { width: number; count: number }[], seed: number, stepCount: number): Run {
  const r = rng(seed);
  const widths = segments.flatMap((s) => Array<number>(s.count).fill(s.width));
  const n = widths.length;
  const subset = (p: number) => Int32Array.from(widths.map((_, h) => h).filter(() => r() < p));
  const sets = [null, subset(0.7), subset(0.3)];
  const values = new Float64Array(n);
  const steps: Run['steps'] = [];
  let t = 0;
  for (let i = 0; i < stepCount; i++) {
    t += Math.floor(r() * 3);
    const set = Math.floor(r() * sets.length);
    const ids = sets[set] ?? widths.map((_, h) => h);
    for (const h of ids) {
      const w = widths[h]!;
      const u = r();
      if (u < 0.3) continue;
      const top = 2 ** w;
      if (u < 0.4) {
        // the same bit pattern written the other way (signed ↔ unsigned): no record
        const v = values[h]!;
        if (v < 0) values[h] = v + top;
        else if (v >= top / 2) values[h] = v - top;
      } else if (u < 0.5) values[h] = [0, top - 1, -(top / 2), top / 2 - 1][Math.floor(r() * 4)]!;
      else values[h] = Math.floor(r() * top * 1.5) - top / 2; // [−2^(w−1), 2^w)
    }
    steps.push({ t, set, values: Float64Array.from(values) });
  }
  return { widths, sets, steps };
}

/** Writes a run through changeSome or through compiled steps. */
async function write(w: WaveWriter, run: Run, compiled: boolean): Promise<Buffer> {
  run.widths.forEach((width, h) => w.declare(`top.s${h % 5}.sig${h}`, width));
  const seen = new Float64Array(run.widths.length);
  w.changeAll(run.steps[0]!.values, seen);
  w.time(run.steps[0]!.t);
  w.begin();
  const steps = compiled ? run.sets.map((ids) => w.compileStep(ids)) : [];
  for (const s of run.steps.slice(1)) {
    w.time(s.t);
    if (compiled) steps[s.set]!(s.values, seen);
    else w.changeSome(s.values, seen, run.sets[s.set]!);
  }
  w.time(run.steps.at(-1)!.t + 1);
  await w.close();
  return fs.readFileSync(w.path);
}

/** The VCD text after the header, built from toString(2). */
function referenceBody(run: Run): string {
  const last = run.steps[0]!.values.map((v, h) => (v < 0 ? v + 2 ** run.widths[h]! : v));
  const record = (h: number, v: number) => (run.widths[h] === 1 ? `${v}${vcdId(h)}\n` : `b${v.toString(2)} ${vcdId(h)}\n`);
  let s = `#${run.steps[0]!.t}\n$dumpvars\n${run.widths.map((_, h) => record(h, last[h]!)).join('')}$end\n`;
  let pending = false;
  let now = run.steps[0]!.t;
  for (const step of run.steps.slice(1)) {
    if (step.t !== now) pending = true;
    now = step.t;
    for (const h of run.sets[step.set] ?? run.widths.map((_, h) => h)) {
      const x = step.values[h]!;
      const v = x < 0 ? x + 2 ** run.widths[h]! : x;
      if (v === last[h]) continue;
      last[h] = v;
      if (pending) s += `#${now}\n`;
      pending = false;
      s += record(h, v);
    }
  }
  return s + `#${now + 1}\n`;
}

let files = 0;
const file = (ext: string) => path.join(dir, `f${files++}.${ext}`);

describe('compiled steps', () => {
  it('VCD: the same bytes as changeSome and as toString(2), chunk boundaries anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(design, fc.nat(), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 400 }), async (segments, seed, stepCount, chunkChars) => {
        const run = makeRun(segments, seed, stepCount);
        const general = await write(new VcdWriter(file('vcd'), { date: 'fixed', chunkChars }), run, false);
        const compiled = await write(new VcdWriter(file('vcd'), { date: 'fixed', chunkChars }), run, true);
        expect(compiled.equals(general)).toBe(true);
        const text = compiled.toString('latin1');
        expect(text.slice(text.indexOf('$enddefinitions $end\n') + 21)).toBe(referenceBody(run));
      }),
      { numRuns: 150 },
    );
  });

  it('FST: the same bytes as changeSome, across block boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(design, fc.nat(), fc.integer({ min: 1, max: 60 }), fc.constantFrom(64, 1000, 1 << 20), async (segments, seed, stepCount, blockBytes) => {
        const run = makeRun(segments, seed, stepCount);
        const general = await write(new FstWriter(file('fst'), { date: 'fixed', blockBytes }), run, false);
        const compiled = await write(new FstWriter(file('fst'), { date: 'fixed', blockBytes }), run, true);
        expect(compiled.equals(general)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('reject values that do not fit their signal, naming it, like changeSome', async () => {
    for (const make of [(p: string) => new VcdWriter(p), (p: string) => new FstWriter(p)]) {
      for (const width of [1, 7, 16, 31, 32, 41, 53]) {
        for (const bad of [2 ** width, -(2 ** (width - 1)) - 1, 0.5, NaN, Infinity]) {
          const w = make(file('x'));
          // four signals of the width: a run, compiled as a loop
          for (let i = 0; i < 4; i++) w.declare(`top.r${i}`, width);
          w.begin();
          const step = w.compileStep(null);
          w.time(1);
          const values = new Float64Array(4);
          values[2] = bad;
          expect(() => step(values, new Float64Array(4))).toThrow(new RegExp(`does not fit top\\.r2 \\(${width} bits\\)`));
          await w.close();
        }
      }
    }
  });
});
