// Sweep spec validation, expansion, sharding, failure recording and outputs (fast: no real synthesis).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.ts';
import { RTL_DIR } from '../../harness/rtl/head-build.ts';
import { readJsonl } from '../../harness/sweep/cache.ts';
import { buildSweepReport, OUTPUT_FILES, writeOutputs } from '../../harness/sweep/report.ts';
import { estimateCost, shardOf } from '../../harness/sweep/cost.ts';
import { runSweep } from '../../harness/sweep/run.ts';
import { expandSpec, parseSpec } from '../../harness/sweep/spec.ts';
import { DEFAULT_SPEC } from '../../cli/commands/sweep.ts';

import { readSpec } from '../../harness/sweep/spec.ts';
import { headsim } from '../helpers/cli-and-tools.ts';

const tmp = mkdtempSync(join(tmpdir(), 'headsim-sweep-'));
const bad = (spec: unknown) => () => expandSpec(parseSpec(spec));

describe('sweep spec: bad input names the field', () => {
  it.each([
    [[1, 2], /^spec: expected a JSON object/],
    [{ bases: {} }, /^spec: unknown field 'bases'/],
    [{ base: { clases: 10 } }, /^base\.clases: unknown parameter 'clases'/],
    [{ grid: { classes: 10 } }, /^grid\.classes: expected a non-empty array/],
    [{ grid: { classes: [] } }, /^grid\.classes: expected a non-empty array/],
    [{ grid: { 'expLut.bits': [6] } }, /^grid\.expLut\.bits: 'expLut\.bits' is not a field/],
    [{ points: { classes: 10 } }, /^points: expected an array/],
    [{ points: [{ classes: 10 }, 'x'] }, /^points\[1\]: expected an object/],
    [{ points: [{ classes: 10 }, { classes: 10, cPar: 11 }] }, /^points\[1\]: cPar: must be ≤ classes \(10\), got 11/],
    [{ base: { classes: 4, topK: 2 }, grid: { cPar: [2, 8] } }, /^grid\[1\] \(cPar=8\): cPar: must be ≤ classes \(4\), got 8/],
    [{ grid: { mode: ['argmax', 'sofmax'] } }, /^grid\[1\] \(mode="sofmax"\): mode: /],
    [{ points: [{ 'expLut.range': 10 }] }, /^points\[0\]: expLut\.range: must be a power of two/],
    [{ vectors: 0 }, /^vectors: expected an integer ≥ 1/],
  ])('%j', (spec, msg) => {
    expect(bad(spec)).toThrow(InputError);
    expect(bad(spec)).toThrow(msg);
  });

  it('the CLI exits 2 with the field in the message', () => {
    const f = join(tmp, 'bad.json');
    writeFileSync(f, JSON.stringify({ base: { classes: 10 }, grid: { kPar: [8, 1024] } }));
    let r = headsim(['sweep', f]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^headsim sweep: grid\[1\] \(kPar=1024\): kPar: must be ≤ inputs \(512\), got 1024$/);
    writeFileSync(f, '{"grid": ');
    r = headsim(['sweep', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: malformed JSON/);
    r = headsim(['sweep', join(tmp, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.json: cannot read sweep spec/);
    r = headsim(['sweep', '--shard', '3/2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard: expected i\/n/);
    r = headsim(['sweep', 'merge', join(tmp, 'none.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/none\.jsonl: no such sweep result file/);
  });
});

describe('sweep spec expansion', () => {
  it('grid = cross product over base (last key fastest), then points merged over base; duplicates dropped', () => {
    const pts = expandSpec(
      parseSpec({
        base: { classes: 10, inputs: 64 },
        grid: { mode: ['argmax', 'softmax'], 'expLut.addrBits': [6, 8] },
        points: [{ mode: 'approx' }, { mode: 'argmax', 'expLut.addrBits': 6 }],
      }),
    );
    expect(pts.map((p) => [p.config.mode, p.config.expLut.addrBits])).toEqual([
      ['argmax', 6],
      ['argmax', 8],
      ['softmax', 6],
      ['softmax', 8],
      ['approx', 12],
    ]);
    expect(pts.every((p) => p.config.classes === 10 && p.config.inputs === 64 && p.config.expLut.outBits === 16)).toBe(true);
    expect(pts.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    expect(expandSpec(parseSpec({}))).toHaveLength(1);
  });

  it('the default spec is valid and covers N = 10, 100 and 1000 in all three modes, both selects (the N = 1000 tree in its own spec), both dividers and exp tables of 8–12 bits', () => {
    const pts = expandSpec(readSpec(DEFAULT_SPEC));
    const has = (f: (c: (typeof pts)[number]['config']) => boolean) => pts.some((p) => f(p.config));
    for (const N of [10, 100, 1000])
      for (const m of ['argmax', 'softmax', 'approx'])
        expect(
          has((c) => c.classes === N && c.mode === m),
          `${m} N=${N}`,
        ).toBe(true);
    for (const N of [10, 100])
      for (const sel of ['tree', 'stream'])
        expect(
          has((c) => c.classes === N && c.mode === 'argmax' && c.select === sel),
          `argmax N=${N} ${sel}`,
        ).toBe(true);
    const tree1000 = expandSpec(readSpec(new URL('../../harness/sweep/specs/n1000-tree.json', import.meta.url).pathname));
    expect(tree1000.map((p) => [p.config.classes, p.config.select, p.config.mode])).toEqual([[1000, 'tree', 'argmax']]);
    expect(has((c) => c.divider === 'serial' && c.mode === 'softmax')).toBe(true);
    for (const b of [8, 10, 12]) expect(has((c) => c.mode === 'softmax' && c.expLut.addrBits === b)).toBe(true);
  });

  it('every spec under harness/sweep/specs is valid', () => {
    const dir = new URL('../../harness/sweep/specs/', import.meta.url);
    const specs = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(specs.length).toBeGreaterThan(0);
    for (const f of specs) expect(expandSpec(readSpec(new URL(f, dir).pathname)).length, f).toBeGreaterThan(0);
  });

  it('shards: every point in exactly one shard, deterministic, cost-balanced', () => {
    const pts = expandSpec(readSpec(DEFAULT_SPEC));
    const a = shardOf(pts, 3);
    expect([...a.keys()].sort((x, y) => x - y)).toEqual(pts.map((p) => p.index));
    expect(new Set(a.values())).toEqual(new Set([1, 2, 3]));
    expect(shardOf(pts, 3)).toEqual(a);
    expect(new Set(shardOf(pts, 1).values())).toEqual(new Set([1]));
    // Longest-processing-time: no shard carries more than the lightest one plus one point.
    const load = [0, 0, 0];
    for (const p of pts) load[a.get(p.index)! - 1]! += estimateCost(p.config);
    const costliest = Math.max(...pts.map((p) => estimateCost(p.config)));
    expect(Math.max(...load)).toBeLessThanOrEqual(Math.min(...load) + costliest);
  });
});

describe('sweep: a point that fails synthesis is recorded as failed and the sweep goes on', () => {
  it('records the reason (Yosys log tail) for every point and keeps going', async () => {
    const dir = mkdtempSync(join(tmp, 'badrtl-'));
    cpSync(RTL_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'head.v'), readFileSync(join(dir, 'head.v'), 'utf8').replace('module head', 'module head oops'));
    const points = expandSpec(parseSpec({ base: { classes: 2, inputs: 4, kPar: 4, topK: 2 }, grid: { mode: ['argmax', 'approx'] } }));
    const cachePath = join(tmp, 'failed.jsonl');
    const res = await runSweep({
      points,
      vectors: 20,
      seed: 1,
      cachePath,
      jobs: 1,
      timeoutMs: 120_000,
      modules: false,
      verify: null,
      shard: null,
      retryFailed: false,
      rtlDir: dir,
      progress: false,
    });
    expect(res.rows).toHaveLength(2);
    expect(res.failed).toBe(2);
    for (const r of res.rows) {
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/synthesis failed: .*exit status 1[\s\S]*ERROR/);
      expect(r.lut).toBeNull();
      // Latency and accuracy need no synthesis and are still there.
      expect(r.latency.total).toBeGreaterThan(0);
      expect(r.top1VsFloat).toBeGreaterThan(0.5);
    }
    expect(readJsonl(cachePath).rows).toHaveLength(2);
    // Failed points are cached too (not retried unless asked).
    const again = await runSweep({
      points,
      vectors: 20,
      seed: 1,
      cachePath,
      jobs: 1,
      timeoutMs: 120_000,
      modules: false,
      verify: null,
      shard: null,
      retryFailed: false,
      rtlDir: dir,
      progress: false,
    });
    expect(again.ran).toBe(0);
    // Outputs list the failure.
    const out = join(tmp, 'failed-out');
    await writeOutputs(out, buildSweepReport(res.rows, { description: 'broken RTL' }));
    for (const f of OUTPUT_FILES) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'sweep.md'), 'utf8')).toMatch(/## Failures[\s\S]*synthesis failed/);
    expect(readFileSync(join(out, 'latency-vs-lut.svg'), 'utf8')).toMatch(/^<svg [\s\S]*<\/svg>\n$/);
  }, 300_000);
});
