// Users' files: weights, bias, input vectors and labels as .npy or .npz (and JSON weights), shapes
// → config, and every malformed file → exit 2 with one line naming the file and the problem.
// Also the --auto-formats rule (harness/inputs/auto-formats.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../models/config.ts';
import { chooseFormats, fracForRange } from '../harness/inputs/auto-formats.ts';
import { encodeNpy, type NpyInput } from '../harness/inputs/npy.ts';
import { mulberry32 } from '../models/prng.ts';
import { headsim } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'headsim-sources-'));
const file = (name: string, content: Buffer | string) => {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
};
const npy = (name: string, a: NpyInput) => file(name, encodeNpy(a));

// A small head: 3 classes, 6 inputs, 40 labelled vectors (labels = float argmax, but 5 flipped).
const N = 3, K = 6, V = 40;
const rand = mulberry32(7);
const W = Float64Array.from({ length: N * K }, () => rand() * 1.8 - 0.9);
const b = Float64Array.from({ length: N }, () => rand() - 0.5);
const X = Float64Array.from({ length: V * K }, () => Math.fround(rand() * 4 - 1));
const floatClass = (v: number) => {
  let best = 0, bestZ = -Infinity;
  for (let n = 0; n < N; n++) {
    let z = b[n]!;
    for (let k = 0; k < K; k++) z += Math.max(0, X[v * K + k]!) * W[n * K + k]!; // relu on (default)
    if (z > bestZ) [best, bestZ] = [n, z];
  }
  return best;
};
const y = Int32Array.from({ length: V }, (_, v) => (v % 8 === 0 ? (floatClass(v) + 1) % N : floatClass(v)));
const WT = Float64Array.from({ length: N * K }, (_, i) => W[(i % N) * K + Math.floor(i / N)]!); // [K][N]

const wPath = npy('W.npy', { dtype: 'f8', shape: [N, K], data: W });
const wtPath = npy('WT.npy', { dtype: 'f8', shape: [K, N], data: WT });
const bPath = npy('b.npy', { dtype: 'f8', shape: [N], data: b });
const xPath = npy('X.npy', { dtype: 'f4', shape: [V, K], data: X });
const yPath = npy('y.npy', { dtype: 'i4', shape: [V], data: y });

