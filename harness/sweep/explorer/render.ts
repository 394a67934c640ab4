// Vega-Lite specs to SVG text in Node: compiled to Vega, run headless (no canvas: renderer
// 'none'; text widths are estimated), the `points` dataset inserted as the page inserts it.
// Vega and Vega-Lite load on first use: a second of start-up that no other command needs.
import type { TopLevelSpec } from 'vega-lite';
import type { ChartRow } from './charts.ts';

export async function renderSvg(spec: Record<string, unknown>, rows: ChartRow[]): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  view.data('points', rows);
  await view.runAsync();
  const svg = await view.toSVG();
  view.finalize();
  return svg.endsWith('\n') ? svg : svg + '\n';
}
