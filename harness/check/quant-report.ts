// What quantization did to a head on its data: per quantity (inputs, weights, bias, logits) the
// format and how it was decided, the data range, the values that saturated and the largest
// error; accuracy against labels in float and per mode; and the vectors whose top-1 class
// changed through quantization, with the float top-2 margin that explains why. With a model
// (--model --model-inputs), the whole model's own float accuracy beside them.
import type { FloatResult } from '../../models/float-ref.ts';
import { logits } from '../../models/bittrue.ts';
import { quantize, sMax, sMin, type Fmt } from '../../models/numerics.ts';
import { topIndices } from '../../models/ranking.ts';
import { FMT_FIELDS, type FmtField, type FmtSource, type FormatChoice } from '../inputs/auto-formats.ts';
import type { RunReport } from './report.ts';
import type { Scenario } from '../inputs/scenario.ts';
import type { ModelInfo } from '../inputs/models/source.ts';
import { fmt, textTable } from '../../lib/table.ts';

export interface QuantityReport {
  fmt: Fmt;
  /** given (flag or --config), auto (--auto-formats, from the data) or default */
  source: FmtSource;
  /** range of the float values (inputs after ReLU when relu is on; logits: float reference) */
  min: number;
  max: number;
  values: number;
  /** values that saturated (logits: hardware logits at a limit of logitFmt) */
  saturated: number;
  /**
   * Largest |quantized − float| over the values that did not saturate. Logits: largest |hardware
   * logit − float reference logit|, i.e. everything upstream plus requantization.
   */
  maxError: number;
}

export interface ClassChange {
  /** row of the input vectors (after --vectors) */
  index: number;
  label: number | null;
  floatClass: number;
  fixedClass: number;
  /** float logit of the float top-1 minus that of the float top-2 */
  floatMargin: number;
  /** hardware logit of fixedClass minus that of floatClass, in logit units (0: a tie, lower index wins) */
  fixedMargin: number;
}

export interface QuantizationReport {
  autoFormats: boolean;
  /** why an auto-chosen format differs from what its range alone gives */
  notes: string[];
  inputs: QuantityReport;
  weights: QuantityReport;
  bias: QuantityReport;
  logits: QuantityReport;
  /**
   * share of vectors whose label equals the top-1: the whole model as its framework computes it
   * (null without --model-inputs), the float reference of the head, and per mode (null: no labels)
   */
  labelAccuracy: { model: number | null; float: number; fixed: Partial<Record<string, number | null>> } | null;
  classChanged: { count: number; vectors: ClassChange[] };
}

const QUANTITY: Record<FmtField, 'inputs' | 'weights' | 'bias' | 'logits'> = { inFmt: 'inputs', wFmt: 'weights', biasFmt: 'bias', logitFmt: 'logits' };

function stats(x: ArrayLike<number>, q: ArrayLike<number>, f: Fmt, source: FmtSource, relu = false): QuantityReport {
  const scale = 2 ** f.frac;
  let min = Infinity, max = -Infinity, saturated = 0, maxError = 0;
  for (let i = 0; i < x.length; i++) {
    let v = x[i]!;
    let qv = q[i]!;
    if (relu && v <= 0) v = qv = 0; // ReLU zeroes it whatever it quantized to
    if (v < min) min = v;
    if (v > max) max = v;
    if (quantize(v, f).saturated) saturated++;
    else maxError = Math.max(maxError, Math.abs(qv / scale - v));
  }
  return { fmt: f, source, min: x.length ? min : 0, max: x.length ? max : 0, values: x.length, saturated, maxError };
}

