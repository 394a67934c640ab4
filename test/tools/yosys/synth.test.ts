// `headsim synth`: Yosys output parsing, failures with the log tail, and a real synthesis of a
// tiny configuration of rtl/.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../models/config.ts';
import { RTL_DIR } from '../../../harness/rtl/head-build.ts';
import { buildScenario } from '../../../harness/inputs/scenario.ts';
import { addResources, baseModuleName, parseLtp, parseStat, resources } from '../../../harness/synth/stat.ts';
import {
  MAP_MEMORY,
  moduleScript,
  parseParamList,
  SAVE_MEMORY_MAPS,
  setTop,
  SynthError,
  synthesize,
  sessionSynthSteps,
  XILINX_LIBS,
  yosysScript,
} from '../../../harness/synth/synth.ts';
import { runYosysIsolated } from '../../../harness/synth/yosys.ts';
import { yowaspThreadsStarted } from '../../../harness/synth/yowasp-run.ts';
import { HEAD_MODULES } from '../../../harness/synth/netlist.ts';
import { headsim } from '../../helpers/cli-and-tools.ts';

const STAT = `
13. Printing statistics.

=== $paramod$1983400ee6\\leaf ===

   Number of wires:                 12
   Number of cells:                 7
     CARRY4                          2
     LUT4                            3
     FDRE                            2

=== head ===

   Number of wires:               2465
   Number of cells:                 10
     $paramod$1983400ee6\\leaf       3
     BUFG                            1
     DSP48E1                         4
     FDSE                            1
     LUT6                            1
     RAMB18E1                        1
     RAMB36E1                        2

=== design hierarchy ===

   head                              1
     $paramod$1983400ee6\\leaf       3

   Number of cells:                 16
     LUT4                            9
`;

describe('Yosys stat and ltp parsing', () => {
  it('counts LUT1–6, FD*, DSP48E1, BRAM (RAMB18 = ½ RAMB36), CARRY4 per module', () => {
    const stat = parseStat(STAT);
    expect([...stat.keys()]).toEqual(['$paramod$1983400ee6\\leaf', 'head']);
    const head = resources(stat.get('head')!);
    expect(head).toMatchObject({ lut: 1, ff: 1, dsp: 4, ramb36: 2, ramb18: 1, bram: 2.5, carry: 0 });
    const leaf = resources(stat.get('$paramod$1983400ee6\\leaf')!);
    expect(leaf).toMatchObject({ lut: 3, ff: 2, carry: 2, dsp: 0, bram: 0 });
    expect(addResources(head, leaf, 3)).toMatchObject({ lut: 1 + 9, ff: 1 + 6, dsp: 4, carry: 6, bram: 2.5 });
    expect(baseModuleName('$paramod$1983400ee6\\leaf')).toBe('leaf');
    expect(baseModuleName('$paramod\\exp_lut\\D_W=17')).toBe('exp_lut');
    expect(parseLtp('Longest topological path in head (length=18):\n  0: x\nLongest topological path in $paramod$1\\leaf (length=3):').get('head')).toBe(18);
  });

  it('the script is the documented one: synth_xilinx for xc7, flattened, then depth after cutting registers', () => {
    const s = yosysScript({ sources: ['head.v'], params: { CLASSES: 10, EXP_SHIFT: -2 } });
    expect(s).toContain('synth_xilinx -family xc7 -flatten -noiopad -top head -run :map_memory');
    expect(s).toContain('synth_xilinx -family xc7 -flatten -noiopad -top head -run map_ffram:');
    // a negative parameter as a signed 32-bit constant: Yosys cannot decode "-2"
    expect(s).toContain("chparam -set CLASSES 10 -set EXP_SHIFT 32'shFFFFFFFE head");
    expect(s).toContain('delete t:FD* t:SRL* t:RAMB* t:DSP48E1');
    expect(s).toContain('ltp -noff');
    expect(yosysScript({ sources: ['head.v'], params: {} }, true)).toContain('synth_xilinx -family xc7 -flatten -noiopad -top head\n');
    const m = moduleScript({ sources: ['head.v'], params: {} }, ['$paramod$ab12\\mac_array', 'x']);
    // the cell libraries are read once per session, before the elaborated head is saved
    for (const lib of XILINX_LIBS) expect(m.split(lib)).toHaveLength(2);
    expect(m).toContain(
      `${XILINX_LIBS.join('\n')}\nhierarchy -check -top head\ndesign -save elab\n${SAVE_MEMORY_MAPS.join('\n')}\ndesign -load elab\nhierarchy -check -top $paramod$ab12\\mac_array`,
    );
    // and so are the memory maps, taken from memory by every module
    expect(m.split('techmap -map %brams_xc6v_map')).toHaveLength(3);
    expect(m).not.toContain('techmap -map +/xilinx/brams_xc6v_map.v');
    expect(m).toContain('tee -o stat-1.txt stat');
    expect(m).toContain('synth_xilinx -family xc7 -flatten -noiopad -top $paramod$ab12\\mac_array -run prepare:map_memory');
    const params = parseParamList('$paramod$ab\\normalizer:\n  CLASSES\n  EXP_FILE\n  RECIP_FILE\nhead:\n  WEIGHTS_FILE\n');
    expect(params.get('$paramod$ab\\normalizer')).toEqual(['CLASSES', 'EXP_FILE', 'RECIP_FILE']);
    expect(params.get('head')).toEqual(['WEIGHTS_FILE']);
  });
});

