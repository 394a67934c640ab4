// Seed scenario, softmax: the model's dump and the RTL's dump of the same lockstep run carry the
// same hierarchy and names, and diff as identical on every shared signal, in VCD (Verilator
// --trace) and in FST (Verilator --trace-fst, the model's FstWriter), with a scope applied to
// both sides; a single value changed in the model's FST is found at its exact time and signal.
import { hasIcarus, hasVerilator } from './helpers.ts';
import { spawnSync } from 'node:child_process';
import { startHeadCocotb } from '../harness/rtl/cocotb/head.ts';
import { DEFAULT_PYTHON } from '../harness/rtl/cocotb/setup.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_CONFIG } from '../models/config.ts';
import { cosimMode, type BackendFactory } from '../harness/run/cosim.ts';
import { buildScenario, withMode } from '../harness/inputs/scenario.ts';
import { DEFAULT_TRAFFIC } from '../harness/run/traffic.ts';
import { createModel } from '../harness/run/model.ts';
import { ModelTrace } from '../harness/run/trace.ts';
import { startHeadVerilator } from '../harness/rtl/verilator/head.ts';
import { diffVcd } from '../waves/vcd-diff.ts';
import { readVcd } from '../waves/vcd-reader.ts';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { parseConfig } from '../models/config.ts';
import { RTL_DIR } from '../harness/rtl/build.ts';

const verilator: BackendFactory = (sc, mem, _dir, waves) => startHeadVerilator(sc, { mem, trace: waves.format, dumpvars: waves.dumpvars });

describe.skipIf(!hasVerilator)('model and RTL waveforms', () => {
  it('seed softmax with select = stream, VCD: dumps are identical on all shared signals', async () => {
    const out = mkdtempSync(join(tmpdir(), 'headsim-waves-'));
    const s = withMode(buildScenario({ ...SEED_CONFIG, select: 'stream' }, 12, 1), 'softmax');
    const r = await cosimMode(s, DEFAULT_TRAFFIC, { dir: out, waves: { format: 'vcd', scope: 'all', from: 0, to: 1200 } }, verilator);
    expect(r.portMismatch).toBeNull();
    const [modelVcd, modelGtkw, rtlVcd] = r.waves;
    expect(modelGtkw).toMatch(/model\.gtkw$/);
    expect(rtlVcd).toMatch(/rtl\.vcd$/);
    const d = await diffVcd(modelVcd!, rtlVcd!);
    expect(d.identical).toBe(true);
    // every register of the model has its twin in the RTL dump; only s_data differs in shape
    // (the model keeps KPAR lanes, the RTL one bus)
    expect(d.onlyInA.filter((n) => !n.startsWith('head.s_data['))).toEqual([]);
    expect(d.shared).toBeGreaterThan(250);
  }, 1_500_000);

  it('seed softmax with the tree, FST with a scope: identical, the scope on both sides, an injected change found exactly', async () => {
    const out = mkdtempSync(join(tmpdir(), 'headsim-waves-'));
    const s = withMode(buildScenario({ ...SEED_CONFIG, select: 'tree' }, 12, 1), 'softmax');
    const window = { from: 100, to: 900 };
    const r = await cosimMode(s, DEFAULT_TRAFFIC, { dir: out, waves: { format: 'fst', scope: 'stages', ...window } }, verilator);
    expect(r.portMismatch).toBeNull();
    const [modelFst, , rtlFst] = r.waves;
    expect(rtlFst).toMatch(/rtl\.fst$/);
    const d = await diffVcd(modelFst!, rtlFst!);
    expect(d).toMatchObject({ identical: true, onlyInA: [] });
    expect(d.shared).toBeGreaterThan(100);
    // the lane arrays are out of scope on both sides, the logits in
    const model = await readVcd(modelFst!, { signals: () => false });
    for (const file of [modelFst!, rtlFst!]) {
      const names = [...(await readVcd(file, { signals: () => true })).signals.keys()];
      expect(names.some((n) => /mac_array\.(prod|w_data)/.test(n))).toBe(false);
      expect(names).toContain('head.logit_bank.z_hold[0]');
    }
    expect(model.timescale).toBe('1ns');

    // The same window traced again with one value changed at one rising edge.
    const { head, tb } = createModel(s, DEFAULT_TRAFFIC);
    const edited = join(out, 'edited.fst');
    const trace = new ModelTrace(head.k, edited, { ...window, keep: (n) => !/mac_array\.(prod|w_data)|s_data|x_data/.test(n) });
    const sample = head.k.onStep!;
    const target = head.k.signals.findIndex((x) => x.name === 'head.logit_bank.z_work[2]');
    let at = -1;
    head.k.onStep = (t) => {
      // the first rising edge after cycle 500 that writes the target: flip its lowest bit for one step
      if (at < 0 && t >= 5005 && t % 10 === 5 && head.k.stepSignals?.includes(target)) {
        at = t;
        const v = head.k.v[target]!;
        head.k.v[target] = v ^ 1;
        sample(t);
        head.k.v[target] = v;
        return;
      }
      sample(t);
    };
    tb.run(null, window.to + 10);
    await trace.close();
    expect(at).toBeGreaterThan(0);
    const e = await diffVcd(edited, rtlFst!);
    expect(e.differingSignals).toBe(1);
    expect(e.firstDifference).toMatchObject({ time: at, signal: 'head.logit_bank.z_work[2]' });
  }, 1_500_000);
});

