// Running a sweep: cache lookup, sharding, and a small scheduler that runs the pieces of point
// work (harness/sweep/point.ts) on a pool of worker threads (comlink):
//   prepare(p)  latency, II, accuracy, and head's submodules with their cache keys;
//   flat(p)     the flattened synthesis (totals, logic depth);
//   module(k)   one submodule on its own, once per distinct module key across all points;
//   verify(p)   `headsim cosim` on the point (with --verify).
// Every finished piece is appended to the JSONL cache at once; a point's row is appended when
// all its pieces are there. With --jobs 2 at most two Yosys runs are live (one per worker).
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { provenAccWidth, type HeadConfig } from '../../models/config.ts';
import { geometry, timing } from '../../models/geometry.ts';
import { moduleTable, rtlHash as hashRtl, SYNTH_SCRIPT_VERSION, type FlatReport, type ModuleReport, type SubmoduleInfo } from '../synth/synth.ts';
import { startTsWorker } from '../synth/ts-worker.ts';
import { yowaspVersion } from '../synth/yosys.ts';
import { SweepCache } from './cache.ts';
import { isFailed, type Figures, type PointRow, type PointSpec, type SynthSummary } from './point.ts';
import { duration, Progress } from './progress.ts';
import { canonicalConfig, sha, type SweepPoint } from './spec.ts';
import type { SweepWorkerApi } from './worker.ts';

/** Bump when the accuracy figures are computed differently: part of the point key. */
export const ACCURACY_VERSION = 1;

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

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
  /** progress on stderr (default true) */
  progress?: boolean;
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

export function pointKeys(c: HeadConfig, ctx: { seed: number; vectors: number; rtlHash: string; keepBramInit?: boolean }): PointKeys {
  const script = ctx.keepBramInit ? `${SYNTH_SCRIPT_VERSION}-keep-bram-init` : SYNTH_SCRIPT_VERSION;
  const synthKey = sha({ hw: canonicalConfig(c), seed: ctx.seed, rtl: ctx.rtlHash, yosys: yowaspVersion, script });
  return { synthKey, key: sha({ synthKey, vectors: ctx.vectors, accuracy: ACCURACY_VERSION }) };
}

/**
 * Rough cost (seconds of one core) of the flattened synthesis, for scheduling, sharding and
 * the ETA. Measured on the reference machine: N = 10 ≈ 10–20 s, N = 100 ≈ 30–45 s, N = 1000 ≈ 6–7 min
 * (the N-wide logit banks and comparator tree dominate).
 */
export function estimateCost(c: HeadConfig): number {
  const lanes = c.cPar * c.kPar;
  const soft = c.mode === 'softmax' ? 8 + 0.5 * c.cPar : 0;
  return 20 + 0.5 * c.classes + 40 * Math.min(1, c.classes / 100) + 0.05 * lanes + soft + (c.mode === 'approx' ? 3 : 0);
}

/** Rough cost of `headsim cosim` on a point: mostly the Verilator build. */
export const estimateVerifyCost = (c: HeadConfig) => 15 + 0.3 * c.classes;

/** Rough cost of one submodule synthesized on its own (each run also elaborates the whole head). */
export function estimateModuleCost(module: string, c: HeadConfig): number {
  const base = 6 + 0.012 * c.classes;
  switch (module) {
    case 'comparator_tree':
      return base + 0.42 * c.classes;
    case 'logit_bank':
      return base + 0.1 * c.classes;
    case 'mac_array':
      return base + 0.1 * c.cPar * c.kPar;
    case 'exp_unit':
      return base + (c.mode === 'argmax' ? 0 : 3 + (c.mode === 'softmax' && c.expPar !== 'auto' ? 0.5 * c.expPar : 0.5));
    case 'normalizer':
    case 'reciprocal':
      return base + (c.mode === 'softmax' ? 2 : 0);
    default:
      return base + 3;
  }
}

const FRONT_END = ['input_stage', 'mac_array', 'logit_bank', 'comparator_tree'];
const BACK_END = ['exp_unit', 'normalizer', 'reciprocal', 'divider', 'output_stage'];
/** Points that share the front-end modules (everything up to the logits). */
const frontEndGroup = (c: HeadConfig, seed: number) =>
  sha({ N: c.classes, K: c.inputs, kPar: c.kPar, cPar: c.cPar, relu: c.relu, f: [c.inFmt, c.wFmt, c.biasFmt, c.logitFmt, c.accWidth], seed });

/** Total estimated cost of a point's work, the front end counted once per group. */
function plannedCost(points: SweepPoint[], seed: number, modules: boolean): number {
  const groups = new Set<string>();
  let total = 0;
  for (const p of points) {
    total += estimateCost(p.config) + 3;
    if (!modules) continue;
    for (const m of BACK_END) total += estimateModuleCost(m, p.config);
    const g = frontEndGroup(p.config, seed);
    if (!groups.has(g)) for (const m of FRONT_END) total += estimateModuleCost(m, p.config);
    groups.add(g);
  }
  return total;
}