export function quantReport(s: Scenario, floats: FloatResult[], runs: RunReport[], formats: FormatChoice, autoFormats: boolean, model?: ModelInfo): QuantizationReport {
  const { config: c, g, w, vectors } = s;
  const logitScale = 2 ** c.logitFmt.frac;
  const zLo = sMin(c.logitFmt.width), zHi = sMax(c.logitFmt.width);
  let zMin = Infinity, zMax = -Infinity, zSat = 0, zErr = 0;
  const changes: ClassChange[] = [];
  for (let v = 0; v < vectors.count; v++) {
    const f = floats[v]!;
    const z = logits(g, w, c.relu, vectors.xQ, v * g.K);
    for (let n = 0; n < g.N; n++) {
      zMin = Math.min(zMin, f.z[n]!);
      zMax = Math.max(zMax, f.z[n]!);
      if (z[n] === zLo || z[n] === zHi) zSat++;
      else zErr = Math.max(zErr, Math.abs(z[n]! / logitScale - f.z[n]!));
    }
    const fixedClass = topIndices(z, 1)[0]!;
    const floatClass = f.order[0]!;
    if (fixedClass !== floatClass)
      changes.push({
        index: v,
        label: vectors.labels ? vectors.labels[v]! : null,
        floatClass,
        fixedClass,
        floatMargin: f.z[floatClass]! - f.z[f.order[1]!]!,
        fixedMargin: (z[fixedClass]! - z[floatClass]!) / logitScale,
      });
  }
  const src = (field: FmtField) => formats.source[field];
  const labels = vectors.labels;
  let labelAccuracy: QuantizationReport['labelAccuracy'] = null;
  if (labels) {
    let hits = 0;
    for (let v = 0; v < vectors.count; v++) if (floats[v]!.order[0] === labels[v]) hits++;
    labelAccuracy = { model: model?.accuracy ?? null, float: vectors.count ? hits / vectors.count : 0, fixed: Object.fromEntries(runs.map((r) => [r.mode, r.accuracy.labelAccuracy])) };
  }
  const nz = vectors.count * g.N;
  return {
    autoFormats,
    notes: formats.notes,
    inputs: stats(vectors.xFloat, vectors.xQ, c.inFmt, src('inFmt'), c.relu),
    weights: stats(w.wFloat, w.wQ, c.wFmt, src('wFmt')),
    bias: stats(w.bFloat, w.bQ, c.biasFmt, src('biasFmt')),
    logits: { fmt: c.logitFmt, source: src('logitFmt'), min: nz ? zMin : 0, max: nz ? zMax : 0, values: nz, saturated: zSat, maxError: zErr },
    labelAccuracy,
    classChanged: { count: changes.length, vectors: changes },
  };
}

const SHOW_CHANGES = 12;

export function printQuantReport(q: QuantizationReport): void {
  const pct = (v: number | null | undefined) => (v === null || v === undefined ? '-' : (v * 100).toFixed(2) + '%');
  const model = Object.values(q).some((r) => (r as QuantityReport)?.source === 'model') ? ', or fixed by the model' : '';
  console.log(`formats (${q.autoFormats ? `--auto-formats: chosen from the data unless given${model}` : `defaults unless given${model}; --auto-formats chooses them from the data`}):`);
  console.log(
    textTable(
      ['quantity', 'format', 'chosen', 'float range', 'saturated', 'max |error|'],
      FMT_FIELDS.map((field) => {
        const r = q[QUANTITY[field]];
        return [
          `${QUANTITY[field]} (${field})`,
          `{${r.fmt.width},${r.fmt.frac}}`,
          r.source,
          `[${fmt(r.min, 4)}, ${fmt(r.max, 4)}]`,
          `${r.saturated}/${r.values}`,
          fmt(r.maxError, 3) + (field === 'logitFmt' ? ' vs float' : ''),
        ];
      }),
    ),
  );
  for (const n of q.notes) console.log(`  ${n}`);
  if (q.labelAccuracy) {
    const fixed = Object.entries(q.labelAccuracy.fixed).map(([m, a]) => `${m} ${pct(a)}`).join(', ');
    const m = q.labelAccuracy.model;
    console.log(`accuracy vs labels: ${m === null ? '' : `model (float, as its framework computes it) ${pct(m)}; `}float ${pct(q.labelAccuracy.float)}; fixed point ${fixed}`);
  }
  const ch = q.classChanged;
  if (!ch.count) {
    console.log('top-1 class changed by quantization: on no vector');
    return;
  }
  const shown = ch.vectors
    .slice(0, SHOW_CHANGES)
    .map((c) => `#${c.index} ${c.floatClass}→${c.fixedClass}${c.label === null ? '' : ` (label ${c.label})`} margin ${fmt(c.floatMargin, 2)}${c.fixedMargin === 0 ? ' (tie in fixed point)' : ''}`)
    .join(', ');
  const margins = ch.vectors.map((c) => c.floatMargin).sort((a, b) => a - b);
  console.log(
    `top-1 class changed by quantization on ${ch.count} vector(s): float top-2 margins ${fmt(margins[0], 2)}…${fmt(margins[margins.length - 1], 2)}, ` +
      `within the logits' error (max ${fmt(q.logits.maxError, 2)} per logit): ${shown}${ch.count > SHOW_CHANGES ? ', … (all in the JSON)' : ''}`,
  );
}
