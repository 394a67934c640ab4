// A sweep point's row (docs/contract.md §Sweep): its schema, and how the row is made from the
// pieces of work that came back (RowInputs, held by harness/sweep/point-state.ts). Rows are what
// the cache keeps, the report lists and the explorer plots.
import { provenAccWidth, type HeadConfig } from '../../models/config.ts';
import { geometry, timing } from '../../models/geometry.ts';
import type { Resources } from '../synth/stat.ts';
import { moduleTable, type FlatReport, type ModuleReport } from '../synth/synth.ts';
import type { DataHash } from './data.ts';
import { cyclesToNs, type FmaxKind } from '../synth/timing-types.ts';
import type { PointKeys } from './keys.ts';
import type { PointSpec, Prepared } from './point.ts';
import type { Verification } from './verify.ts';
import { canonicalConfig, type SweepPoint } from './spec.ts';

/** Synthesis results of a point as rows carry them. */
export interface SynthSummary extends FlatReport {
  modules: Record<string, ModuleReport> | null;
  /** sum over the modules (no optimization across modules; not the total) */
  modulesTotal: Resources | null;
  /** modules whose synthesis failed: module → reason */
  moduleErrors: Record<string, string> | null;
}

export interface PointRow {
  key: string;
  synthKey: string;
  index: number;
  params: Record<string, unknown>;
  /** the full configuration, defaults filled in */
  config: Record<string, unknown>;
  status: 'ok' | 'failed';
  /** why the point failed (synthesis error with the Yosys log tail, timeout, crash) */
  error: string | null;
  latency: { total: number; stages: Record<string, number> };
  ii: number;
  lut: number | null;
  ff: number | null;
  dsp: number | null;
  /** RAMB36E1 equivalents (RAMB18E1 = 0.5); synth.ramb36 and synth.ramb18 give both */
  bram: number | null;
  carry: number | null;
  logicDepth: number | null;
  /** the synthesis target (xc7: lut = LUT1–6, bram in RAMB36; iCE40: lut = LUT4, dsp = SB_MAC16, bram = EBR); absent in rows made before targets */
  target?: string;
  /** MHz: routed (iCE40) or the pre-route estimate (xc7); null when not measured */
  fmax?: number | null;
  fmaxKind?: FmaxKind | null;
  /** latency and II at fmax, ns */
  latencyNs?: number | null;
  iiNs?: number | null;
  /** the critical path's ends, "module: register" */
  criticalPath?: { from: string; to: string } | null;
  top1VsFloat: number;
  maxProbError: number | null;
  maxProbErrorEndToEnd: number | null;
  rankingAgreement: number;
  valueOrderAgreement: number;
  /** top-1 vs the labels (the point's mode, bit-true) and the float64 reference's; null without labels */
  labelAccuracy: number | null;
  floatLabelAccuracy: number | null;
  /** hashes of the user's weights and inputs (null: generated from the seed) */
  data: DataHash | null;
  verified: boolean | null;
  verifyDetail: string | null;
  synth: SynthSummary | null;
  vectors: number;
  seed: number;
  rtlHash: string;
  seconds: { accuracy: number; synth: number | null; modules: number | null; verify: number | null };
  finishedAt: string;
}

/** A point whose evaluation, synthesis or module breakdown failed (its row says why in `error`). */
export const isFailed = (r: PointRow): boolean => r.status === 'failed' || r.error !== null;

/** A piece of work as it came back: its value, or why it failed. */
export type Result<T> = { value: T } | { error: string };

/** What a row is made of: the point and its pieces of work (harness/sweep/point-state.ts holds them). */
export interface RowInputs {
  p: SweepPoint;
  spec: PointSpec;
  keys: PointKeys;
  prep: Result<Prepared> | undefined;
  flat: Result<FlatReport> | undefined;
  verification: Verification | undefined;
}

export interface RowContext {
  /** the per-module breakdown was asked for */
  modules: boolean;
  data: DataHash | null;
  rtlHash: string;
  /** the synthesis target's name (harness/synth/targets.ts) */
  target: string;
}

