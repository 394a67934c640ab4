// headsim export beyond the seed head: an N = 100 stream head with the user's weights (lint,
// testbench, cosim --rtl with the same --weights), memory contents embedded in the Verilog,
// fields that need padding and sign extension, the names and bad input (exit 2, one line), and
// the pieces the CLI runs test only end to end (AXI4-Stream layout, loader embedding, the shim's
// scopes in waveform names).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { axisLayout } from '../harness/export/axis.ts';
import { embedLoaders, renameModules } from '../harness/export/embed.ts';
import { MANIFEST, type ExportManifest } from '../harness/export/manifest.ts';
import { checkName } from '../harness/export/name.ts';
import { encodeNpy } from '../harness/inputs/npy.ts';
import { buildScenario } from '../harness/inputs/scenario.ts';
import { DEFAULT_PYTHON } from '../harness/rtl/cocotb/setup.ts';
import { memImages } from '../harness/rtl/memfiles.ts';
import { InputError } from '../lib/errors.ts';
import { parseConfig, provenAccWidth } from '../models/config.ts';
import { geometry } from '../models/geometry.ts';
import { mulberry32, normal } from '../models/prng.ts';
import { fullName } from '../waves/vcd-source.ts';
import { hasIcarus, hasVerilator, headsim } from './helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const hasTb = spawnSync(DEFAULT_PYTHON, ['-c', 'import cocotb, cocotbext.axi']).status === 0;
const tmp = mkdtempSync(path.join(tmpdir(), 'headsim-export-more-'));
const work = path.join(ROOT, 'out', 'test-export');
const manifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8')) as ExportManifest;
const verified = (m: ExportManifest) => m.verify.map((v) => [v.step, v.ok, v.detail]);

