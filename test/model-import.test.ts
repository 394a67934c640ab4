// --model: Keras (.keras, legacy .h5) and ONNX (PyTorch exports, QONNX, QDQ) models in, the body
// in float, the head in hardware (docs/real-data.md §From your model). The models are tiny and
// committed (test/fixtures/models/make.py made them; models.json holds each framework's own
// accuracy on the same 200 test images). In process: every model's head, relu, ending and the
// whole model's float accuracy, equal to the framework's to the last digit; the formats of
// QONNX/QDQ quantizers; every malformed model → exit 2, one line. Through the CLI: cosim on
// Verilator for a PyTorch CNN, and a one-point sweep that synthesizes a model.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../cli/main.ts';
import { floatRefs } from '../harness/check/report.ts';
import { sourcedScenario, type DataOptions } from '../harness/inputs/sources.ts';
import { loadModel } from '../harness/inputs/models/load.ts';
import { parseSpec } from '../harness/sweep/spec.ts';
import { pointScenario, sweepData } from '../harness/sweep/data.ts';
import { figures } from '../harness/sweep/point.ts';
import { logits } from '../models/bittrue.ts';
import { topIndices } from '../models/ranking.ts';
import { headsim, hasVerilator } from './helpers.ts';

const DIR = fileURLToPath(new URL('./fixtures/models/', import.meta.url));
const fx = (f: string) => join(DIR, f);
const EXPECTED: Record<string, { hits: number; vectors: number; accuracy: number }> = JSON.parse(readFileSync(fx('models.json'), 'utf8')).models;
const tmp = mkdtempSync(join(tmpdir(), 'headsim-models-'));
const data = (model: string, o: Partial<DataOptions> = {}): DataOptions => ({
  params: {},
  vectors: null,
  seed: 1,
  out: tmp,
  model: fx(model),
  modelInputs: fx('X.npy'),
  inputLabels: fx('y.npy'),
  autoFormats: true,
  ...o,
});

describe('every model: its head, and its float accuracy equal to the framework’s', () => {
  it.each([
    // model, head op, stored layout, relu, what the model ends in, bias, inputs
    ['keras-mlp.keras', 'Dense', 'in-out', true, 'softmax', true, 16],
    ['keras-mlp.h5', 'Dense', 'in-out', true, 'softmax', true, 16],
    ['keras-softmax-layer.keras', 'Dense', 'in-out', true, 'softmax', true, 12],
    ['keras-nobias.keras', 'Dense', 'in-out', false, 'softmax', false, 12],
    ['torch-mlp.onnx', 'Gemm', 'out-in', true, 'logits', true, 16],
    ['torch-cnn.onnx', 'Gemm', 'out-in', false, 'logits', true, 36],
    ['torch-matmul.onnx', 'MatMul + Add', 'in-out', true, 'softmax', true, 16],
    ['qonnx-mlp.onnx', 'Gemm', 'out-in', true, 'logits', true, 16],
    ['qdq-mlp.onnx', 'Gemm', 'out-in', true, 'logits', true, 16],
  ] as const)('%s', async (model, op, layout, relu, output, bias, inputs) => {
    const { base, src } = await sourcedScenario(data(model), ['argmax']);
    const m = src.model!;
    expect({ op: m.headOp, layout: m.storedLayout, relu: m.relu, output: m.output, bias: m.bias }).toEqual({ op, layout, relu, output, bias });
    expect(base.config).toMatchObject({ classes: 4, inputs, relu });
    // the whole model, run as its framework runs it, on the same 200 images
    expect(m.accuracy).toBe(EXPECTED[model]!.accuracy);
    // the head alone in float64 on the body's vectors: the same top-1 on every image here, so the
    // same accuracy (a wrong layout, bias or relu would not be)
    const labels = base.vectors.labels!;
    const floats = floatRefs(base);
    expect(floats.filter((f, v) => f.order[0] === labels[v]).length / labels.length).toBe(m.accuracy);
    expect(floats.filter((f, v) => f.order[0] === m.predicted![v]).length).toBe(labels.length);
    // fixed point (the bit-true reference of the RTL) agrees with float on ≥ 99 %
    let same = 0;
    for (let v = 0; v < base.vectors.count; v++) if (topIndices(logits(base.g, base.w, relu, base.vectors.xQ, v * base.g.K), 1)[0] === floats[v]!.order[0]) same++;
    expect(same / base.vectors.count).toBeGreaterThanOrEqual(0.99);
  });

  it('a model without its body run: the head alone (no --model-inputs), class names from ONNX metadata', async () => {
    const { base, src } = await sourcedScenario(data('torch-mlp.onnx', { modelInputs: undefined, inputLabels: undefined, autoFormats: false }), ['argmax']);
    expect(base.config.labels).toEqual(['hbar', 'vbar', 'diag', 'anti']);
    expect(src.model!.body).toBeNull();
    expect(base.vectors.count).toBe(1000); // generated vectors, as with --weights alone
  });

  it('MatMul + Add: the [inputs, classes] matrix is transposed into the head; Keras’ kernel likewise', async () => {
    const m = await loadModel(fx('torch-matmul.onnx'));
    const k = await loadModel(fx('keras-mlp.keras'));
    const h5 = await loadModel(fx('keras-mlp.h5'));
    expect(h5.head.W).toEqual(k.head.W); // the two Keras files of one model give one head
    for (const { head } of [m, k]) expect(head.W.length).toBe(head.classes * head.inputs);
    expect(m.head.b).not.toBeNull();
    expect([...m.head.b!].some((v) => v !== 0)).toBe(true);
  });
});

