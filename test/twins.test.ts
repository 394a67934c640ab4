// Every stage of the head alone against its RTL module alone (the Verilator top, built with the
// module driver): random port traffic that keeps the stage's contract with the head, every
// output port compared at every cycle, in configurations that reach the module's branches. A
// run whose traffic leaves a port the configuration drives unchanged fails too (it proves nothing
// of that port).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../models/head/modules.ts';
import { mismatchText, runTwin } from '../harness/twins/lockstep.ts';
import { TWINS } from '../harness/twins/stages.ts';
import { readFileSync } from 'node:fs';
import { run } from '../cli/main.ts';
import { hasVerilator } from './helpers.ts';

const CYCLES = 4000;

describe('twin tests', () => {
  it('every stage has one', () => {
    expect(TWINS.map((t) => t.module)).toEqual(STAGES.map((s) => s.module));
  });
});

describe.skipIf(!hasVerilator)('every stage against its RTL module alone, on random port traffic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headsim-twins-'));
  const cases = TWINS.flatMap((t) => Object.keys(t.configs).map((c) => [`${t.module} [${c}]`, t, c] as const));
  it.each(cases)('%s', async (_name, twin, config) => {
    const r = await runTwin(twin, config, { cycles: CYCLES, seed: 1, dir });
    expect(r.mismatch && mismatchText(r.mismatch)).toBeNull();
    expect(r.cycles).toBe(CYCLES);
    expect(r.untoggled).toEqual([]);
  }, 300_000);
});

describe('headsim twins', () => {
  it('names an unknown stage (exit 2)', async () => {
    expect(await run(['twins', 'no_such_stage'])).toBe(2);
  });

  it.skipIf(!hasVerilator)('runs the stages asked for and reports them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headsim-twins-cli-'));
    const json = join(dir, 'twins.json');
    expect(await run(['twins', 'approx_scaler', '--cycles', '500', '--out', dir, '--json', json])).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { stage: string; cycles: number; mismatch: unknown }[];
    expect(report.map((r) => [r.stage, r.cycles, r.mismatch])).toEqual([['approx_scaler', 500, null]]);
  }, 300_000);
});
