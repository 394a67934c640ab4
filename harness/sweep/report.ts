// Sweep outputs: the JSON report (docs/contract.md §Sweep: { points: [ { params, latency, ii, lut, … } ] }),
// CSV (one row per point, and one per point × module), a Markdown table, the explorer page
// (index.html) and its plots as static SVG (harness/sweep/explorer/).
import { join } from 'node:path';
import { fmt, markdownTable, textTable } from '../../lib/table.ts';
import { DEPTH_CUT, FLAT_SYNTH, moduleScriptTemplate, synthSteps } from '../synth/synth.ts';
import { isFailed, type PointRow } from './row.ts';
import { writeFileAtomic } from '../../lib/files.ts';
import { chartRows, STATIC_CHARTS, staticCharts } from './explorer/charts.ts';
import { explorerHtml } from './explorer/page.ts';
import { renderSvg } from './explorer/render.ts';

export interface SweepReport {
  command: 'sweep';
  description: string | null;
  yosysVersion: string | null;
  script: string;
  moduleScript: string;
  /** RAMB36E1 equivalents: RAMB36E1 + RAMB18E1 / 2 */
  bramUnit: string;
  rtlHash: string | null;
  vectors: number | null;
  seed: number | null;
  /** the user's data the accuracy was measured on (null: generated from the seed) */
  data: string | null;
  points: PointRow[];
}

export const GENERIC_SCRIPT = ['read_verilog -DSYNTHESIS rtl/*.v', 'chparam -set <RTL parameters of the point> head', ...synthSteps(FLAT_SYNTH, false), 'stat', DEPTH_CUT, 'ltp -noff'].join('; ');
export const GENERIC_MODULE_SCRIPT = moduleScriptTemplate().replace(/\n/g, '; ').replace(/tee -o \S+ /g, '');

export function buildSweepReport(rows: PointRow[], meta: { description?: string | null; data?: string | null }): SweepReport {
  const ok = rows.find((r) => r.synth);
  const uniq = <T,>(xs: T[]) => [...new Set(xs)];
  const one = <T,>(xs: T[]) => (uniq(xs).length === 1 ? xs[0]! : null);
  return {
    command: 'sweep',
    description: meta.description ?? null,
    yosysVersion: ok?.synth?.yosysVersion ?? null,
    script: GENERIC_SCRIPT,
    moduleScript: GENERIC_MODULE_SCRIPT,
    bramUnit: 'RAMB36E1 equivalents (RAMB18E1 counted as 0.5; synth.ramb36 / synth.ramb18 give both)',
    rtlHash: one(rows.map((r) => r.rtlHash)),
    vectors: one(rows.map((r) => r.vectors)),
    seed: one(rows.map((r) => r.seed)),
    data: meta.data ?? null,
    points: rows,
  };
}

const fmtPair = (f: unknown) => {
  const p = f as { width?: number; frac?: number } | null;
  return p && typeof p === 'object' && p.width !== undefined ? `${p.width},${p.frac}` : String(f);
};
const cfg = (r: PointRow) => r.config as Record<string, any>;

/** Parameter columns, in this order, shown when they vary across the points. */
const PARAM_COLS: { name: string; get: (r: PointRow) => string | number }[] = [
  { name: 'mode', get: (r) => cfg(r).mode },
  { name: 'classes', get: (r) => cfg(r).classes },
  { name: 'inputs', get: (r) => cfg(r).inputs },
  { name: 'kPar', get: (r) => cfg(r).kPar },
  { name: 'cPar', get: (r) => cfg(r).cPar },
  { name: 'select', get: (r) => cfg(r).select ?? 'tree' },
  { name: 'divider', get: (r) => cfg(r).divider },
  { name: 'recipImpl', get: (r) => cfg(r).recipImpl ?? '-' },
  { name: 'expPar', get: (r) => cfg(r).expPar ?? '-' },
  { name: 'expImpl', get: (r) => cfg(r).expImpl ?? '-' },
  { name: 'expSplit', get: (r) => (cfg(r).expSplit ? `${cfg(r).expSplit.loBits},${cfg(r).expSplit.hiWidth},${cfg(r).expSplit.loWidth}` : '-') },
  { name: 'expLut.addrBits', get: (r) => cfg(r).expLut.addrBits },
  { name: 'expLut.outBits', get: (r) => cfg(r).expLut.outBits },
  { name: 'expLut.range', get: (r) => cfg(r).expLut.range },
  { name: 'topK', get: (r) => cfg(r).topK },
  { name: 'emit', get: (r) => cfg(r).emit },
  { name: 'relu', get: (r) => String(cfg(r).relu) },
  { name: 'inFmt', get: (r) => fmtPair(cfg(r).inFmt) },
  { name: 'wFmt', get: (r) => fmtPair(cfg(r).wFmt) },
  { name: 'biasFmt', get: (r) => fmtPair(cfg(r).biasFmt) },
  { name: 'logitFmt', get: (r) => fmtPair(cfg(r).logitFmt) },
  { name: 'probFmt', get: (r) => fmtPair(cfg(r).probFmt) },
  { name: 'accWidth', get: (r) => cfg(r).accWidth },
];

