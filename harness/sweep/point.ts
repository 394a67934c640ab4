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
import { elaborate, synthFlat, synthInputs, synthModules, type FlatReport, type ModuleReport, type SubmoduleInfo } from '../synth/synth.ts';
import { pointScenario, verifyScenario, type DataRef } from './data.ts';

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

/** A point's verification: passed or not, and the line that says why. */
export interface Verification {
  ok: boolean;
  detail: string;
  seconds: number;
}

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
export async function verify(p: PointSpec, v: VerifyOptions): Promise<Verification> {
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
