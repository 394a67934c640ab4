// Running a sweep: cache lookup, sharding, and a small scheduler that runs the pieces of point
// work (harness/sweep/point.ts) on a pool of worker threads (harness/sweep/pool.ts):
//   prepare(p)  latency, II, accuracy, and head's submodules with their cache keys;
//   flat(p)     the flattened synthesis (totals, logic depth);
//   module(k)   one submodule on its own, once per distinct module key across all points;
//   verify(p)   `headsim cosim` on the point (with --verify).
// Every finished piece is appended to the JSONL cache at once; a point's row is appended when
// all its pieces are there. With --jobs 2 at most two Yosys runs are live (one per worker).
// The steps (SweepRun): plan the work the cache does not hold, run the pool's slots until the
// queue is empty, record each result and complete the points it finishes.
import { join } from 'node:path';
import { provenAccWidth, type HeadConfig } from '../../models/config.ts';
import { geometry, timing } from '../../models/geometry.ts';
import { FLAT_SCRIPT_VERSION, moduleTable, rtlHash as hashRtl, type FlatReport, type ModuleReport, type SubmoduleInfo } from '../synth/synth.ts';
import { yowaspVersion } from '../synth/yosys.ts';
import { nextpnrVersion } from '../synth/nextpnr.ts';
import { ICE40_FLOW_VERSION } from '../synth/ice40.ts';
import { DEFAULT_SYNTH_TARGET, type SynthTarget } from '../synth/targets.ts';
import { cyclesToNs } from '../synth/timing-types.ts';
import { SweepCache } from './cache.ts';
import { BACK_END, estimateCost, estimateModuleCost, estimateVerifyCost, FRONT_END, plannedCost, shardOf, type Shard } from './cost.ts';
import type { DataRef } from './data.ts';
import { isFailed, type Figures, type PointRow, type PointSpec, type SynthSummary } from './point.ts';
import { PoolWorker } from './pool.ts';
import { duration, Progress } from './progress.ts';
import { canonicalConfig, sha, type SweepPoint } from './spec.ts';

/** Bump when the accuracy figures are computed differently: part of the point key. */
export const ACCURACY_VERSION = 1;

export interface SweepRunOptions {
  points: SweepPoint[];
  vectors: number;
  seed: number;
  cachePath: string;
  jobs: number;
  timeoutMs: number;
  /** synthesize head's submodules on their own for the per-module breakdown */
  modules: boolean;
  /** plain synth_xilinx, BRAM contents kept through mapping (see harness/synth/synth.ts) */
  keepBramInit?: boolean;
  verify: { vectors: number; timeoutMs: number; out: string } | null;
  shard: Shard | null;
  retryFailed: boolean;
  rtlDir?: string;
  /** the user's data (harness/sweep/data.ts); absent or null: generated from the seed */
  data?: DataRef | null;
  /** progress on stderr (default true) */
  progress?: boolean;
  /** what the points are synthesized for (default xc7); iCE40 targets have no per-module breakdown */
  synthTarget?: SynthTarget;
}

export interface SweepRunResult {
  /** rows of this run's points (this shard's), in spec order */
  rows: PointRow[];
  /** points evaluated (not taken whole from the cache) */
  ran: number;
  cached: number;
  failed: number;
  /** Yosys syntheses run: flattened totals and modules */
  syntheses: { flat: number; modules: number };
  seconds: number;
  rtlHash: string;
}

export interface PointKeys {
  key: string;
  synthKey: string;
}

/**
 * A point's keys. With the user's data, the hash of the weights (the ROM contents) is part of
 * synthKey and the hash of the input vectors and labels part of key; without it the keys are
 * what they always were (generated data is decided by the seed).
 */