describe('QONNX and QDQ: the head’s formats follow the model’s quantizers', () => {
  it.each(['qonnx-mlp.onnx', 'qdq-mlp.onnx'])('%s: inFmt and wFmt from the model, not --auto-formats; exact on the model’s grid', async (model) => {
    const { base, formats } = await sourcedScenario(data(model), ['softmax']);
    expect(base.config.inFmt).toEqual({ width: 9, frac: 3 }); // unsigned 8 bits, scale 2^-3
    expect(base.config.wFmt).toEqual({ width: 8, frac: 5 }); // signed 8 bits, scale 2^-5
    expect(formats.source).toMatchObject({ inFmt: 'model', wFmt: 'model', biasFmt: 'auto', logitFmt: 'auto' });
    // the model computes with fake-quantized weights and inputs: headsim's quantization is exact
    for (let i = 0; i < base.w.wFloat.length; i++) expect(base.w.wQ[i]! / 32).toBe(base.w.wFloat[i]);
    for (let i = 0; i < base.vectors.xFloat.length; i++) expect(base.vectors.xQ[i]! / 8).toBe(base.vectors.xFloat[i]);
    // a format given wins over the model's; without --auto-formats the bias aligns with the products
    const given = await sourcedScenario(data(model, { params: { wFmt: { width: 12, frac: 9 } }, autoFormats: false }), ['argmax']);
    expect(given.base.config.wFmt).toEqual({ width: 12, frac: 9 });
    expect(given.formats.source).toMatchObject({ inFmt: 'model', wFmt: 'given', biasFmt: 'default' });
    const plain = await sourcedScenario(data(model, { autoFormats: false }), ['argmax']);
    expect(plain.base.config.biasFmt).toEqual({ width: 16, frac: 8 });
    expect(plain.formats.notes.join()).toMatch(/biasFmt: frac 8 = inFmt\.frac \+ wFmt\.frac/);
  });
});

describe('malformed models: exit 2, one line naming the file and the reason', () => {
  const errors: string[] = [];
  afterEach(() => vi.restoreAllMocks());
  const cut = (f: string, keep: number) => {
    const p = join(tmp, `cut-${keep}-${f}`);
    const b = readFileSync(fx(f));
    writeFileSync(p, b.subarray(0, Math.floor(b.length * keep)));
    return p;
  };
  const textFile = join(tmp, 'notes.txt');
  writeFileSync(textFile, 'these are not the weights you are looking for\n');
  it.each([
    ['truncated .keras', () => cut('keras-mlp.keras', 0.6), [], /keras-mlp\.keras: not a valid \.keras \(zip\) archive: .*truncated/],
    ['truncated .h5', () => cut('keras-mlp.h5', 0.8), [], /keras-mlp\.h5: truncated HDF5 file \(its superblock says 38288 bytes/],
    ['truncated .onnx', () => cut('torch-cnn.onnx', 0.7), [], /torch-cnn\.onnx: truncated or damaged ONNX file/],
    ['not a model: a .npy', () => fx('X.npy'), [], /X\.npy: not a model: a NumPy \.npy array/],
    ['not a model: text', () => textFile, [], /notes\.txt: not a model/],
    ['no dense layer (ONNX)', () => fx('nodense.onnx'), [], /nodense\.onnx: no dense layer/],
    ['no dense layer (Keras)', () => fx('keras-nodense.keras'), [], /keras-nodense\.keras: no Dense layer/],
    ['a layer the Keras evaluator refuses', () => fx('keras-conv.keras'), ['--model-inputs', fx('X.npy')], /keras-conv\.keras: layer 'conv2d' \(Conv2D\) is not evaluated .*export the model to ONNX/],
    ['--head-layer naming a missing layer', () => fx('torch-mlp.onnx'), ['--head-layer', 'fc9'], /--head-layer fc9: .*torch-mlp\.onnx has no dense layer of that name \(dense layers: node_linear, node_linear_1\)/],
    ['a model whose relu the flags contradict', () => fx('torch-mlp.onnx'), ['--relu', 'false'], /torch-mlp\.onnx: the model implies relu=true .* but relu=false was given/],
    ['model inputs of another shape', () => fx('torch-cnn.onnx'), ['--model-inputs', fx('y.npy')], /y\.npy: model inputs of shape \[200\] do not fit the input of .*torch-cnn\.onnx, \[batch, 1, 8, 8\]/],
    ['--model with --weights', () => fx('torch-mlp.onnx'), ['--weights', fx('X.npy')], /^headsim sim: --model .*torch-mlp\.onnx: provides the weights and bias; drop --weights$/],
  ] as const)('%s', async (_, model, extra, msg) => {
    errors.length = 0;
    vi.spyOn(console, 'error').mockImplementation((s: string) => void errors.push(s));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const code = await run(['sim', '--model', model(), ...extra, '--mode', 'argmax', '--vectors', '4', '--out', tmp]);
    expect(code).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).not.toContain('\n');
    expect(errors[0]).toMatch(msg);
  });

  it('--model-inputs and --head-layer need --model', async () => {
    await expect(sourcedScenario(data('x', { model: undefined }), ['argmax'])).rejects.toThrow(/^--model-inputs: needs --model/);
    await expect(sourcedScenario(data('x', { model: undefined, modelInputs: undefined, inputLabels: undefined, headLayer: 'fc' }), ['argmax'])).rejects.toThrow(/^--head-layer: needs --model$/);
  });

  it('the Keras model it refuses to evaluate still gives its head (synthesis needs no body)', async () => {
    const m = await loadModel(fx('keras-conv.keras'));
    expect(m.body).toBeNull();
    expect(m.head).toMatchObject({ classes: 4, inputs: 144, relu: true, output: 'softmax' });
  });
});

