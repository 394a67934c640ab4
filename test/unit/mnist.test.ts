// The trained MNIST head (harness/inputs/datasets/mnist.ts): its float accuracy, its cache,
// deterministic training, and disjoint training and test splits.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnistSplit, MNIST_SETTINGS, PIXELS, prepareMnist, type MnistDataset } from '../../harness/inputs/datasets/mnist.ts';
import { readNpy } from '../../harness/inputs/npy.ts';

const root = mkdtempSync(join(tmpdir(), 'mnist-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Accuracy recomputed from the saved files alone: argmax_c (b[c] + Σ_k W[c,k]·x[k]) vs label. */
function accuracyFromFiles(ds: MnistDataset): number {
  const W = readNpy(ds.weightsPath);
  const b = readNpy(ds.biasPath);
  const X = readNpy(ds.inputsPath);
  const y = readNpy(ds.labelsPath);
  const [classes, inputs] = W.shape;
  const n = y.shape[0];
  expect(X.shape).toEqual([n, inputs]);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestZ = -Infinity;
    for (let c = 0; c < classes; c++) {
      let z = b.data[c];
      for (let k = 0; k < inputs; k++) z += W.data[c * inputs + k] * X.data[i * inputs + k];
      if (z > bestZ) [best, bestZ] = [c, z];
    }
    if (best === y.data[i]) hits++;
  }
  return hits / n;
}

describe('MNIST classifier head', () => {
  const dirA = join(root, 'a');
  let first: MnistDataset;

  it('trains a 784→10 head with float test accuracy >= 0.88 and small weights', async () => {
    first = await prepareMnist(dirA);
    expect(first.cached).toBe(false);
    const W = readNpy(first.weightsPath);
    expect([W.dtype, W.shape]).toEqual(['f8', [10, PIXELS]]);
    expect([readNpy(first.biasPath).dtype, readNpy(first.biasPath).shape]).toEqual(['f8', [10]]);
    expect([readNpy(first.inputsPath).dtype, readNpy(first.inputsPath).shape]).toEqual(['f4', [2000, PIXELS]]);
    const y = readNpy(first.labelsPath);
    expect([y.dtype, y.shape]).toEqual(['i4', [2000]]);
    for (let d = 0; d < 10; d++) expect(y.data.filter((v) => v === d).length).toBe(200);

    const acc = accuracyFromFiles(first);
    expect(acc).toBeGreaterThanOrEqual(0.88);
    expect(acc).toBe(first.floatTestAccuracy);
    expect(first.maxAbsWeight).toBe(W.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
    expect(first.maxAbsWeight).toBeLessThan(8); // {16,12} weights hold ±8
  });

  it('reuses the cache when the settings match', async () => {
    const before = readFileSync(first.weightsPath);
    const again = await prepareMnist(dirA);
    expect(again).toEqual({ ...first, cached: true });
    expect(readFileSync(first.weightsPath).equals(before)).toBe(true);
  });

  it('is deterministic: an independent training produces identical files', async () => {
    const second = await prepareMnist(join(root, 'b'));
    expect(second.cached).toBe(false);
    for (const key of ['weightsPath', 'biasPath', 'inputsPath', 'labelsPath'] as const) {
      expect(readFileSync(second[key]).equals(readFileSync(first[key])), key).toBe(true);
    }
  });

  it('retrains when the settings change', async () => {
    const before = readFileSync(first.weightsPath);
    const changed = await prepareMnist(dirA, { epochs: 1 });
    expect(changed.cached).toBe(false);
    expect(readFileSync(changed.weightsPath).equals(before)).toBe(false);
  });

  it('keeps the training and test splits disjoint', () => {
    const s = loadMnistSplit(MNIST_SETTINGS.testPerDigit, MNIST_SETTINGS.seed);
    expect([s.trainY.length, s.testY.length]).toEqual([s.perDigit.reduce((a, n) => a + n, 0) - 2000, 2000]);
    const rowHash = (X: Float64Array, i: number) =>
      createHash('sha1')
        .update(new Uint8Array(X.buffer, i * PIXELS * 8, PIXELS * 8))
        .digest('hex');
    const train = new Set<string>();
    for (let i = 0; i < s.trainY.length; i++) train.add(rowHash(s.trainX, i));
    for (let i = 0; i < s.testY.length; i++) expect(train.has(rowHash(s.testX, i))).toBe(false);
  });
});
