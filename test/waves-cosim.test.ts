// Seed scenario, softmax: the model's dump and the RTL's dump (Verilator --trace) of the same
// lockstep run carry the same hierarchy and names, and diff as identical on every shared signal.
import { hasVerilator } from './helpers.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_CONFIG } from '../models/config.ts';
import { cosimMode } from '../harness/run/cosim.ts';
import { plusargs } from '../harness/rtl/memfiles.ts';
import { portWidths } from '../harness/rtl/ports.ts';
import { buildHeadVerilator } from '../harness/rtl/build.ts';
import { buildScenario, withMode } from '../harness/inputs/scenario.ts';
import { DEFAULT_TRAFFIC } from '../harness/run/testbench.ts';
import { VerilatorBackend } from '../harness/rtl/verilator/bridge.ts';
import { diffVcd } from '../waves/vcd-diff.ts';


describe.skipIf(!hasVerilator)('model and RTL waveforms', () => {
  it('seed softmax: dumps are identical on all shared signals', async () => {
    const out = mkdtempSync(join(tmpdir(), 'headsim-waves-'));
    const s = withMode(buildScenario(SEED_CONFIG, 12, 1), 'softmax');
    const r = await cosimMode(s, DEFAULT_TRAFFIC, { out, waves: { format: 'vcd', scope: 'all', from: 0, to: 1200 } }, async (sc, mem) => {
      const b = await buildHeadVerilator(sc);
      return VerilatorBackend.start({ exe: b.exe, widths: portWidths(sc.g), args: plusargs(mem) });
    });
    expect(r.portMismatch).toBeNull();
    const [modelVcd, modelGtkw, rtlVcd] = r.waves;
    expect(modelGtkw).toMatch(/model\.gtkw$/);
    const d = await diffVcd(modelVcd!, rtlVcd!);
    expect(d.identical).toBe(true);
    // every register of the model has its twin in the RTL dump; only s_data differs in shape
    // (the model keeps KPAR lanes, the RTL one bus)
    expect(d.onlyInA.filter((n) => !n.startsWith('head.s_data['))).toEqual([]);
    expect(d.shared).toBeGreaterThan(250);
  }, 1_500_000);
});
