// headsim export, the seed softmax head exercised fully: the directory is written and verified
// (Verilator lint, Yosys synthesis against `headsim synth`, its cocotbext-axi testbench under
// Icarus), holds no absolute path, is moved elsewhere and runs there (`cosim --rtl DIR`: the
// lockstep on its files, 0 mismatches); its testbench fails on a wrong golden word and the
// lockstep on a changed module copy, so neither check passes by construction.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PYTHON } from '../harness/rtl/cocotb/setup.ts';
import { MANIFEST, type ExportManifest } from '../harness/export/manifest.ts';
import { EXACT } from '../harness/export/verify.ts';
import { hasIcarus, hasVerilator, headsim } from './helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const hasTb = spawnSync(DEFAULT_PYTHON, ['-c', 'import cocotb, cocotbext.axi']).status === 0;
const tmp = mkdtempSync(path.join(tmpdir(), 'headsim-export-'));
const work = path.join(ROOT, 'out', 'test-export');

/** Every file under dir, relative. */
const walk = (dir: string, rel = ''): string[] =>
  readdirSync(path.join(dir, rel)).flatMap((f) => (statSync(path.join(dir, rel, f)).isDirectory() ? walk(dir, path.join(rel, f)) : [path.join(rel, f)]));

const tbEnv = { ...process.env, PATH: `${path.dirname(DEFAULT_PYTHON)}${path.delimiter}${process.env.PATH ?? ''}` };