export function pointKeys(c: HeadConfig, ctx: { seed: number; vectors: number; rtlHash: string; keepBramInit?: boolean; data?: DataRef | null; synthTarget?: SynthTarget }): PointKeys {
  const script = ctx.keepBramInit ? `${FLAT_SCRIPT_VERSION}-keep-bram-init` : FLAT_SCRIPT_VERSION;
  const d = ctx.data?.hash;
  const t = ctx.synthTarget ?? DEFAULT_SYNTH_TARGET;
  // an iCE40 point: the part, the clock asked for, nextpnr's seed and version are the synthesis too
  const pnr = t.target === 'xc7' ? {} : { target: t.target, clock: t.clock, pnrSeed: t.pnrSeed, nextpnr: nextpnrVersion, flow: ICE40_FLOW_VERSION };
  const synthKey = sha({ hw: canonicalConfig(c), seed: ctx.seed, rtl: ctx.rtlHash, yosys: yowaspVersion, script, ...pnr, ...(d?.weights ? { weights: d.weights } : {}) });
  return { synthKey, key: sha({ synthKey, vectors: ctx.vectors, accuracy: ACCURACY_VERSION, ...(d?.inputs ? { inputs: d.inputs } : {}) }) };
}

export const pointLabel = (c: HeadConfig) =>
  `${c.mode}${c.mode === 'softmax' && c.divider === 'serial' ? '/serial' : ''} N=${c.classes} cPar=${c.cPar} kPar=${c.kPar} ${c.select} exp=${c.expLut.addrBits}b${c.emit === 'all' ? ' emit=all' : ''}`;

/** One point's progress through its pieces of work. */
interface PointState {
  p: SweepPoint;
  spec: PointSpec;
  keys: PointKeys;
  /** a cached row that only lacks its verification */
  prev: PointRow | null;
  figures: Figures | null;
  prepError: string | null;
  elabError: string | null;
  prepared: boolean;
  subs: SubmoduleInfo[] | null;
  flat: FlatReport | null;
  flatError: string | null;
  flatDone: boolean;
  verify: { ok: boolean; detail: string; seconds: number } | null;
  needVerify: boolean;
  done: boolean;
}

type Task =
  | { kind: 'prepare'; st: PointState; cost: number }
  | { kind: 'flat'; st: PointState; cost: number }
  | { kind: 'modules'; subs: SubmoduleInfo[]; st: PointState; cost: number }
  | { kind: 'verify'; st: PointState; cost: number };


const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function runSweep(o: SweepRunOptions): Promise<SweepRunResult> {
  // the per-module breakdown is synth_xilinx's: an iCE40 sweep has the totals and the routed clock
  const run = new SweepRun({ ...o, modules: o.modules && (o.synthTarget ?? DEFAULT_SYNTH_TARGET).target === 'xc7' });
  run.plan();
  try {
    await run.work();
  } finally {
    run.close();
  }
  return run.result();
}

class SweepRun {
  private readonly t0 = performance.now();
  private readonly rtlHash: string;
  private readonly cache: SweepCache;
  private readonly progress: Progress | null;
  /** this shard's points */
  private readonly mine: SweepPoint[];
  private readonly rows = new Map<number, PointRow>();
  private readonly states: PointState[] = [];
  private readonly queue: Task[] = [];
  private cached = 0;
  private failed = 0;
  private readonly moduleResults = new Map<string, ModuleReport | { error: string }>();
  private readonly moduleQueued = new Set<string>();
  private readonly syntheses = { flat: 0, modules: 0 };
  private costDone = 0;
  private costPlanned = 0;
  private readonly running = new Map<Task, string>();
  private jobs = 1;
  private waiters: (() => void)[] = [];

  constructor(private readonly o: SweepRunOptions) {
    this.rtlHash = hashRtl(o.rtlDir);
    this.cache = new SweepCache(o.cachePath);
    this.progress = o.progress === false ? null : new Progress();
    if (this.cache.bad) this.progress?.log(`sweep: ${o.cachePath}: ${this.cache.bad} unreadable line(s) ignored${this.cache.repaired ? ' (work cut short by an interrupted run; it is done again)' : ''}`);
    const shards = o.shard ? shardOf(o.points, o.shard.count) : null;
    this.mine = o.points.filter((p) => !shards || shards.get(p.index) === o.shard!.index);
  }

