// A sweep point's verification runs in-process (harness/sweep/point.ts verify: the mode loop and
// checks of `cosim`) and stays the point's: a faulty RTL makes that point's verification fail
// with the failed check named, a time limit stops the simulation with a message naming it, and
// neither throws. One small head on a mutated copy of rtl/ (one Verilator build).
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../models/config.ts';
import { RTL_DIR } from '../harness/rtl/build.ts';
import { rtlHash } from '../harness/synth/synth.ts';
import type { PointSpec } from '../harness/sweep/point.ts';
import { verify } from '../harness/sweep/verify.ts';
import { hasVerilator } from './helpers.ts';

describe.skipIf(!hasVerilator)('sweep: a point verified in-process', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'headsim-sweep-verify-'));
  const rtlDir = join(tmp, 'rtl');
  cpSync(RTL_DIR, rtlDir, { recursive: true });
  const file = join(rtlDir, 'input_stage.v');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace('x_first <= (beat == 0);', 'x_first <= (beat == 1);')); // a mutant lockstep catches
  const p: PointSpec = {
    params: { ...parseConfig({ classes: 10, inputs: 48, kPar: 8, mode: 'argmax' }) },
    vectors: 20,
    seed: 5,
    data: null,
    rtlHash: rtlHash(rtlDir),
    rtlDir,
    timeoutMs: 600_000,
    keepBramInit: false,
  };

  it('a faulty RTL: not verified, the failed check in the detail, the cosim report in its directory', async () => {
    expect(text).toContain('x_first <= (beat == 0);');
    const dir = join(tmp, 'point');
    const r = await verify(p, { vectors: 10, timeoutMs: 600_000, dir });
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^cosim: \d+ check\(s\) failed\n/);
    expect(r.detail).toMatch(/^FAIL argmax: lockstep: first divergence at cycle \d+/m);
    const report = JSON.parse(readFileSync(join(dir, 'cosim.json'), 'utf8'));
    expect(report.runs.map((x: { mode: string }) => x.mode)).toEqual(['argmax']);
    expect(existsSync(join(dir, 'config.json'))).toBe(true);
  }, 900_000);

  it('past its time limit the simulation stops and the point says why', async () => {
    const r = await verify(p, { vectors: 10, timeoutMs: 0, dir: join(tmp, 'point') }); // the same build cache
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^cosim: verilator: the verification's time limit of 0 ms exceeded/);
  }, 900_000);
});