describe.skipIf(!hasVerilator)('a divergence', () => {
  it('is re-run with waves around it, diffed to its first internal signal, and marked in the layout', async () => {
    const out = mkdtempSync(join(tmpdir(), 'headsim-waves-'));
    const rtlDir = join(out, 'rtl');
    cpSync(RTL_DIR, rtlDir, { recursive: true });
    const file = join(rtlDir, 'input_stage.v');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('x_first <= (beat == 0);');
    writeFileSync(file, text.replace('x_first <= (beat == 0);', 'x_first <= (beat == 1);')); // a mutant
    const s = buildScenario(parseConfig({ classes: 10, inputs: 48, kPar: 8, mode: 'argmax' }), 20, 5);
    const r = await cosimMode(s, DEFAULT_TRAFFIC, { dir: out }, (sc, mem, _dir, waves) => startHeadVerilator(sc, { mem, rtlDir, outRoot: join(out, 'verilator'), trace: waves.format }));
    expect(r.portMismatch).not.toBeNull();
    const first = r.divergence!.firstInternalDifference!;
    expect(first.signal).toMatch(/^head\./);
    const gtkw = r.waves.find((w) => w.endsWith('mismatch-model.gtkw'))!;
    const layout = readFileSync(gtkw, 'utf8');
    expect(layout).toMatch(new RegExp(`^\\*-?[\\d.]+ ${first.time} ${first.time}( -1){25}$`, 'm'));
    expect(layout).toContain('-first difference');
    expect(r.waves.some((w) => w.endsWith('mismatch-rtl.vcd'))).toBe(true); // a short window: VCD
  }, 900_000);
});

const hasVenv = spawnSync(DEFAULT_PYTHON, ['-c', 'import cocotb, cocotb_tools.runner']).status === 0;

describe.skipIf(!hasIcarus || !hasVenv)('model and Icarus waveforms (cocotb backend)', () => {
  it('seed argmax, FST (vvp -fst): identical on the shared signals, $dumpoff skipped', async () => {
    const out = mkdtempSync(join(tmpdir(), 'headsim-waves-'));
    const s = withMode(buildScenario(SEED_CONFIG, 3, 1), 'argmax');
    const r = await cosimMode(s, DEFAULT_TRAFFIC, { dir: out, waves: { format: 'fst', scope: 'all', from: 0, to: 300 } }, (sc, mem, dir, waves) =>
      startHeadCocotb(sc, { dir: join(dir, 'cocotb'), buildRoot: join(out, 'cocotb', 'build'), mem, extra: { waveFormat: waves.format } }),
    );
    expect(r.portMismatch).toBeNull();
    const [modelFst, , rtlFst] = r.waves;
    // Icarus names the top `head` (no TOP) and dumps no unpacked arrays: fewer shared signals
    const d = await diffVcd(modelFst!, rtlFst!);
    expect(d.identical).toBe(true);
    expect(d.shared).toBeGreaterThan(40);
  }, 600_000);
});
