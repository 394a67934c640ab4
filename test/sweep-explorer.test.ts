// The sweep explorer (index.html) in a real browser: a small real sweep on user data (tiny heads,
// real Yosys, per-module synthesis), its page opened from file:// in headless Chromium with the
// network cut off, and checked against sweep.json. With HEADSIM_SCREENSHOT=1 it also takes the
// README's screenshot of the default sweep's page (docs/sweep/index.html → docs/img/sweep-explorer.png).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../harness/inputs/npy.ts';
import type { PointRow } from '../harness/sweep/row.ts';
import { headsim } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A 4-class head on 16 features, with labels: small enough that each synthesis takes seconds.
const N = 4, K = 16, V = 60;
function writeData(dir: string): void {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const W = Float64Array.from({ length: N * K }, rnd), b = Float64Array.from({ length: N }, rnd);
  const X = Float32Array.from({ length: V * K }, () => Math.abs(rnd()));
  // Labels: the float argmax, one in four moved to the next class (so accuracy is not 100 %).
  const y = Int32Array.from({ length: V }, (_, v) => {
    const z = Array.from({ length: N }, (_, n) => b[n]! + Array.from({ length: K }, (_, k) => W[n * K + k]! * X[v * K + k]!).reduce((a, c) => a + c, 0));
    const top = z.indexOf(Math.max(...z));
    return v % 4 === 0 ? (top + 1) % N : top;
  });
  writeNpy(join(dir, 'W.npy'), { dtype: 'f8', shape: [N, K], data: W });
  writeNpy(join(dir, 'b.npy'), { dtype: 'f8', shape: [N], data: b });
  writeNpy(join(dir, 'X.npy'), { dtype: 'f4', shape: [V, K], data: X });
  writeNpy(join(dir, 'y.npy'), { dtype: 'i4', shape: [V], data: y });
}

const SPEC = {
  description: 'explorer test: a 4-class head on 16 features',
  base: { kPar: 4, topK: 2, 'expLut.addrBits': 6 },
  grid: { mode: ['argmax', 'softmax', 'approx'] },
  points: [{ mode: 'softmax', 'expLut.addrBits': 8 }],
  data: { weights: 'W.npy', bias: 'b.npy', inputVectors: 'X.npy', inputLabels: 'y.npy' },
};

/** Which points each plot draws (one mark each), as docs/sweep.md §Explorer says. */
const cfg = (r: PointRow) => r.config as { mode: string };
const pos = (v: number | null | undefined) => v !== null && v !== undefined && v > 0;
const has = (v: number | null | undefined) => v !== null && v !== undefined && !Number.isNaN(v);
const PLOTS: Record<string, (r: PointRow) => boolean> = {
  'pareto-lut': (r) => r.status === 'ok' && pos(r.lut),
  'pareto-bram': (r) => r.status === 'ok' && has(r.bram),
  'pareto-dsp': (r) => r.status === 'ok' && has(r.dsp),
  'pareto-lut-ns': (r) => r.status === 'ok' && pos(r.lut) && pos(r.latencyNs),
  'pareto-bram-ns': (r) => r.status === 'ok' && has(r.bram) && pos(r.latencyNs),
  'pareto-dsp-ns': (r) => r.status === 'ok' && has(r.dsp) && pos(r.latencyNs),
  'error-vs-lut': (r) => r.status === 'ok' && pos(r.lut) && pos(r.maxProbError),
  'accuracy-vs-lut': (r) => r.status === 'ok' && pos(r.lut) && has(r.labelAccuracy),
  'exp-error': (r) => cfg(r).mode !== 'argmax' && pos(r.maxProbError),
  'exp-order': (r) => cfg(r).mode !== 'argmax' && has(r.valueOrderAgreement),
  'exp-accuracy': (r) => cfg(r).mode !== 'argmax' && has(r.labelAccuracy),
  'classes-lut': (r) => r.status === 'ok' && pos(r.lut),
  'classes-ff': (r) => r.status === 'ok' && pos(r.ff),
  'classes-dsp': (r) => r.status === 'ok' && has(r.dsp),
  'classes-bram': (r) => r.status === 'ok' && has(r.bram),
};

/** Pareto-optimal points of (resource, latency): none has both less of the resource and less latency. */
function paretoCount(rows: PointRow[], res: 'lut' | 'bram' | 'dsp', unit: 'cycles' | 'ns' = 'cycles'): number {
  const pts = rows.map((r) => [r[res]!, unit === 'ns' ? r.latencyNs! : r.latency.total] as const);
  const distinct = new Set(pts.filter(([x, y]) => !pts.some(([a, b]) => a <= x && b <= y && (a < x || b < y))).map((p) => p.join()));
  return distinct.size;
}

