// `headsim bench --quick` on a tiny head: it runs and writes a well-formed report. Speeds are
// reported by the bench, never asserted here (the machine is shared; timings move).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasIcarus, hasVerilator, headsim } from '../../helpers/cli-and-tools.ts';
import { stats } from '../../../bench/stats.ts';
import { rate, ratioStats } from '../../../bench/report.ts';

describe('bench helpers', () => {
  it('stats: median (even and odd counts), min, max; non-finite rounds dropped', () => {
    expect(stats([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: [3, 1, 2] });
    expect(stats([4, 1, 3, 2])!.median).toBe(2.5);
    expect(stats([NaN, 5])).toEqual({ median: 5, min: 5, max: 5, runs: [5] });
    expect(stats([NaN])).toBeNull();
  });

  it('formats rates and ratios', () => {
    expect(rate(3_456_789)).toBe('3.46 M');
    expect(rate(12_345)).toBe('12.3 k');
    expect(rate(null)).toBe('–');
    expect(ratioStats({ median: 1.234, min: 1.1, max: 1.5, runs: [] })).toBe('1.23× [1.10 … 1.50]');
  });
});

describe('headsim bench --quick', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'headsim-bench-'));

  it('bad flags are one line and exit 2', () => {
    const r = headsim(['bench', '--scenario', 'huge']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^headsim bench: --scenario: 'huge' is not one of seed, big/);
    const s = headsim(['bench', '--skip', 'everything']);
    expect(s.code).toBe(2);
    expect(s.stderr.trim()).toMatch(/--skip: 'everything'/);
  });

  it('measures a tiny head and writes the report fields', () => {
    const json = join(tmp, 'bench.json');
    const md = join(tmp, 'results.md');
    const r = headsim(
      [
        'bench',
        '--quick',
        '--scenario',
        'seed',
        '--runs',
        '1',
        '--out',
        'out/test-bench', // builds are content-cached there across runs
        '--vcd-dir',
        join(tmp, 'vcd'),
        '--json',
        json,
        '--results',
        md,
      ],
      170_000,
    );
    expect(r.stderr).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(r.code).toBe(0);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    expect(rep.command).toBe('bench');
    expect(rep.quick).toBe(true);
    expect(rep.modelCyclesPerSecond).toBeGreaterThan(0);
    expect(rep.machine.cores).toBeGreaterThan(0);
    expect(rep.machine.node).toBe(process.version);
    expect(Object.keys(rep.ratios)).toEqual(
      expect.arrayContaining(['modelVsVerilator', 'lockstepVsVerilator', 'verilatorLockstepVsCocotbLockstep', 'modelVcdVsVerilatorTrace']),
    );
    const [sc] = rep.scenarios;
    expect(sc.name).toBe('seed');
    // One round: the summary is that round's value, and the headline figure is the scenario's.
    expect(sc.model.runs).toHaveLength(1);
    expect(sc.model.median).toBe(sc.model.runs[0]);
    expect(rep.modelCyclesPerSecond).toBe(sc.model.median);
    expect(sc.modelVcd.median).toBeGreaterThan(0);
    expect(sc.modelFst.median).toBeGreaterThan(0);
    expect(sc.modelFstBytesPerCycle).toBeLessThan(sc.modelVcdBytesPerCycle);
    if (hasVerilator) {
      for (const k of ['verilator-trace', 'verilator-trace-fst', 'verilator-trace-model', 'verilator-trace-fst-model']) expect(sc.mismatches[k]).toBe(0);
      expect(sc.ratios.modelFstVsVerilatorTraceFst.median).toBeCloseTo(sc.modelFst.runs[0] / sc.verilator.traceFst.runs[0], 9);
      // the model's signals only: fewer bytes than every signal
      expect(sc.verilator.traceFstModelBytesPerCycle).toBeLessThan(sc.verilator.traceFstBytesPerCycle);
      expect(rep.verilatorCyclesPerSecond).toBeGreaterThan(0);
      expect(rep.lockstepCyclesPerSecond).toBeGreaterThan(0);
      // a ratio is per round: model rate over Verilator's in the same round
      expect(sc.ratios.modelVsVerilator.median).toBeCloseTo(sc.model.runs[0] / sc.verilator.default.runs[0], 9);
      expect(sc.mismatches['verilator-default']).toBe(0);
      expect(sc.mismatches['lockstep-verilator']).toBe(0);
    } else expect(sc.notes.join(' ')).toMatch(/Verilator not available/);
    if (hasIcarus) {
      expect(rep.icarusCyclesPerSecond).toBeGreaterThan(0);
      expect(sc.mismatches.icarus).toBe(0);
    } else expect(rep.icarusCyclesPerSecond).toBeNull();
    // the seed scenario's goals (the large head's needs its scenario): speed against Verilator -O2,
    // lockstep against it and in cycles/s, against cocotb, and tracing in both formats
    const goals = rep.goals as Array<{ name: string; scenario: string; target: number; met: boolean | null }>;
    expect(goals.map((g) => g.name)).toEqual([
      'model ≥ 1.0× Verilator -O2 alone',
      'Verilator lockstep ≥ 0.6× Verilator -O2 alone (wall)',
      'Verilator lockstep ≥ 1,500,000 compared cycles/s',
      'Verilator lockstep ≥ 500× cocotb lockstep',
      'model with VCD ≥ 3× Verilator with full --trace',
      'model with FST ≥ 9× Verilator with full --trace-fst',
    ]);
    expect(goals.every((g) => g.scenario === sc.name)).toBe(true);
    const text = readFileSync(md, 'utf8');
    expect(text).toMatch(/^# headsim bench results/);
    expect(text).toContain(rep.machine.cpu);
    expect(r.stdout).toMatch(/model \/ Verilator alone \(default\)/);
  }, 180_000);
});
