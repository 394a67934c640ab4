// `headsim synth --target ice40-*`: one iCE40 place-and-route run of a configuration, cached by
// its key under <out>/synth/ (a run's result is its key's file: the same RTL, weights, part,
// clock and seed give the same placement), and its report as text.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJson } from '../../lib/files.ts';
import { textTable } from '../../lib/table.ts';
import { ice40Key, synthIce40, type Ice40Options, type Ice40Report } from '../../harness/synth/ice40.ts';
import type { Ice40Inputs } from '../../harness/synth/ice40.ts';
import type { Ice40Part } from '../../harness/synth/targets.ts';
import { pathLabel } from '../../harness/synth/timing-types.ts';

export async function cachedIce40(inputs: Ice40Inputs, part: Ice40Part, o: Ice40Options & { cacheDir: string | null }): Promise<{ report: Ice40Report; key: string; cached: boolean }> {
  const key = ice40Key(inputs, part, o);
  const file = o.cacheDir ? join(o.cacheDir, `${key}.json`) : null;
  if (file && existsSync(file)) {
    try {
      return { report: JSON.parse(readFileSync(file, 'utf8')) as Ice40Report, key, cached: true };
    } catch {
      // a damaged entry is made again
    }
  }
  const report = await synthIce40(inputs, part, o);
  if (file) writeJson(file, report);
  return { report, key, cached: false };
}

export function printIce40(r: Ice40Report, cached: boolean): void {
  const row = (name: string, x: { lut4: number; ff: number; carry: number; ebr: number; dsp: number; spram: number }) => [name, x.lut4, x.ff, x.carry, x.ebr, x.dsp, x.spram];
  console.log(textTable(['', 'LUT4', 'FF', 'SB_CARRY', 'EBR', 'SB_MAC16', 'SPRAM'], [row('head', r.head), row('  + port wrapper (place and route only)', r.wrapper)]));
  const u = r.utilization;
  console.log(`${r.target} (${r.package}): ${u.lc.used} / ${u.lc.available} logic cells, ${u.ebr.used} / ${u.ebr.available} EBR, ${u.dsp.used} / ${u.dsp.available} DSP, ${u.spram.used} / ${u.spram.available} SPRAM (head and wrapper, placed)`);
  console.log(`clock, routed: ${r.routed.fmax} MHz (${r.routed.period} ns: ${r.routed.path.logic} ns logic, ${r.routed.path.routing} ns routing); nextpnr's own report: ${r.nextpnrFmax} MHz${r.routed.fmax < r.nextpnrFmax ? ' (it times the SB_MAC16 ports as registers)' : ''}`);
  console.log(`  critical path: ${pathLabel(r.routed.path)}`);
  console.log(`clock, pre-route estimate (Yosys sta, cell delays only): ${r.estimate.fmax} MHz (${r.estimate.period} ns), ${pathLabel(r.estimate.path)}`);
  console.log(`nextpnr --freq ${r.clock.target}${r.clock.constrained ? '' : ' (no --clock: the achieved clock is the report)'} --seed ${r.pnrSeed}; ${r.yosysVersion}, ${r.nextpnrVersion}; ${cached ? 'from the cache' : `${r.seconds.synth.toFixed(1)} s synthesis, ${r.seconds.pnr.toFixed(1)} s place and route`}`);
}
