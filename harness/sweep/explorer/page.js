// The sweep explorer's script (plain DOM; harness/sweep/explorer/page.ts puts it, the Vega
// builds and the sweep's data into index.html). State: the filters, the table's sort, the
// selected point and the accuracy bar; every change re-renders the table, the answer, the
// module breakdown and feeds the filtered points to every plot.
'use strict';
const D = JSON.parse(document.getElementById('sweep-data').textContent);
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) k.startsWith('on') ? e.addEventListener(k.slice(2), v) : e.setAttribute(k, v);
  e.append(...kids.filter((k) => k !== null && k !== undefined));
  return e;
};
const pct = (v) => (v === null ? '–' : `${(v * 100).toFixed(2)}%`);
const sci = (v) => (v === null ? '–' : v.toExponential(2));
const int = (v) => (v === null ? '–' : String(v));

const MODES = [...new Set(D.rows.map((r) => r.mode))];
const LABELS = D.rows.some((r) => r.labelAccuracy !== null);
const state = { modes: new Set(MODES), params: {}, sort: { key: 'index', dir: 1 }, selected: null };
const views = [];

// Table columns: the parameters that vary, then the figures.
const COLUMNS = [
  { key: 'index', title: '#', get: (r) => r.index },
  ...D.columns.map((name) => ({ key: `param:${name}`, title: name, get: (r) => r.params[name] })),
  { key: 'latency', title: 'latency', get: (r) => r.latency },
  { key: 'ii', title: 'II', get: (r) => r.ii },
  { key: 'fmax', title: 'MHz', get: (r) => r.fmax, show: (v) => (v === null ? '–' : String(v)) },
  { key: 'latencyNs', title: 'latency ns', get: (r) => r.latencyNs },
  { key: 'iiNs', title: 'II ns', get: (r) => r.iiNs },
  { key: 'lut', title: 'LUT', get: (r) => r.lut },
  { key: 'ff', title: 'FF', get: (r) => r.ff },
  { key: 'dsp', title: 'DSP', get: (r) => r.dsp },
  { key: 'bram', title: 'BRAM', get: (r) => r.bram },
  { key: 'depth', title: 'depth', get: (r) => r.depth },
  ...(LABELS
    ? [
        { key: 'labelAccuracy', title: 'label acc.', get: (r) => r.labelAccuracy, show: pct },
        { key: 'floatLabelAccuracy', title: 'float', get: (r) => r.floatLabelAccuracy, show: pct },
      ]
    : []),
  { key: 'top1VsFloat', title: 'top-1 vs float', get: (r) => r.top1VsFloat, show: pct },
  { key: 'maxProbError', title: 'maxProbError', get: (r) => r.maxProbError, show: sci },
  { key: 'valueOrder', title: 'valueOrder', get: (r) => r.valueOrder, show: pct },
  { key: 'status', title: 'status', get: (r) => (r.ok ? 'ok' : 'failed') },
];

// "The cheapest point that meets": see docs/sweep.md §Explorer for the rule.
const METRICS = {
  labelAccuracy: { name: 'label accuracy', atLeast: true },
  top1VsFloat: { name: 'top-1 vs float', atLeast: true },
  valueOrder: { name: 'valueOrder', atLeast: true },
  maxProbError: { name: 'maxProbError', atLeast: false },
};
const barText = (metric, value) => (METRICS[metric].atLeast ? `${METRICS[metric].name} ≥ ${value}%` : `${METRICS[metric].name} ≤ ${value}`);
const COSTS = ['lut', 'bram', 'dsp', 'ff'];

function meets(r, bar) {
  const v = r[bar.metric];
  if (v === null || v === undefined) return false;
  if (METRICS[bar.metric].atLeast ? v < bar.value / 100 : v > bar.value) return false;
  if (bar.latencyNs !== null && (r.latencyNs === null || r.latencyNs === undefined || r.latencyNs > bar.latencyNs)) return false;
  return bar.latency === null || r.latency <= bar.latency;
}