/** Longest-processing-time assignment of points to shards: deterministic and cost-balanced. */
export function shardOf(points: SweepPoint[], count: number): Map<number, number> {
  const load = new Array<number>(count).fill(0);
  const assign = new Map<number, number>();
  const order = [...points].sort((a, b) => estimateCost(b.config) - estimateCost(a.config) || a.index - b.index);
  for (const p of order) {
    let best = 0;
    for (let i = 1; i < count; i++) if (load[i]! < load[best]!) best = i;
    load[best]! += estimateCost(p.config);
    assign.set(p.index, best + 1);
  }
  return assign;
}

export const pointLabel = (c: HeadConfig) =>
  `${c.mode}${c.mode === 'softmax' && c.divider === 'serial' ? '/serial' : ''} N=${c.classes} cPar=${c.cPar} kPar=${c.kPar} exp=${c.expLut.addrBits}b`;

class PoolWorker {
  private readonly worker: Worker;
  readonly api: Comlink.Remote<SweepWorkerApi>;
  private pending: ((e: Error) => void) | null = null;
  dead = false;

  constructor() {
    this.worker = startTsWorker(new URL('./worker.ts', import.meta.url));
    this.api = Comlink.wrap<SweepWorkerApi>(nodeEndpoint(this.worker));
    const die = (why: string) => {
      this.dead = true;
      this.pending?.(new Error(why));
      this.pending = null;
    };
    this.worker.on('error', (e) => die(`worker thread failed: ${e.message}`));
    this.worker.on('exit', (code) => die(`worker thread exited (${code})`));
  }

