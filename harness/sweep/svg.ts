// Small hand-written SVG charts (no plotting library): scatter or line series on linear or log
// axes, and several charts side by side in one file.

export interface SeriesPoint {
  x: number;
  y: number;
  label?: string;
}

export interface Series {
  name: string;
  color: string;
  points: SeriesPoint[];
  /** join the points (sorted by x) with a line */
  line?: boolean;
  /** hollow markers */
  hollow?: boolean;
}

export interface Chart {
  title: string;
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  series: Series[];
  width?: number;
  height?: number;
  /** format of tick labels */
  yFormat?: (v: number) => string;
  xFormat?: (v: number) => string;
}

export const PALETTE = { argmax: '#1f77b4', softmax: '#d62728', 'softmax (serial)': '#ff9896', approx: '#2ca02c', other: '#7f7f7f' } as const;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number) => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0).replace('e+', 'e') : String(+v.toPrecision(4)));
export const siFormat = (v: number) => (Math.abs(v) >= 1e6 ? `${+(v / 1e6).toPrecision(3)}M` : Math.abs(v) >= 1e3 ? `${+(v / 1e3).toPrecision(3)}k` : num(v));

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (lo === hi) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => (hi - lo) / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
  const mult = b - a <= 1 ? [1, 1.5, 2, 3, 5, 7] : b - a <= 4 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = a; e <= b; e++) for (const m of mult) {
    const v = m * 10 ** e;
    if (v >= lo * 0.999 && v <= hi * 1.001) out.push(+v.toPrecision(12));
  }
  return out.length >= 2 ? out : niceTicks(lo, hi, 4).filter((v) => v > 0);
}

/** The colour darkened by `steps` × 28 % (to tell series of one mode apart). */
export function shade(hex: string, steps: number): string {
  const f = Math.max(0.25, 1 - 0.28 * steps);
  const n = parseInt(hex.slice(1), 16);
  const c = [16, 8, 0].map((s) => Math.round(((n >> s) & 255) * f));
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

function range(vals: number[], log: boolean): [number, number] {
  const v = log ? vals.filter((x) => x > 0) : vals;
  if (!v.length) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...v), hi = Math.max(...v);
  if (log) {
    if (lo === hi) [lo, hi] = [lo / 2, hi * 2];
    return [lo / 1.25, hi * 1.25];
  }
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.08;
  return [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
}

/** One chart as an SVG group at (0, 0); returns the markup and its size. */
function chartBody(c: Chart): { svg: string; width: number; height: number } {
  const width = c.width ?? 560, height = c.height ?? 380;
  const m = { l: 70, r: 150, t: 34, b: 48 };
  const pw = width - m.l - m.r, ph = height - m.t - m.b;
  const pts = c.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const [x0, x1] = range(pts.map((p) => p.x), !!c.xLog);
  const [y0, y1] = range(pts.map((p) => p.y), !!c.yLog);
  const tx = (x: number) => m.l + (c.xLog ? (Math.log(x) - Math.log(x0)) / (Math.log(x1) - Math.log(x0)) : (x - x0) / (x1 - x0)) * pw;
  const ty = (y: number) => m.t + ph - (c.yLog ? (Math.log(y) - Math.log(y0)) / (Math.log(y1) - Math.log(y0)) : (y - y0) / (y1 - y0)) * ph;
  const xf = c.xFormat ?? siFormat, yf = c.yFormat ?? siFormat;
  const out: string[] = [];
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="#fff" stroke="#999"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(c.title)}</text>`);
  for (const t of c.xLog ? logTicks(x0, x1) : niceTicks(x0, x1)) {
    const x = tx(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${m.t}" x2="${x}" y2="${m.t + ph}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${m.t + ph + 16}" text-anchor="middle" font-size="11">${esc(xf(t))}</text>`);
  }
  for (const t of c.yLog ? logTicks(y0, y1) : niceTicks(y0, y1)) {
    const y = ty(t).toFixed(1);
    out.push(`<line x1="${m.l}" y1="${y}" x2="${m.l + pw}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${esc(yf(t))}</text>`);
  }
  out.push(`<text x="${m.l + pw / 2}" y="${height - 10}" text-anchor="middle" font-size="12">${esc(c.xLabel)}${c.xLog ? ' (log)' : ''}</text>`);
  out.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(c.yLabel)}${c.yLog ? ' (log)' : ''}</text>`);
  c.series.forEach((s, i) => {
    const ok = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!c.xLog || p.x > 0) && (!c.yLog || p.y > 0));
    if (s.line && ok.length > 1) {
      const d = [...ok].sort((a, b) => a.x - b.x).map((p, j) => `${j ? 'L' : 'M'}${tx(p.x).toFixed(1)} ${ty(p.y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
    }
    for (const p of ok) {
      const [x, y] = [tx(p.x).toFixed(1), ty(p.y).toFixed(1)];
      out.push(`<g><title>${esc(`${s.name}: ${p.label ? p.label + ', ' : ''}${xf(p.x)}, ${yf(p.y)}`)}</title><circle cx="${x}" cy="${y}" r="4" fill="${s.hollow ? '#fff' : s.color}" stroke="${s.color}" stroke-width="1.5"/></g>`);
      const right = +x > m.l + pw - 60;
      if (p.label) out.push(`<text x="${(+x + (right ? -6 : 6)).toFixed(1)}" y="${(+y - 6).toFixed(1)}" font-size="10" fill="#444"${right ? ' text-anchor="end"' : ''}>${esc(p.label)}</text>`);
    }
    const ly = m.t + 8 + i * 18;
    out.push(`<circle cx="${m.l + pw + 16}" cy="${ly}" r="4" fill="${s.hollow ? '#fff' : s.color}" stroke="${s.color}" stroke-width="1.5"/>`);
    out.push(`<text x="${m.l + pw + 26}" y="${ly}" dominant-baseline="middle" font-size="11">${esc(s.name)}</text>`);
  });
  if (!pts.length) out.push(`<text x="${m.l + pw / 2}" y="${m.t + ph / 2}" text-anchor="middle" font-size="12" fill="#999">no data</text>`);
  return { svg: out.join('\n'), width, height };
}

/** Charts side by side (`cols` per row) in one SVG document. */
export function svgCharts(charts: Chart[], cols = charts.length, caption?: string): string {
  const bodies = charts.map(chartBody);
  const cw = Math.max(...bodies.map((b) => b.width)), ch = Math.max(...bodies.map((b) => b.height));
  const rows = Math.ceil(bodies.length / cols);
  const capH = caption ? 22 : 0;
  const W = cw * Math.min(cols, bodies.length), H = ch * rows + capH;
  const groups = bodies.map((b, i) => `<g transform="translate(${(i % cols) * cw} ${Math.floor(i / cols) * ch})">\n${b.svg}\n</g>`);
  const cap = caption ? `<text x="8" y="${H - 7}" font-size="11" fill="#555">${esc(caption)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">\n<rect width="${W}" height="${H}" fill="#fff"/>\n${groups.join('\n')}\n${cap}\n</svg>\n`;
}