type Bar = { metric: 'labelAccuracy' | 'top1VsFloat' | 'valueOrder' | 'maxProbError'; value: number; latency: number | null; latencyNs?: number; cost: 'lut' | 'bram' | 'dsp' | 'ff' };
/** The cheapest point that meets the bar, from sweep.json (docs/sweep.md §Explorer). */
function cheapest(rows: PointRow[], bar: Bar): number | null {
  const metric = (r: PointRow) => (bar.metric === 'valueOrder' ? r.valueOrderAgreement : r[bar.metric]);
  const ok = rows.filter((r) => {
    const v = metric(r);
    if (r.status !== 'ok' || r[bar.cost] === null || v === null || v === undefined) return false;
    if (bar.metric === 'maxProbError' ? v > bar.value : v < bar.value / 100) return false;
    if (bar.latencyNs !== undefined && !(r.latencyNs !== null && r.latencyNs !== undefined && r.latencyNs <= bar.latencyNs)) return false;
    return bar.latency === null || r.latency.total <= bar.latency;
  });
  const keys = [bar.cost, ...(['lut', 'bram', 'dsp', 'ff'] as const).filter((c) => c !== bar.cost)];
  ok.sort((a, b) => {
    for (const k of keys) if (a[k] !== b[k]) return a[k]! - b[k]!;
    return a.latency.total - b.latency.total || a.index - b.index;
  });
  return ok[0]?.index ?? null;
}

async function openPage(ctx: BrowserContext, file: string) {
  const page = await ctx.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Offline: anything but the file itself is refused (and recorded).
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
  return { page, problems, requests };
}

/** Run `act` and wait until the page has re-rendered and nothing is still drawing. */
async function changed(page: Page, act: () => Promise<unknown>): Promise<void> {
  const before = await page.evaluate(() => document.body.dataset.updates);
  await act();
  await page.waitForFunction((n) => document.body.dataset.updates !== n && document.body.dataset.busy === '0', before);
}

const marks = (page: Page, chart: string, layer = 'points') => page.locator(`#chart-${chart} g.${chart.replace(/-/g, '_')}_${layer}_marks > path`).count();
const tableIndexes = (page: Page) => page.locator('#points tbody tr').evaluateAll((trs) => trs.map((t) => Number(t.getAttribute('data-index'))));

