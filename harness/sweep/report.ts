// Sweep outputs: the JSON report (DESIGN.md shape: { points: [ { params, latency, ii, lut, … } ] }),
// CSV (one row per point, and one per point × module), a Markdown table and three SVG plots.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, markdownTable, textTable } from '../table.ts';
import { DEPTH_CUT, FLAT_SYNTH, moduleScriptTemplate, synthSteps } from '../synth/synth.ts';
import { isFailed, type PointRow } from './point.ts';
import { PALETTE, shade, svgCharts, type Chart, type Series } from './svg.ts';

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
  points: PointRow[];
}

export const GENERIC_SCRIPT = ['read_verilog -DSYNTHESIS rtl/*.v', 'chparam -set <RTL parameters of the point> head', ...synthSteps(FLAT_SYNTH, false), 'stat', DEPTH_CUT, 'ltp -noff'].join('; ');
export const GENERIC_MODULE_SCRIPT = moduleScriptTemplate().replace(/\n/g, '; ').replace(/tee -o \S+ /g, '');

export function buildSweepReport(rows: PointRow[], meta: { description?: string | null }): SweepReport {
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

const STAGES = ['input', 'mac', 'transfer', 'start', 'select', 'normalize', 'emit'];

export function pointsCsv(rows: PointRow[]): string {
  const header = [
    'index', ...PARAM_COLS.map((c) => c.name), 'status', 'latency', ...STAGES.map((s) => `latency.${s}`), 'ii',
    'lut', 'ff', 'dsp', 'bram', 'ramb36', 'ramb18', 'carry', 'srl', 'lutram', 'muxf7', 'muxf8', 'logicDepth',
    'top1VsFloat', 'maxProbError', 'maxProbErrorEndToEnd', 'rankingAgreement', 'valueOrderAgreement', 'verified', 'error', 'key',
  ];
  return csv(
    header,
    rows.map((r) => [
      r.index, ...PARAM_COLS.map((c) => c.get(r)), r.status, r.latency.total, ...STAGES.map((s) => r.latency.stages[s]), r.ii,
      r.lut, r.ff, r.dsp, r.bram, r.synth?.ramb36, r.synth?.ramb18, r.carry, r.synth?.srl, r.synth?.lutram, r.synth?.muxf7, r.synth?.muxf8, r.logicDepth,
      r.top1VsFloat, r.maxProbError, r.maxProbErrorEndToEnd, r.rankingAgreement, r.valueOrderAgreement, r.verified, r.error?.split('\n')[0], r.key,
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

function mainTable(rows: PointRow[]): { header: string[]; body: (string | number)[][] } {
  const cols = varying(rows);
  const header = [...cols.map((c) => c.name), 'latency', 'II', 'LUT', 'FF', 'DSP', 'BRAM', 'CARRY4', 'depth', 'top1VsFloat', 'maxProbError', 'valueOrder', 'verified'];
  const body = rows.map((r) => [
    ...cols.map((c) => c.get(r)),
    r.latency.total,
    r.ii,
    ...(r.status === 'ok' ? [na(r.lut), na(r.ff), na(r.dsp), na(r.bram), na(r.carry), na(r.logicDepth)] : ['failed', '', '', '', '', '']),
    pct(r.top1VsFloat),
    exp2(r.maxProbError),
    pct(r.valueOrderAgreement),
    r.verified === null ? '-' : r.verified ? 'yes' : 'NO',
  ]);
  return { header, body };
}

export const terminalTable = (rows: PointRow[]) => {
  const t = mainTable(rows);
  return textTable(t.header, t.body);
};

const shortLabel = (r: PointRow) => {
  const c = cfg(r);
  return `${c.mode}${c.mode === 'softmax' ? (c.divider === 'serial' ? ' serial' : ' recip') : ''} N=${c.classes}${c.mode !== 'argmax' ? ` exp${c.expLut.addrBits}` : ''}`;
};

export function markdown(report: SweepReport): string {
  const rows = report.points;
  const t = mainTable(rows);
  const lines: string[] = [];
  lines.push('# headsim sweep', '');
  if (report.description) lines.push(report.description, '');
  lines.push(
    `- Yosys: ${report.yosysVersion ?? '-'}, synth_xilinx for xc7, flattened (see docs/sweep.md for the script); LUT = LUT1–6, FF = FD*, DSP = DSP48E1, BRAM in ${report.bramUnit}.`,
    `- depth: cells on the longest combinational path after cutting FF/SRL/BRAM/DSP (a CARRY4 is one level; no routing): an Fmax proxy.`,
    `- latency and II in cycles, from the formulas the cycle model and the RTL are tested against.`,
    `- accuracy: bit-true reference vs float64 on ${report.vectors ?? '?'} vectors (seed ${report.seed ?? '?'}); valueOrder = share of vectors whose emitted values, sorted, keep the logits' order.`,
    `- per module: each submodule of head synthesized on its own with the parameters head gives it; no optimization crosses module boundaries there, so the module sums differ from the flattened totals.`,
    '',
  );
  lines.push(markdownTable(t.header, t.body), '');
  const failed = rows.filter(isFailed);
  if (failed.length) {
    lines.push('## Failures', '');
    for (const r of failed) lines.push(`- ${shortLabel(r)} (cPar ${cfg(r).cPar}): ${(r.error ?? '').split('\n')[0]}`);
    lines.push('');
  }
  const withModules = rows.filter((r) => r.synth?.modules);
  if (withModules.length) {
    const names = [...new Set(withModules.flatMap((r) => Object.keys(r.synth!.modules!)))];
    const order = ['input_stage', 'mac_array', 'logit_bank', 'comparator_tree', 'exp_unit', 'normalizer', 'reciprocal', 'divider', 'approx_scaler', 'output_stage'];
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

const seriesName = (r: PointRow) => {
  const c = cfg(r);
  return c.mode === 'softmax' && c.divider === 'serial' ? 'softmax (serial)' : (c.mode as string);
};
const colorOf = (name: string) => (PALETTE as Record<string, string>)[name] ?? PALETTE.other;

function bySeries(
  rows: PointRow[],
  name: (r: PointRow) => string,
  point: (r: PointRow) => { x: number; y: number; label?: string } | null,
  line = false,
  /** darker shades for larger N (series that split a mode by N) */
  byN = false,
): Series[] {
  const groups = new Map<string, Series>();
  const Ns = [...new Set(rows.map((r) => cfg(r).classes as number))].sort((a, b) => a - b);
  for (const r of rows) {
    const p = point(r);
    if (!p) continue;
    const n = name(r);
    const color = colorOf(seriesName(r));
    if (!groups.has(n)) groups.set(n, { name: n, color: byN ? shade(color, Ns.indexOf(cfg(r).classes)) : color, points: [], line, hollow: n.includes('serial') });
    groups.get(n)!.points.push(p);
  }
  return [...groups.values()];
}

/** The most common value of a parameter, to pick comparable points for a plot. */
function mostCommon<T>(xs: T[]): T | undefined {
  const n = new Map<string, { v: T; c: number }>();
  for (const x of xs) {
    const k = JSON.stringify(x);
    n.set(k, { v: x, c: (n.get(k)?.c ?? 0) + 1 });
  }
  return [...n.values()].sort((a, b) => b.c - a.c)[0]?.v;
}

export function plots(rows: PointRow[]): Record<string, string> {
  const ok = rows.filter((r) => r.status === 'ok');
  // Comparable points: one per (mode, divider, N), the most common exp table (the others are in
  // the accuracy plot); each N labelled once.
  const commonExp = mostCommon(ok.map((r) => cfg(r).expLut.addrBits));
  const cmp = ok.filter((r) => cfg(r).mode === 'argmax' || cfg(r).expLut.addrBits === commonExp);
  const labelled = new Set<number>();
  const label = (r: PointRow) => {
    const N = cfg(r).classes as number;
    if (labelled.has(N)) return undefined;
    labelled.add(N);
    return `N=${N}`;
  };
  const latency: Chart = {
    title: 'Latency vs LUTs, by mode',
    xLabel: 'LUT (LUT1–6, flattened)',
    yLabel: 'latency (cycles)',
    xLog: true,
    yLog: true,
    series: bySeries(cmp, seriesName, (r) => (r.lut ? { x: r.lut, y: r.latency.total, label: label(r) } : null), true),
    width: 640,
    height: 440,
  };
  // Accuracy vs exp-table size: softmax and approx points, one line per (mode, divider, N).
  const exps = rows.filter((r) => cfg(r).mode !== 'argmax');
  const expName = (r: PointRow) => `${seriesName(r)}, N=${cfg(r).classes}`;
  const xb = (r: PointRow) => cfg(r).expLut.addrBits as number;
  const acc: Chart[] = [
    {
      title: 'Softmax max |p_hw − softmax(z_hw)| vs exp table',
      xLabel: 'expLut.addrBits',
      yLabel: 'maxProbError',
      yLog: true,
      xFormat: (v) => String(v),
      series: bySeries(exps.filter((r) => cfg(r).mode === 'softmax'), expName, (r) => (r.maxProbError !== null ? { x: xb(r), y: Math.max(r.maxProbError, 1e-7) } : null), true, true),
    },
    {
      title: 'Sorted emitted values keep the logit order',
      xLabel: 'expLut.addrBits',
      yLabel: 'valueOrderAgreement (%)',
      xFormat: (v) => String(v),
      series: bySeries(exps, expName, (r) => ({ x: xb(r), y: r.valueOrderAgreement * 100 }), true, true),
    },
    {
      title: 'Top-1 vs float64',
      xLabel: 'expLut.addrBits',
      yLabel: 'top1VsFloat (%)',
      xFormat: (v) => String(v),
      series: bySeries(exps, expName, (r) => ({ x: xb(r), y: r.top1VsFloat * 100 }), true, true),
    },
  ];
  // Resources vs classes: the same comparable points.
  const res = (key: 'lut' | 'ff' | 'dsp' | 'bram', title: string): Chart => ({
    title: `${title} vs classes`,
    xLabel: 'classes N',
    yLabel: title,
    xLog: true,
    yLog: key === 'lut' || key === 'ff',
    xFormat: (v) => String(v),
    series: bySeries(cmp, seriesName, (r) => (r[key] !== null ? { x: cfg(r).classes, y: r[key]! } : null), true),
    width: 480,
    height: 340,
  });
  const cPars = [...new Set(cmp.map((r) => `N=${cfg(r).classes}: cPar ${cfg(r).cPar}`))].join(', ');
  return {
    'latency-vs-lut.svg': svgCharts([latency], 1, `Flattened synth_xilinx (xc7); exp table ${commonExp ?? '-'} address bits; ${cPars}. Hollow: serial divider.`),
    'accuracy-vs-exp.svg': svgCharts(acc, 3, 'Bit-true vs float64; accuracy needs no synthesis, so failed-synthesis points are included.'),
    'resources-vs-classes.svg': svgCharts([res('lut', 'LUT'), res('ff', 'FF'), res('dsp', 'DSP48E1'), res('bram', 'BRAM (RAMB36 eq.)')], 2, `exp table ${commonExp ?? '-'} address bits; ${cPars}`),
  };
}

export const OUTPUT_FILES = ['sweep.json', 'sweep.csv', 'modules.csv', 'sweep.md', 'latency-vs-lut.svg', 'accuracy-vs-exp.svg', 'resources-vs-classes.svg'];

export function writeOutputs(dir: string, report: SweepReport): string[] {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    'sweep.json': JSON.stringify(report, null, 2) + '\n',
    'sweep.csv': pointsCsv(report.points),
    'modules.csv': modulesCsv(report.points),
    'sweep.md': markdown(report),
    ...plots(report.points),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((f) => join(dir, f));
}