function cheapest(rows, bar) {
  const order = [bar.cost, ...COSTS.filter((c) => c !== bar.cost), 'latency', 'index'];
  const ok = rows.filter((r) => r.ok && r[bar.cost] !== null && meets(r, bar));
  ok.sort((a, b) => {
    for (const k of order) if (a[k] !== b[k]) return a[k] - b[k];
    return 0;
  });
  return ok[0] ?? null;
}

function readBar() {
  const num = (id) => ($(id).value.trim() === '' ? null : Number($(id).value));
  return { metric: $('bar-metric').value, value: num('bar-value') ?? 0, latency: num('bar-latency'), latencyNs: num('bar-latency-ns'), cost: $('bar-cost').value };
}

const shown = () => D.rows.filter((r) => state.modes.has(r.mode) && Object.entries(state.params).every(([k, v]) => v === '' || String(r.params[k]) === v));

function renderFilters() {
  const box = $('filters');
  box.append(
    el('span', { class: 'group' }, 'mode: ', ...MODES.map((m) => el('label', {}, el('input', { type: 'checkbox', checked: '', 'data-mode': m, onchange: (e) => (e.target.checked ? state.modes.add(m) : state.modes.delete(m), update()) }), ` ${m}`))),
  );
  for (const name of D.columns.filter((c) => c !== 'mode')) {
    const values = [...new Set(D.rows.map((r) => String(r.params[name])))];
    const select = el('select', { 'data-param': name, onchange: (e) => ((state.params[name] = e.target.value), update()) }, el('option', { value: '' }, 'all'), ...values.map((v) => el('option', { value: v }, v)));
    box.append(el('span', { class: 'group' }, `${name}: `, select));
  }
}

function renderTable(rows, best) {
  const { key, dir } = state.sort;
  const col = COLUMNS.find((c) => c.key === key);
  const sorted = [...rows].sort((a, b) => {
    const x = col.get(a), y = col.get(b);
    if (x === y) return a.index - b.index;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
  });
  const head = el('tr', {}, ...COLUMNS.map((c) => el('th', { 'data-key': c.key, class: c.key === key ? (dir > 0 ? 'asc' : 'desc') : '', onclick: () => ((state.sort = { key: c.key, dir: c.key === key ? -dir : 1 }), update()) }, c.title)));
  const body = sorted.map((r) => {
    const cls = [r.index === state.selected ? 'selected' : '', best && r.index === best.index ? 'cheapest' : '', r.ok ? '' : 'failed'].join(' ').trim();
    return el('tr', { 'data-index': r.index, class: cls, onclick: () => select(r.index) }, ...COLUMNS.map((c) => el('td', {}, (c.show ?? int)(c.get(r) ?? null))));
  });
  $('points').replaceChildren(el('thead', {}, head), el('tbody', {}, ...body));
  $('count').textContent = `${rows.length} of ${D.rows.length} points`;
}

function renderAnswer(best, bar) {
  const m = METRICS[bar.metric];
  const what = `${barText(bar.metric, bar.value)}${bar.latency === null ? '' : `, latency ≤ ${bar.latency}`}${bar.latencyNs === null ? '' : `, latency ≤ ${bar.latencyNs} ns`}`;
  $('answer').replaceChildren(
    best
      ? el('span', { 'data-index': best.index }, el('b', {}, best.label), ` — ${bar.cost.toUpperCase()} ${best[bar.cost]}, latency ${best.latency}${best.latencyNs === null ? '' : ` = ${best.latencyNs} ns at ${best.fmax} MHz`}, ${bar.metric} ${m.atLeast ? pct(best[bar.metric]) : sci(best[bar.metric])} `, el('a', { href: '#', onclick: (e) => (e.preventDefault(), select(best.index)) }, 'select'))
      : el('span', { 'data-index': '' }, `no point shown meets ${what}`),
  );
}

