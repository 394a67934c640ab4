// End to end: a headsim dump and its save file open in the real GTKWave and show waves; the
// layout's fixed-point shifts and translate filters make GTKWave itself display logits as real
// numbers and the sequencer by its state names (read back from GTKWave's rendering through a
// Tcl script: the same strings it paints; without the formats it shows the raw integers).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VcdWriter } from '../../../waves/vcd-writer.ts';
import { gtkwName, writeGtkw } from '../../../waves/gtkw.ts';
import { canScreenshot, gtkwaveValues, isBlank, screenshotGtkwave, traceFraction } from '../../../waves/screenshot.ts';
import { SEED_CONFIG } from '../../../models/config.ts';
import { State } from '../../../models/head/context.ts';
import { buildScenario, withMode } from '../../../harness/inputs/scenario.ts';
import { createModel } from '../../../harness/run/model.ts';
import { DEFAULT_TRAFFIC } from '../../../harness/run/traffic.ts';
import { ModelTrace } from '../../../harness/run/trace.ts';
import { headLayout, OVERVIEW } from '../../../harness/run/gtkwave-layout.ts';
import { readVcd } from '../../../waves/dump-reader.ts';
import { openWaves } from '../../../waves/launch-gtkwave.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waves-gtk-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** 40 clock periods of a small head: inputs streaming, accumulator, 3 output beats. */
async function sampleDump(file: string): Promise<number> {
  const w = new VcdWriter(file, { date: 'fixed' });
  const clk = w.declare('head.clk', 1);
  const sValid = w.declare('head.s_valid', 1);
  w.declare('head.s_ready', 1, 1); // constant 1: only its initial value is dumped
  const sData = w.declare('head.s_data', 16);
  const acc = w.declare('head.mac_array.acc_0', 41);
  const mValid = w.declare('head.m_valid', 1);
  const mIndex = w.declare('head.m_index', 4);
  const mValue = w.declare('head.m_value', 16);
  w.begin();
  let sum = 0;
  for (let c = 0; c < 40; c++) {
    w.time(c * 10);
    w.change(clk, 1);
    const valid = c % 7 < 5 ? 1 : 0;
    const x = ((c * 37) % 200) - 100;
    w.change(sValid, valid);
    w.change(sData, x);
    if (valid) sum += x * 13;
    w.change(acc, sum);
    const out = c > 20 && c < 24;
    w.change(mValid, out ? 1 : 0);
    w.change(mIndex, out ? c - 20 : 0);
    w.change(mValue, out ? -(c * 3) : 0);
    w.time(c * 10 + 5);
    w.change(clk, 0);
  }
  w.time(400);
  await w.close();
  return 400;
}

