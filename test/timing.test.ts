// `headsim synth --target ice40-*` and an iCE40 sweep with the real tools (@yowasp/yosys,
// @yowasp/nextpnr-ice40), on tiny heads: three place-and-route runs in all. On a part without
// DSP blocks the routed clock is nextpnr's own; placement is the same for the same seed; a run
// is cached by its key; a head that does not fit and a run past --timeout exit 2 naming them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PointRow } from '../harness/sweep/row.ts';
import { HEAD_MODULES } from '../harness/synth/netlist.ts';
import { headsim } from './helpers.ts';

// an HX1K has 1280 logic cells and no DSP: one 8 × 8 product in LUTs (8-bit logits: a negative EXP_SHIFT on chparam)
const TINY_HX = ['--classes', '2', '--inputs', '4', '--kPar', '1', '--cPar', '1', '--topK', '1', '--inFmt', '8,4', '--wFmt', '8,6', '--biasFmt', '8,4', '--logitFmt', '8,3'];
const modules = [...HEAD_MODULES, 'head'];
const tmp = mkdtempSync(join(tmpdir(), 'headsim-timing-'));

describe('headsim synth --target ice40-hx1k (real Yosys and nextpnr)', () => {
  it('places and routes: the routed clock is nextpnr\'s (no DSP blocks), above it the estimate; the same seed places the same; the second run is cached', () => {
    const json = (n: number) => join(tmp, `hx1k-${n}.json`);
    const run = (n: number, ...extra: string[]) => headsim(['synth', '--target', 'ice40-hx1k', ...TINY_HX, '--mode', 'argmax', '--out', tmp, '--json', json(n), ...extra], 900_000);
    const a = run(1);
    expect(a.code, a.stderr).toBe(0);
    const r = JSON.parse(readFileSync(json(1), 'utf8'));
    expect(r.target).toBe('ice40-hx1k');
    expect(r.fmaxKind).toBe('routed');
    expect(r.utilization.lc.available).toBe(1280);
    expect(r.utilization.lc.used).toBeGreaterThan(r.head.lut4);
    expect(r.head.lut4).toBeGreaterThan(0);
    expect(r.head.dsp).toBe(0);
    expect(r.routed.fmax).toBeCloseTo(r.nextpnrFmax, 1);
    expect(r.fmax).toBe(r.routed.fmax);
    expect(r.estimate.period).toBeLessThan(r.routed.period);
    expect(r.routed.path.routing).toBeGreaterThan(0);
    for (const end of [r.routed.path.from, r.routed.path.to]) expect(modules).toContain(end.module);
    expect(r.latencyNs).toBeCloseTo((r.latency * 1000) / r.fmax, 0);
    expect(a.stdout).toMatch(/critical path: /);
    // the same seed again, placed and routed anew: the same placement, the same clock and path
    const b = run(2, '--no-cache');
    expect(b.code, b.stderr).toBe(0);
    const r2 = JSON.parse(readFileSync(json(2), 'utf8'));
    expect(r2.routed).toEqual(r.routed);
    expect(r2.utilization).toEqual(r.utilization);
    // and from the cache, without running the tools
    const c = run(3);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/from the cache/);
    expect(JSON.parse(readFileSync(json(3), 'utf8')).routed).toEqual(r.routed);
  }, 1_800_000);

  it('a head that does not fit exits 2 with the numbers; a run past --timeout exits 2 naming it', () => {
    // 2 × 8 products: 16 SB_MAC16 on a part with 8
    const big = headsim(['synth', '--target', 'ice40-up5k', '--classes', '2', '--inputs', '8', '--kPar', '8', '--cPar', '2', '--topK', '1', '--mode', 'argmax', '--out', tmp], 900_000);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/does not fit ice40-up5k: 16 SB_MAC16 > 8/);
    const slow = headsim(['synth', '--target', 'ice40-hx1k', ...TINY_HX, '--mode', 'argmax', '--timeout', '1', '--no-cache'], 300_000);
    expect(slow.code).toBe(2);
    expect(slow.stderr).toMatch(/ran past --timeout 1 s/);
    const bad = headsim(['synth', '--target', 'ice40-xyz']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--target: 'ice40-xyz' is not one of xc7, ice40-up5k/);
  }, 1_200_000);
});

describe('an iCE40 sweep (real Yosys and nextpnr)', () => {
  it('carries the routed clock and latency in ns per point, cached like synthesis; SB_MAC16 paths cost their multiply', () => {
    const spec = join(tmp, 'ice40-tiny.json');
    writeFileSync(spec, JSON.stringify({ target: 'ice40-up5k', vectors: 20, base: { classes: 2, inputs: 4, kPar: 2, cPar: 1, topK: 1 }, points: [{ mode: 'softmax' }] }));
    const out = join(tmp, 'sweep');
    const first = headsim(['sweep', spec, '--out', out, '--jobs', '1'], 1_200_000);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const rows = (JSON.parse(readFileSync(join(out, 'sweep', 'ice40-tiny', 'sweep.json'), 'utf8')) as { points: PointRow[] }).points;
    expect(rows).toHaveLength(1);
    const p = rows[0]!;
    expect(p.target).toBe('ice40-up5k');
    expect(p.fmaxKind).toBe('routed');
    expect(p.dsp).toBeGreaterThan(0);
    const ice40 = p.synth!.ice40!;
    // nextpnr times the SB_MAC16 ports as 0.1 ns registers: the routed clock with the blocks' arcs is never faster
    expect(p.fmax).toBeLessThanOrEqual(ice40.nextpnrFmax);
    expect(p.latencyNs).toBeCloseTo((p.latency.total * 1000) / p.fmax!, 0);
    expect(p.iiNs).toBeCloseTo((p.ii * 1000) / p.fmax!, 0);
    expect(p.criticalPath?.from).toMatch(/^\w+: /);
    expect(readFileSync(join(out, 'sweep', 'ice40-tiny', 'sweep.csv'), 'utf8').split('\n')[0]).toContain('latencyNs');
    const again = headsim(['sweep', spec, '--out', out, '--jobs', '1'], 300_000);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/1 from the cache/);
    expect(again.stdout).toMatch(/Yosys: 0 flattened/);
  }, 1_800_000);
});
