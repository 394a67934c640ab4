// The work a sweep does for its points, in pieces a worker thread can run and the cache can
// keep: `prepare` (latency, II, bit-true accuracy, and the list of head's submodules with their
// cache keys), `flat` (the flattened synthesis: the totals), `module` (one submodule on its own,
// shared by every point with the same module), `verify` (`headsim cosim` on the point).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bitTrue } from '../../models/bittrue.ts';
import { parseConfig } from '../../models/config.ts';
import { timing } from '../../models/geometry.ts';
import { orderByValue } from '../../models/ranking.ts';
import { accuracy, floatRefs, type EmittedVector } from '../check/accuracy.ts';
import { runCommand, tail } from '../../lib/proc.ts';
import type { Resources } from '../synth/stat.ts';
import { elaborate, synthFlat, synthInputs, synthModules, type FlatReport, type ModuleReport, type SubmoduleInfo } from '../synth/synth.ts';
import { synthIce40, type Ice40Report } from '../synth/ice40.ts';
import { WRAP_TOP } from '../synth/timing-wrap.ts';
import { DEFAULT_SYNTH_TARGET, targetOf, type SynthTarget } from '../synth/targets.ts';
import type { FmaxKind } from '../synth/timing-types.ts';
import { tsxLoader } from '../synth/ts-worker.ts';
import { DATASETS } from '../inputs/datasets/index.ts';
import { pointScenario, type DataHash, type DataRef } from './data.ts';

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
  /** what the point is synthesized for (absent: xc7) */
  synthTarget?: SynthTarget;
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

const CLI = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

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

/** The point's synthesis for its target: the flattened synth_xilinx run, or iCE40 place and route. */
export async function flat(p: PointSpec): Promise<FlatReport> {
  const t = targetOf((p.synthTarget ?? DEFAULT_SYNTH_TARGET).target);
  if (t.family === 'xc7') return synthFlat(await romsOf(p), p);
  return ice40Flat(await synthIce40(await romsOf(p), t, { clock: p.synthTarget!.clock, pnrSeed: p.synthTarget!.pnrSeed, timeoutMs: p.timeoutMs }));
}

export const modules = async (p: PointSpec, subs: SubmoduleInfo[]): Promise<ModuleReport[]> => synthModules(await romsOf(p), subs, p);

/**
 * The data flags of `cosim` that load the sweep's data (its config file has the resolved
 * configuration). A dataset is passed as its cached files: cosim's --out is the point's directory.
 */
async function dataFlags(d: DataRef | null | undefined): Promise<string[]> {
  if (!d) return [];
  const files = d.dataset ? await DATASETS[d.dataset]!(d.out) : null;
  const src = files ? { weights: files.weights, bias: files.bias, inputVectors: files.inputVectors, inputLabels: files.labels } : d;
  const flag = { weights: '--weights', bias: '--bias', weightsLayout: '--weights-layout', inputVectors: '--input-vectors', inputLabels: '--input-labels' } as const;
  return Object.entries(flag).flatMap(([k, f]) => {
    const v = (src as Partial<Record<keyof typeof flag, string>>)[k as keyof typeof flag];
    return v === undefined ? [] : [f, v];
  });
}

export interface VerifyOptions {
  vectors: number;
  timeoutMs: number;
  /** directory for the cosim run's files */
  dir: string;
}

/**
 * `headsim cosim` on the point (its mode only, few vectors), in a child process: verified when
 * the RTL and the model agree on every port at every cycle, every value matches the bit-true
 * reference and the timing matches the formulas. The accuracy bar is not part of it (the sweep
 * reports accuracy separately; small exp tables miss the default bar by design).
 */
export async function verify(p: PointSpec, v: VerifyOptions): Promise<{ ok: boolean; detail: string; seconds: number }> {
  const t0 = performance.now();
  const mode = parseConfig(p.params).mode;
  mkdirSync(v.dir, { recursive: true });
  const cfg = join(v.dir, 'config.json');
  writeFileSync(cfg, JSON.stringify(p.params, null, 2) + '\n');
  const args = ['--import', tsxLoader(), CLI, 'cosim', '--config', cfg, '--mode', mode, '--vectors', String(v.vectors), '--seed', String(p.seed), '--max-prob-error', '1', '--out', v.dir, '--json', join(v.dir, 'cosim.json'), ...(await dataFlags(p.data))];
  const done = (ok: boolean, detail: string) => ({ ok, detail, seconds: (performance.now() - t0) / 1000 });
  try {
    const r = await runCommand(process.execPath, args, { timeoutMs: v.timeoutMs });
    return r.code === 0 ? done(true, tail(r.stdout, 1)) : done(false, `cosim exit ${r.code}: ${tail(r.stdout + r.stderr, 6)}`);
  } catch (e) {
    return done(false, `cosim: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** An iCE40 run as the sweep's flattened-synthesis slot holds it: the head's cells in the resource columns, the routed clock as its timing, the whole report beside. */
function ice40Flat(r: Ice40Report): FlatReport {
  const h = r.head;
  return {
    top: WRAP_TOP,
    lut: h.lut4, ff: h.ff, dsp: h.dsp, bram: h.ebr, ramb36: 0, ramb18: 0, carry: h.carry, srl: 0, lutram: 0, muxf7: 0, muxf8: 0,
    logicDepth: 0,
    cells: {},
    yosysVersion: `${r.yosysVersion}, ${r.nextpnrVersion}`,
    script: r.script,
    seconds: r.seconds.synth + r.seconds.pnr,
    timing: r.routed,
    ice40: r,
  };
}