  /** Run one call; a crash of the thread rejects it. */
  run<T>(call: (api: Comlink.Remote<SweepWorkerApi>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending = reject;
      call(this.api).then(
        (r) => {
          this.pending = null;
          resolve(r);
        },
        (e: unknown) => {
          this.pending = null;
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  async close(): Promise<void> {
    this.dead = true;
    this.api[Comlink.releaseProxy]();
    await this.worker.terminate();
  }
}

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
  const t0 = performance.now();
  const rtlHash = hashRtl(o.rtlDir);
  const cache = new SweepCache(o.cachePath);
  const progress = o.progress === false ? null : new Progress();
  if (cache.bad) progress?.log(`sweep: ${o.cachePath}: ${cache.bad} unreadable line(s) ignored${cache.repaired ? ' (work cut short by an interrupted run; it is done again)' : ''}`);
  const shards = o.shard ? shardOf(o.points, o.shard.count) : null;
  const mine = o.points.filter((p) => !shards || shards.get(p.index) === o.shard!.index);

  const rows = new Map<number, PointRow>();
  const states: PointState[] = [];
  const queue: Task[] = [];
  let cached = 0;
  for (const p of mine) {
    const keys = pointKeys(p.config, { seed: o.seed, vectors: o.vectors, rtlHash, keepBramInit: o.keepBramInit });
    const hit = cache.get(keys.key);
    const retry = o.retryFailed && hit && isFailed(hit);
    const needVerify = o.verify !== null && (!hit || retry || hit.verified === null || (o.retryFailed && hit.verified === false));
    if (hit && !retry && !needVerify) {
      rows.set(p.index, { ...hit, index: p.index, params: p.params });
      cached++;
      continue;
    }
    const spec: PointSpec = { params: p.params, vectors: o.vectors, seed: o.seed, rtlHash, rtlDir: o.rtlDir, timeoutMs: o.timeoutMs, keepBramInit: !!o.keepBramInit };
    const st: PointState = {
      p, spec, keys, prev: hit && !retry ? hit : null,
      figures: null, prepError: null, elabError: null, prepared: false, subs: null,
      flat: null, flatError: null, flatDone: false, verify: null, needVerify, done: false,
    };
    states.push(st);
    if (st.prev) {
      queue.push({ kind: 'verify', st, cost: estimateVerifyCost(st.p.config) });
      continue;
    }
    queue.push({ kind: 'prepare', st, cost: 3 });
    const f = cache.flat(keys.synthKey);
    if (f) [st.flat, st.flatDone] = [f, true];
    else queue.push({ kind: 'flat', st, cost: estimateCost(p.config) });
  }

  const moduleResults = new Map<string, ModuleReport | { error: string }>();
  const moduleQueued = new Set<string>();
  const syntheses = { flat: 0, modules: 0 };
  let failed = [...rows.values()].filter(isFailed).length;
  let costDone = 0;
  let costPlanned = plannedCost(
    states.filter((s) => !s.prev).map((s) => s.p),
    o.seed,
    o.modules,
  ) + states.filter((s) => s.prev || s.needVerify).reduce((sum, s) => sum + estimateVerifyCost(s.p.config), 0);
  const running = new Map<Task, string>();
  const jobs = Math.max(1, Math.min(o.jobs, states.length || 1));
  const state = () => ({ done: rows.size, failed, cached, total: mine.length, costDone, costTotal: Math.max(costPlanned, costDone + 1), jobs, running: [...new Set(running.values())] });
  progress?.update(state());

  const moduleOf = (key: string) => cache.module(key) ?? moduleResults.get(key);

  /** Build and append the row of a point whose pieces are all there. */
  const tryComplete = (st: PointState): void => {
    if (st.done) return;
    if (st.prev) {
      if (!st.verify) return;
      finish(st, { ...st.prev, index: st.p.index, params: st.p.params, verified: st.verify.ok, verifyDetail: st.verify.detail, seconds: { ...st.prev.seconds, verify: st.verify.seconds }, finishedAt: new Date().toISOString() });
      return;
    }
    if (!st.prepared || !st.flatDone) return;
    if (st.needVerify && !st.verify && !st.prepError) return;
    const mods: ModuleReport[] = [];
    const moduleErrors: Record<string, string> = {};
    for (const sub of st.subs ?? []) {
      const m = moduleOf(sub.key);
      if (!m) return;
      if ('error' in m) moduleErrors[sub.module] = m.error;
      else mods.push({ ...m, instances: sub.instances, type: sub.type, module: sub.module });
    }
    finish(st, buildRow(st, mods, moduleErrors));
  };

  const buildRow = (st: PointState, mods: ModuleReport[], moduleErrors: Record<string, string>): PointRow => {
    const c = st.p.config;
    const tm = timing(geometry(c, provenAccWidth(c)));
    const config = canonicalConfig(c);
    const f = st.figures;
    const table = o.modules && st.subs ? moduleTable(mods) : null;
    const synth: SynthSummary | null = st.flat
      ? { ...st.flat, modules: table?.modules ?? null, modulesTotal: table?.total ?? null, moduleErrors: Object.keys(moduleErrors).length ? moduleErrors : null }
      : null;
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
      config,
      status: st.flat && f ? 'ok' : 'failed',
      error: errors.length ? errors.join('\n').slice(0, 8000) : null,
      latency: f?.latency ?? { total: tm.latency, stages: tm.stages },
      ii: f?.ii ?? tm.ii,
      lut: st.flat?.lut ?? null,
      ff: st.flat?.ff ?? null,
      dsp: st.flat?.dsp ?? null,
      bram: st.flat?.bram ?? null,
      carry: st.flat?.carry ?? null,
      logicDepth: st.flat?.logicDepth ?? null,
      top1VsFloat: f?.top1VsFloat ?? NaN,
      maxProbError: f?.maxProbError ?? null,
      maxProbErrorEndToEnd: f?.maxProbErrorEndToEnd ?? null,
      rankingAgreement: f?.rankingAgreement ?? NaN,
      valueOrderAgreement: f?.valueOrderAgreement ?? NaN,
      verified: st.verify ? st.verify.ok : null,
      verifyDetail: st.verify?.detail ?? null,
      synth,
      vectors: st.spec.vectors,
      seed: st.spec.seed,
      rtlHash,
      seconds: {
        accuracy: f?.seconds ?? 0,
        synth: st.flat?.seconds ?? null,
        modules: mods.length ? mods.reduce((s, m) => s + m.seconds, 0) : null,
        verify: st.verify?.seconds ?? null,
      },
      finishedAt: new Date().toISOString(),
    };
  };

  const finish = (st: PointState, row: PointRow): void => {
    st.done = true;
    cache.append(row);
    rows.set(st.p.index, row);
    if (isFailed(row)) failed++;
    const what =
      row.status === 'ok'
        ? `LUT ${row.lut}, FF ${row.ff}, DSP ${row.dsp}, BRAM ${row.bram}, latency ${row.latency.total}${row.verified === null ? '' : row.verified ? ', verified' : ', VERIFY FAILED'}${row.error ? ' (with errors)' : ''}`
        : `FAILED: ${row.error?.split('\n')[0]}`;
    progress?.update(state(), `sweep: ${pointLabel(st.p.config)}: ${what}`);
  };

  /** The result of one task: record it, queue what it unlocks, complete points. */
  const settle = (t: Task, r: unknown, err: string | null): void => {
    const st = t.st;
    switch (t.kind) {
      case 'prepare': {
        st.prepared = true;
        if (err) {
          st.prepError = err;
          break;
        }
        const prep = r as { figures: Figures; submodules: SubmoduleInfo[] | null; elabError: string | null };
        st.figures = prep.figures;
        st.subs = prep.submodules;
        st.elabError = prep.elabError;
        // Planned module cost of this point is replaced by the modules it really needs.
        if (o.modules) for (const m of BACK_END) costPlanned -= estimateModuleCost(m, st.p.config);
        // The modules nobody has or is making yet: one Yosys run for them all.
        const todo = (st.subs ?? []).filter((sub) => !moduleOf(sub.key) && !moduleQueued.has(sub.key));
        for (const sub of todo) moduleQueued.add(sub.key);
        if (todo.length) {
          const cost = todo.reduce((s, sub) => s + estimateModuleCost(sub.module, st.p.config), 0);
          costPlanned += todo.filter((sub) => !FRONT_END.includes(sub.module)).reduce((s, sub) => s + estimateModuleCost(sub.module, st.p.config), 0);
          queue.push({ kind: 'modules', subs: todo, st, cost });
        }
        if (st.needVerify) queue.push({ kind: 'verify', st, cost: estimateVerifyCost(st.p.config) });
        break;
      }
      case 'flat':
        st.flatDone = true;
        if (err) st.flatError = err;
        else {
          st.flat = r as FlatReport;
          syntheses.flat++;
          cache.append({ kind: 'flat', synthKey: st.keys.synthKey, flat: st.flat });
        }
        break;
      case 'modules':
        if (err) for (const sub of t.subs) moduleResults.set(sub.key, { error: err });
        else
          for (const m of r as ModuleReport[]) {
            moduleResults.set(m.key, m);
            syntheses.modules++;
            cache.append({ kind: 'module', key: m.key, module: m });
          }
        break;
      case 'verify':
        st.verify = err ? { ok: false, detail: `verification failed: ${err}`, seconds: 0 } : (r as { ok: boolean; detail: string; seconds: number });
        break;
    }
    for (const s of states) tryComplete(s);
  };

  // Costliest first, so the long syntheses start early and short ones fill the gaps; a point's
  // preparation (cheap, it unlocks the point's module work) ranks just above its synthesis.
  const next = (): Task | undefined => {
    if (!queue.length) return undefined;
    let best = 0;
    const rank = (t: Task) => (t.kind === 'prepare' ? estimateCost(t.st.p.config) + 1 : t.cost);
    for (let i = 1; i < queue.length; i++) if (rank(queue[i]!) > rank(queue[best]!)) best = i;
    return queue.splice(best, 1)[0];
  };
  let waiters: (() => void)[] = [];
  const idle = () => new Promise<void>((r) => waiters.push(r));
  const notify = () => {
    const ws = waiters;
    waiters = [];
    for (const w of ws) w();
  };
  const verifyDir = (st: PointState) => join(o.verify!.out, st.keys.key);

  const slot = async () => {
    let w: PoolWorker | null = null;
    try {
      for (;;) {
        const t = next();
        if (!t) {
          if (running.size === 0 && !queue.length) break;
          await idle();
          continue;
        }
        if (!w || w.dead) w = new PoolWorker();
        const label = t.kind === 'modules' ? `modules ${t.subs.map((s) => s.module).join(',')} (N=${t.st.p.config.classes})` : `${t.kind} ${pointLabel(t.st.p.config)}`;
        running.set(t, label);
        const t1 = performance.now();
        progress?.update(state());
        let result: unknown = null;
        let err: string | null = null;
        try {
          const worker = w;
          result = await worker.run<unknown>((api): Promise<unknown> => {
            switch (t.kind) {
              case 'prepare':
                return api.prepare(t.st.spec, o.modules);
              case 'flat':
                return api.flat(t.st.spec);
              case 'modules':
                return api.modules(t.st.spec, t.subs);
              case 'verify':
                return api.verify(t.st.spec, { vectors: o.verify!.vectors, timeoutMs: o.verify!.timeoutMs, dir: verifyDir(t.st) });
            }
          });
        } catch (e) {
          err = message(e);
        }
        running.delete(t);
        costDone += t.cost;
        if (t.kind !== 'prepare') progress?.note(`sweep: ${label}: ${err ? `failed: ${err.split('\n')[0]}` : 'done'} (${duration((performance.now() - t1) / 1000)})`);
        settle(t, result, err);
        progress?.update(state());
        notify();
      }
    } finally {
      notify();
      await w?.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, slot));
  } finally {
    cache.close();
    progress?.finish();
  }
  for (const st of states) if (!st.done) throw new Error(`sweep: point ${st.p.index} did not complete (internal error)`);
  const ordered = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  return { rows: ordered, ran: states.length, cached, failed, syntheses, seconds: (performance.now() - t0) / 1000, rtlHash };
}

