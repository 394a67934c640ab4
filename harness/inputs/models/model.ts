// What a model reader gives the rest of headsim: the head (the dense layer headsim builds in
// hardware: weights in [classes, inputs] order, bias, whether a ReLU feeds it, what follows it,
// class names, fixed-point formats the model itself quantizes to) and the body (every layer
// before the head, run in float to turn the model's own inputs into the head's input vectors).
import type { Fmt } from '../../../models/numerics.ts';

/** What follows the head in the model: nothing (logits), a softmax, a log-softmax or an argmax. */
export type HeadOutput = 'logits' | 'softmax' | 'log-softmax' | 'argmax';

/** A format the model fixes by quantizing the head's inputs, weights or bias (QONNX Quant, QDQ). */
export interface ModelFormat {
  fmt: Fmt;
  /** where it comes from, for the report: "Quant node 'q1' (8 bits, scale 2^-5)" */
  from: string;
}

export interface ModelHead {
  /** the layer's name (Keras layer, ONNX node) */
  layer: string;
  /** how the model computes it: "Dense", "Gemm", "MatMul + Add" */
  op: string;
  classes: number;
  inputs: number;
  /** [classes][inputs] (out-in), float64 of the model's values */
  W: Float64Array;
  /** null: the layer has no bias */
  b: Float64Array | null;
  /** the weight layout as the model stores it (in-out: Keras kernel, MatMul B, Gemm transB=0) */
  storedLayout: 'out-in' | 'in-out';
  /** a ReLU feeds the head (seen through shape-only layers and quantizers) */
  relu: boolean;
  /** the layer whose ReLU it is, for the report */
  reluFrom: string | null;
  output: HeadOutput;
  /** class names from the model's metadata */
  labels: string[] | null;
  /** formats the model's quantizers fix (only the ones it has) */
  formats: Partial<Record<'inFmt' | 'wFmt' | 'biasFmt', ModelFormat>>;
  /** why a quantizer of the head gives no format (a scale that is not a power of two, …) */
  formatNotes: string[];
}

/** The model before the head, evaluated in float. */
export interface ModelBody {
  /** the model's input shape without the batch axis (null entries: any size) */
  inputShape: (number | null)[];
  /** how it runs, for the report: "onnxruntime 1.31.1, 4 nodes (Mul, Reshape, Gemm, Relu)" */
  describe: string;
  /**
   * Runs the model on `count` inputs (C order, each of inputShape): the head's input vectors
   * [count][inputs] and the whole model's predicted class per input, as the framework computes it.
   */
  run(x: Float64Array, count: number): Promise<{ features: Float64Array; predicted: Int32Array }>;
}

export interface LoadedModel {
  path: string;
  /** "Keras 3 (.keras)", "Keras (legacy .h5)", "ONNX (opset 20, torch 2.13)" */
  format: string;
  head: ModelHead;
  /** null when the body cannot run here: `bodyError` says why (exit 2 only if --model-inputs asks for it) */
  body: ModelBody | null;
  bodyError: string | null;
  /** the layers before the head, by kind, for the report */
  bodyLayers: string[];
}

/** Index of the largest of a[off … off+n) (ties: the lower index, as everywhere in headsim). */
export function argmax(a: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[off + i]! > a[off + best]!) best = i;
  return best;
}