describe('the split synth_xilinx is synth_xilinx', () => {
  // A ROM that becomes block RAM, a small one that becomes LUTs, a multiplier (DSP48E1), an
  // adder (CARRY4) and registers with a reset: what rtl/ maps to.
  const v = [
    'module t(input clk, input rst, input [9:0] a, input signed [15:0] x, input signed [15:0] y, output reg [15:0] q, output reg signed [31:0] p, output reg [7:0] s);',
    '(* rom_style = "block" *) reg [15:0] rom [0:1023];',
    'reg [7:0] small [0:15];',
    'initial begin $readmemh("t.hex", rom); $readmemh("s.hex", small); end',
    'always @(posedge clk) begin q <= rom[a]; p <= x * y; if (rst) s <= 0; else s <= s + small[a[3:0]]; end',
    'endmodule',
    '',
  ].join('\n');
  const hex = (n: number, m: number) => Array.from({ length: n }, (_, i) => ((i * 40503) & m).toString(16)).join('\n') + '\n';
  const files = { 't.v': v, 't.hex': hex(1024, 0xffff), 's.hex': hex(16, 0xff) };
  const SYNTH = 'synth_xilinx -family xc7 -noiopad -top t';

  it('its begin and map_memory steps command for command; with the libraries read once, as in a module session, the netlist of plain synth_xilinx', async () => {
    const r = await runYosysIsolated(
      [
        '-p',
        [
          'read_verilog t.v',
          'design -save src',
          // what synth_xilinx runs in begin and in map_memory (debug: the commands are echoed)
          `echo on; debug ${SYNTH} -run :prepare; log -- marker; echo off`,
          `${SYNTH} -run prepare:map_memory; echo on; debug ${SYNTH} -run map_memory:map_ffram; echo off`,
          `${SYNTH} -run map_ffram:; tee -q -o plain.txt stat`,
          // a module session's: the libraries read before, synth_xilinx from prepare, whole ...
          `design -reset; design -load src; ${XILINX_LIBS.join('; ')}; ${setTop('t')}; ${sessionSynthSteps(SYNTH, true).join('; ')}; tee -q -o ours.txt stat`,
          // ... and split, the memory maps read once into saved designs
          `${SAVE_MEMORY_MAPS.join('; ')}; design -load src; ${XILINX_LIBS.join('; ')}; ${setTop('t')}; ${sessionSynthSteps(SYNTH, false).join('; ')}; tee -q -o split.txt stat`,
        ].join('; '),
      ],
      files,
      { timeoutMs: 300_000, outputs: ['plain.txt', 'ours.txt', 'split.txt'] },
    );
    const cmds = [...r.log.matchAll(/^yosys> (.*)$/gm)].map((m) => m[1]!.trim()).filter((c) => !/synth_xilinx|^echo/.test(c));
    const mark = cmds.indexOf('log -- marker');
    expect(cmds.slice(0, mark)).toEqual([...XILINX_LIBS, setTop('t')]);
    expect(cmds.slice(mark + 1)).toEqual(MAP_MEMORY);
    const [plain, ours] = [parseStat(r.files['plain.txt']!).get('t')!, parseStat(r.files['ours.txt']!).get('t')!];
    expect(resources(plain)).toMatchObject({ dsp: 1, ramb18: 1 });
    expect(resources(plain).lut).toBeGreaterThan(0);
    expect(resources(plain).carry).toBeGreaterThan(0);
    expect(ours).toEqual(plain);
    expect(parseStat(r.files['split.txt']!).get('t')).toEqual(plain);
  }, 300_000);
});