describe('export pieces', () => {
  it('AXI4-Stream layout: whole bytes, fields on byte boundaries, the value sign-extended in argmax only', () => {
    const g = (c: object) => {
      const cfg = parseConfig(c);
      return geometry(cfg, provenAccWidth(cfg));
    };
    expect(axisLayout(g({}))).toMatchObject({ sUsedW: 128, sDataW: 128, valueW: 16, valueFieldW: 16, indexLsb: 16, indexFieldW: 8, mDataW: 24, valueSigned: false });
    expect(axisLayout(g({ mode: 'argmax', inFmt: { width: 12, frac: 8 }, kPar: 3, inputs: 9, classes: 300, logitFmt: { width: 12, frac: 4 } }))).toMatchObject({
      sUsedW: 36, sDataW: 40, valueW: 12, valueFieldW: 16, valueSigned: true, indexW: 9, indexLsb: 16, indexFieldW: 16, mDataW: 32,
    });
  });

  it('embedding replaces each loader by the image words, waives the now unused *_FILE parameter, and renames modules', () => {
    const s = buildScenario(parseConfig({ mode: 'approx' }), 1, 1);
    const images = memImages(s);
    const src = readFileSync(path.join(ROOT, 'rtl', 'exp_unit.v'), 'utf8');
    const out = embedLoaders(src, 'exp_unit.v', { exp_hi: images.exp_hi, exp_lo: images.exp_lo });
    expect(out).not.toMatch(/\$readmemh/);
    expect(out).toContain(`hi_rom[63] = 16'h${images.exp_hi.words[63]};`);
    expect(out).toContain('// EXP_FILE: not read by this configuration');
    expect(out).toMatch(/\/\* verilator lint_off UNUSEDPARAM \*\/ parameter EXP_HI_FILE/);
    expect(() => embedLoaders('`ifndef SYNTHESIS\nx\n`else\n    $display("x");\n`endif\n', 'odd.v', {})).toThrow(/not a \$readmemh loader/);
    const head = renameModules(readFileSync(path.join(ROOT, 'rtl', 'head.v'), 'utf8'), ['head', 'mac_array'], 'h7_');
    expect(head).toMatch(/^module h7_head #\(/m);
    expect(head).toMatch(/^ {2}h7_mac_array #\($/m);
    expect(head).toMatch(/\) mac_array \(/); // instance names stay
  });

  it('names: a Verilog identifier, not a keyword, not a shipped module', () => {
    expect(() => checkName('my_head_2')).not.toThrow();
    for (const bad of ['2head', 'my-head', 'module', 'head', 'mac_array', 'x'.repeat(65)]) expect(() => checkName(bad), bad).toThrow(InputError);
  });

  it("waveform names: the export shim's scopes down to head are transparent", () => {
    expect(fullName(['TOP', 'headsim_export_shim', 'dut', 'head', 'g_select', 'comparator_tree'], 'lvl1_v[0]')).toBe('head.comparator_tree.lvl1_v[0]');
    expect(fullName(['headsim_export_shim'], 's_valid')).toBe('headsim_export_shim.s_valid');
    expect(fullName(['TOP', 'head', 'mac_array'], 'acc[0]')).toBe('head.mac_array.acc[0]');
  });
});

describe('export: bad input is one line and exit 2', () => {
  const notExport = path.join(tmp, 'not-an-export');
  writeFileSync(path.join(tmp, 'file'), 'x');
  it.each([
    [['--bogus', '--out', path.join(tmp, 'x')], /^headsim export: unknown option '--bogus'/],
    [['--kPar', '1000', '--out', path.join(tmp, 'x')], /^headsim export: kPar: must be ≤ inputs \(512\), got 1000$/],
    [['--cPar', '20', '--out', path.join(tmp, 'x')], /^headsim export: cPar: must be ≤ classes/],
    [['--out', '/proc/headsim-export'], /^headsim export: --out \/proc\/headsim-export: \/proc: cannot write there/],
    [['--out', path.join(tmp, 'file', 'x')], /^headsim export: --out .*file\/x: .*file: cannot make the directory/],
    [['--out', path.join(ROOT, 'rtl')], /--out .*rtl: exists and is not a headsim export/],
    [['--name', 'head', '--out', notExport], /--name: 'head' is the name of a module the export ships/],
    [['--verify', 'lint,sim', '--out', notExport], /--verify: 'sim' is not one of lint, synth, tb/],
    [['--mode', 'argmax,approx', '--out', notExport], /--mode: export takes one mode/],
    [[], /required option '--out <dir>' not specified/],
  ])('%j', (args, msg) => {
    const r = headsim(['export', ...(args as string[])]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(msg);
    expect(r.stdout).toBe('');
  });

  it('cosim --rtl of a directory that is not an export', () => {
    const r = headsim(['cosim', '--rtl', path.join(ROOT, 'rtl'), '--out', work]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^headsim cosim: --rtl .*rtl: not a headsim export \(no headsim-export\.json/);
  });
});

describe.skipIf(!hasVerilator || !hasIcarus || !hasTb)('export: N = 100 stream head with user weights', () => {
  it('lint and testbench pass; cosim --rtl (Icarus) with the same --weights: 0 mismatches; other weights are refused', () => {
    const N = 100;
    const K = 64;
    const r = normal(mulberry32(7), 0, 0.3);
    const W = path.join(tmp, 'W.npy');
    const b = path.join(tmp, 'b.npy');
    writeFileSync(W, encodeNpy({ dtype: 'f4', shape: [N, K], data: Float64Array.from({ length: N * K }, r) }));
    writeFileSync(b, encodeNpy({ dtype: 'f4', shape: [N], data: Float64Array.from({ length: N }, r) }));
    const dir = path.join(tmp, 'n100');
    const e = headsim(['export', '--weights', W, '--bias', b, '--kPar', '4', '--cPar', '10', '--out', dir, '--verify', 'lint,tb', '--work', work], 600_000);
    expect(e.code, e.stdout + e.stderr).toBe(0);
    const m = manifest(dir);
    expect(m).toMatchObject({ name: 'headsim_softmax_n100', mode: 'softmax' });
    expect(m.config).toMatchObject({ classes: 100, inputs: 64, kPar: 4, cPar: 10, select: 'stream' });
    expect(m.data.describe).toBe('weights W.npy + b.npy (out-in)');
    expect(m.data.weights).toMatch(/^[0-9a-f]{24}$/);
    expect(verified(m)).toEqual([
      ['lint', true, 'verilator --lint-only -Wall: no warning'],
      ['tb', true, 'cocotbext-axi, random pauses both sides: 16/16 golden vectors, 48 entries, 0 errors'],
    ]);
    expect(readFileSync(path.join(dir, 'headsim_softmax_n100.md'), 'utf8')).toMatch(/\*\*II 160 cycles\*\*/);

    const json = path.join(tmp, 'n100.json');
    // On Icarus (a quick build; the seed test runs Verilator): 12 vectors, every port every cycle.
    const c = headsim(['cosim', '--rtl', dir, '--weights', W, '--bias', b, '--backend', 'cocotb', '--vectors', '12', '--out', work, '--json', json], 600_000);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    const run = (JSON.parse(readFileSync(json, 'utf8')) as { runs: { mismatches: number; scoreboard: { checked: number; mismatches: number }; latency: { rtl: number } }[] }).runs[0]!;
    expect(run).toMatchObject({ mismatches: 0, scoreboard: { checked: 36, mismatches: 0 } });
    expect(run.latency.rtl).toBe(m.timing.latency);

    const other = headsim(['cosim', '--rtl', dir, '--vectors', '5', '--out', work]);
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toMatch(/this run's weights image differs from the export's \(exported with weights W\.npy \+ b\.npy \(out-in\), seed 1\)/);
  }, 900_000);
});

describe.skipIf(!hasVerilator || !hasIcarus || !hasTb)('export: embedded memories, padded and sign-extended fields', () => {
  it('approx with the contents in the Verilog: no .mem file, no $readmemh; lint, testbench and cosim --rtl pass', () => {
    const dir = path.join(tmp, 'embed');
    const e = headsim(['export', '--mode', 'approx', '--classes', '12', '--inputs', '32', '--kPar', '4', '--embed-memories', '--name', 'tiny', '--out', dir, '--verify', 'lint,tb', '--work', work], 600_000);
    expect(e.code, e.stdout + e.stderr).toBe(0);
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.mem'))).toEqual([]);
    expect(files).toContain('tiny_head.v');
    for (const f of files.filter((f) => f.endsWith('.v'))) expect(readFileSync(path.join(dir, f), 'utf8'), f).not.toMatch(/\$readmemh/);
    expect(readFileSync(path.join(dir, 'tiny_approx_scaler.v'), 'utf8')).toMatch(/scale\[0\] = 16'h[0-9a-f]{4};/);
    expect(verified(manifest(dir)).map(([s, ok]) => [s, ok])).toEqual([['lint', true], ['tb', true]]);
    const c = headsim(['cosim', '--rtl', dir, '--backend', 'cocotb', '--vectors', '8', '--out', work], 600_000);
    expect(c.code, c.stdout + c.stderr).toBe(0);
    expect(c.stdout).toMatch(/cosim: all checks passed/);
  }, 900_000);

  it('argmax, 12-bit lanes (40-bit TDATA, 4 bits ignored), a 12-bit logit sign-extended to 16: lint, testbench and cosim --rtl pass', () => {
    const dir = path.join(tmp, 'padded');
    const flags = ['--mode', 'argmax', '--classes', '5', '--inputs', '9', '--kPar', '3', '--inFmt', '12,8', '--wFmt', '12,8', '--biasFmt', '12,8', '--logitFmt', '12,4', '--topK', '5'];
    const e = headsim(['export', ...flags, '--name', 'padded', '--out', dir, '--verify', 'lint,tb', '--work', work], 600_000);
    expect(e.code, e.stdout + e.stderr).toBe(0);
    const top = readFileSync(path.join(dir, 'padded.v'), 'utf8');
    expect(top).toMatch(/input\s+wire \[39:0\]\s+s_axis_tdata/);
    expect(top).toContain("assign m_axis_tdata = {{{5{1'b0}}, m_index}, {{4{m_value[11]}}, m_value[11:0]}};");
    const c = headsim(['cosim', '--rtl', dir, '--backend', 'cocotb', '--vectors', '20', '--out', work], 600_000);
    expect(c.code, c.stdout + c.stderr).toBe(0);
  }, 900_000);
});