describe('GTKWave save files', () => {
  it('names vectors with their range, as GTKWave does', () => {
    expect(gtkwName('TOP.head.mac_array.acc_0', 41)).toBe('TOP.head.mac_array.acc_0[40:0]');
    expect(gtkwName('TOP.head.logits[3]', 16)).toBe('TOP.head.logits[3][15:0]');
    expect(gtkwName('TOP.head.m_valid', 1)).toBe('TOP.head.m_valid');
  });

  it('writes groups, radix flags and zoom', async () => {
    const vcd = path.join(dir, 'flags.vcd');
    const end = await sampleDump(vcd);
    const save = writeGtkw(vcd, {
      endTime: end,
      groups: [
        {
          name: 'out',
          signals: [
            { name: 'head.m_valid', width: 1 },
            { name: 'head.m_index', width: 4 },
            { name: 'head.m_value', width: 16, radix: 'sdec' },
            { name: 'head.s_data', width: 16, radix: 'hex' },
          ],
        },
      ],
    });
    expect(save).toBe(path.join(dir, 'flags.gtkw'));
    const text = fs.readFileSync(save, 'utf8');
    expect(text).toContain(`[dumpfile] "${vcd}"`);
    const zoom = /^\*(-?[\d.]+) -1( -1){26}$/m.exec(text);
    const signalsWidth = Number(/^\[signals_width\] (\d+)$/m.exec(text)?.[1]);
    expect(signalsWidth).toBe(60 + 8 * 'm_value[15:0]'.length); // the longest leaf name
    // 400 ticks, at 2^-zoom / 200 ticks per pixel, fill the wave pane with a 3% margin.
    expect(Number(zoom?.[1])).toBeCloseTo(-Math.log2((200 * 400 * 1.03) / (1600 - signalsWidth - 70)), 5);
    expect(text).toContain(
      '@800200\n-out\n@28\nTOP.head.m_valid\n@24\nTOP.head.m_index[3:0]\n@420\nTOP.head.m_value[15:0]\n@22\nTOP.head.s_data[15:0]\n@1000200\n-out\n',
    );
  });

  it('prints the command when there is no display', () => {
    const vcd = path.join(dir, 'flags.vcd');
    const display = process.env.DISPLAY;
    delete process.env.DISPLAY;
    try {
      expect(openWaves(vcd)).toMatchObject({ launched: false, command: `gtkwave -a ${path.join(dir, 'flags.gtkw')} ${vcd}` });
    } finally {
      if (display !== undefined) process.env.DISPLAY = display;
    }
  });

  it.skipIf(!canScreenshot())('opens in GTKWave under Xvfb and shows the waves', async () => {
    const vcd = path.join(dir, 'head.vcd');
    const end = await sampleDump(vcd);
    const save = writeGtkw(vcd, {
      endTime: end,
      groups: [
        {
          name: 'input',
          signals: [
            { name: 'head.clk', width: 1 },
            { name: 'head.s_valid', width: 1 },
            { name: 'head.s_ready', width: 1 },
            { name: 'head.s_data', width: 16, radix: 'sdec' },
          ],
        },
        { name: 'mac_array', signals: [{ name: 'head.mac_array.acc_0', width: 41, radix: 'sdec' }] },
        {
          name: 'output',
          signals: [
            { name: 'head.m_valid', width: 1 },
            { name: 'head.m_index', width: 4 },
            { name: 'head.m_value', width: 16, radix: 'sdec' },
          ],
        },
      ],
    });
    const png = await screenshotGtkwave(vcd, save, path.join(dir, 'head.png'), { timeoutMs: 60_000 });
    if (process.env.WAVES_KEEP_PNG) fs.copyFileSync(png, process.env.WAVES_KEEP_PNG);
    expect(fs.statSync(png).size).toBeGreaterThan(10_000);
    expect(isBlank(png)).toBe(false);
    expect(traceFraction(png)).toBeGreaterThan(0.002); // green traces drawn: the names resolved

    // Control: a save file naming no existing signal shows no traces.
    const none = writeGtkw(vcd, {
      endTime: end,
      savePath: path.join(dir, 'none.gtkw'),
      groups: [{ name: 'g', signals: [{ name: 'head.nothing', width: 8 }] }],
    });
    const png2 = await screenshotGtkwave(vcd, none, path.join(dir, 'none.png'));
    expect(traceFraction(png2)).toBe(0);
  });

  it.skipIf(!canScreenshot())("shows fixed-point values as reals and enumerations by name (GTKWave's own rendering)", async () => {
    const vcd = path.join(dir, 'fmt.vcd');
    const w = new VcdWriter(vcd, { date: 'fixed' });
    const z = w.declare('head.logit_bank.z_hold[0]', 16);
    const st = w.declare('head.state', 3);
    w.begin();
    for (let c = 0; c < 20; c++) {
      w.time(c * 10);
      w.change(z, -273 + c);
      w.change(st, c % 5);
    }
    w.time(200);
    await w.close();
    const names = ['IDLE', 'SELECT', 'EXP', 'NORM', 'EMIT'];
    const signals = (readable: boolean) => [
      { name: 'head.logit_bank.z_hold[0]', width: 16, radix: 'sdec' as const, ...(readable ? { fixed: { frac: 8, signed: true } } : {}) },
      { name: 'head.state', width: 3, ...(readable ? { names } : {}) },
    ];
    const readable = writeGtkw(vcd, { endTime: 200, groups: [{ name: 'g', signals: signals(true) }] });
    expect(fs.readFileSync(path.join(dir, 'fmt.filter1.txt'), 'utf8')).toBe('0 IDLE\n1 SELECT\n2 EXP\n3 NORM\n4 EMIT\n');
    const v = await gtkwaveValues(vcd, readable, 35); // cycle 3: z = -270, state 3
    expect(v.get('TOP.head.logit_bank.z_hold[0][15:0]')).toBe('-1.0546875');
    expect(v.get('TOP.head.state[2:0]')).toBe('NORM');
    // control: the same dump without the formats shows raw integers
    const raw = writeGtkw(vcd, { endTime: 200, savePath: path.join(dir, 'raw.gtkw'), groups: [{ name: 'g', signals: signals(false) }] });
    const r = await gtkwaveValues(vcd, raw, 35);
    expect(r.get('TOP.head.logit_bank.z_hold[0][15:0]')).toBe('-270');
    expect(r.get('TOP.head.state[2:0]')).toBe('3');
  });

  it.skipIf(!canScreenshot())('a head dump (FST) with its derived layout: logits as reals, the sequencer by name, a screenshot', async () => {
    const s = withMode(buildScenario({ ...SEED_CONFIG, select: 'tree' }, 4, 1), 'softmax');
    const { head, tb } = createModel(s, DEFAULT_TRAFFIC);
    const fst = path.join(dir, 'head.fst');
    const trace = new ModelTrace(head.k, fst);
    tb.run(null, 240);
    await trace.close();
    const layout = headLayout(head.k.signals, 2400, (n) => OVERVIEW.test(n));
    const save = writeGtkw(fst, { ...layout, size: [1600, 1250] });
    // a time in the back end of the first vector: state SELECT or later, logits held
    const d = await readVcd(fst, { signals: (n) => n === 'head.state' || n === 'head.logit_bank.z_hold[0]' });
    const valueAt = (sig: string, t: number) =>
      d.signals
        .get(sig)!
        .changes.filter(([ct]) => ct <= t)
        .at(-1)![1] as number;
    const at = d.signals.get('head.state')!.changes.find(([, v]) => v === State.NORM)![0] + 5;
    const z = valueAt('head.logit_bank.z_hold[0]', at);
    const zSigned = z >= 2 ** 15 ? z - 2 ** 16 : z;
    const v = await gtkwaveValues(fst, save, at);
    expect(v.get('TOP.head.state[1:0]')).toBe('NORM');
    const shown = v.get('TOP.head.logit_bank.z_hold[0][15:0]')!;
    expect(Number(shown)).toBe(zSigned / 2 ** s.g.logitFrac);
    if (zSigned % 2 ** s.g.logitFrac !== 0) expect(shown).toMatch(/\./);
    const png = await screenshotGtkwave(fst, save, path.join(dir, 'head-fst.png'), { size: [1600, 1250] });
    expect(isBlank(png)).toBe(false);
    expect(traceFraction(png)).toBeGreaterThan(0.002);
  });
});