  /** Rows from the cache; for the rest, the pieces of work the cache does not hold. */
  plan(): void {
    const o = this.o;
    for (const p of this.mine) {
      const keys = pointKeys(p.config, { seed: o.seed, vectors: o.vectors, rtlHash: this.rtlHash, keepBramInit: o.keepBramInit, data: o.data, synthTarget: o.synthTarget });
      const hit = this.cache.get(keys.key);
      const retry = o.retryFailed && hit && isFailed(hit);
      const needVerify = o.verify !== null && (!hit || retry || hit.verified === null || (o.retryFailed && hit.verified === false));
      if (hit && !retry && !needVerify) {
        this.rows.set(p.index, { ...hit, index: p.index, params: p.params });
        this.cached++;
        continue;
      }
      const spec: PointSpec = { params: { ...p.config }, vectors: o.vectors, seed: o.seed, data: o.data ?? null, rtlHash: this.rtlHash, rtlDir: o.rtlDir, timeoutMs: o.timeoutMs, keepBramInit: !!o.keepBramInit, synthTarget: o.synthTarget ?? DEFAULT_SYNTH_TARGET };
      const st: PointState = {
        p, spec, keys, prev: hit && !retry ? hit : null,
        figures: null, prepError: null, elabError: null, prepared: false, subs: null,
        flat: null, flatError: null, flatDone: false, verify: null, needVerify, done: false,
      };
      this.states.push(st);
      if (st.prev) {
        this.queue.push({ kind: 'verify', st, cost: estimateVerifyCost(st.p.config) });
        continue;
      }
      this.queue.push({ kind: 'prepare', st, cost: 3 });
      const f = this.cache.flat(keys.synthKey);
      if (f) [st.flat, st.flatDone] = [f, true];
      else this.queue.push({ kind: 'flat', st, cost: estimateCost(p.config) });
    }
    this.failed = [...this.rows.values()].filter(isFailed).length;
    const fresh = this.states.filter((s) => !s.prev).map((s) => s.p);
    const verifies = this.states.filter((s) => s.prev || s.needVerify).reduce((sum, s) => sum + estimateVerifyCost(s.p.config), 0);
    this.costPlanned = plannedCost(fresh, o.seed, o.modules) + verifies;
    this.jobs = Math.max(1, Math.min(o.jobs, this.states.length || 1));
    this.progress?.update(this.state());
  }

  /** Every slot of the pool takes the next task until the queue is empty and nothing runs. */
  async work(): Promise<void> {
    await Promise.all(Array.from({ length: this.jobs }, () => this.slot()));
    for (const st of this.states) if (!st.done) throw new Error(`sweep: point ${st.p.index} did not complete (internal error)`);
  }

  close(): void {
    this.cache.close();
    this.progress?.finish();
  }

