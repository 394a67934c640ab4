// `headsim synth`: Yosys output parsing, failures with the log tail, and a real synthesis of a
// tiny configuration of rtl/.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../models/config.ts';
import { RTL_DIR } from '../harness/rtl/build.ts';
import { buildScenario } from '../harness/inputs/scenario.ts';
import { addResources, baseModuleName, parseLtp, parseStat, resources } from '../harness/synth/stat.ts';
import { MAP_MEMORY, moduleScript, parseParamList, SynthError, synthesize, yosysScript } from '../harness/synth/synth.ts';
import { runYosysIsolated } from '../harness/synth/yosys.ts';
import { HEAD_MODULES } from '../harness/synth/netlist.ts';
import { headsim } from './helpers.ts';

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
    expect(m).toContain('design -save elab\ndesign -load elab\nhierarchy -top $paramod$ab12\\mac_array');
    expect(m).toContain('tee -o stat-1.txt stat');
    expect(m).toContain('synth_xilinx -family xc7 -flatten -noiopad -top $paramod$ab12\\mac_array -run :map_memory');
    const params = parseParamList('$paramod$ab\\normalizer:\n  CLASSES\n  EXP_FILE\n  RECIP_FILE\nhead:\n  WEIGHTS_FILE\n');
    expect(params.get('$paramod$ab\\normalizer')).toEqual(['CLASSES', 'EXP_FILE', 'RECIP_FILE']);
    expect(params.get('head')).toEqual(['WEIGHTS_FILE']);
  });
});

describe('the split synth_xilinx is synth_xilinx', () => {
  it('MAP_MEMORY is exactly what synth_xilinx -family xc7 runs in its map_memory step', async () => {
    const v = 'module t(input clk, input [9:0] a, output reg [15:0] q);\n(* rom_style = "block" *) reg [15:0] rom [0:1023];\ninitial $readmemh("t.hex", rom);\nalways @(posedge clk) q <= rom[a];\nendmodule\n';
    const hex = Array.from({ length: 1024 }, (_, i) => ((i * 40503) & 0xffff).toString(16)).join('\n') + '\n';
    const r = await runYosysIsolated(
      ['-p', 'read_verilog t.v; synth_xilinx -family xc7 -noiopad -top t -run :map_memory; echo on; debug synth_xilinx -family xc7 -noiopad -top t -run map_memory:map_ffram'],
      { 't.v': v, 't.hex': hex },
      { timeoutMs: 300_000 },
    );
    const cmds = [...r.log.matchAll(/^yosys> (.*)$/gm)].map((m) => m[1]!.trim()).filter((c) => !/synth_xilinx/.test(c));
    expect(cmds).toEqual(MAP_MEMORY);
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
  it(
    'reports non-zero LUT/FF and one DSP48E1 per multiplier: cPar·kPar in the MAC array, one in the reciprocal divider',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'headsim-synth-'));
      const json = join(dir, 'synth.json');
      // classes 2, inputs 4, kPar 4: cPar = 2 rows × 4 lanes = 8 multipliers.
      const r = headsim(['synth', '--classes', '2', '--inputs', '4', '--kPar', '4', '--topK', '2', '--mode', 'softmax', '--json', json, '--timeout', '900'], 1_800_000);
      expect(r.code, r.stderr).toBe(0);
      const rep = JSON.parse(readFileSync(json, 'utf8'));
      expect(rep.lut).toBeGreaterThan(0);
      expect(rep.ff).toBeGreaterThan(0);
      expect(rep.carry).toBeGreaterThan(0);
      expect(rep.logicDepth).toBeGreaterThan(0);
      expect(rep.modules.mac_array.dsp).toBe(2 * 4);
      expect(rep.modules.divider.dsp).toBe(1);
      expect(Object.keys(rep.modules).sort()).toEqual(['comparator_tree', 'divider', 'exp_unit', 'input_stage', 'logit_bank', 'mac_array', 'normalizer', 'output_stage', 'reciprocal']);
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
      const p = headsim(['synth', '--classes', '2', '--inputs', '4', '--kPar', '4', '--topK', '2', '--mode', 'softmax', '--json', plainJson, '--timeout', '900', '--no-modules', '--keep-bram-init'], 1_800_000);
      expect(p.code, p.stderr).toBe(0);
      const plain = JSON.parse(readFileSync(plainJson, 'utf8'));
      expect(plain.script).not.toContain('setparam -unset INIT');
      expect(rep.script).toContain('setparam -unset INIT');
      for (const k of ['ff', 'dsp', 'bram', 'ramb36', 'ramb18', 'carry']) expect(rep[k], k).toBe(plain[k]);
      expect(Math.abs(rep.lut - plain.lut) / plain.lut).toBeLessThan(0.02);
    },
    1_800_000,
  );
});