function renderModules() {
  const box = $('modules');
  const r = D.rows.find((x) => x.index === state.selected);
  if (!r) return box.replaceChildren(el('p', { class: 'hint' }, 'Select a point (a table row or a mark in a plot) to see its modules.'));
  const mods = D.modules[r.index];
  if (!mods) return box.replaceChildren(el('p', { 'data-index': r.index }, `${r.label}: no per-module synthesis (--no-modules, or it failed).`));
  const max = Math.max(1, ...mods.map((m) => m.lut * m.instances));
  const row = (name, m, n, bar) => el('tr', { 'data-module': name }, el('td', {}, name), el('td', {}, bar ? String(n) : ''), ...['lut', 'ff', 'dsp', 'bram', 'carry', 'logicDepth'].map((k) => el('td', {}, m[k] === undefined ? '–' : String(k === 'logicDepth' ? m[k] : m[k] * n))), el('td', {}, bar ? el('div', { class: 'bar', style: `width:${(100 * m.lut * n) / max}%` }) : ''));
  box.replaceChildren(
    el('h3', { 'data-index': r.index }, r.label),
    el(
      'table',
      { class: 'modules' },
      el('thead', {}, el('tr', {}, ...['module', 'instances', 'LUT', 'FF', 'DSP', 'BRAM', 'CARRY4', 'depth', 'LUT share'].map((t) => el('th', {}, t)))),
      el('tbody', {}, ...mods.map((m) => row(m.module, m, m.instances, true))),
      el('tfoot', {}, D.totals[r.index] ? row('sum of modules', D.totals[r.index], 1, false) : null, row('flattened total', { lut: r.lut, ff: r.ff, dsp: r.dsp, bram: r.bram, carry: r.carry, logicDepth: r.depth }, 1, false)),
    ),
  );
}

function select(index) {
  state.selected = state.selected === index ? null : index;
  update();
}

// data-updates counts finished re-renders and data-busy the ones still drawing (a test waits on both).
let busy = 0;
async function update() {
  document.body.dataset.busy = String(++busy);
  const rows = shown();
  const bar = readBar();
  const best = cheapest(rows, bar);
  renderTable(rows, best);
  renderAnswer(best, bar);
  renderModules();
  const data = rows.map((r) => ({ ...r, selected: r.index === state.selected, cheapest: !!best && r.index === best.index }));
  await Promise.all(views.map((v) => v.data('points', data).runAsync()));
  document.body.dataset.busy = String(--busy);
  document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
}

function initBar() {
  const metrics = Object.keys(METRICS).filter((m) => m !== 'labelAccuracy' || LABELS);
  $('bar-metric').replaceChildren(...metrics.map((m) => el('option', { value: m }, `${METRICS[m].name} ${METRICS[m].atLeast ? '≥ (%)' : '≤'}`)));
  $('bar-cost').replaceChildren(...COSTS.map((c) => el('option', { value: c }, c.toUpperCase())));
  // A first question: the best label accuracy any point reaches, else the --max-prob-error default.
  const best = Math.max(...D.rows.map((r) => r.labelAccuracy ?? 0));
  const [metric, value] = LABELS ? ['labelAccuracy', Math.floor(best * 10000) / 100] : D.rows.some((r) => r.maxProbError !== null) ? ['maxProbError', 0.001] : ['top1VsFloat', 99];
  $('bar-metric').value = metric;
  $('bar-value').value = String(value);
  $('bar-metric').addEventListener('change', () => {
    $('bar-value').value = METRICS[$('bar-metric').value].atLeast ? '99' : '0.001';
    update();
  });
  for (const id of ['bar-value', 'bar-latency', 'bar-latency-ns', 'bar-cost']) $(id).addEventListener('input', update);
}

async function main() {
  renderFilters();
  initBar();
  for (const c of D.charts) {
    const box = el('div', { class: 'chart', id: `chart-${c.id}`, 'data-chart': c.id });
    $(`charts-${c.group}`).append(box);
    const { view } = await vegaEmbed(box, c.spec, { renderer: 'svg', actions: false, logLevel: vega.Error });
    view.addEventListener('click', (_, item) => item && item.datum && typeof item.datum.index === 'number' && select(item.datum.index));
    views.push(view);
  }
  await update();
  document.body.dataset.ready = '1';
}

main().catch((e) => {
  document.body.dataset.error = String(e);
  console.error(e);
});
