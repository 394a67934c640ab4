// The work a sweep does for its points, in pieces a worker thread can run and the cache can
// keep: `prepare` (latency, II, bit-true accuracy, and the list of head's submodules with their
// cache keys), `flat` (the flattened synthesis: the totals), `module` (one submodule on its own,
// shared by every point with the same module), `verify` (what `headsim cosim` does, on the point).
import { join } from 'node:path';
import { bitTrue } from '../../models/bittrue.ts';
import { timing } from '../../models/geometry.ts';
import { orderByValue } from '../../models/ranking.ts';
import { accuracy, floatRefs, type EmittedVector } from '../check/accuracy.ts';
import { makeDir, writeFileAtomic, writeJson } from '../../lib/files.ts';
import { checkModes } from '../check/modes.ts';
import { cosimRunner } from '../run/cosim-runner.ts';
import { DEFAULT_TRAFFIC } from '../run/traffic.ts';
import type { Resources } from '../synth/stat.ts';
import { elaborate, synthFlat, synthInputs, synthModules, type FlatReport, type ModuleReport, type SubmoduleInfo } from '../synth/synth.ts';
import { pointScenario, verifyScenario, type DataHash, type DataRef } from './data.ts';

/** What every piece of work on a point needs. */
export interface PointSpec {
  /** the point's full configuration (defaults, the data's shapes and --auto-formats resolved) */
  params: Record<string, unknown>;
  vectors: number;
  seed: number;
  /** the user's data (null: weights and vectors generated from the seed) */
  data?: DataRef | null;
  rtlHash: string;
  /** rtl/ by default */
  rtlDir?: string;
  timeoutMs: number;
  keepBramInit: boolean;
}

export interface Figures {
  latency: { total: number; stages: Record<string, number> };
  ii: number;
  top1VsFloat: number;
  maxProbError: number | null;
  maxProbErrorEndToEnd: number | null;
  rankingAgreement: number;
  valueOrderAgreement: number;
  /** top-1 vs the labels of the input vectors: the point's hardware, and the float64 reference (null: no labels) */
  labelAccuracy: number | null;
  floatLabelAccuracy: number | null;
  seconds: number;
}

export interface Prepared {
  figures: Figures;
  /** null when per-module synthesis was not asked for, or the elaboration failed */
  submodules: SubmoduleInfo[] | null;
  elabError: string | null;
}

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

export async function figures(p: PointSpec): Promise<Figures> {
  const t0 = performance.now();
  const s = await pointScenario(p);
  const tm = timing(s.g);
  const refs = Array.from({ length: s.vectors.count }, (_, v) => bitTrue(s.g, s.t, s.w, s.config.relu, s.vectors.xQ, v * s.g.K));
  const em: EmittedVector[] = refs.map((r) => ({ entries: r.entries, top1: s.g.emitAll ? orderByValue(r.entries)[0]! : r.entries[0]!.index }));
  const floats = floatRefs(s);
  const acc = accuracy(s, em, refs, floats);
  const labels = s.vectors.labels;
  return {
    latency: { total: tm.latency, stages: tm.stages },
    ii: tm.ii,
    top1VsFloat: acc.top1VsFloat,
    maxProbError: acc.maxProbError,
    maxProbErrorEndToEnd: acc.maxProbErrorEndToEnd,
    rankingAgreement: acc.rankingAgreement,
    valueOrderAgreement: acc.valueOrderAgreement,
    labelAccuracy: acc.labelAccuracy,
    floatLabelAccuracy: labels ? floats.filter((f, v) => f.order[0] === labels[v]).length / floats.length : null,
    seconds: (performance.now() - t0) / 1000,
  };
}

export async function prepare(p: PointSpec, withModules: boolean): Promise<Prepared> {
  const f = await figures(p);
  if (!withModules) return { figures: f, submodules: null, elabError: null };
  try {
    return { figures: f, submodules: await elaborate(await romsOf(p), p.rtlHash, p), elabError: null };
  } catch (e) {
    return { figures: f, submodules: null, elabError: e instanceof Error ? e.message : String(e) };
  }
}

/** What Yosys reads for the point: the RTL and the memory images of its weights (one vector is enough). */
const romsOf = async (p: PointSpec) => synthInputs(await pointScenario({ ...p, vectors: 1 }), p.rtlDir);

export const flat = async (p: PointSpec): Promise<FlatReport> => synthFlat(await romsOf(p), p);

export const modules = async (p: PointSpec, subs: SubmoduleInfo[]): Promise<ModuleReport[]> => synthModules(await romsOf(p), subs, p);

export interface VerifyOptions {
  vectors: number;
  timeoutMs: number;
  /** directory for the cosim run's files */
  dir: string;
}

/**
 * `headsim cosim` on the point (its mode only, few vectors), in this thread through the same
 * mode loop and checks (harness/check/modes.ts), on the sweep's RTL, in the point's own directory: verified when
 * the RTL and the model agree on every port at every cycle, every value matches the bit-true
 * reference and the timing matches the formulas. The accuracy bar is not part of it (the sweep
 * reports accuracy separately; small exp tables miss the default bar by design). Any error is
 * this point's (detail), never the sweep's; past timeoutMs the simulation is stopped.
 */
export async function verify(p: PointSpec, v: VerifyOptions): Promise<{ ok: boolean; detail: string; seconds: number }> {
  const t0 = performance.now();
  const done = (ok: boolean, detail: string) => ({ ok, detail, seconds: (performance.now() - t0) / 1000 });
  const runner = cosimRunner({ backend: 'verilator', out: v.dir, rtlDir: p.rtlDir, deadline: { at: Date.now() + v.timeoutMs, limit: `the verification's time limit of ${v.timeoutMs} ms` } });
  try {
    makeDir(v.dir);
    // what reproduces the run: headsim cosim --config config.json --mode <mode> and the data flags
    writeFileAtomic(join(v.dir, 'config.json'), JSON.stringify(p.params, null, 2) + '\n');
    const sourced = await verifyScenario(p, v.vectors, v.dir);
    const mode = sourced.config.mode;
    const r = await checkModes({ command: 'cosim', sourced, modes: [mode], traffic: { ...DEFAULT_TRAFFIC, seed: p.seed }, bars: { maxProbError: 1 }, concurrent: true }, runner.run);
    writeJson(join(v.dir, 'cosim.json'), r.report);
    if (!r.failed.length) return done(true, 'cosim: all checks passed');
    return done(false, `cosim: ${r.failed.length} check(s) failed\n${r.failed.map((f) => `FAIL ${f}`).join('\n')}`);
  } catch (e) {
    return done(false, `cosim: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    runner.release();
  }
}