describe.skipIf(!hasChromium)(`sweep explorer in Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM} is missing; apt-get install chromium)`}`, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'headsim-explorer-'));
  let ctx: BrowserContext;
  let rows: PointRow[];
  let page: Page;
  let seconds = 0;

  beforeAll(async () => {
    writeData(tmp);
    writeFileSync(join(tmp, 'explorer.json'), JSON.stringify(SPEC));
    const t0 = performance.now();
    const r = headsim(['sweep', join(tmp, 'explorer.json'), '--out', join(tmp, 'out'), '--jobs', '2'], 900_000);
    seconds = (performance.now() - t0) / 1000;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    rows = (JSON.parse(readFileSync(join(tmp, 'out', 'sweep', 'explorer', 'sweep.json'), 'utf8')) as { points: PointRow[] }).points;
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmp, 'chromium-')), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 1000 } });
  }, 900_000);

  afterAll(async () => {
    await ctx?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the sweep measured label accuracy on the data and synthesized every module', () => {
    console.log(`explorer test sweep: ${rows.length} points in ${seconds.toFixed(0)} s`);
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.status).toBe('ok');
      expect(r.labelAccuracy).toBeGreaterThan(0.5);
      expect(r.floatLabelAccuracy).toBe(0.75); // one label in four moved off the float argmax
      expect(Object.keys(r.synth!.modules!).length).toBeGreaterThan(3);
    }
  });

  it('opens from file:// offline, with no console errors, and draws one mark per point in every plot', async () => {
    const opened = await openPage(ctx, join(tmp, 'out', 'sweep', 'explorer', 'index.html'));
    page = opened.page;
    expect(await page.locator('#points tbody tr').count()).toBe(rows.length);
    const charts = await page.locator('[data-chart]').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')!));
    expect(charts.sort()).toEqual(Object.keys(PLOTS).sort());
    for (const [id, drawn] of Object.entries(PLOTS)) {
      const want = rows.filter(drawn).length;
      expect(want, id).toBeGreaterThan(0);
      expect(await marks(page, id), id).toBe(want);
    }
    for (const res of ['lut', 'bram', 'dsp'] as const) expect(await marks(page, `pareto-${res}`, 'pareto'), res).toBe(paretoCount(rows, res));
    for (const res of ['lut', 'bram', 'dsp'] as const) expect(await marks(page, `pareto-${res}-ns`, 'pareto'), `${res} ns`).toBe(paretoCount(rows, res, 'ns'));
    expect(opened.problems).toEqual([]);
    expect(opened.requests).toEqual([]);
  });

  it('filtering by mode changes the table and the plots', async () => {
    const argmax = rows.filter((r) => cfg(r).mode === 'argmax').length;
    await changed(page, () => page.locator('input[data-mode="argmax"]').uncheck());
    expect(await tableIndexes(page)).toEqual(rows.filter((r) => cfg(r).mode !== 'argmax').map((r) => r.index));
    expect(await marks(page, 'pareto-lut')).toBe(rows.length - argmax);
    expect(await marks(page, 'classes-ff')).toBe(rows.length - argmax);
    // A parameter filter too: the 8-bit exp table only.
    await changed(page, () => page.locator('select[data-param="expLut.addrBits"]').selectOption('8'));
    expect(await tableIndexes(page)).toEqual(rows.filter((r) => (r.config as { expLut: { addrBits: number } }).expLut.addrBits === 8).map((r) => r.index));
    expect(await marks(page, 'pareto-lut')).toBe(1);
    await changed(page, () => page.locator('select[data-param="expLut.addrBits"]').selectOption(''));
    await changed(page, () => page.locator('input[data-mode="argmax"]').check());
    expect(await marks(page, 'pareto-lut')).toBe(rows.length);
  });

  it('sorting the table by a column', async () => {
    await changed(page, () => page.locator('#points th[data-key="lut"]').click());
    const byLut = [...rows].sort((a, b) => a.lut! - b.lut! || a.index - b.index).map((r) => r.index);
    expect(await tableIndexes(page)).toEqual(byLut);
    await changed(page, () => page.locator('#points th[data-key="index"]').click());
  });

  it('selecting a point shows its modules', async () => {
    const r = rows.find((x) => cfg(x).mode === 'softmax')!;
    await changed(page, () => page.locator(`#points tr[data-index="${r.index}"]`).click());
    expect(await page.locator('#modules h3').getAttribute('data-index')).toBe(String(r.index));
    const shown = await page.locator('#modules tbody tr').evaluateAll((trs) => trs.map((t) => [t.getAttribute('data-module'), Number(t.children[2]!.textContent)]));
    const want = Object.values(r.synth!.modules!).map((m) => [m.module, m.lut * m.instances]);
    expect(shown.sort()).toEqual(want.sort());
    expect(await marks(page, 'pareto-lut', 'selected')).toBe(1);
  });

  it('"the cheapest point that meets" equals the one computed from sweep.json', async () => {
    const errs = rows.map((r) => r.maxProbError).filter((e): e is number => e !== null).sort((a, b) => a - b);
    const bars: Bar[] = [
      { metric: 'maxProbError', value: (errs[0]! + errs[1]!) / 2, latency: null, cost: 'lut' }, // only the 8-bit table meets it
      { metric: 'labelAccuracy', value: 50, latency: null, cost: 'lut' },
      { metric: 'labelAccuracy', value: 50, latency: Math.min(...rows.map((r) => r.latency.total)), cost: 'bram' },
      { metric: 'valueOrder', value: 99, latency: null, cost: 'dsp' },
      { metric: 'maxProbError', value: 1e-9, latency: null, cost: 'lut' }, // nothing meets it
      // a bound in ns at each point's clock: the fastest point in ns, whatever its cost
      { metric: 'labelAccuracy', value: 50, latency: null, latencyNs: Math.min(...rows.map((r) => r.latencyNs ?? Infinity)), cost: 'lut' },
    ];
    for (const bar of bars) {
      await page.locator('#bar-metric').selectOption(bar.metric);
      await page.locator('#bar-cost').selectOption(bar.cost);
      await page.locator('#bar-latency').fill(bar.latency === null ? '' : String(bar.latency));
      await page.locator('#bar-latency-ns').fill(bar.latencyNs === undefined ? '' : String(bar.latencyNs));
      await changed(page, () => page.locator('#bar-value').fill(String(bar.value)));
      const want = cheapest(rows, bar);
      expect(await page.locator('#answer [data-index]').getAttribute('data-index'), JSON.stringify(bar)).toBe(want === null ? '' : String(want));
      expect(await marks(page, 'pareto-lut', 'cheapest'), JSON.stringify(bar)).toBe(want === null ? 0 : 1);
    }
    expect(cheapest(rows, bars[0]!)).toBe(rows.find((r) => (r.config as { expLut: { addrBits: number } }).expLut.addrBits === 8)!.index);
  });

});

// Not a check but the README's picture, from the committed default sweep's page (no sweep run here).
describe.runIf(hasChromium && process.env.HEADSIM_SCREENSHOT === '1')('README screenshot (HEADSIM_SCREENSHOT=1)', () => {
  it('docs/sweep/index.html → docs/img/sweep-explorer.png', async () => {
    const docs = fileURLToPath(new URL('../docs/', import.meta.url));
    const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'headsim-chromium-')), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 1370 } });
    try {
      const { page, problems } = await openPage(ctx, join(docs, 'sweep', 'index.html'));
      // The README's question: the cheapest head whose probabilities are within 1e-3, and its modules.
      await changed(page, () => page.locator('#answer a').click());
      await page.screenshot({ path: join(docs, 'img', 'sweep-explorer.png') });
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
