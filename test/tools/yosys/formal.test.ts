// headsim prove (harness/formal/): the stream properties are proved on a small head, a mutant
// that changes m_value under backpressure fails m_stable with a counterexample VCD, the stream
// selector's ranking is proved and a tie-breaking mutant fails it (its trace caught by the
// selector's twin lockstep), and a proof cut short
// reports "unknown at depth k" with exit 1, never "proved". Small configurations, one proof per
// engine outcome: the full campaign is `headsim prove --campaign` (docs/verification.md).
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseConfig } from '../../../models/config.ts';
import { buildScenario } from '../../../harness/inputs/scenario.ts';
import { prove } from '../../../harness/formal/prove.ts';
import { RTL_DIR } from '../../../harness/rtl/head-build.ts';
import { run } from '../../../cli/main.ts';
import { replaySelectorTrace } from '../../../harness/check/selector-trace-replay.ts';

const hasTools = spawnSync('yosys', ['-V']).status === 0 && spawnSync('yosys-abc', ['-c', 'quit']).status === 0;
const SMALL = { classes: 3, inputs: 2, kPar: 1, topK: 2, mode: 'argmax' as const };
const FAST = ['reset_idle', 'm_held', 'm_stable', 'last_entry', 'occupancy', 'no_spurious'];

describe.skipIf(!hasTools)('headsim prove', () => {
  it('proves the handshake, framing and occupancy properties of a small head', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headsim-prove-'));
    const r = await prove(buildScenario(parseConfig(SMALL), 1, 1), dir, { timeout: 60, depth: 20, only: FAST });
    // the lemmas they rest on are checked with them (a proof under an unchecked lemma is none)
    expect(r.properties.map((p) => p.name)).toEqual(expect.arrayContaining(FAST));
    expect(r.properties.some((p) => p.lemma)).toBe(true);
    for (const p of r.properties) expect(p.verdict.status, p.name).toBe('proved');
  });

  it('a mutant whose m_value moves while m_valid && !m_ready fails m_stable with a VCD', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headsim-prove-mut-'));
    const rtl = join(dir, 'rtl');
    cpSync(RTL_DIR, rtl, { recursive: true });
    const f = join(rtl, 'output_stage.v');
    const text = readFileSync(f, 'utf8');
    const find = "end else if (m_ready) m_valid <= 1'b0;";
    expect(text).toContain(find);
    writeFileSync(f, text.replace(find, "end else begin if (m_ready) m_valid <= 1'b0; m_value <= value; end"));
    const r = await prove(buildScenario(parseConfig(SMALL), 1, 1), join(dir, 'out'), { timeout: 60, depth: 30, only: ['m_stable', 'reset_idle'], rtlDir: rtl });
    const stable = r.properties.find((p) => p.name === 'm_stable')!;
    expect(stable.verdict.status).toBe('failed');
    expect(existsSync(stable.cex!.vcd)).toBe(true);
    expect(readFileSync(stable.cex!.vcd, 'utf8')).toMatch(/bad_m_stable/);
    expect(existsSync(stable.cex!.gtkw)).toBe(true);
    expect(r.properties.find((p) => p.name === 'reset_idle')!.verdict.status).toBe('proved');
  });

  it("proves the stream selector's ranking; a selector that breaks ties the wrong way fails it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headsim-prove-rank-'));
    const s = buildScenario(parseConfig({ ...SMALL, classes: 4, select: 'stream' }), 1, 1);
    const good = await prove(s, join(dir, 'good'), { timeout: 60, depth: 20, only: ['rank'] });
    expect(good.properties.map((p) => [p.name, p.harness, p.verdict.status])).toEqual([['rank', 'stream_rank', 'proved']]);
    // an entry that ties a kept one now ranks before it (ties to the higher index)
    const rtl = join(dir, 'rtl');
    cpSync(RTL_DIR, rtl, { recursive: true });
    const f = join(rtl, 'stream_selector.v');
    const text = readFileSync(f, 'utf8');
    expect(text).toContain('(d_val > top_val[r])');
    writeFileSync(f, text.replace('(d_val > top_val[r])', '(d_val >= top_val[r])'));
    const bad = await prove(s, join(dir, 'bad'), { timeout: 60, depth: 20, only: ['rank'], rtlDir: rtl });
    const rank = bad.properties[0]!;
    expect(rank.verdict.status).toBe('failed');
    expect(readFileSync(rank.cex!.vcd, 'utf8')).toMatch(/bad_rank/);
    // the trace drives the selector: through its twin lockstep, the model tells it from the mutant
    const twin = await replaySelectorTrace(
      rank.cex!.vcd,
      'stream_selector',
      { ...SMALL, classes: 4, select: 'stream' },
      { rtlDir: rtl, outRoot: join(dir, 'twin'), dir: join(dir, 'twin') },
    );
    expect(twin.mismatch?.port).toBe('rank_idx_bus');
  });

  it('a proof that does not close in its time reports unknown at depth k, exit 1', async () => {
    const out = mkdtempSync(join(tmpdir(), 'headsim-prove-cli-'));
    const json = join(out, 'r.json');
    const code = await run([
      'prove',
      '--classes',
      '3',
      '--inputs',
      '2',
      '--kPar',
      '1',
      '--topK',
      '2',
      '--mode',
      'softmax',
      '--property',
      'ii',
      '--timeout',
      '1',
      '--depth',
      '8',
      '--out',
      out,
      '--json',
      json,
    ]);
    expect(code).toBe(1);
    const r = JSON.parse(readFileSync(json, 'utf8'));
    expect(r.properties[0].verdict.status).toBe('unknown');
    expect(r.properties[0].verdict.depth).toBeGreaterThan(0);
    expect(r.proved).toBe(0);
  });
});
