// End to end: a headsim dump and its save file open in the real GTKWave and show waves.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VcdWriter } from '../waves/vcd-writer.ts';
import { gtkwName, writeGtkw } from '../waves/gtkw.ts';
import { canScreenshot, isBlank, screenshotGtkwave, traceFraction } from '../waves/screenshot.ts';
import { openWaves } from '../waves/open.ts';

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
      groups: [{ name: 'out', signals: [{ name: 'head.m_valid', width: 1 }, { name: 'head.m_index', width: 4 }, { name: 'head.m_value', width: 16, radix: 'sdec' }, { name: 'head.s_data', width: 16, radix: 'hex' }] }],
    });
    expect(save).toBe(path.join(dir, 'flags.gtkw'));
    const text = fs.readFileSync(save, 'utf8');
    expect(text).toContain(`[dumpfile] "${vcd}"`);
    const zoom = /^\*(-?[\d.]+) -1( -1){26}$/m.exec(text);
    const signalsWidth = Number(/^\[signals_width\] (\d+)$/m.exec(text)?.[1]);
    expect(signalsWidth).toBe(60 + 8 * 'm_value[15:0]'.length); // the longest leaf name
    // 400 ticks, at 2^-zoom / 200 ticks per pixel, fill the wave pane with a 3% margin.
    expect(Number(zoom?.[1])).toBeCloseTo(-Math.log2((200 * 400 * 1.03) / (1600 - signalsWidth - 70)), 5);
    expect(text).toContain('@800200\n-out\n@28\nTOP.head.m_valid\n@24\nTOP.head.m_index[3:0]\n@420\nTOP.head.m_value[15:0]\n@22\nTOP.head.s_data[15:0]\n@1000200\n-out\n');
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
        { name: 'input', signals: [{ name: 'head.clk', width: 1 }, { name: 'head.s_valid', width: 1 }, { name: 'head.s_ready', width: 1 }, { name: 'head.s_data', width: 16, radix: 'sdec' }] },
        { name: 'mac_array', signals: [{ name: 'head.mac_array.acc_0', width: 41, radix: 'sdec' }] },
        { name: 'output', signals: [{ name: 'head.m_valid', width: 1 }, { name: 'head.m_index', width: 4 }, { name: 'head.m_value', width: 16, radix: 'sdec' }] },
      ],
    });
    const png = await screenshotGtkwave(vcd, save, path.join(dir, 'head.png'), { timeoutMs: 60_000 });
    if (process.env.WAVES_KEEP_PNG) fs.copyFileSync(png, process.env.WAVES_KEEP_PNG);
    expect(fs.statSync(png).size).toBeGreaterThan(10_000);
    expect(isBlank(png)).toBe(false);
    expect(traceFraction(png)).toBeGreaterThan(0.002); // green traces drawn: the names resolved

    // Control: a save file naming no existing signal shows no traces.
    const none = writeGtkw(vcd, { endTime: end, savePath: path.join(dir, 'none.gtkw'), groups: [{ name: 'g', signals: [{ name: 'head.nothing', width: 8 }] }] });
    const png2 = await screenshotGtkwave(vcd, none, path.join(dir, 'none.png'));
    expect(traceFraction(png2)).toBe(0);
  });
});
