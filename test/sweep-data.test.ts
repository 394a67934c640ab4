// A sweep on the user's data (no synthesis; full tier: it starts the CLI a dozen times): the
// spec's `data` field, the data flags over it, point keys that follow the data, per-point
// accuracy against the labels, and bad files failing as they fail in `sim`.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import { encodeNpy, type NpyInput } from '../harness/inputs/npy.ts';
import { mulberry32 } from '../models/prng.ts';
import { sourcedScenario } from '../harness/inputs/sources.ts';
import { resolvePoints, sweepData } from '../harness/sweep/data.ts';
import { figures } from '../harness/sweep/point.ts';
import { pointKeys } from '../harness/sweep/keys.ts';
import { expandSpec, mergeParams, parseSpec } from '../harness/sweep/spec.ts';
import { headsim } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'headsim-sweep-data-'));
const file = (name: string, content: Buffer | string) => {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
};
const npy = (name: string, a: NpyInput) => file(name, encodeNpy(a));

const N = 3, K = 8, V = 30;
const rand = mulberry32(3);
const W = Float64Array.from({ length: N * K }, () => rand() * 1.6 - 0.8);
const X = Float32Array.from({ length: V * K }, () => rand() * 2);
const y = Int32Array.from({ length: V }, (_, v) => v % N);
npy('W.npy', { dtype: 'f8', shape: [N, K], data: W });
npy('X.npy', { dtype: 'f4', shape: [V, K], data: X });
npy('y.npy', { dtype: 'i4', shape: [V], data: y });
const SPEC = { base: { kPar: 4, topK: 2 }, grid: { mode: ['argmax', 'softmax'] }, data: { weights: 'W.npy', inputVectors: 'X.npy', inputLabels: 'y.npy' } };
const specPath = file('spec.json', JSON.stringify(SPEC));

const keysOf = (stdout: string) => stdout.trim().split('\n').filter((l) => /^\s*\d+\s+shard/.test(l)).map((l) => l.trim().split(/\s+/)[5]);
const data = (o: Record<string, unknown> = {}) => ({ params: {}, vectors: null, seed: 1, out: join(tmp, 'out'), ...o });

describe('sweep spec: the data field', () => {
  it('paths are relative to the spec; bad fields are named', () => {
    expect(parseSpec({ data: { weights: 'W.npy', autoFormats: true } }, 'spec', '/some/dir').data).toEqual({ weights: '/some/dir/W.npy', autoFormats: true });
    for (const [d, msg] of [
      [{ weigths: 'W.npy' }, /^data\.weigths: unknown field/],
      [{ weights: 3 }, /^data\.weights: expected a file path/],
      [{ weightsLayout: 'rows' }, /^data\.weightsLayout: expected one of out-in, in-out/],
      [{ dataset: 'cifar' }, /^data\.dataset: expected one of mnist/],
      [{ autoFormats: 'yes' }, /^data\.autoFormats: expected true or false/],
      [[], /^data: expected an object/],
    ] as const) {
      expect(() => parseSpec({ data: d })).toThrow(InputError);
      expect(() => parseSpec({ data: d })).toThrow(msg);
    }
  });

  it('shapes come from the files; a point that disagrees is named', async () => {
    const spec = parseSpec({ ...SPEC, points: [{ classes: 5, cPar: 5 }] }, 'spec', tmp);
    const d = await sweepData(spec.data, data());
    expect(d.implied).toMatchObject({ classes: N, inputs: K });
    expect(d.vectors).toBe(V);
    const pts = expandSpec({ ...spec, base: mergeParams(d.implied, spec.base) }, d.params);
    expect(() => resolvePoints(pts, d, 1)).toThrow(/^points\[0\]: the data \(.*W\.npy.*\) implies classes=3 but classes=5 was given$/);
  });
});

describe('sweep --auto-formats: per point, as sim --mode <its mode> --auto-formats chooses', () => {
  it('an argmax point has no exp-table cap on logitFmt; a 6-bit softmax table caps it', async () => {
    const spec = parseSpec({ ...SPEC, grid: { mode: ['argmax', 'softmax'], 'expLut.addrBits': [6, 12] }, data: { ...SPEC.data, autoFormats: true } }, 'spec', tmp);
    const d = await sweepData(spec.data, data());
    const pts = resolvePoints(expandSpec({ ...spec, base: mergeParams(d.implied, spec.base) }, d.params), d, 1);
    for (const p of pts) {
      const sim = await sourcedScenario({ ...data(), params: p.params, weights: join(tmp, 'W.npy'), inputVectors: join(tmp, 'X.npy'), inputLabels: join(tmp, 'y.npy'), autoFormats: true }, [p.config.mode]);
      expect(p.config, `${p.config.mode} exp ${p.config.expLut.addrBits}`).toEqual(sim.config);
    }
    const frac = (mode: string, bits: number) => pts.find((p) => p.config.mode === mode && p.config.expLut.addrBits === bits)!.config.logitFmt.frac;
    expect(frac('softmax', 6)).toBeLessThanOrEqual(6 - 4); // addrBits − log2(range)
    expect(frac('argmax', 6)).toBeGreaterThan(frac('softmax', 6));
  });
});

