// Lockstep catches injected RTL faults (a few of `npm run mutants`, to keep CI short).
import { hasIcarus, hasVerilator } from '../../helpers/cli-and-tools.ts';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTANTS, runMutant } from '../../../harness/mutants/campaign.ts';
import { RTL_DIR } from '../../../harness/rtl/head-build.ts';

const SAMPLE = [
  'move-ignores-backpressure',
  'tie-goes-right',
  'exp-table-entry',
  'lane-past-n-not-zeroed',
  'recip-done-a-cycle-early',
  'stream-tie-goes-late',
  'ram-reads-the-write-bank',
];

describe.skipIf(!hasVerilator)('fault injection', () => {
  const out = mkdtempSync(join(tmpdir(), 'headsim-mutants-'));
  it.each(SAMPLE)(
    '%s is caught with a first-divergence report',
    async (name) => {
      const m = MUTANTS.find((x) => x.name === name)!;
      const r = await runMutant(m, out, 40);
      expect(r.caught).toBe(true);
      expect(r.mismatch!.cycle).toBeGreaterThan(0);
      expect(r.mismatch!.ports.length).toBeGreaterThan(0);
    },
    1_200_000,
  );
});

// Needs no simulator: an RTL edit that stops matching would make its mutant a silent no-op.
it('every mutant edit still applies to rtl/', () => {
  expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
  for (const m of MUTANTS) if ('file' in m.edit) expect(readFileSync(join(RTL_DIR, m.edit.file), 'utf8'), m.name).toContain(m.edit.find);
});

const hasCocotb = hasVerilator && existsSync('.venv/bin/python') && hasIcarus;

describe.skipIf(!hasCocotb)('fault injection on the cocotb backend', () => {
  it('a broken RTL copy gives the same first-divergence report as under Verilator', async () => {
    const out = mkdtempSync(join(tmpdir(), 'headsim-mutants-cocotb-'));
    const m = MUTANTS.find((x) => x.name === 'last-on-first-entry')!;
    const [v, c] = [await runMutant(m, join(out, 'v'), 12, 'verilator'), await runMutant(m, join(out, 'c'), 12, 'cocotb')];
    expect(v.caught).toBe(true);
    expect(c.mismatch).toEqual(v.mismatch);
  }, 1_200_000);
});