const varying = (rows: PointRow[]) => PARAM_COLS.filter((c) => new Set(rows.map(c.get)).size > 1 || c.name === 'mode' || c.name === 'classes');

const pct = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? '-' : `${(v * 100).toFixed(2)}%`);
const exp2 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toExponential(2));
const na = (v: number | null | undefined) => (v === null || v === undefined ? '-' : fmt(v));

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : typeof v === 'number' && Number.isNaN(v) ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: unknown[][]) => [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';

const STAGES = ['input', 'mac', 'transfer', 'start', 'drain', 'select', 'normalize', 'emit'];

export function pointsCsv(rows: PointRow[]): string {
  const header = [
    'index', ...PARAM_COLS.map((c) => c.name), 'status', 'latency', ...STAGES.map((s) => `latency.${s}`), 'ii',
    'target', 'fmax', 'fmaxKind', 'latencyNs', 'iiNs', 'criticalPath.from', 'criticalPath.to',
    'lut', 'ff', 'dsp', 'bram', 'ramb36', 'ramb18', 'carry', 'srl', 'lutram', 'muxf7', 'muxf8', 'logicDepth',
    'top1VsFloat', 'maxProbError', 'maxProbErrorEndToEnd', 'rankingAgreement', 'valueOrderAgreement', 'labelAccuracy', 'floatLabelAccuracy', 'verified', 'error', 'key',
  ];
  return csv(
    header,
    rows.map((r) => [
      r.index, ...PARAM_COLS.map((c) => c.get(r)), r.status, r.latency.total, ...STAGES.map((s) => r.latency.stages[s]), r.ii,
      r.target ?? 'xc7', r.fmax, r.fmaxKind, r.latencyNs, r.iiNs, r.criticalPath?.from, r.criticalPath?.to,
      r.lut, r.ff, r.dsp, r.bram, r.synth?.ramb36, r.synth?.ramb18, r.carry, r.synth?.srl, r.synth?.lutram, r.synth?.muxf7, r.synth?.muxf8, r.logicDepth,
      r.top1VsFloat, r.maxProbError, r.maxProbErrorEndToEnd, r.rankingAgreement, r.valueOrderAgreement, r.labelAccuracy, r.floatLabelAccuracy, r.verified, r.error?.split('\n')[0], r.key,
    ]),
  );
}

export function modulesCsv(rows: PointRow[]): string {
  const out: unknown[][] = [];
  for (const r of rows)
    for (const [name, m] of Object.entries(r.synth?.modules ?? {}))
      out.push([r.index, cfg(r).mode, cfg(r).classes, cfg(r).cPar, cfg(r).divider, cfg(r).expLut.addrBits, name, m.instances, m.lut, m.ff, m.dsp, m.bram, m.carry, m.srl, m.lutram, m.logicDepth, r.key]);
  return csv(['index', 'mode', 'classes', 'cPar', 'divider', 'expLut.addrBits', 'module', 'instances', 'lut', 'ff', 'dsp', 'bram', 'carry', 'srl', 'lutram', 'logicDepth', 'key'], out);
}

/** Rows measured against labels (the user's data, or a dataset): they get label accuracy columns. */
const hasLabels = (rows: PointRow[]) => rows.some((r) => r.labelAccuracy !== null && r.labelAccuracy !== undefined);

function mainTable(rows: PointRow[]): { header: string[]; body: (string | number)[][] } {
  const cols = varying(rows);
  const labels = hasLabels(rows);
  const ice40 = rows.length > 0 && rows.every((r) => r.target && r.target !== 'xc7');
  const header = [...cols.map((c) => c.name), 'latency', 'II', 'MHz', 'latency ns', ice40 ? 'LUT4' : 'LUT', 'FF', ice40 ? 'MAC16' : 'DSP', ice40 ? 'EBR' : 'BRAM', ice40 ? 'CARRY' : 'CARRY4', 'depth', 'synth s', ...(labels ? ['labelAccuracy', 'float'] : []), 'top1VsFloat', 'maxProbError', 'valueOrder', 'verified'];
  const body = rows.map((r) => [
    ...cols.map((c) => c.get(r)),
    r.latency.total,
    r.ii,
    na(r.fmax),
    r.latencyNs === null || r.latencyNs === undefined ? '-' : String(Math.round(r.latencyNs)),
    ...(r.status === 'ok' ? [na(r.lut), na(r.ff), na(r.dsp), na(r.bram), na(r.carry), na(r.logicDepth)] : ['failed', '', '', '', '', '']),
    synthSeconds(r),
    ...(labels ? [pct(r.labelAccuracy), pct(r.floatLabelAccuracy)] : []),
    pct(r.top1VsFloat),
    exp2(r.maxProbError),
    pct(r.valueOrderAgreement),
    r.verified === null ? '-' : r.verified ? 'yes' : 'NO',
  ]);
  return { header, body };
}

/** Yosys time of the point (s): its flattened run plus the module runs it uses (a module shared by points counts in each). */
function synthSeconds(r: PointRow): string {
  const t = (r.seconds?.synth ?? 0) + (r.seconds?.modules ?? 0);
  return t > 0 ? String(Math.round(t)) : '-';
}

export const terminalTable = (rows: PointRow[]) => {
  const t = mainTable(rows);
  return textTable(t.header, t.body);
};

const shortLabel = (r: PointRow) => {
  const c = cfg(r);
  const back =
    c.mode === 'argmax'
      ? ''
      : ` exp${c.expLut.addrBits}${c.expImpl === 'table' ? ' table' : ` split ${c.expSplit.hiWidth},${c.expSplit.loWidth}`}${typeof c.expPar === 'number' ? ` expPar ${c.expPar}` : ''}${c.mode === 'softmax' && c.divider !== 'serial' && c.recipImpl === 'table' ? ' recip table' : ''}`;
  return `${c.mode}${c.mode === 'softmax' ? (c.divider === 'serial' ? ' serial' : ' recip') : ''} N=${c.classes}${c.select === 'stream' ? ' stream' : ''}${back}`;
};

export function markdown(report: SweepReport): string {
  const rows = report.points;
  const t = mainTable(rows);
  const lines: string[] = [];
  lines.push('# headsim sweep', '');
  if (report.description) lines.push(report.description, '');
  const ice40 = rows.find((r) => r.target && r.target !== 'xc7')?.target;
  lines.push(
    ice40
      ? `- ${report.yosysVersion ?? '-'}: synth_ice40 and nextpnr-ice40 place and route on ${ice40} (docs/sweep.md §Clock); LUT4 = SB_LUT4, FF = SB_DFF*, MAC16 = SB_MAC16, EBR = SB_RAM40_4K (4 kbit), the head's cells without the place-and-route wrapper.`
      : `- Yosys: ${report.yosysVersion ?? '-'}, synth_xilinx for xc7, flattened (see docs/sweep.md for the script); LUT = LUT1–6, FF = FD*, DSP = DSP48E1, BRAM in ${report.bramUnit}.`,
    ice40
      ? `- MHz: the routed clock (nextpnr's delays, SB_MAC16 arcs from Lattice's data); latency ns = latency cycles at that clock.`
      : `- MHz: a pre-route estimate (Yosys sta with the 7-series cell delays, no routing: the routed clock is lower); latency ns = latency cycles at that clock.`,
    `- depth: cells on the longest combinational path after cutting FF/SRL/BRAM/DSP (a CARRY4 is one level; no routing): an Fmax proxy.`,
    `- latency and II in cycles, from the formulas the cycle model and the RTL are tested against.`,
    `- accuracy: bit-true reference vs float64 on ${report.vectors ?? '?'} vectors (${report.data ? `data: ${report.data}` : `seed ${report.seed ?? '?'}`}); valueOrder = share of vectors whose emitted values, sorted, keep the logits' order${hasLabels(rows) ? '; labelAccuracy = top-1 vs the labels (float: the float64 reference\'s)' : ''}.`,
    `- per module: each submodule of head synthesized on its own with the parameters head gives it; no optimization crosses module boundaries there, so the module sums differ from the flattened totals.`,
    '',
  );
  lines.push(markdownTable(t.header, t.body), '');
  const clocked = rows.filter((r) => r.fmax && r.criticalPath);
  if (clocked.length) {
    lines.push(`## Clock: the critical path of each point (${clocked[0]!.fmaxKind === 'routed' ? 'routed' : 'pre-route estimate'})`, '');
    lines.push(markdownTable(['point', 'cPar', 'MHz', 'from (module: register)', 'to (module: register)'], clocked.map((r) => [shortLabel(r), cfg(r).cPar, na(r.fmax), r.criticalPath!.from, r.criticalPath!.to])), '');
  }
  const failed = rows.filter(isFailed);
  if (failed.length) {
    lines.push('## Failures', '');
    for (const r of failed) lines.push(`- ${shortLabel(r)} (cPar ${cfg(r).cPar}): ${(r.error ?? '').split('\n')[0]}`);
    lines.push('');
  }
  const withModules = rows.filter((r) => r.synth?.modules);
  if (withModules.length) {
    const names = [...new Set(withModules.flatMap((r) => Object.keys(r.synth!.modules!)))];
    const order = ['input_stage', 'mac_array', 'logit_bank', 'comparator_tree', 'stream_selector', 'exp_unit', 'normalizer', 'reciprocal', 'divider', 'approx_scaler', 'output_stage'];
    names.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
    lines.push('## Per module (each synthesized on its own): LUT / FF / DSP / BRAM', '');
    lines.push(
      markdownTable(
        ['point', 'cPar', ...names, 'sum of modules', 'flattened total'],
        withModules.map((r) => {
          const m = r.synth!.modules!;
          const cell = (x: { lut: number; ff: number; dsp: number; bram: number; instances?: number } | undefined | null) => {
            const n = x?.instances ?? 1;
            return x ? `${x.lut * n} / ${x.ff * n} / ${x.dsp * n} / ${x.bram * n}` : '-';
          };
          return [shortLabel(r), cfg(r).cPar, ...names.map((n) => cell(m[n])), cell(r.synth!.modulesTotal), cell(r.synth)];
        }),
      ),
      '',
    );
  }
  return lines.join('\n');
}

export const OUTPUT_FILES = ['sweep.json', 'sweep.csv', 'modules.csv', 'sweep.md', 'index.html', ...STATIC_CHARTS];

/** Every output file of a sweep, each written atomically; the plots are the explorer's Vega-Lite specs rendered to SVG. */
export async function writeOutputs(dir: string, report: SweepReport): Promise<string[]> {
  const files: Record<string, string> = {
    'sweep.json': JSON.stringify(report, null, 2) + '\n',
    'sweep.csv': pointsCsv(report.points),
    'modules.csv': modulesCsv(report.points),
    'sweep.md': markdown(report),
    'index.html': explorerHtml(report, varying(report.points)),
  };
  const rows = chartRows(report.points);
  for (const [name, spec] of Object.entries(staticCharts(rows))) files[name] = await renderSvg(spec, rows);
  for (const [name, text] of Object.entries(files)) writeFileAtomic(join(dir, name), text);
  return Object.keys(files).map((f) => join(dir, f));
}