/** The row of a point whose pieces are all there: `mods` its submodules' reports, `moduleErrors` module → why it failed. */
export function buildRow(st: RowInputs, mods: ModuleReport[], moduleErrors: Record<string, string>, ctx: RowContext): PointRow {
  const c: HeadConfig = st.p.config;
  const tm = timing(geometry(c, provenAccWidth(c)));
  const prep = st.prep && 'value' in st.prep ? st.prep.value : null;
  const f = prep?.figures ?? null;
  const subs = prep?.submodules ?? null;
  const flat = st.flat && 'value' in st.flat ? st.flat.value : null;
  const table = ctx.modules && subs ? moduleTable(mods) : null;
  const synth: SynthSummary | null = flat
    ? { ...flat, modules: table?.modules ?? null, modulesTotal: table?.total ?? null, moduleErrors: Object.keys(moduleErrors).length ? moduleErrors : null }
    : null;
  const clock = flat?.timing ?? null;
  const latency = f?.latency ?? { total: tm.latency, stages: tm.stages };
  const ii = f?.ii ?? tm.ii;
  const errors = [
    st.prep && 'error' in st.prep && `evaluation failed: ${st.prep.error}`,
    st.flat && 'error' in st.flat && `synthesis failed: ${st.flat.error}`,
    ...Object.entries(moduleErrors).map(([m, e]) => `module ${m}: synthesis failed: ${e}`),
    prep?.elabError && `module breakdown: elaboration failed: ${prep.elabError}`,
  ].filter((x): x is string => !!x);
  const v = st.verification;
  return {
    key: st.keys.key,
    synthKey: st.keys.synthKey,
    index: st.p.index,
    params: st.p.params,
    config: canonicalConfig(c),
    status: flat && f ? 'ok' : 'failed',
    error: errors.length ? errors.join('\n').slice(0, 8000) : null,
    latency,
    ii,
    lut: flat?.lut ?? null,
    ff: flat?.ff ?? null,
    dsp: flat?.dsp ?? null,
    bram: flat?.bram ?? null,
    carry: flat?.carry ?? null,
    logicDepth: ctx.target === 'xc7' ? (flat?.logicDepth ?? null) : null,
    target: ctx.target,
    fmax: clock?.fmax ?? null,
    fmaxKind: clock?.kind ?? null,
    latencyNs: cyclesToNs(latency.total, clock?.fmax),
    iiNs: cyclesToNs(ii, clock?.fmax),
    criticalPath: clock ? { from: `${clock.path.from.module}: ${clock.path.from.register}`, to: `${clock.path.to.module}: ${clock.path.to.register}` } : null,
    top1VsFloat: f?.top1VsFloat ?? NaN,
    maxProbError: f?.maxProbError ?? null,
    maxProbErrorEndToEnd: f?.maxProbErrorEndToEnd ?? null,
    rankingAgreement: f?.rankingAgreement ?? NaN,
    valueOrderAgreement: f?.valueOrderAgreement ?? NaN,
    labelAccuracy: f?.labelAccuracy ?? null,
    floatLabelAccuracy: f?.floatLabelAccuracy ?? null,
    data: ctx.data,
    verified: v ? v.ok : null,
    verifyDetail: v?.detail ?? null,
    synth,
    vectors: st.spec.vectors,
    seed: st.spec.seed,
    rtlHash: ctx.rtlHash,
    seconds: {
      accuracy: f?.seconds ?? 0,
      synth: flat?.seconds ?? null,
      modules: mods.length ? mods.reduce((s, m) => s + m.seconds, 0) : null,
      verify: v?.seconds ?? null,
    },
    finishedAt: new Date().toISOString(),
  };
}

/** A cached row with the verification it lacked. */
export function reverifiedRow(st: RowInputs, prev: PointRow): PointRow {
  const v = st.verification!;
  return { ...prev, index: st.p.index, params: st.p.params, verified: v.ok, verifyDetail: v.detail, seconds: { ...prev.seconds, verify: v.seconds }, finishedAt: new Date().toISOString() };
}
