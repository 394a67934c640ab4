// Sequential equivalence of a mutant against the original head (harness/formal/equiv.ts and
// correspondence.ts): the output stage's rd_lane survivor is proved equivalent by signal
// correspondence in the 4-class tree configuration that pdr could not close, and a mutant that
// drops m_last is not: the correspondence loses an output, and the miter's bounded check
// returns the distinguishing trace as a VCD.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseConfig } from '../../../models/config.ts';
import { buildScenario } from '../../../harness/inputs/scenario.ts';
import { checkEquivalence } from '../../../harness/formal/equiv.ts';
import { RTL_DIR } from '../../../harness/rtl/head-build.ts';
import { MUTANTS, mutantCopy } from '../../../harness/mutants/campaign.ts';

const hasTools = spawnSync('yosys', ['-V']).status === 0 && spawnSync('yosys-abc', ['-c', 'quit']).status === 0;
const survivor = MUTANTS.find((m) => m.name === 'rd-lane-on-every-advance')!;
// 4 classes, 2 exp lanes, comparator tree: the configuration pdr left unknown
const config = survivor.equivalent!.configs.find((c) => c.expPar === 2 && c.select === undefined)!;

describe.skipIf(!hasTools)('mutant equivalence', () => {
  it('proves the rd_lane survivor equivalent by signal correspondence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headsim-equiv-'));
    const s = buildScenario(parseConfig(config), 1, 5);
    const v = await checkEquivalence(s, RTL_DIR, mutantCopy(survivor, dir), join(dir, 'out'), { timeout: 60, hints: survivor.equivalent!.hints });
    expect(v).toMatchObject({ status: 'equivalent', method: 'correspondence', hints: 1 });
    // rd_lane itself is not a pair (it differs while rd_valid is low): the hint's observer carries it
    const dropped = readFileSync(join(dir, 'out', 'correspondence', 'blacklist.txt'), 'utf8').split('\n');
    expect(dropped).toContain('output_stage.rd_lane');
    expect(readFileSync(join(dir, 'out', 'correspondence', 'proof.log'), 'utf8')).toMatch(/Induction step proven: SUCCESS!/);
  });

  it('a mutant that drops m_last is different, with the trace as a VCD', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headsim-equiv-diff-'));
    const m = MUTANTS.find((x) => x.name === 'm-last-dropped')!;
    const s = buildScenario(parseConfig(config), 1, 5);
    const v = await checkEquivalence(s, RTL_DIR, mutantCopy(m, dir), join(dir, 'out'), { timeout: 30, depth: 30 });
    expect(v.status).toBe('different');
    if (v.status !== 'different') return;
    expect(existsSync(v.vcd)).toBe(true);
    expect(readFileSync(join(dir, 'out', 'correspondence', 'pairs.log'), 'utf8')).toMatch(/Unproven \$equiv/);
  });
});
