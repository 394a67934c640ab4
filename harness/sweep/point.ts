// The work a sweep does for its points, in pieces a worker thread can run and the cache can
// keep: `prepare` (latency, II, bit-true accuracy, and the list of head's submodules with their
// cache keys), `flat` (the flattened synthesis: the totals), `module` (one submodule on its own,
// shared by every point with the same module), and `verify` (verify.ts: `headsim cosim` on the point).
import { bitTrue } from '../../models/bittrue.ts';
import { timing } from '../../models/geometry.ts';
import { orderByValue } from '../../models/ranking.ts';
import { accuracy, floatRefs, type EmittedVector } from '../check/accuracy.ts';
import { elaborate, synthFlat, synthInputs, synthModules, type FlatReport, type ModuleReport, type SubmoduleInfo } from '../synth/synth.ts';
import { synthIce40, type Ice40Report } from '../synth/ice40.ts';
import { WRAP_TOP } from '../synth/timing-wrap.ts';
import { DEFAULT_SYNTH_TARGET, targetOf, type SynthTarget } from '../synth/targets.ts';
import { pointScenario, type DataRef } from './data.ts';

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