describe('sweep --model: the model’s weights in the ROMs, label accuracy per point', () => {
  it('a spec with data.model: every point on the model’s head and body', async () => {
    const spec = parseSpec({ base: { kPar: 4 }, grid: { mode: ['argmax', 'softmax'] }, data: { model: 'keras-mlp.h5', modelInputs: 'X.npy', inputLabels: 'y.npy', headLayer: 'dense_1' } }, 'spec', DIR);
    const d = await sweepData(spec.data, { params: {}, vectors: null, seed: 1, out: tmp });
    expect(d.implied).toMatchObject({ classes: 4, inputs: 16, relu: true });
    const head = (await loadModel(fx('keras-mlp.h5'))).head;
    const params = { ...d.implied, kPar: 4, mode: 'argmax' };
    const s = await pointScenario({ params, vectors: 1, seed: 1, data: d.ref });
    expect(s.w.wFloat).toEqual(head.W); // what romsOf writes into the memory images
    const f = await figures({ params, vectors: d.vectors, seed: 1, data: d.ref, rtlHash: 'r', timeoutMs: 1, keepBramInit: false });
    expect(f.floatLabelAccuracy).toBe(EXPECTED['keras-mlp.h5']!.accuracy);
    expect(f.labelAccuracy).not.toBeNull();
  });

  it('headsim sweep --model: one point synthesized (Yosys) with label accuracy', () => {
    const specPath = join(tmp, 'one.json');
    writeFileSync(specPath, JSON.stringify({ base: { mode: 'argmax', kPar: 4 }, vectors: 200 }));
    const json = join(tmp, 'sweep.json');
    const r = headsim(['sweep', specPath, '--model', fx('torch-mlp.onnx'), '--model-inputs', fx('X.npy'), '--input-labels', fx('y.npy'), '--no-modules', '--out', tmp, '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    const row = JSON.parse(readFileSync(json, 'utf8')).points[0];
    expect(row.status).toBe('ok');
    expect(row.config).toMatchObject({ classes: 4, inputs: 16, relu: true });
    expect(row.floatLabelAccuracy).toBe(EXPECTED['torch-mlp.onnx']!.accuracy);
    expect(row.labelAccuracy).toBeGreaterThan(0.75);
    expect(row.lut).toBeGreaterThan(0);
    expect(row.data.weights).toMatch(/^[0-9a-f]{24}$/);
  }, 600_000);
});

describe.skipIf(!hasVerilator)('cosim --model: lockstep with the RTL on Verilator', () => {
  // one model keeps CI lean: the Keras and ONNX readers are checked in process above, and the
  // lockstep does not care where the weights came from (docs/real-data.md has all four runs)
  it.each(['torch-cnn.onnx'])('%s: 0 mismatches, model float accuracy = the framework’s, fixed-point top-1 = float on ≥ 0.99', (model) => {
    const json = join(tmp, `cosim-${model}.json`);
    const r = headsim(['cosim', '--model', fx(model), '--model-inputs', fx('X.npy'), '--input-labels', fx('y.npy'), '--auto-formats', '--mode', 'argmax', '--out', tmp, '--json', json], 600_000);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    const run0 = rep.runs[0];
    expect(run0.vectors).toBe(200);
    expect(run0.cyclesCompared).toBeGreaterThan(0);
    expect(run0.mismatches + run0.scoreboard.mismatches).toBe(0);
    expect(run0.accuracy.top1VsFloat).toBeGreaterThanOrEqual(0.99);
    expect(rep.quantizationReport.labelAccuracy.model).toBe(EXPECTED[model]!.accuracy);
    expect(rep.model).toMatchObject({ path: fx(model), headOp: model.endsWith('.onnx') ? 'Gemm' : 'Dense' });
    expect(r.stdout).toMatch(/accuracy vs labels: model \(float, as its framework computes it\) \d+\.\d\d%/);
  }, 600_000);
});
