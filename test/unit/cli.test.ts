// The CLI end to end, in a child process: bad input is one line and exit 2, malformed weights
// files name the file, and `headsim sim` writes the report fields of docs/contract.md.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headsim } from '../helpers/cli-and-tools.ts';

const tmp = mkdtempSync(join(tmpdir(), 'headsim-cli-'));

describe('headsim CLI: bad input is one line and exit 2', () => {
  it.each([
    [['sim', '--bogus', '1'], /unknown option '--bogus'/],
    [['sim', '--classes', '1'], /^headsim sim: classes: /],
    [['sim', '--kPar', '600'], /kPar: must be ≤ inputs/],
    [['sim', '--mode', 'soft'], /--mode: 'soft'/],
    [['sim', '--expLut', '8,16,10'], /expLut.range: must be a power of two/],
    [['sim', '--vectors', 'x'], /--vectors: expected an integer/],
    [['sim', '--expLut', '1,4,1048576'], /expLut: the first table entry/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['prove', '--campaign', '--only', 'softmax,nope'], /^headsim prove: --only: no campaign configuration named 'nope'/],
    [['prove', '--ci'], /^headsim prove: --only, --ci, --jobs: .*add --campaign/],
  ])('%j', (args, msg) => {
    const r = headsim(args as string[]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(msg);
  });

  it('malformed weights files name the file and the problem', () => {
    const bad = join(tmp, 'W.json');
    writeFileSync(bad, '{"W": [[1, 2], [3]]}');
    let r = headsim(['sim', '--weights', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`${bad}: "W" must be a non-empty array of equal-length rows`));
    const npy = join(tmp, 'W.npy');
    writeFileSync(npy, 'not numpy at all');
    r = headsim(['sim', '--weights', npy]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/W\.npy: bad magic/);
    const cfg = join(tmp, 'c.json');
    writeFileSync(cfg, '{"classes": 10, "topK": 11}');
    r = headsim(['sim', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/topK: must be ≤ classes/);
  });
});

it('cosim without Verilator on PATH: the install command, exit 2', () => {
  const r = headsim(['cosim', '--vectors', '5', '--mode', 'argmax', '--out', join(tmp, 'nov')], 120_000, { ...process.env, PATH: join(tmp, 'empty-path') });
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toBe('headsim cosim: verilator not found: apt-get install -y verilator');
});

describe('headsim sim', () => {
  it('runs all three modes and writes the report fields of docs/contract.md', () => {
    const json = join(tmp, 'sim.json');
    const r = headsim(['sim', '--vectors', '200', '--classes', '6', '--inputs', '40', '--kPar', '4', '--json', json]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    expect(rep.runs.map((x: { mode: string }) => x.mode)).toEqual(['argmax', 'softmax', 'approx']);
    for (const run of rep.runs) {
      for (const f of ['config', 'vectors', 'cycles', 'latency', 'ii', 'cyclesPerSecond', 'accuracy']) expect(run).toHaveProperty(f);
      expect(run.latency.model).toBe(run.latency.formula);
      expect(run.latency.stages.input).toBe(10);
      expect(run.accuracy.modesAgree).toBe(1);
      expect(run.scoreboard.mismatches).toBe(0);
    }
    expect(rep.quantization).toEqual({ weights: 0, bias: 0, inputs: 0 });
  });

  it('loads JSON weights and takes classes/inputs from their shape', () => {
    const w = join(tmp, 'w2.json');
    writeFileSync(
      w,
      JSON.stringify({
        W: [
          [0.5, -0.25, 1],
          [-1, 0.75, 0.1],
          [9, 0, 0],
        ],
        b: [0, 0.1, -0.2],
      }),
    );
    const json = join(tmp, 'w2-report.json');
    const r = headsim(['sim', '--weights', w, '--kPar', '2', '--topK', '2', '--vectors', '50', '--mode', 'argmax', '--json', json]);
    expect(r.code).toBe(0);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    expect(rep.runs[0].config.classes).toBe(3);
    expect(rep.runs[0].config.inputs).toBe(3);
    expect(rep.quantization.weights).toBe(1); // 9.0 does not fit wFmt {16,12} (max ≈ 8)
  });
});