describe('Yosys threads', () => {
  it('a finished run leaves its thread to the next run, a fresh instance that gives the same files; a killed run takes its thread', async () => {
    const files = { 'c.v': 'module c(input clk, input [7:0] a, output reg [7:0] q);\nalways @(posedge clk) q <= q + a;\nendmodule\n' };
    const script = 'read_verilog c.v; synth -top c; tee -q -o s.txt stat; design -save kept';
    const first = await runYosysIsolated(['-p', script], files, { outputs: ['s.txt'] });
    const started = yowaspThreadsStarted();
    const again = await runYosysIsolated(['-p', script], files, { outputs: ['s.txt'] });
    expect(yowaspThreadsStarted()).toBe(started);
    expect(again.files['s.txt']).toBe(first.files['s.txt']);
    expect(parseStat(first.files['s.txt']!).get('c')).toBeDefined();
    // nothing of the run before is left: not its saved design, not its files
    const e = await runYosysIsolated(['-p', 'design -load kept'], {}).catch((x: unknown) => x);
    expect((e as SynthError).message).toMatch(/exit status 1/);
    expect((e as SynthError).log).toMatch(/kept/);
    await expect(runYosysIsolated(['-p', 'read_verilog c.v'], {})).rejects.toThrow(/exit status 1/);
    expect(yowaspThreadsStarted()).toBe(started);
    await expect(runYosysIsolated(['-p', script], files, { timeoutMs: 1 })).rejects.toThrow(/timed out/);
    await runYosysIsolated(['-p', 'help'], {});
    expect(yowaspThreadsStarted()).toBe(started + 1);
  }, 300_000);
});

describe('Yosys failures', () => {
  it('a Verilog error fails with the log tail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headsim-badrtl-'));
    cpSync(RTL_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'head.v'), readFileSync(join(dir, 'head.v'), 'utf8').replace('module head', 'module head oops'));
    const s = buildScenario(parseConfig({ classes: 2, inputs: 4, kPar: 4, topK: 2, mode: 'argmax' }), 1, 1);
    const e = await synthesize(s, { rtlDir: dir, timeoutMs: 120_000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SynthError);
    expect((e as SynthError).message).toMatch(/exit status 1/);
    expect((e as SynthError).log).toMatch(/head\.v:\d+: ERROR/);
  });

  it('a run past its timeout is killed and reported', async () => {
    const e = await runYosysIsolated(['-p', 'help'], {}, { timeoutMs: 1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SynthError);
    expect((e as Error).message).toMatch(/timed out after/);
  });

  it('bad flags exit 2 naming the field', () => {
    const r = headsim(['synth', '--target', 'xc9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target: 'xc9' is not one of xc7, /);
    const seed = headsim(['synth', '--pnr-seed', '2']);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/--pnr-seed: only iCE40 targets/);
    const t = headsim(['synth', '--timeout', '0']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--timeout: expected an integer ≥ 1/);
  });
});

