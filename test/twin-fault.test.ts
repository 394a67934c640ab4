// A fault injected into one stage's RTL is reported by that stage's twin test, naming the stage:
// rtl/ copied to a temporary directory, one operator flipped in each of three modules, each of
// their twin tests fails with a mismatch that names its stage; a stage whose file is untouched
// still passes from the same copy, with the very build of rtl/ (a module's build depends on its
// own files only).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RTL_DIR } from '../harness/rtl/build.ts';
import { mismatchText, runTwin } from '../harness/twins/lockstep.ts';
import { TWINS } from '../harness/twins/stages.ts';
import { hasVerilator } from './helpers.ts';

const FAULTS = [
  // ties go to the right (the higher class index) at the first level
  { module: 'comparator_tree', find: 'wire take_a = (ao && (!bo || av >= bv)) || (!ao && !bo);', replace: 'wire take_a = (ao && (!bo || av > bv)) || (!ao && !bo);' },
  // the division's first step adds Σe masked instead of flipped
  { module: 'reciprocal', find: 'wire [T_W-1:0] t1 = {rc_t[T_W-2:0], 1\'b0} + (s ^ {T_W{b1}})', replace: 'wire [T_W-1:0] t1 = {rc_t[T_W-2:0], 1\'b0} + (s & {T_W{b1}})' },
  // the accumulator saturates when the sum fits
  { module: 'mac_array', find: 'wire fits = (t[T_W-1:ACC_W-1] == {(T_W-ACC_W+1){t[T_W-1]}});', replace: 'wire fits = (t[T_W-1:ACC_W-1] != {(T_W-ACC_W+1){t[T_W-1]}});' },
];

const twin = (module: string) => TWINS.find((t) => t.module === module)!;

describe.skipIf(!hasVerilator)('a fault in one stage of rtl/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headsim-twin-fault-'));
  const rtlDir = join(dir, 'rtl');
  cpSync(RTL_DIR, rtlDir, { recursive: true });
  for (const f of FAULTS) {
    const file = join(rtlDir, `${f.module}.v`);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(f.find)) throw new Error(`${f.module}.v no longer has '${f.find}' (update the fault)`);
    writeFileSync(file, text.replace(f.find, f.replace));
  }

  it.each(FAULTS.map((f) => [f.module, f] as const))("is reported by %s's twin test, naming it", async (module) => {
    const t = twin(module);
    const reports: string[] = [];
    for (const config of Object.keys(t.configs)) {
      const r = await runTwin(t, config, { cycles: 4000, seed: 1, dir, rtlDir });
      if (r.mismatch) reports.push(mismatchText(r.mismatch));
    }
    expect(reports.length).toBeGreaterThan(0);
    for (const text of reports) expect(text).toMatch(new RegExp(`^${module} \\[`));
  }, 300_000);

  it('leaves the other stages passing, on the builds of rtl/', async () => {
    const t = twin('stream_selector');
    const config = Object.keys(t.configs)[0]!;
    const copy = await runTwin(t, config, { cycles: 4000, seed: 1, dir, rtlDir });
    const original = await runTwin(t, config, { cycles: 4000, seed: 1, dir });
    expect(copy.mismatch).toBeNull();
    expect(copy.build.dir).toBe(original.build.dir);
  }, 300_000);
});