  result(): SweepRunResult {
    const rows = [...this.rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
    return { rows, ran: this.states.length, cached: this.cached, failed: this.failed, syntheses: this.syntheses, seconds: (performance.now() - this.t0) / 1000, rtlHash: this.rtlHash };
  }

  private state() {
    return {
      done: this.rows.size, failed: this.failed, cached: this.cached, total: this.mine.length,
      costDone: this.costDone, costTotal: Math.max(this.costPlanned, this.costDone + 1), jobs: this.jobs, running: [...new Set(this.running.values())],
    };
  }

  private moduleOf(key: string): ModuleReport | { error: string } | undefined {
    return this.cache.module(key) ?? this.moduleResults.get(key);
  }

  /** One worker thread running tasks in turn (a new thread after a crash). */
  private async slot(): Promise<void> {
    let w: PoolWorker | null = null;
    try {
      for (;;) {
        const t = this.next();
        if (!t) {
          if (this.running.size === 0 && !this.queue.length) break;
          await new Promise<void>((r) => this.waiters.push(r));
          continue;
        }
        if (!w || w.dead) w = new PoolWorker();
        await this.execute(w, t);
        this.notify();
      }
    } finally {
      this.notify();
      await w?.close();
    }
  }

  private notify(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  /**
   * Costliest first, so the long syntheses start early and short ones fill the gaps; a point's
   * preparation (cheap, it unlocks the point's module work) ranks just above its synthesis.
   */
  private next(): Task | undefined {
    const q = this.queue;
    if (!q.length) return undefined;
    let best = 0;
    const rank = (t: Task) => (t.kind === 'prepare' ? estimateCost(t.st.p.config) + 1 : t.cost);
    for (let i = 1; i < q.length; i++) if (rank(q[i]!) > rank(q[best]!)) best = i;
    return q.splice(best, 1)[0];
  }

  /** Run one task on a worker and record its result. */
  private async execute(w: PoolWorker, t: Task): Promise<void> {
    const o = this.o;
    const label = t.kind === 'modules' ? `modules ${t.subs.map((s) => s.module).join(',')} (N=${t.st.p.config.classes})` : `${t.kind} ${pointLabel(t.st.p.config)}`;
    this.running.set(t, label);
    const t1 = performance.now();
    this.progress?.update(this.state());
    let result: unknown = null;
    let err: string | null = null;
    try {
      result = await w.run<unknown>((api): Promise<unknown> => {
        switch (t.kind) {
          case 'prepare':
            return api.prepare(t.st.spec, o.modules);
          case 'flat':
            return api.flat(t.st.spec);
          case 'modules':
            return api.modules(t.st.spec, t.subs);
          case 'verify':
            return api.verify(t.st.spec, { vectors: o.verify!.vectors, timeoutMs: o.verify!.timeoutMs, dir: join(o.verify!.out, t.st.keys.key) });
        }
      });
    } catch (e) {
      err = message(e);
    }
    this.running.delete(t);
    this.costDone += t.cost;
    if (t.kind !== 'prepare') this.progress?.note(`sweep: ${label}: ${err ? `failed: ${err.split('\n')[0]}` : 'done'} (${duration((performance.now() - t1) / 1000)})`);
    this.record(t, result, err);
    this.progress?.update(this.state());
  }

  /** The result of one task: record it, queue what it unlocks, complete points. */
  private record(t: Task, r: unknown, err: string | null): void {
    const st = t.st;
    switch (t.kind) {
      case 'prepare':
        st.prepared = true;
        if (err) st.prepError = err;
        else this.prepared(st, r as { figures: Figures; submodules: SubmoduleInfo[] | null; elabError: string | null });
        break;
      case 'flat':
        st.flatDone = true;
        if (err) st.flatError = err;
        else {
          st.flat = r as FlatReport;
          this.syntheses.flat++;
          this.cache.append({ kind: 'flat', synthKey: st.keys.synthKey, flat: st.flat });
        }
        break;
      case 'modules':
        if (err) for (const sub of t.subs) this.moduleResults.set(sub.key, { error: err });
        else
          for (const m of r as ModuleReport[]) {
            this.moduleResults.set(m.key, m);
            this.syntheses.modules++;
            this.cache.append({ kind: 'module', key: m.key, module: m });
          }
        break;
      case 'verify':
        st.verify = err ? { ok: false, detail: `verification failed: ${err}`, seconds: 0 } : (r as { ok: boolean; detail: string; seconds: number });
        break;
    }
    for (const s of this.states) this.tryComplete(s);
  }

  /** A prepared point: its figures, and one Yosys run for the submodules nobody has or is making yet. */
  private prepared(st: PointState, prep: { figures: Figures; submodules: SubmoduleInfo[] | null; elabError: string | null }): void {
    st.figures = prep.figures;
    st.subs = prep.submodules;
    st.elabError = prep.elabError;
    // Planned module cost of this point is replaced by the modules it really needs.
    if (this.o.modules) for (const m of BACK_END) this.costPlanned -= estimateModuleCost(m, st.p.config);
    const todo = (st.subs ?? []).filter((sub) => !this.moduleOf(sub.key) && !this.moduleQueued.has(sub.key));
    for (const sub of todo) this.moduleQueued.add(sub.key);
    if (todo.length) {
      const cost = todo.reduce((s, sub) => s + estimateModuleCost(sub.module, st.p.config), 0);
      this.costPlanned += todo.filter((sub) => !FRONT_END.includes(sub.module)).reduce((s, sub) => s + estimateModuleCost(sub.module, st.p.config), 0);
      this.queue.push({ kind: 'modules', subs: todo, st, cost });
    }
    if (st.needVerify) this.queue.push({ kind: 'verify', st, cost: estimateVerifyCost(st.p.config) });
  }

  /** Build and append the row of a point whose pieces are all there. */
  private tryComplete(st: PointState): void {
    if (st.done) return;
    if (st.prev) {
      if (!st.verify) return;
      this.finish(st, { ...st.prev, index: st.p.index, params: st.p.params, verified: st.verify.ok, verifyDetail: st.verify.detail, seconds: { ...st.prev.seconds, verify: st.verify.seconds }, finishedAt: new Date().toISOString() });
      return;
    }
    if (!st.prepared || !st.flatDone) return;
    if (st.needVerify && !st.verify && !st.prepError) return;
    const mods: ModuleReport[] = [];
    const moduleErrors: Record<string, string> = {};
    for (const sub of st.subs ?? []) {
      const m = this.moduleOf(sub.key);
      if (!m) return;
      if ('error' in m) moduleErrors[sub.module] = m.error;
      else mods.push({ ...m, instances: sub.instances, type: sub.type, module: sub.module });
    }
    this.finish(st, this.buildRow(st, mods, moduleErrors));
  }

  private buildRow(st: PointState, mods: ModuleReport[], moduleErrors: Record<string, string>): PointRow {
    const c = st.p.config;
    const tm = timing(geometry(c, provenAccWidth(c)));
    const f = st.figures;
    const table = this.o.modules && st.subs ? moduleTable(mods) : null;
    const synth: SynthSummary | null = st.flat
      ? { ...st.flat, modules: table?.modules ?? null, modulesTotal: table?.total ?? null, moduleErrors: Object.keys(moduleErrors).length ? moduleErrors : null }
      : null;
    const target = (this.o.synthTarget ?? DEFAULT_SYNTH_TARGET).target;
    const clock = st.flat?.timing ?? null;
    const latency = f?.latency ?? { total: tm.latency, stages: tm.stages };
    const ii = f?.ii ?? tm.ii;
    const errors = [
      st.prepError && `evaluation failed: ${st.prepError}`,
      st.flatError && `synthesis failed: ${st.flatError}`,
      ...Object.entries(moduleErrors).map(([m, e]) => `module ${m}: synthesis failed: ${e}`),
      st.elabError && `module breakdown: elaboration failed: ${st.elabError}`,
    ].filter((x): x is string => !!x);
    return {
      key: st.keys.key,
      synthKey: st.keys.synthKey,
      index: st.p.index,
      params: st.p.params,
      config: canonicalConfig(c),
      status: st.flat && f ? 'ok' : 'failed',
      error: errors.length ? errors.join('\n').slice(0, 8000) : null,
      latency,
      ii,
      lut: st.flat?.lut ?? null,
      ff: st.flat?.ff ?? null,
      dsp: st.flat?.dsp ?? null,
      bram: st.flat?.bram ?? null,
      carry: st.flat?.carry ?? null,
      logicDepth: target === 'xc7' ? (st.flat?.logicDepth ?? null) : null,
      target,
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
      data: this.o.data?.hash ?? null,
      verified: st.verify ? st.verify.ok : null,
      verifyDetail: st.verify?.detail ?? null,
      synth,
      vectors: st.spec.vectors,
      seed: st.spec.seed,
      rtlHash: this.rtlHash,
      seconds: {
        accuracy: f?.seconds ?? 0,
        synth: st.flat?.seconds ?? null,
        modules: mods.length ? mods.reduce((s, m) => s + m.seconds, 0) : null,
        verify: st.verify?.seconds ?? null,
      },
      finishedAt: new Date().toISOString(),
    };
  }

  private finish(st: PointState, row: PointRow): void {
    st.done = true;
    this.cache.append(row);
    this.rows.set(st.p.index, row);
    if (isFailed(row)) this.failed++;
    const what =
      row.status === 'ok'
        ? `LUT ${row.lut}, FF ${row.ff}, DSP ${row.dsp}, BRAM ${row.bram}, latency ${row.latency.total}${row.fmax ? ` at ${row.fmax} MHz (${row.fmaxKind}) = ${row.latencyNs} ns` : ''}${row.verified === null ? '' : row.verified ? ', verified' : ', VERIFY FAILED'}${row.error ? ' (with errors)' : ''}`
        : `FAILED: ${row.error?.split('\n')[0]}`;
    this.progress?.update(this.state(), `sweep: ${pointLabel(st.p.config)}: ${what}`);
  }
}
