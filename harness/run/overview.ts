// `npx tsx harness/run/overview.ts VCD PNG [toCycle]`: an overview .gtkw of a head dump (the
// signals that tell one vector's story, cycles 0..toCycle) and a GTKWave screenshot of it under Xvfb.
import { SEED_CONFIG } from '../../models/config.ts';
import { Head } from '../../models/head/head.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { isBlank, screenshotGtkwave } from '../../waves/screenshot.ts';
import { buildScenario, withMode } from '../inputs/scenario.ts';
import { CLOCK_PERIOD } from './testbench.ts';
import { headLayout, OVERVIEW } from './waves.ts';

const [vcd, png, to = '240'] = process.argv.slice(2);
if (!vcd || !png) {
  console.error('usage: waves-overview.mts VCD PNG [toCycle]');
  process.exit(2);
}
const s = withMode(buildScenario(SEED_CONFIG, 1, 1), 'softmax');
const layout = headLayout(new Head(s.g, s.t, s.w, true).k.signals, Number(to) * CLOCK_PERIOD, OVERVIEW);
const gtkw = writeGtkw(vcd, { ...layout, size: [1600, 1250], savePath: vcd.replace(/\.vcd$/, '.overview.gtkw') });
await screenshotGtkwave(vcd, gtkw, png, { timeoutMs: 60_000, size: [1600, 1250] });
console.log(`${png} (${isBlank(png) ? 'BLANK' : 'ok'}), layout ${gtkw}, cycles 0..${to}`);