function run(args: string[]) {
  const json = join(tmp, `r${Math.random().toString(36).slice(2)}.json`);
  const r = headsim(['sim', ...args, '--kPar', '2', '--topK', '2', '--json', json]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { ...r, rep: JSON.parse(readFileSync(json, 'utf8')) };
}
/** A report without its wall-clock fields, to compare two runs. */
const untimed = (rep: unknown): unknown => JSON.parse(JSON.stringify(rep), (k, v: unknown) => (k === 'seconds' || k === 'cyclesPerSecond' ? undefined : v));

describe('users’ files → scenario', () => {
  it('W.npy + b.npy + X.npy + y.npy: shapes set classes/inputs, labels give accuracy', () => {
    const { rep, stdout } = run(['--weights', wPath, '--bias', bPath, '--input-vectors', xPath, '--labels', yPath]);
    expect(rep.runs[0].config).toMatchObject({ classes: N, inputs: K });
    expect(rep.runs.map((r: { vectors: number }) => r.vectors)).toEqual([V, V, V]);
    const expected = y.filter((c, v) => c === floatClass(v)).length / V;
    expect(rep.quantizationReport.labelAccuracy.float).toBe(expected);
    for (const r of rep.runs) expect(r.accuracy.labelAccuracy).toBeCloseTo(expected, 10); // these formats change no class here
    expect(rep.quantizationReport.classChanged).toEqual({ count: 0, vectors: [] });
    expect(stdout).toMatch(/accuracy vs labels: float 87\.50%; fixed point argmax 87\.50%, softmax 87\.50%, approx 87\.50%/);
  });

  it('--vectors N takes the first N rows (and their labels)', () => {
    const { rep } = run(['--weights', wPath, '--bias', bPath, '--input-vectors', xPath, '--input-labels', yPath, '--vectors', '9']);
    expect(rep.runs[0].vectors).toBe(9);
    expect(rep.quantizationReport.labelAccuracy.float).toBe(y.subarray(0, 9).filter((c, v) => c === floatClass(v)).length / 9);
  });

  it('--inputs X.npy is accepted for --input-vectors; in-out layout (Keras) equals out-in (PyTorch)', () => {
    const a = run(['--weights', wPath, '--bias', bPath, '--input-vectors', xPath, '--mode', 'softmax']).rep;
    const c = run(['--weights', wtPath, '--weights-layout', 'in-out', '--bias', bPath, '--inputs', xPath, '--mode', 'softmax']).rep;
    expect(c.runs[0].config).toEqual(a.runs[0].config);
    expect(c.runs[0].accuracy).toEqual(a.runs[0].accuracy);
    expect(c.quantizationReport).toEqual(a.quantizationReport);
  });

  it('Fortran-ordered weights (np.save of W.T.T, scikit-learn coef_) give the same run as C order', () => {
    // WT's bytes in C order of [K, N] are W's bytes in Fortran order of [N, K]
    const text = encodeNpy({ dtype: 'f8', shape: [K, N], data: WT }).toString('latin1');
    const fortran = text.replace("'fortran_order': False", "'fortran_order': True ").replace(`(${K}, ${N})`, `(${N}, ${K})`);
    expect(fortran).not.toBe(text);
    const wf = file('Wf.npy', Buffer.from(fortran, 'latin1'));
    const a = run(['--weights', wPath, '--bias', bPath, '--input-vectors', xPath, '--mode', 'softmax']).rep;
    const f = run(['--weights', wf, '--bias', bPath, '--input-vectors', xPath, '--mode', 'softmax']).rep;
    expect(untimed(f.runs)).toEqual(untimed(a.runs));
    expect(f.quantizationReport).toEqual(a.quantizationReport);
  });

  it('JSON weights in in-out layout: "b" has one value per class', () => {
    const rows = Array.from({ length: K }, (_, k) => Array.from({ length: N }, (_, n) => W[n * K + k]!));
    const j = file('wt.json', JSON.stringify({ W: rows, b: Array.from(b) }));
    const { rep } = run(['--weights', j, '--weights-layout', 'in-out', '--input-vectors', xPath, '--mode', 'argmax']);
    expect(rep.runs[0].config).toMatchObject({ classes: N, inputs: K });
  });

  it('--auto-formats chooses frac from the data; an explicit format wins', () => {
    const { rep } = run(['--weights', wPath, '--bias', bPath, '--input-vectors', xPath, '--auto-formats', '--biasFmt', '12,8']);
    const q = rep.quantizationReport;
    expect(q.autoFormats).toBe(true);
    const maxW = W.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(q.weights).toMatchObject({ source: 'auto', fmt: { width: 16, frac: fracForRange(Math.min(...W), Math.max(...W), 16) }, saturated: 0 });
    expect(q.weights.maxError).toBeLessThanOrEqual(2 ** -16);
    expect(maxW).toBeLessThan(1);
    expect(q.inputs).toMatchObject({ source: 'auto', fmt: { width: 16, frac: 13 }, min: 0, saturated: 0 }); // max < 3, ReLU: only ≥ 0 counts
    expect(q.bias).toMatchObject({ source: 'given', fmt: { width: 12, frac: 8 } });
    expect(rep.runs[0].config.biasFmt).toEqual({ width: 12, frac: 8 });
  });
});

describe('malformed or mismatched files → exit 2 naming the file and the problem', () => {
  const complex = Buffer.from(encodeNpy({ dtype: 'i4', shape: [V], data: y }).toString('latin1').replace("'<i4'", "'<c8'"), 'latin1');
  const i8 = (v: bigint) => {
    const buf = Buffer.from(encodeNpy({ dtype: 'f8', shape: [V], data: new Float64Array(V) }).toString('latin1').replace("'<f8'", "'<i8'"), 'latin1');
    buf.writeBigInt64LE(v, buf.length - 8 * (V - 3));
    return buf;
  };
  const cases: [string, string[], RegExp][] = [
    ['bad magic', ['--weights', wPath, '--input-vectors', file('junk.npy', 'GIF89a, not numpy')], /junk\.npy: bad magic/],
    ['a broken zip', ['--weights', wPath, '--input-vectors', file('junk.npz', 'PK\x03\x04 a zip, not numpy')], /junk\.npz: not a valid \.npz \(zip\) archive/],
    ['not a number (complex labels)', ['--weights', wPath, '--input-vectors', xPath, '--labels', file('yc.npy', complex)], /yc\.npy: dtype '<c8' is complex, not real numbers/],
    ['int64 label beyond 2^53', ['--weights', wPath, '--input-vectors', xPath, '--labels', file('y64.npy', i8(2n ** 62n))], /y64\.npy: element 3 is 4611686018427387904: int64 values beyond/],
    ['int64 label out of range', ['--weights', wPath, '--input-vectors', xPath, '--labels', file('y64b.npy', i8(-5n))], /y64b\.npy: label 3 is -5, expected an integer class index in 0…2/],
    ['a member of a .npy', ['--weights', `${wPath}:W`], /W\.npy:W: .*W\.npy is not a \.npz archive, so it has no member 'W'/],
    ['features ≠ weights’ inputs', ['--weights', wPath, '--input-vectors', npy('X7.npy', { dtype: 'f4', shape: [4, 7], data: new Float64Array(28) })], /X7\.npy: input vectors have 7 features but .*W\.npy implies inputs=6/],
    ['bias of the wrong length', ['--weights', wPath, '--bias', npy('b4.npy', { dtype: 'f8', shape: [4], data: new Float64Array(4) })], /b4\.npy: bias must have shape \[3\]/],
    ['weights not 2-D', ['--weights', npy('W1.npy', { dtype: 'f8', shape: [6], data: new Float64Array(6) })], /W1\.npy: weights must be 2-D \[classes, inputs\]/],
    ['input vectors not 2-D', ['--input-vectors', npy('X1.npy', { dtype: 'f4', shape: [6], data: new Float64Array(6) })], /X1\.npy: input vectors must be 2-D \[vectors, inputs\]/],
    ['labels of the wrong length', ['--weights', wPath, '--input-vectors', xPath, '--labels', npy('y5.npy', { dtype: 'i4', shape: [5], data: new Int32Array(5) })], /y5\.npy: labels must have shape \[40\]/],
    ['label out of range', ['--weights', wPath, '--input-vectors', xPath, '--labels', npy('y9.npy', { dtype: 'i4', shape: [V], data: new Int32Array(V).fill(9) })], /y9\.npy: label 0 is 9, expected an integer class index in 0…2/],
    ['non-finite weight', ['--weights', npy('Wnan.npy', { dtype: 'f8', shape: [2, 2], data: [1, NaN, 0, 0] })], /Wnan\.npy: element 1 is NaN/],
    ['classes given ≠ file', ['--weights', wPath, '--classes', '4'], /W\.npy: weights imply classes=3 but classes=4 was given/],
    ['--inputs N ≠ file', ['--input-vectors', xPath, '--inputs', '5'], /X\.npy: input vectors have 6 features but inputs=5 was given/],
    ['--vectors beyond the file', ['--input-vectors', xPath, '--vectors', '41'], /X\.npy: holds 40 vectors, --vectors asks for 41/],
    ['--inputs neither number nor .npy', ['--inputs', 'X.csv'], /--inputs: expected a number \(features per vector\) or a \.npy\/\.npz file/],
    ['labels without vectors', ['--labels', yPath], /--input-labels: needs --input-vectors/],
    ['missing file', ['--weights', join(tmp, 'nope.npy')], /nope\.npy: cannot read file \(ENOENT\)/],
    ['--labels neither class names nor .npy', ['--labels', 'y.txt'], /--labels: expected class names as a JSON array or a \.npy\/\.npz file/],
    ['unknown dataset', ['--dataset', 'cifar'], /--dataset: 'cifar' is not one of mnist/],
    ['dataset plus weights', ['--dataset', 'mnist', '--weights', wPath], /--dataset mnist: provides weights, bias, input vectors and labels; drop --weights/],
  ];
  it.each(cases)('%s', (_, args, msg) => {
    const r = headsim(['sim', ...args]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(msg);
  });
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** The same run from two sets of files: every report field but the file names is equal. */
function sameRun(a: string[], b: string[]) {
  const go = (args: string[]) => {
    const json = join(tmp, `e${Math.random().toString(36).slice(2)}.json`);
    const r = headsim(['sim', ...args, '--vectors', '20', '--json', json]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { weights, ...rep } = untimed(JSON.parse(readFileSync(json, 'utf8'))) as { weights: string };
    // the table's last column is cycles/s (wall clock)
    const stdout = r.stdout.split('\n').map((l) => l.replace(/^((argmax|softmax|approx) .*?)\s+[\d,]+$/, '$1'));
    return { rep, weights, stdout };
  };
  const [x, y] = [go(a), go(b)];
  expect(x.rep).toEqual(y.rep);
  expect(x.stdout).toEqual(y.stdout);
  expect((x.rep as { runs: { vectors: number }[] }).runs.map((r) => r.vectors)).toEqual([20, 20, 20]);
  return [x.weights, y.weights];
}

describe.skipIf(!hasNumpy)(`files NumPy writes, through the CLI${hasNumpy ? '' : ' (SKIPPED: python3 cannot import numpy)'}`, () => {
  const d = mkdtempSync(join(tmp, 'np-'));
  const p = (f: string) => join(d, f);
  if (hasNumpy)
    execFileSync('python3', ['-c', `
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(15)
W = rng.normal(0, 0.5, size=(4, 16)).astype(np.float32)
b = rng.normal(0, 0.5, size=4).astype(np.float32)
X = rng.integers(0, 8, size=(30, 16)).astype(np.uint8)      # pixel-like; within inFmt's range
y = rng.integers(0, 4, size=30)                              # NumPy's default integer: int64
assert y.dtype == np.int64
Wf = np.asfortranarray(W)
assert np.lib.format.header_data_from_array_1_0(Wf)['fortran_order']
np.save(d + '/W_F.npy', Wf); np.save(d + '/b.npy', b); np.save(d + '/X_u8.npy', X); np.save(d + '/y_i8.npy', y)
np.save(d + '/W_C.npy', np.ascontiguousarray(W)); np.save(d + '/X_f4.npy', X.astype(np.float32)); np.save(d + '/y_i4.npy', y.astype(np.int32))
np.savez(d + '/model.npz', W=Wf, b=b)
np.savez_compressed(d + '/data.npz', X=X, y=y)
np.savez(d + '/positional.npz', W, b)
`, d]);

  it('acceptance: Fortran float32 W, uint8 X, int64 y give the report of the same data in f4/i4 C order', () => {
    sameRun(
      ['--weights', p('W_F.npy'), '--bias', p('b.npy'), '--input-vectors', p('X_u8.npy'), '--input-labels', p('y_i8.npy')],
      ['--weights', p('W_C.npy'), '--bias', p('b.npy'), '--input-vectors', p('X_f4.npy'), '--input-labels', p('y_i4.npy')],
    );
  });

  it('.npz: --weights model.npz brings its b, --input-vectors data.npz its y; members can be named', () => {
    const npy = ['--weights', p('W_C.npy'), '--bias', p('b.npy'), '--input-vectors', p('X_f4.npy'), '--input-labels', p('y_i4.npy')];
    const [, fromNpz] = sameRun(npy, ['--weights', p('model.npz'), '--input-vectors', p('data.npz')]);
    expect(fromNpz).toBe(`${p('model.npz')}:W + ${p('model.npz')}:b (out-in); inputs ${p('data.npz')}:X, labels ${p('data.npz')}:y`);
    sameRun(npy, ['--weights', `${p('model.npz')}:W`, '--bias', `${p('model.npz')}:b`, '--inputs', `${p('data.npz')}:X`, '--labels', `${p('data.npz')}:y`]);
    sameRun(npy, ['--weights', `${p('positional.npz')}:arr_0`, '--bias', `${p('positional.npz')}:arr_1`, '--input-vectors', p('data.npz')]);
  });

  it.each([
    ['no member W', ['--weights', p('positional.npz')], /positional\.npz: holds 'arr_0', 'arr_1' but no 'W'; name the array, e.g\. .*positional\.npz:arr_0/],
    ['a bias twice', ['--weights', p('model.npz'), '--bias', p('b.npy')], /b\.npy: .*model\.npz holds a bias "b" already; to use --bias, name the weights: .*model\.npz:W/],
    ['labels twice', ['--input-vectors', p('data.npz'), '--input-labels', p('y_i4.npy')], /y_i4\.npy: .*data\.npz holds labels "y" already; to use --input-labels, name the vectors: .*data\.npz:X/],
    ['a missing member', ['--weights', `${p('model.npz')}:coef`], /model\.npz: has no array 'coef' \(it holds 'W', 'b'\)/],
    ['a member of the wrong shape', ['--weights', `${p('model.npz')}:b`], /model\.npz:b: weights must be 2-D/],
  ] as [string, string[], RegExp][])('%s → exit 2, one line', (_, args, msg) => {
    const r = headsim(['sim', ...args]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(msg);
  });
});

describe('auto-formats rule', () => {
  it('largest frac at which the extremes round into the width', () => {
    expect(fracForRange(0, 1, 16)).toBe(14); // 1.0 · 2^15 = 32768 does not fit
    expect(fracForRange(-1, 0.5, 16)).toBe(15); // −1 · 2^15 = −32768 fits
    expect(fracForRange(-0.82, 0.9178, 16)).toBe(15);
    expect(fracForRange(0, 1000, 16)).toBe(5);
    expect(fracForRange(0, (32767.5 - 1e-9) / 32, 16)).toBe(5); // rounds to 32767
    expect(fracForRange(0, 32767.5 / 32, 16)).toBe(4); // rounds half up to 32768
    expect(fracForRange(0, 0, 16)).toBeNull();
    expect(fracForRange(0, 1e-30, 16)).toBe(64); // the config's limit
  });

  it('bias frac ≤ inFmt.frac + wFmt.frac and ≤ its width; logits no finer than the exp table indexes (unless argmax only)', () => {
    const c = parseConfig({ classes: 2, inputs: 2, kPar: 2, topK: 2 });
    const d = { wFloat: Float64Array.of(10, -12, 3, 4), bFloat: Float64Array.of(1e-9, 0), xFloat: Float64Array.of(100, 50), count: 1 };
    const ch = chooseFormats(c, {}, d);
    expect(ch.params.inFmt).toEqual({ width: 16, frac: 8 });
    expect(ch.params.wFmt).toEqual({ width: 16, frac: 11 });
    expect(ch.params.biasFmt).toEqual({ width: 16, frac: 16 }); // ≤ 19 (inFmt.frac + wFmt.frac) and ≤ its 16 bits
    expect(ch.params.logitFmt).toEqual({ width: 16, frac: 5 }); // z = (400, 500), ·(1+1/16) = 531: 10 integer bits
    expect(ch.notes.join('\n')).toMatch(/biasFmt: frac 16, not the 44 the range allows, because a format has at most as many fraction bits as bits/);
    expect(() => parseConfig({ ...c, biasFmt: { width: 16, frac: 19 } })).toThrow(/biasFmt\.frac: must be ≤ biasFmt\.width \(16\)/);
    const small = { ...d, xFloat: Float64Array.of(0.01, 0.01) };
    expect(chooseFormats(c, {}, small).params.logitFmt).toEqual({ width: 16, frac: 8 }); // capped: expLut {12, 16, 16}
    expect(chooseFormats(c, {}, small, false).params.logitFmt!.frac).toBeGreaterThan(8);
    expect(chooseFormats(c, { wFmt: { width: 16, frac: 12 } }, d).source).toEqual({ inFmt: 'auto', wFmt: 'given', biasFmt: 'auto', logitFmt: 'auto' });
  });
});
