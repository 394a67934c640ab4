// index.html of a sweep: one self-contained page that works offline from file:// — the Vega,
// Vega-Lite and vega-embed builds from node_modules inlined, the sweep's report (sweep.json)
// and the plots' specs embedded as JSON, and the page's own script (page.js) and layout
// (page.html) beside this file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PointRow } from '../row.ts';
import { chartRows, charts } from './charts.ts';

/** What the page needs of a sweep report (harness/sweep/report.ts SweepReport). */
export interface ExplorerReport {
  description: string | null;
  data: string | null;
  vectors: number | null;
  seed: number | null;
  yosysVersion: string | null;
  rtlHash: string | null;
  points: PointRow[];
}

/** A parameter column of the table: its name and its value in a row. */
export interface ParamColumn {
  name: string;
  get: (r: PointRow) => string | number;
}

const here = (f: string) => readFileSync(new URL(f, import.meta.url), 'utf8');
const require = createRequire(import.meta.url);
/** A package's minified browser build, without its source-map comment (nothing to fetch offline). */
const build = (pkg: string, file: string) => readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
/** Text that may sit inside <script>: no "</script" can end it early. */
const scriptSafe = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** What the points were synthesized for, and what their clock is. */
function targetsLine(points: PointRow[]): string {
  const targets = [...new Set(points.map((p) => p.target ?? 'xc7'))];
  return targets.map((t) => (t === 'xc7' ? 'synth_xilinx (xc7), clock: Yosys sta estimate without routing' : `synth_ice40 + nextpnr-ice40 (${t}), clock: routed`)).join('; ');
}

export function explorerHtml(report: ExplorerReport, columns: ParamColumn[]): string {
  const base = chartRows(report.points);
  const rows = base.map((c, i) => {
    const r = report.points[i]!;
    return { ...c, depth: r.logicDepth, carry: r.carry, params: Object.fromEntries(columns.map((col) => [col.name, col.get(r)])) };
  });
  const modules: Record<number, unknown[]> = {};
  const totals: Record<number, unknown> = {};
  for (const r of report.points) {
    const m = r.synth?.modules;
    if (!m) continue;
    modules[r.index] = Object.values(m).sort((a, b) => b.lut * b.instances - a.lut * a.instances);
    if (r.synth?.modulesTotal) totals[r.index] = r.synth.modulesTotal;
  }
  const data = { report, rows, columns: columns.map((c) => c.name), charts: charts(base), modules, totals };
  const meta = [
    report.description,
    `${report.points.length} points; accuracy on ${report.vectors ?? '?'} vectors ${report.data ? `of ${report.data}` : `generated from seed ${report.seed ?? '?'}`}`,
    `${report.yosysVersion ?? 'Yosys ?'}, ${targetsLine(report.points)}, rtl ${report.rtlHash?.slice(0, 12) ?? '?'}`,
  ].filter(Boolean).map((s) => esc(s!));
  const links = ['sweep.json', 'sweep.csv', 'modules.csv', 'sweep.md'].map((f) => `<a href="${f}">${f}</a>`).join(' · ');
  const parts: Record<string, string> = {
    '<!--META-->': `${meta.join('<br>')}<br>${links}`,
    '/*DATA*/': JSON.stringify(data).replace(/</g, '\\u003c'),
    '/*VEGA*/': scriptSafe(build('vega', 'vega.min.js')),
    '/*VEGA-LITE*/': scriptSafe(build('vega-lite', 'vega-lite.min.js')),
    '/*VEGA-EMBED*/': scriptSafe(build('vega-embed', 'vega-embed.min.js')),
    '/*PAGE*/': scriptSafe(here('./page.js')),
  };
  // One pass over the template, so nothing inserted is searched for placeholders again.
  return here('./page.html').replace(/<!--META-->|\/\*(DATA|VEGA|VEGA-LITE|VEGA-EMBED|PAGE)\*\//g, (m) => parts[m]!);
}
