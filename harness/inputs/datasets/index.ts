// Built-in datasets for `--dataset NAME`: each prepares (trains and caches) a classifier head
// and a labelled test split as .npy files, which then go through exactly the loader users' own
// files go through (harness/inputs/sources.ts).
import { join } from 'node:path';
import { prepareMnist } from './mnist.ts';

export interface DatasetFiles {
  weights: string; // [classes, inputs] (nn.Linear layout)
  bias: string;
  inputVectors: string; // [vectors, inputs]
  labels: string; // [vectors]
  /** parameter defaults the dataset implies (flags and --config still win) */
  params: Record<string, unknown>;
  /** one line for the console: where the files are, how the head was made */
  note: string;
}

export const DATASETS: Record<string, (outDir: string) => Promise<DatasetFiles>> = {
  async mnist(outDir) {
    const t0 = performance.now();
    const d = await prepareMnist(join(outDir, 'datasets', 'mnist'));
    const how = d.cached ? 'cached' : `trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    return {
      weights: d.weightsPath,
      bias: d.biasPath,
      inputVectors: d.inputsPath,
      labels: d.labelsPath,
      // Pixels are in [0, 1]: ReLU would change nothing, so the head runs without it.
      params: { relu: false },
      note: `dataset mnist: 784→10 softmax-regression head (${how}, ${d.dir}), float test accuracy ${(d.floatTestAccuracy * 100).toFixed(2)}% on all 2000 test digits`,
    };
  },
};
