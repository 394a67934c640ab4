// The overview picture of a head dump: a .gtkw of the signals that tell one vector's story
// (cycles 0..toCycle, laid out by stage) and a GTKWave screenshot of it under Xvfb
// (`headsim waves shot`; the README's image).
import { SEED_CONFIG } from '../../models/config.ts';
import { Head } from '../../models/head/head.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { isBlank, screenshotGtkwave } from '../../waves/screenshot.ts';
import { buildScenario, withMode } from '../inputs/scenario.ts';
import { CLOCK_PERIOD } from './testbench.ts';
import { headLayout, OVERVIEW } from './waves.ts';
import { openDump } from '../../waves/dump-source.ts';
import { rtlName, SELECT_SCOPE } from '../rtl/names.ts';

/** Does the dump declare the RTL's generate scope (a dump of rtl/head.v, not of the model)? */
async function isRtlDump(path: string): Promise<boolean> {
  const src = await openDump(path);
  src.close();
  return src.vars.some((v) => v.declared?.split('.').includes(SELECT_SCOPE));
}

const SIZE: [number, number] = [1600, 1250];

/**
 * Screenshot of `vcd` (a seed softmax dump, VCD or FST) into `png`; returns the layout file and
 * whether the picture is blank. A dump of the RTL names the selector inside rtl/head.v's
 * `g_select` scope: its layout takes the RTL names, as the layouts beside cosim's dumps do.
 */
export async function overviewShot(vcd: string, png: string, toCycle: number): Promise<{ gtkw: string; blank: boolean }> {
  const s = withMode(buildScenario(SEED_CONFIG, 1, 1), 'softmax');
  const layout = headLayout(new Head(s.g, s.t, s.w, true).k.signals, toCycle * CLOCK_PERIOD, (n) => OVERVIEW.test(n));
  if (await isRtlDump(vcd)) for (const g of layout.groups) g.signals = g.signals.map((x) => ({ ...x, name: rtlName(x.name) }));
  const gtkw = writeGtkw(vcd, { ...layout, size: SIZE, savePath: vcd.replace(/\.(vcd|fst)$/i, '') + '.overview.gtkw' });
  await screenshotGtkwave(vcd, gtkw, png, { timeoutMs: 60_000, size: SIZE });
  return { gtkw, blank: isBlank(png) };
}