describe('sweep on the user’s data: keys and accuracy', () => {
  it('changing the weights file changes every point key (dry run), the input vectors only the accuracy key', async () => {
    const before = headsim(['sweep', specPath, '--dry-run']);
    expect(before.code, before.stderr).toBe(0);
    const k0 = keysOf(before.stdout);
    expect(k0).toHaveLength(2);
    const W2 = Float64Array.from(W);
    W2[5]! += 0.25;
    const w2 = npy('W2.npy', { dtype: 'f8', shape: [N, K], data: W2 });
    const after = headsim(['sweep', specPath, '--dry-run', '--weights', w2, '--input-vectors', join(tmp, 'X.npy'), '--input-labels', join(tmp, 'y.npy')]);
    expect(after.code, after.stderr).toBe(0);
    const k1 = keysOf(after.stdout);
    expect(k1).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(k1[i]).not.toBe(k0[i]);

    // In process: the weights hash is part of synthKey (the ROMs), the inputs hash part of key only.
    const spec = parseSpec(SPEC, 'spec', tmp);
    const d = await sweepData(spec.data, data());
    const X2 = Float32Array.from(X);
    X2[0]! += 0.5;
    const d2 = await sweepData(spec.data, data({ weights: join(tmp, 'W.npy'), inputVectors: npy('X2.npy', { dtype: 'f4', shape: [V, K], data: X2 }), inputLabels: join(tmp, 'y.npy') }));
    const c = resolvePoints(expandSpec({ ...spec, base: mergeParams(d.implied, spec.base) }, d.params), d, 1)[0]!.config;
    const ctx = { seed: 1, vectors: V, rtlHash: 'r' };
    const [a, b, none] = [pointKeys(c, { ...ctx, data: d.ref }), pointKeys(c, { ...ctx, data: d2.ref }), pointKeys(c, ctx)];
    expect(b.synthKey).toBe(a.synthKey);
    expect(b.key).not.toBe(a.key);
    // Without data the keys are what they always were (generated data is decided by the seed).
    expect(none.synthKey).not.toBe(a.synthKey);
  });

  it('per point: label accuracy of the mode and of the float reference, on the data', async () => {
    const spec = parseSpec(SPEC, 'spec', tmp);
    const d = await sweepData(spec.data, data());
    const pts = resolvePoints(expandSpec({ ...spec, base: mergeParams(d.implied, spec.base) }, d.params), d, 1);
    for (const p of pts) {
      const f = await figures({ params: { ...p.config }, vectors: d.vectors, seed: 1, data: d.ref, rtlHash: 'r', timeoutMs: 1, keepBramInit: false });
      expect(f.labelAccuracy).not.toBeNull();
      expect(f.floatLabelAccuracy).not.toBeNull();
      expect(f.top1VsFloat).toBeGreaterThan(0.9);
      expect(Math.abs(f.labelAccuracy! - f.floatLabelAccuracy!)).toBeLessThanOrEqual(1 - f.top1VsFloat + 1e-12);
    }
    // `sim` on the same data and mode gives the same label accuracy.
    const json = join(tmp, 'sim.json');
    const r = headsim(['sim', '--weights', join(tmp, 'W.npy'), '--input-vectors', join(tmp, 'X.npy'), '--input-labels', join(tmp, 'y.npy'), '--kPar', '4', '--topK', '2', '--mode', 'softmax', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    const sim = JSON.parse(readFileSync(json, 'utf8'));
    const soft = await figures({ params: { ...pts.find((p) => p.config.mode === 'softmax')!.config }, vectors: d.vectors, seed: 1, data: d.ref, rtlHash: 'r', timeoutMs: 1, keepBramInit: false });
    expect(soft.labelAccuracy).toBe(sim.runs[0].accuracy.labelAccuracy);
    expect(soft.floatLabelAccuracy).toBe(sim.quantizationReport.labelAccuracy.float);
  });
});

describe('bad data files: the same one-line errors and exit 2 as sim', () => {
  const bad = {
    truncated: file('trunc.npy', encodeNpy({ dtype: 'f8', shape: [N, K], data: W }).subarray(0, 90)),
    nan: npy('nan.npy', { dtype: 'f8', shape: [N, K], data: Float64Array.from(W, (v, i) => (i === 4 ? NaN : v)) }),
    labels: npy('y9.npy', { dtype: 'i4', shape: [V], data: Int32Array.from(y, (v, i) => (i === 2 ? 9 : v)) }),
    shape: npy('y-short.npy', { dtype: 'i4', shape: [V - 1], data: y.subarray(0, V - 1) }),
  };
  it.each([
    ['truncated weights', ['--weights', bad.truncated]],
    ['a NaN weight', ['--weights', bad.nan]],
    ['a label out of range', ['--weights', join(tmp, 'W.npy'), '--input-vectors', join(tmp, 'X.npy'), '--input-labels', bad.labels]],
    ['labels of the wrong shape', ['--weights', join(tmp, 'W.npy'), '--input-vectors', join(tmp, 'X.npy'), '--input-labels', bad.shape]],
    ['a missing file', ['--weights', join(tmp, 'nope.npy')]],
  ])('%s', (_, args) => {
    const sim = headsim(['sim', ...args]);
    const sweep = headsim(['sweep', specPath, ...args, '--dry-run']);
    expect(sim.code).toBe(2);
    expect(sweep.code).toBe(2);
    expect(sim.stderr.trim().split('\n')).toHaveLength(1);
    expect(sweep.stderr.replace(/^headsim sweep: /, '')).toBe(sim.stderr.replace(/^headsim sim: /, ''));
  });
});
