// Vega-Lite specs to SVG text in Node: compiled to Vega, run headless (no canvas: renderer
// 'none'; text widths are estimated), the `points` dataset inserted as the page inserts it.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ChartRow } from './charts.ts';

export async function renderSvg(spec: Record<string, unknown>, rows: ChartRow[]): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  view.data('points', rows);
  await view.runAsync();
  const svg = await view.toSVG();
  view.finalize();
  return svg.endsWith('\n') ? svg : svg + '\n';
}
