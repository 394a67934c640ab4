// The sweep's plots as Vega-Lite specs, one list for both uses: the static SVGs beside the
// tables (rendered in Node, harness/sweep/explorer/render.ts) and the interactive page
// (index.html, which feeds the same specs its filtered points). Every spec reads the named
// dataset `points` (one ChartRow per point) and draws each point that has its fields as one
// mark of the layer named `<id>_points` (`pareto_lut_points`: unique, so specs can be put side by
// side); the page and its test count those marks.
import type { PointRow } from '../row.ts';

/** One point as the plots and the page's table see it. */
export interface ChartRow {
  index: number;
  label: string;
  mode: string;
  /** mode, with the softmax divider told apart: the colour */
  series: string;
  /** the configuration but the exp table's size: one line of the exp-table plots */
  line: string;
  classes: number;
  addrBits: number;
  ok: boolean;
  lut: number | null;
  ff: number | null;
  dsp: number | null;
  bram: number | null;
  latency: number;
  ii: number;
  /** MHz: routed (iCE40) or estimated (xc7, no routing); null when not measured */
  fmax: number | null;
  fmaxKind: string | null;
  /** latency and II at fmax, ns */
  latencyNs: number | null;
  iiNs: number | null;
  top1VsFloat: number | null;
  maxProbError: number | null;
  valueOrder: number | null;
  labelAccuracy: number | null;
  floatLabelAccuracy: number | null;
  /** set by the page: the selected point, the answer of "the cheapest point that meets" */
  selected: boolean;
  cheapest: boolean;
}

export const PALETTE: Record<string, string> = { argmax: '#1f77b4', softmax: '#d62728', 'softmax (serial)': '#ff9896', approx: '#2ca02c' };

const num = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? null : v);

export function chartRows(rows: PointRow[]): ChartRow[] {
  return rows.map((r) => {
    const c = r.config as { mode: string; divider: string; classes: number; cPar: number; emit: string; expLut: { addrBits: number } };
    const series = c.mode === 'softmax' && c.divider === 'serial' ? 'softmax (serial)' : c.mode;
    return {
      index: r.index,
      label: `#${r.index} ${series} N=${c.classes} cPar=${c.cPar}${c.mode === 'argmax' ? '' : ` exp${c.expLut.addrBits}`}${c.emit === 'all' ? ' emit all' : ''}`,
      mode: c.mode,
      series,
      line: JSON.stringify({ ...c, expLut: { ...c.expLut, addrBits: null } }),
      classes: c.classes,
      addrBits: c.expLut.addrBits,
      ok: r.status === 'ok',
      lut: r.lut,
      ff: r.ff,
      dsp: r.dsp,
      bram: r.bram,
      latency: r.latency.total,
      ii: r.ii,
      fmax: num(r.fmax),
      fmaxKind: r.fmaxKind ?? null,
      latencyNs: num(r.latencyNs),
      iiNs: num(r.iiNs),
      top1VsFloat: num(r.top1VsFloat),
      maxProbError: num(r.maxProbError),
      valueOrder: num(r.valueOrderAgreement),
      labelAccuracy: num(r.labelAccuracy),
      floatLabelAccuracy: num(r.floatLabelAccuracy),
      selected: false,
      cheapest: false,
    };
  });
}

type Spec = Record<string, unknown>;
interface Axis {
  field: string;
  title: string;
  log?: boolean;
  format?: string;
  /** the ticks, from the sweep's values (Vega's own crowd a short log range, and put 80.5 between 80 and 81 DSPs) */
  values?: number[];
}

const enc = (a: Axis) => ({
  field: a.field,
  type: 'quantitative',
  title: a.title,
  scale: a.log ? { type: 'log' } : { zero: false, nice: true },
  axis: { ...(a.format ? { format: a.format } : {}), ...(a.values ? { values: a.values } : {}) },
});

