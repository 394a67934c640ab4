// Flag groups that several commands share, each declared once with its type, range, default
// and help: what a run writes (--out, --json, --seed), where its data comes from (--weights …),
// and the testbench traffic. A group adds typed options to a commander command.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { DataOptions } from '../harness/inputs/sources.ts';
import { DATASETS } from '../harness/inputs/datasets/index.ts';
import { DEFAULT_TRAFFIC } from '../harness/run/traffic.ts';
import { int, number, oneOf, text } from './values.ts';

/** More vectors than this is a mistake, not a run (memory grows with the vectors). */
export const MAX_VECTORS = 1_000_000;
/** Handshake rates below this make a run crawl for no gain in coverage. */
export const MIN_RATE = 0.01;

export const outputOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  c
    .option('--seed <n>', 'seed of the generated weights, vectors and traffic', int(0), 1)
    .option('--out <dir>', 'directory for build products, dumps and reports', text, 'out')
    .option('--json <file>', 'write the report as JSON', text);

export const vectorsOption = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  c.option('--vectors <n>', `input vectors (default: all of --input-vectors, else 1000; at most ${MAX_VECTORS})`, int(1, MAX_VECTORS));

export const dataOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  c
    .addOption(new Option('--weights <file>', 'trained weights: .npy [classes, inputs] or JSON {"W": [[…]], "b": […]}').argParser(text).helpGroup('Data:'))
    .addOption(new Option('--bias <file>', 'bias .npy [classes] (with --weights)').argParser(text).helpGroup('Data:'))
    .addOption(new Option('--weights-layout <layout>', 'out-in: [classes, inputs] (PyTorch); in-out: [inputs, classes] (Keras)').choices(['out-in', 'in-out'] as const).helpGroup('Data:'))
    .addOption(new Option('--input-vectors <file>', 'input vectors .npy [vectors, inputs]').argParser(text).helpGroup('Data:'))
    .addOption(new Option('--input-labels <file>', 'labels .npy [vectors] (with --input-vectors)').argParser(text).helpGroup('Data:'))
    .addOption(new Option('--model <file>', 'a trained model: Keras .keras or .h5, or ONNX; its last dense layer is the head (docs/real-data.md)').argParser(text).helpGroup('Data:'))
    .addOption(new Option('--model-inputs <file>', "the model's own inputs .npy [vectors, …its input shape]: the body runs in float to make the input vectors").argParser(text).helpGroup('Data:'))
    .addOption(new Option('--head-layer <name>', 'the dense layer to take as the head (default: the last)').argParser(text).helpGroup('Data:'))
    .addOption(new Option('--dataset <name>', `a built-in trained head and test set: ${Object.keys(DATASETS).join(', ')}`).argParser(oneOf(Object.keys(DATASETS))).helpGroup('Data:'))
    .addOption(new Option('--auto-formats', 'choose the fractional bits of inputs, weights, bias and logits from the data').helpGroup('Data:'));

export const trafficOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  c
    .option('--valid-rate <p>', `probability that the source offers a beat in a cycle (${MIN_RATE}…1)`, number(MIN_RATE - 1e-12, 1, `a probability in [${MIN_RATE}, 1]`), DEFAULT_TRAFFIC.validRate)
    .option('--ready-rate <p>', `probability that the sink accepts in a cycle (${MIN_RATE}…1)`, number(MIN_RATE - 1e-12, 1, `a probability in [${MIN_RATE}, 1]`), DEFAULT_TRAFFIC.readyRate);

/** The data flags as harness/inputs takes them. */
export function dataOf(
  o: { weights?: string; bias?: string; weightsLayout?: 'out-in' | 'in-out'; inputVectors?: string; inputLabels?: string; model?: string; modelInputs?: string; headLayer?: string; dataset?: string; autoFormats?: true; vectors?: number; seed: number; out: string },
  params: Record<string, unknown>,
): DataOptions {
  return {
    params,
    weights: o.weights,
    bias: o.bias,
    weightsLayout: o.weightsLayout,
    dataset: o.dataset,
    inputVectors: o.inputVectors,
    inputLabels: o.inputLabels,
    model: o.model,
    modelInputs: o.modelInputs,
    headLayer: o.headLayer,
    autoFormats: o.autoFormats === true,
    vectors: o.vectors ?? null,
    seed: o.seed,
    out: o.out,
  };
}