describe('headsim synth on a tiny configuration (real Yosys)', () => {
  it('reports non-zero LUT/FF and one DSP48E1 per multiplier: cPar·kPar in the MAC array, one in the reciprocal divider', () => {
    const dir = mkdtempSync(join(tmpdir(), 'headsim-synth-'));
    const json = join(dir, 'synth.json');
    // classes 2, inputs 4, kPar 4: cPar = 2 rows × 4 lanes = 8 multipliers.
    const r = headsim(
      ['synth', '--classes', '2', '--inputs', '4', '--kPar', '4', '--topK', '2', '--mode', 'softmax', '--json', json, '--timeout', '900'],
      1_800_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    expect(rep.lut).toBeGreaterThan(0);
    expect(rep.ff).toBeGreaterThan(0);
    expect(rep.carry).toBeGreaterThan(0);
    expect(rep.logicDepth).toBeGreaterThan(0);
    expect(rep.modules.mac_array.dsp).toBe(2 * 4);
    expect(rep.modules.divider.dsp).toBe(1);
    expect(Object.keys(rep.modules).sort()).toEqual([
      'comparator_tree',
      'divider',
      'exp_unit',
      'input_stage',
      'logit_bank',
      'mac_array',
      'normalizer',
      'output_stage',
      'reciprocal',
    ]);
    expect(rep.modulesTotal.dsp).toBe(rep.dsp);
    // the MAC array, the split exp product per exp lane (expPar auto = 2: with one beat per
    // vector the back end bounds the II, and two lanes are the fewest that reach cPar's), the reciprocal multiply
    expect(rep.modules.exp_unit.dsp).toBe(2);
    expect(rep.dsp).toBe(2 * 4 + 2 + 1);
    // The split exp tables are LUTs, the reciprocal is a division: the back end has no block RAM.
    expect(rep.modules.exp_unit.bram + rep.modules.reciprocal.bram + rep.modules.output_stage.bram).toBe(0);
    expect(rep.yosysVersion).toMatch(/^Yosys 0\.55/);
    // the pre-route estimate: a clock, its kind, the critical path between two registers of rtl/
    expect(rep.fmaxKind).toBe('estimate');
    expect(rep.timing.kind).toBe('estimate');
    expect(rep.fmax).toBe(rep.timing.fmax);
    expect(rep.timing.fmax).toBeGreaterThan(50);
    expect(rep.timing.fmax).toBeCloseTo(1000 / rep.timing.period, 0);
    for (const end of [rep.timing.path.from, rep.timing.path.to]) expect([...HEAD_MODULES, 'head', 'port']).toContain(end.module);
    expect(rep.timing.path.steps.length).toBeGreaterThan(1);
    expect(rep.latencyNs).toBeCloseTo((rep.latency * 1000) / rep.fmax, 0);
    expect(r.stdout).toMatch(/pre-route estimate .*MHz/);
    expect(rep.script).toContain('synth_xilinx -family xc7 -flatten -noiopad');
    expect(r.stdout).toMatch(/total \(flattened\)/);

    // Plain synth_xilinx (BRAM contents kept through mapping) gives the same FF, DSP, BRAM and
    // CARRY4; LUTs differ only by ABC's sensitivity to cell order.
    const plainJson = join(dir, 'plain.json');
    const p = headsim(
      [
        'synth',
        '--classes',
        '2',
        '--inputs',
        '4',
        '--kPar',
        '4',
        '--topK',
        '2',
        '--mode',
        'softmax',
        '--json',
        plainJson,
        '--timeout',
        '900',
        '--no-modules',
        '--keep-bram-init',
      ],
      1_800_000,
    );
    expect(p.code, p.stderr).toBe(0);
    const plain = JSON.parse(readFileSync(plainJson, 'utf8'));
    expect(plain.script).not.toContain('setparam -unset INIT');
    expect(rep.script).toContain('setparam -unset INIT');
    for (const k of ['ff', 'dsp', 'bram', 'ramb36', 'ramb18', 'carry']) expect(rep[k], k).toBe(plain[k]);
    expect(Math.abs(rep.lut - plain.lut) / plain.lut).toBeLessThan(0.02);
  }, 1_800_000);
});