/** 1, 2, 5 × 10^k (fewer over many decades) spanning the values. */
function logTicks(v: number[]): number[] {
  const lo = Math.floor(Math.log10(Math.min(...v))), hi = Math.ceil(Math.log10(Math.max(...v)));
  const steps = hi - lo > 4 ? [1] : hi - lo > 2 ? [1, 3] : [1, 2, 5];
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) for (const m of steps) out.push(+(m * 10 ** e).toPrecision(6));
  return out;
}

/** About five ticks spanning the values, a step of 1, 2, 2.5 or 5 × 10^k and at least `minStep`. */
function linearTicks(v: number[], minStep: number): number[] {
  const lo = Math.min(...v), hi = Math.max(...v);
  const raw = Math.max(minStep, (hi - lo) / 5);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw && x % minStep === 0) ?? 10 * mag;
  const out: number[] = [];
  for (let x = Math.floor(lo / step) * step; x <= hi + step / 2; x += step) out.push(+x.toPrecision(10));
  return out;
}

const TOOLTIP = [
  { field: 'label', title: 'point' },
  { field: 'lut', title: 'LUT' },
  { field: 'bram', title: 'BRAM' },
  { field: 'dsp', title: 'DSP' },
  { field: 'latency', title: 'latency' },
  { field: 'fmax', title: 'MHz' },
  { field: 'latencyNs', title: 'latency ns' },
  { field: 'maxProbError', title: 'maxProbError', format: '.2e' },
  { field: 'labelAccuracy', title: 'labelAccuracy', format: '.2%' },
  { field: 'valueOrder', title: 'valueOrder', format: '.1%' },
];

/**
 * A scatter of the points that have x and y: coloured by series, the selected and the cheapest
 * point ringed; `extra` layers (the Pareto front) go underneath.
 */
