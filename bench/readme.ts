// The README's speed table, made from a bench report and written between its markers: `npm run
// bench` regenerates it with bench/results.md and bench/results.json, so no README figure is
// typed by hand (test/readme-figures.test.ts holds the README to bench/results.json).
import type { BenchReport } from './report.ts';
import { rate, ratioStats } from './report.ts';
import type { Stats } from './stats.ts';

export const SPEED_BEGIN = '<!-- speed table: written by `npm run bench` from bench/results.json; do not edit -->';
export const SPEED_END = '<!-- end of speed table -->';

const med = (s: Stats | null | undefined) => rate(s?.median);
const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(', ');

/** The table and the line saying when, where and at which load it was measured. */
export function speedTable(r: BenchReport): string {
  const seed = r.scenarios.find((s) => s.name === 'seed');
  const big = r.scenarios.find((s) => s.name === 'big');
  const rows: string[][] = [];
  if (seed) {
    const v = seed.verilator;
    rows.push(
      ['TypeScript model, seed head', med(seed.model), `${ratioStats(seed.ratios.modelVsVerilatorO2)} Verilator -O2 alone, ${ratioStats(seed.ratios.modelVsVerilator)} default (-Os)`],
      ['Verilator alone, seed head, -O2 / default', `${med(v.O2)} / ${med(v.default)}`, ''],
      ['lockstep, model ↔ Verilator, every port every cycle (wall)', `${med(seed.lockstep.verilator)} compared`, `${ratioStats(seed.ratios.lockstepVsVerilatorO2)} Verilator -O2 alone`],
      ['lockstep, model ↔ cocotb on Icarus (wall)', `${med(seed.lockstep.cocotb)} compared`, `Verilator lockstep ${ratioStats(seed.ratios.verilatorLockstepVsCocotbLockstep)}`],
      ['model with VCD / Verilator --trace, every signal', `${med(seed.modelVcd)} / ${med(v.trace)}`, ratioStats(seed.ratios.modelVcdVsVerilatorTrace)],
      ['model with FST / Verilator --trace-fst, every signal', `${med(seed.modelFst)} / ${med(v.traceFst)}`, ratioStats(seed.ratios.modelFstVsVerilatorTraceFst)],
    );
  }
  if (big) rows.push([`TypeScript model, large head (N ${big.geometry.N}, K ${big.geometry.K})`, med(big.model), `${ratioStats(big.ratios.modelVsVerilatorO2)} Verilator -O2 alone`]);
  const m = r.machine;
  return [
    `Measured by \`npm run bench\` on ${r.date.slice(0, 10)} (${m.cpu}, ${m.cores} cores, ${m.node}; load average ${load(m.loadAverage.start)} at the start, ${load(m.loadAverage.end)} at the end). Cycles per CPU second unless marked wall; ratios per round, median [min … max]:`,
    '',
    '| | cycles/s | ratio |',
    '|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** The README text with the table between the markers replaced; an error when the markers are missing. */
export function withSpeedTable(readme: string, r: BenchReport): string {
  const a = readme.indexOf(SPEED_BEGIN);
  const b = readme.indexOf(SPEED_END);
  if (a < 0 || b < a) throw new Error(`README.md: the speed table's markers are missing (${SPEED_BEGIN} … ${SPEED_END})`);
  return readme.slice(0, a + SPEED_BEGIN.length) + '\n' + speedTable(r) + '\n' + readme.slice(b);
}
