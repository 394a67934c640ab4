// --waves-scope: what each scope keeps of the seed head (decided on the model's names, sent to
// Verilator as dumpvars lines), and bad scopes or formats as usage errors naming the flag.
import { describe, expect, it } from 'vitest';
import { SEED_CONFIG } from '../../models/config.ts';
import { Head } from '../../models/head/head.ts';
import { buildScenario, withMode } from '../../harness/inputs/scenario.ts';
import { globRegex, parseScope, resolveScope } from '../../harness/run/scope.ts';
import { formatFor, FST_ABOVE_CYCLES } from '../../harness/run/cosim.ts';
import { headLayout, writeHeadLayout } from '../../harness/run/gtkwave-layout.ts';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../cli/main.ts';

const s = withMode(buildScenario({ ...SEED_CONFIG, select: 'tree' }, 1, 1), 'softmax');
const signals = new Head(s.g, s.t, s.w, true).k.signals;
const kept = (spec: string) => signals.filter((x) => resolveScope(spec, signals, s.g).keep(x.name)).map((x) => x.name);

describe('scopes', () => {
  it('all keeps everything and lets Verilator dump everything', () => {
    const sc = resolveScope('all', signals, s.g);
    expect(sc.dumpvars).toBeNull();
    expect(kept('all').length).toBe(signals.length);
  });

  it('ports keeps the head ports only', () => {
    expect(kept('ports').every((n) => /^head\.(clk|rst|[sm]_\w+)(\[\d+\])?$/.test(n))).toBe(true);
    expect(kept('ports')).toContain('head.m_value');
    expect(resolveScope('ports', signals, s.g).dumpvars).toContain('1 TOP.head.s_data');
  });

  it('stages drops the per-lane arrays (told by the geometry) and keeps the rest', () => {
    const k = kept('stages');
    expect(k.some((n) => /mac_array\.(prod|w_data)\[|input_stage\.x_data\[|^head\.s_data\[/.test(n))).toBe(false);
    for (const n of ['head.state', 'head.mac_array.acc[0]', 'head.logit_bank.z_hold[9]', 'head.normalizer.sum', 'head.m_value']) expect(k).toContain(n);
    expect(kept('stages:logit_bank').every((n) => n.startsWith('head.logit_bank.') || !n.split('.')[2])).toBe(true);
    expect(() => resolveScope('stages:nowhere', signals, s.g)).toThrow(/no stage module 'nowhere'/);
  });

  it('patterns: globs and regular expressions over the dotted names; arrays whole for Verilator', () => {
    expect(kept('head.logit_bank.z_hold[*]')).toHaveLength(s.g.N);
    expect(kept('/state$/')).toEqual(['head.state']);
    expect(resolveScope('head.logit_bank.z_hold[3]', signals, s.g).dumpvars).toEqual(['1 TOP.head.logit_bank.z_hold']);
    expect(globRegex('a.b?[*]').test('a.bc[12]')).toBe(true);
    expect(() => resolveScope('*nothing*', signals, s.g)).toThrow(/matches no signal/);
    expect(() => parseScope('/(/')).toThrow(/not a regular expression/);
  });

  it('auto format: VCD up to the threshold, FST above', () => {
    expect(formatFor('auto', FST_ABOVE_CYCLES)).toBe('vcd');
    expect(formatFor('auto', FST_ABOVE_CYCLES + 1)).toBe('fst');
    expect(formatFor('vcd', 1e6)).toBe('vcd');
  });

  it('the layout groups by module, shows fixed point and state names, and follows a scope', () => {
    const layout = headLayout(signals, 1000, resolveScope('stages', signals, s.g).keep);
    const names = layout.groups.map((g) => g.name);
    expect(names[0]).toBe('inputs');
    expect(names.at(-1)).toBe('outputs');
    expect(names).toEqual(expect.arrayContaining(['mac array', 'logit bank', 'sequencer', 'comparator tree', 'normalizer', 'output stage']));
    const all = layout.groups.flatMap((g) => g.signals);
    expect(all.find((x) => x.name === 'head.logit_bank.z_hold[0]')?.fixed).toEqual({ frac: s.g.logitFrac, signed: true });
    expect(all.find((x) => x.name === 'head.m_value')?.fixed).toEqual({ frac: s.g.probFrac, signed: false });
    expect(all.find((x) => x.name === 'head.state')?.names).toEqual(['IDLE', 'SELECT', 'NORM', 'EMIT']);
    expect(all.some((x) => x.name.includes('prod['))).toBe(false);
  });
});

describe('mismatch layout', () => {
  it('zooms to the window, puts the primary marker and marker A at the divergence, the differing signal on top', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waves-mark-'));
    const t = { modelPath: path.join(dir, 'mismatch-model.fst'), rtlPath: path.join(dir, 'mismatch-rtl.fst'), from: 300, to: 502 };
    const files = writeHeadLayout(signals, t, { marker: 5005, signal: 'head.logit_bank.z_work[2]' });
    expect(files).toEqual([t.modelPath, path.join(dir, 'mismatch-model.gtkw'), t.rtlPath, path.join(dir, 'mismatch-rtl.gtkw')]);
    const text = fs.readFileSync(files[1]!, 'utf8');
    expect(text).toContain('[timestart] 3000');
    expect(text).toMatch(/^\*-?[\d.]+ 5005 5005( -1){25}$/m);
    expect(text).toMatch(/^-first difference\n@40000420\n\[fpshift_count\] 8\nTOP\.head\.logit_bank\.z_work\[2\]\[15:0\]$/m);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('cosim wave flags', () => {
  it('bad scopes, formats and windows exit 2 naming the flag', async () => {
    const err: string[] = [];
    const log = console.error;
    console.error = (m: unknown) => void err.push(String(m));
    try {
      expect(await run(['cosim', '--waves-scope', '/(/'])).toBe(2);
      expect(await run(['cosim', '--waves', 'gif'])).toBe(2);
      expect(await run(['cosim', '--waves', '--waves-from', '10', '--waves-to', '5', '--vectors', '2', '--out', '/tmp/headsim-scope-test'])).toBe(2);
    } finally {
      console.error = log;
    }
    expect(err[0]).toMatch(/--waves-scope/);
    expect(err[1]).toMatch(/--waves/);
    expect(err[2]).toMatch(/--waves-to/);
  });
});