function scatter(id: string, title: string, x: Axis, y: Axis, series: string[], o: { filter?: string; transform?: Spec[]; extra?: Spec[]; width?: number } = {}): Spec {
  const name = (layer: string) => `${id.replace(/-/g, '_')}_${layer}`;
  const has = (a: Axis) => `isValid(datum.${a.field})${a.log ? ` && datum.${a.field} > 0` : ''}`;
  const xy = { x: enc(x), y: enc(y) };
  const ring = (field: string, color: string, size: number) => ({
    transform: [{ filter: `datum.${field}` }],
    mark: { type: 'point', shape: 'circle', size, color, strokeWidth: 2, filled: false },
    encoding: xy,
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    // The page inserts its points after the first layout: the axes' room must be found again.
    autosize: { type: 'pad', resize: true },
    config: { legend: { orient: 'top' } },
    width: o.width ?? 300,
    height: 220,
    data: { name: 'points' },
    transform: [{ filter: `${o.filter ? `(${o.filter}) && ` : ''}${has(x)} && ${has(y)}` }, ...(o.transform ?? [])],
    layer: [
      ...(o.extra ?? []).map((l) => ({ ...l, name: name(l.name as string) })),
      {
        name: name('points'),
        mark: { type: 'point', shape: 'circle', filled: true, size: 55, opacity: 0.85 },
        encoding: { ...xy, color: { field: 'series', type: 'nominal', title: 'mode', scale: { domain: series, range: series.map((s) => PALETTE[s] ?? '#7f7f7f') } }, tooltip: TOOLTIP },
      },
      { name: name('selected'), ...ring('selected', '#000', 220) },
      { name: name('cheapest'), ...ring('cheapest', '#f0a000', 380) },
    ],
  };
}

/**
 * Latency (in cycles, or in ns at each point's clock) against a resource, with the Pareto front:
 * a point is Pareto-optimal when no other point has both less of the resource and less latency
 * (ties: the first by resource, then latency). Sorted by (resource, latency), that is: latency
 * below the minimum of every earlier point.
 */
function pareto(id: string, resource: Axis, y: Axis, series: string[]): Spec {
  const lat = y.field;
  const sort = [{ field: resource.field }, { field: lat }, { field: 'index' }];
  return scatter(id, `Latency${lat === 'latencyNs' ? ' (ns)' : ''} vs ${resource.title}`, resource, y, series, {
    filter: 'datum.ok',
    transform: [
      // Vega's frame cannot end before the current row: the running minimum, then the previous row's.
      { window: [{ op: 'min', field: lat, as: 'latencyMin' }], sort, frame: [null, 0], ignorePeers: true },
      { window: [{ op: 'lag', field: 'latencyMin', as: 'latencyBefore' }], sort },
      { calculate: `!isValid(datum.latencyBefore) || datum.${lat} < datum.latencyBefore`, as: 'pareto' },
    ],
    extra: [
      { name: 'front', transform: [{ filter: 'datum.pareto' }], mark: { type: 'line', interpolate: 'step-after', color: '#888', strokeDash: [4, 3] }, encoding: { x: enc(resource), y: enc(y), order: { field: resource.field } } },
      { name: 'pareto', transform: [{ filter: 'datum.pareto' }], mark: { type: 'point', shape: 'diamond', size: 150, color: '#333', filled: false }, encoding: { x: enc(resource), y: enc(y) } },
    ],
  });
}

export interface ChartDef {
  id: string;
  /** the page's section */
  group: 'pareto' | 'pareto-ns' | 'accuracy' | 'exp' | 'classes';
  spec: Spec;
}

/** Every plot of the sweep, for these rows (the colour domain and the accuracy measure depend on them). */
export function charts(rows: ChartRow[]): ChartDef[] {
  const series = Object.keys(PALETTE).filter((s) => rows.some((r) => r.series === s));
  for (const r of rows) if (!series.includes(r.series)) series.push(r.series);
  const labels = rows.some((r) => r.labelAccuracy !== null);
  const valuesOf = (field: keyof ChartRow) => rows.map((r) => r[field]).filter((x): x is number => typeof x === 'number' && x > 0);
  // A log axis over one value has no extent: linear then.
  const log = (field: keyof ChartRow, title: string, format = '~s'): Axis => {
    const v = valuesOf(field);
    return new Set(v).size > 1 ? { field, title, log: true, format, values: logTicks(v) } : { field, title, format };
  };
  const linear = (field: keyof ChartRow, title: string, minStep: number): Axis => {
    const v = valuesOf(field);
    return { field, title, format: minStep >= 1 ? 'd' : '~r', ...(v.length ? { values: linearTicks(v, minStep) } : {}) };
  };
  // iCE40 points count LUT4, SB_MAC16 and EBR in the same columns
  const ice40 = rows.length > 0 && rows.every((r) => r.fmaxKind === 'routed');
  const LUT = log('lut', ice40 ? 'LUT4' : 'LUT');
  const latency = log('latency', 'latency (cycles)');
  const latencyNs = log('latencyNs', `latency (ns at ${ice40 ? 'the routed clock' : 'the estimated clock'})`);
  const bramAxis = linear('bram', ice40 ? 'EBR (4 kbit)' : 'BRAM (RAMB36 eq.)', ice40 ? 1 : 0.5);
  const dspAxis = linear('dsp', ice40 ? 'SB_MAC16' : 'DSP48E1', 1);
  const maxProbError = log('maxProbError', 'maxProbError', '.0e');
  const acc: Axis = labels ? { field: 'labelAccuracy', title: 'label accuracy', format: '.2~%' } : { field: 'top1VsFloat', title: 'top-1 vs float64', format: '.2~%' };
  const expX = linear('addrBits', 'expLut.addrBits', 1);
  const exp = (id: string, y: Axis, title: string): ChartDef => ({
    id,
    group: 'exp',
    spec: scatter(id, title, expX, y, series, {
      filter: "datum.mode !== 'argmax'",
      extra: [{ name: 'lines', mark: { type: 'line', strokeWidth: 1.2, opacity: 0.6 }, encoding: { x: enc(expX), y: enc(y), detail: { field: 'line' }, color: { field: 'series', type: 'nominal' } } }],
      width: 240,
    }),
  });
  return [
    { id: 'pareto-lut', group: 'pareto', spec: pareto('pareto-lut', LUT, latency, series) },
    { id: 'pareto-bram', group: 'pareto', spec: pareto('pareto-bram', bramAxis, latency, series) },
    { id: 'pareto-dsp', group: 'pareto', spec: pareto('pareto-dsp', dspAxis, latency, series) },
    { id: 'pareto-lut-ns', group: 'pareto-ns', spec: pareto('pareto-lut-ns', LUT, latencyNs, series) },
    { id: 'pareto-bram-ns', group: 'pareto-ns', spec: pareto('pareto-bram-ns', bramAxis, latencyNs, series) },
    { id: 'pareto-dsp-ns', group: 'pareto-ns', spec: pareto('pareto-dsp-ns', dspAxis, latencyNs, series) },
    { id: 'error-vs-lut', group: 'accuracy', spec: scatter('error-vs-lut', 'Softmax maxProbError vs LUT', LUT, maxProbError, series, { filter: 'datum.ok' }) },
    { id: 'accuracy-vs-lut', group: 'accuracy', spec: scatter('accuracy-vs-lut', `${labels ? 'Label accuracy' : 'Top-1 vs float64'} vs LUT`, LUT, acc, series, { filter: 'datum.ok' }) },
    exp('exp-error', maxProbError, 'Softmax maxProbError vs exp table'),
    exp('exp-order', { field: 'valueOrder', title: 'valueOrder', format: '.0%' }, 'Sorted values keep the logit order'),
    exp('exp-accuracy', acc, `${labels ? 'Label accuracy' : 'Top-1 vs float64'} vs exp table`),
    ...(['lut', 'ff', 'dsp', 'bram'] as const).map((r): ChartDef => {
      const title = { lut: 'LUT', ff: 'FF', dsp: 'DSP48E1', bram: 'BRAM (RAMB36 eq.)' }[r];
      const y = r === 'lut' || r === 'ff' ? log(r, title) : linear(r, title, r === 'bram' ? 0.5 : 1);
      const spec = scatter(`classes-${r}`, `${title} vs classes`, log('classes', 'classes N', 'd'), y, series, { filter: 'datum.ok', width: 240 });
      return { id: `classes-${r}`, group: 'classes', spec };
    }),
  ];
}

export const STATIC_CHARTS = ['latency-vs-lut.svg', 'latency-ns-vs-lut.svg', 'accuracy-vs-lut.svg', 'accuracy-vs-exp.svg', 'resources-vs-classes.svg'];

/** The static SVG files (STATIC_CHARTS): the same specs, side by side. */
export function staticCharts(rows: ChartRow[]): Record<string, Spec> {
  const byId = Object.fromEntries(charts(rows).map((c) => [c.id, c.spec]));
  const side = (ids: string[], title: string): Spec => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    hconcat: ids.map((id) => {
      const { $schema: _s, config: _c, autosize: _a, ...rest } = byId[id]!;
      return rest;
    }),
    resolve: { scale: { color: 'shared' } },
    config: { legend: { orient: 'top' } },
  });
  return {
    'latency-vs-lut.svg': side(['pareto-lut', 'pareto-bram', 'pareto-dsp'], 'Latency vs resources; ◇ Pareto-optimal'),
    'latency-ns-vs-lut.svg': side(['pareto-lut-ns', 'pareto-bram-ns', 'pareto-dsp-ns'], 'Latency in ns (cycles at each point\'s clock: xc7 estimated, iCE40 routed) vs resources; ◇ Pareto-optimal'),
    'accuracy-vs-exp.svg': side(['exp-error', 'exp-order', 'exp-accuracy'], 'Accuracy vs the exp table (bit-true vs float64)'),
    'accuracy-vs-lut.svg': side(['error-vs-lut', 'accuracy-vs-lut'], 'Accuracy vs cost'),
    'resources-vs-classes.svg': side(['classes-lut', 'classes-ff', 'classes-dsp', 'classes-bram'], 'Resources vs classes'),
  };
}
