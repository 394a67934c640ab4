// MNIST end to end through the CLI: the trained head (harness/inputs/datasets/mnist.ts) on the 2000
// test digits in argmax, softmax and approx, with default and --auto-formats, against labels.
import type { QuantizationReport } from '../../../harness/check/quant-report.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareMnist } from '../../../harness/inputs/datasets/mnist.ts';
import { readNpy } from '../../../harness/inputs/npy.ts';
import { sourcedScenario } from '../../../harness/inputs/sources.ts';
import { bitTrue } from '../../../models/bittrue.ts';
import { hasVerilator, headsim } from '../../helpers/cli-and-tools.ts';

const out = mkdtempSync(join(tmpdir(), 'mnist-e2e-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Run {
  mode: string;
  vectors: number;
  config: Record<string, unknown>;
  accuracy: { labelAccuracy: number; modesAgree: number; top1VsFloat: number };
  latency: { stages: { input: number } };
  scoreboard: { mismatches: number };
  mismatches: number;
}

function cli(command: string, args: string[], outDir = out) {
  const json = join(out, `${command}-${Math.random().toString(36).slice(2)}.json`);
  const r = headsim([command, '--dataset', 'mnist', '--out', outDir, '--json', json, ...args], 900_000);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return { stdout: r.stdout, rep: JSON.parse(readFileSync(json, 'utf8')) as { runs: Run[]; quantizationReport: QuantizationReport } };
}

beforeAll(async () => {
  await prepareMnist(join(out, 'datasets', 'mnist')); // train once; the CLI runs below hit the cache
});

describe('headsim sim --dataset mnist', () => {
  it.each([[[]], [['--auto-formats']]])('%j: all 2000 digits, fixed point within 0.5 points of float, modes agree', (extra) => {
    const { rep, stdout } = cli('sim', extra);
    const q = rep.quantizationReport;
    expect(q.labelAccuracy!.float).toBeGreaterThanOrEqual(0.88);
    expect(rep.runs.map((r) => r.mode)).toEqual(['argmax', 'softmax', 'approx']);
    for (const r of rep.runs) {
      expect(r.vectors).toBe(2000);
      expect(r.config).toMatchObject({ classes: 10, inputs: 784, kPar: 8, relu: false });
      expect(r.latency.stages.input).toBe(98); // 784 / 8 beats
      expect(r.accuracy.modesAgree).toBe(1);
      expect(r.scoreboard.mismatches).toBe(0);
      expect(Math.abs(r.accuracy.labelAccuracy - q.labelAccuracy!.float)).toBeLessThanOrEqual(0.005);
    }
    for (const k of ['inputs', 'weights', 'bias', 'logits'] as const) expect(q[k].saturated).toBe(0);
    if (extra.length) {
      expect(q.inputs).toMatchObject({ source: 'auto', fmt: { width: 16, frac: 14 } }); // pixels in [0, 1]
      expect(q.weights).toMatchObject({ source: 'auto', fmt: { width: 16, frac: 15 } }); // max |W| < 1
    }
    expect(stdout).toMatch(/dataset mnist: 784→10 softmax-regression head \(cached/);
    expect(stdout).toMatch(/accuracy vs labels: float \d+\.\d\d%; fixed point argmax/);
  });

  it('coarse formats: the vectors whose class changed, with their float top-2 margin', () => {
    const { rep } = cli('sim', ['--mode', 'argmax', '--vectors', '500', '--wFmt', '8,7', '--logitFmt', '8,2']);
    const q = rep.quantizationReport;
    expect(rep.runs[0].vectors).toBe(500);
    const y = readNpy(join(out, 'datasets', 'mnist', 'y_test.npy')).data;
    expect(q.classChanged.count).toBeGreaterThan(0);
    expect(q.classChanged.count).toBe(q.classChanged.vectors.length);
    expect(1 - rep.runs[0].accuracy.top1VsFloat).toBeCloseTo(q.classChanged.count / 500, 10);
    for (const c of q.classChanged.vectors) {
      expect(c.fixedClass).not.toBe(c.floatClass);
      expect(c.label).toBe(y[c.index]);
      expect(c.floatMargin).toBeGreaterThanOrEqual(0);
      expect(c.floatMargin).toBeLessThan(2 * q.logits.maxError + 1e-12); // both logits moved by at most maxError
    }
  });
});

describe.skipIf(!hasVerilator)('headsim cosim --dataset mnist (Verilator)', () => {
  it('lockstep on real digits: no mismatch, the accuracy of the bit-true reference', async () => {
    // The project's out/: its Verilator build cache (keyed by parameters and sources) and its
    // dataset cache are shared with `npm run cosim -- --dataset mnist`; a first build takes minutes.
    const { rep } = cli('cosim', ['--vectors', '100', '--mode', 'softmax'], 'out');
    const r = rep.runs[0]!;
    expect(r.mismatches).toBe(0);
    expect(r.scoreboard.mismatches).toBe(0);
    // The accuracy the run reports equals the bit-true reference's on the same 100 digits
    // (computed here, not through the model): lockstep made the RTL's outputs the model's.
    const s = (await sourcedScenario({ params: {}, dataset: 'mnist', vectors: 100, seed: 1, out: 'out' }, ['softmax'])).base;
    const labels = s.vectors.labels!;
    let hits = 0;
    for (let i = 0; i < 100; i++) if (bitTrue(s.g, s.t, s.w, s.config.relu, s.vectors.xQ, i * s.g.K).entries[0]!.index === labels[i]) hits++;
    expect(r.accuracy.labelAccuracy).toBe(hits / 100);
    expect(hits).toBeGreaterThan(80);
  }, 900_000);
});