describe.skipIf(!hasVerilator || !hasIcarus || !hasTb)('headsim export: the seed softmax head', () => {
  const first = path.join(tmp, 'a', 'seed');
  const moved = path.join(tmp, 'elsewhere', 'seed moved');
  let m: ExportManifest;
  let stdout = '';

  beforeAll(() => {
    const r = headsim(['export', '--mode', 'softmax', '--name', 'seed_softmax', '--out', first, '--work', work], 900_000);
    stdout = r.stdout + r.stderr;
    expect(r.code, stdout).toBe(0);
    m = JSON.parse(readFileSync(path.join(first, MANIFEST), 'utf8')) as ExportManifest;
    renameSync(path.join(tmp, 'a'), path.join(tmp, 'elsewhere'));
    renameSync(path.join(tmp, 'elsewhere', 'seed'), moved);
  }, 900_000);

  it('ships the top, the unchanged modules, the images it reads, the datasheet, tb/, the core, the TCL', () => {
    const files = walk(moved).sort();
    for (const f of ['seed_softmax.v', 'seed_softmax.md', 'seed_softmax.core', 'seed_softmax.tcl', 'seed_softmax.f', MANIFEST, 'tb/Makefile', 'tb/test_head.py', 'tb/golden.json', 'tb/requirements.txt'])
      expect(files).toContain(f);
    // split exp, divided reciprocal: weights, bias and the two exp tables; no reciprocal table, no scale
    expect(files.filter((f) => f.endsWith('.mem'))).toEqual(['seed_softmax_bias.mem', 'seed_softmax_exp_hi.mem', 'seed_softmax_exp_lo.mem', 'seed_softmax_weights.mem']);
    for (const f of readdirSync(path.join(ROOT, 'rtl')).filter((f) => f.endsWith('.v'))) expect(readFileSync(path.join(moved, f), 'utf8'), f).toBe(readFileSync(path.join(ROOT, 'rtl', f), 'utf8'));
    const top = readFileSync(path.join(moved, 'seed_softmax.v'), 'utf8');
    expect(top).toMatch(/input\s+wire\s+aresetn/);
    expect(top).toMatch(/output wire \[23:0\]\s+m_axis_tdata/);
    expect(top).toMatch(/\.rst\(!aresetn\)/);
    expect(top).toContain('.KPAR(8)');
    expect(top).not.toMatch(/plusargs/);
    // build products of the testbench run are not shipped
    expect(files.some((f) => /sim_build|results\.xml|__pycache__/.test(f))).toBe(false);
  });

  it('passed its own checks: lint clean, synthesis equal to headsim synth, every golden vector through the testbench', () => {
    expect(m.verify.map((v) => [v.step, v.ok])).toEqual([['lint', true], ['synth', true], ['tb', true]]);
    const r = m.resources!;
    // headsim synth's script on the directory's own files: every figure equal
    expect(r.sameScript).toEqual(r.headsimSynth);
    // the directory under its AXI4-Stream top: every cell that does not go through LUT mapping equal
    for (const k of EXACT) expect(r.top[k], k).toBe(r.headsimSynth[k]);
    expect(r.headsimSynth.dsp).toBeGreaterThan(0);
    expect(r.top.lut).toBeGreaterThan(0);
    expect(m.verify.find((v) => v.step === 'tb')!.detail).toMatch(/16\/16 golden vectors, 48 entries, 0 errors/);
    const md = readFileSync(path.join(moved, 'seed_softmax.md'), 'utf8');
    expect(md).toMatch(/\*\*Latency 97 cycles\*\*/);
    expect(md).toMatch(/\*\*II 64 cycles\*\*/);
    expect(md).toContain(`configuration sha256 \`${m.configHash}\``);
    expect(md).toContain('| `m_axis_tdata[15:0]` | probability | uQ1.15 ({16, 15}, unsigned) |');
  });

  it('NAME.core is a FuseSoC CAPI2 core whose files exist; NAME.tcl and NAME.f name every source', (ctx) => {
    const y = spawnSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path.join(moved, 'seed_softmax.core')], { encoding: 'utf8' });
    if (y.status !== 0 && /No module named 'yaml'/.test(y.stderr)) return ctx.skip(); // PyYAML reads it; FuseSoC itself is not installed here
    expect(y.status, y.stderr).toBe(0);
    expect(readFileSync(path.join(moved, 'seed_softmax.core'), 'utf8').split('\n')[0]).toBe('CAPI=2:');
    const core = JSON.parse(y.stdout) as { name: string; filesets: Record<string, { files: (string | Record<string, unknown>)[]; file_type: string }>; targets: Record<string, { toplevel: string; filesets: string[] }> };
    expect(core.name).toBe('headsim:head:seed_softmax:1.0.0');
    const listed = Object.values(core.filesets).flatMap((f) => f.files.map((x) => (typeof x === 'string' ? x : Object.keys(x)[0]!)));
    for (const f of listed) expect(statSync(path.join(moved, f)).isFile(), f).toBe(true);
    const verilog = readdirSync(moved).filter((f) => f.endsWith('.v'));
    expect(core.filesets.rtl!.files.sort()).toEqual([...verilog].sort());
    expect(core.filesets.mem!.files).toHaveLength(4);
    expect(core.targets.lint!.toplevel).toBe('seed_softmax');
    const tcl = readFileSync(path.join(moved, 'seed_softmax.tcl'), 'utf8');
    const list = readFileSync(path.join(moved, 'seed_softmax.f'), 'utf8');
    for (const f of verilog) {
      expect(tcl).toContain(`[file join $dir ${f}]`);
      expect(list.split('\n')).toContain(f);
    }
    expect(tcl).toMatch(/read_mem \[list[\s\S]*seed_softmax_weights\.mem/);
  });

  it('holds no absolute path', () => {
    for (const f of walk(moved)) {
      const text = readFileSync(path.join(moved, f), 'utf8');
      for (const abs of [tmp, ROOT.replace(/\/$/, ''), process.cwd()]) expect(text.includes(abs), `${f} names ${abs}`).toBe(false);
    }
  });

  it('after the move, cosim --rtl DIR runs the lockstep on its files: 0 mismatches', () => {
    const json = path.join(tmp, 'cosim.json');
    const r = headsim(['cosim', '--rtl', moved, '--vectors', '150', '--out', work, '--json', json], 600_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(json, 'utf8')) as { runs: { mode: string; mismatches: number; cyclesCompared: number; scoreboard: { checked: number; mismatches: number } }[] };
    expect(rep.runs.map((x) => x.mode)).toEqual(['softmax']);
    expect(rep.runs[0]!.mismatches).toBe(0);
    expect(rep.runs[0]!.cyclesCompared).toBeGreaterThan(150 * 64);
    expect(rep.runs[0]!.scoreboard).toMatchObject({ checked: 450, mismatches: 0 });
  }, 600_000);

  it('a run whose data is not the export\'s is refused, one line, exit 2', () => {
    const r = headsim(['cosim', '--rtl', moved, '--seed', '2', '--vectors', '5', '--out', work]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^headsim cosim: --rtl .*: this run's weights image differs from the export's \(exported with generated weights, seed 1\)/);
  });

  it("the testbench fails on a wrong golden word; the lockstep on a changed module copy", () => {
    const bad = path.join(tmp, 'bad');
    cpSync(moved, bad, { recursive: true });
    const gold = path.join(bad, 'tb', 'golden.json');
    const g = JSON.parse(readFileSync(gold, 'utf8')) as { vectors: { entries: { tdata: string }[] }[] };
    g.vectors[3]!.entries[1]!.tdata = (BigInt(`0x${g.vectors[3]!.entries[1]!.tdata}`) ^ 1n).toString(16);
    writeFileSync(gold, JSON.stringify(g));
    const tb = spawnSync('make', ['-C', path.join(bad, 'tb')], { encoding: 'utf8', env: tbEnv, timeout: 300_000 });
    expect(tb.status).not.toBe(0);
    expect(tb.stdout).toMatch(/headsim tb: 16\/16 vectors, 48 entries, 1 errors/);
    expect(tb.stdout).toMatch(/vector 3 entry 1: m_axis_tdata 0x[0-9a-f]+, expected/);

    // A one-bit change of the probability in the shipped output stage: the lockstep (here on Icarus, a quick build) catches it.
    const stage = path.join(bad, 'output_stage.v');
    const text = readFileSync(stage, 'utf8');
    const edited = text.replace("assign value = {{(VAL_W-PROB_W){1'b0}}, div_prob};", "assign value = {{(VAL_W-PROB_W){1'b0}}, div_prob ^ 16'h0001};");
    expect(edited).not.toBe(text);
    writeFileSync(stage, edited);
    const r = headsim(['cosim', '--rtl', bad, '--backend', 'cocotb', '--vectors', '4', '--out', work], 600_000);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/changed since the export: output_stage\.v/);
    expect(r.stdout).toMatch(/lockstep: first divergence at cycle \d+: m_value/);
  }, 600_000);
});
