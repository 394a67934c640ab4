// Running a sweep: cache lookup, sharding, and the pieces of point work (harness/sweep/point.ts)
// run on a pool of worker threads (work-queue.ts, pool.ts):
//   prepare(p)  latency, II, accuracy, and head's submodules with their cache keys;
//   flat(p)     the flattened synthesis (totals, logic depth);
//   module(k)   one submodule on its own, once per distinct module key across all points;
//   verify(p)   `headsim cosim` on the point (with --verify).
// Every finished piece is appended to the JSONL cache at once; a point's row (row.ts) is
// appended when all its pieces are there (point-state.ts). With --jobs 2 at most two Yosys runs
// are live (one per worker). After a task only the points it can complete are looked at: its
// own point, or the points waiting for the submodules it made, so the bookkeeping is linear in
// the points.
import { DEFAULT_SYNTH_TARGET, type SynthTarget } from '../synth/targets.ts';
import { join } from 'node:path';
import { rtlHash as hashRtl, type FlatReport, type ModuleReport, type SubmoduleInfo } from '../synth/synth.ts';
import { SweepCache } from './cache.ts';
import { BACK_END, estimateCost, estimateModuleCost, estimateVerifyCost, FRONT_END, plannedCost, shardOf, type Shard } from './cost.ts';
import type { DataRef } from './data.ts';
import { pointKeys, pointLabel } from './keys.ts';
import type { PointSpec, Prepared } from './point.ts';
import type { Verification } from './verify.ts';
import { PointState, type ModuleResult } from './point-state.ts';
import { PoolWorker } from './pool.ts';
import { duration, Progress } from './progress.ts';
import { buildRow, isFailed, reverifiedRow, type PointRow, type RowContext } from './row.ts';
import type { SweepPoint } from './spec.ts';
import { WorkQueue } from './work-queue.ts';

export interface SweepRunOptions {
  /** what the points are synthesized for (default xc7); iCE40 targets have no per-module breakdown */
  synthTarget?: SynthTarget;
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

type Task =
  | { kind: 'prepare'; st: PointState; cost: number }
  | { kind: 'flat'; st: PointState; cost: number }
  | { kind: 'modules'; subs: SubmoduleInfo[]; st: PointState; cost: number }
  | { kind: 'verify'; st: PointState; cost: number };

/**
 * Costliest first, so the long syntheses start early and short ones fill the gaps; a point's
 * preparation (cheap, it unlocks the point's module work) ranks just above its synthesis.
 */
const rank = (t: Task) => (t.kind === 'prepare' ? estimateCost(t.st.p.config) + 1 : t.cost);

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
  private readonly row: RowContext;
  /** this shard's points */
  private readonly mine: SweepPoint[];
  private readonly rows = new Map<number, PointRow>();
  private readonly states: PointState[] = [];
  private readonly queue = new WorkQueue<Task>(rank);
  private cached = 0;
  private failed = 0;
  private readonly moduleResults = new Map<string, ModuleResult>();
  private readonly moduleQueued = new Set<string>();
  /** points whose row waits for a submodule, by the module's key */
  private readonly waitingFor = new Map<string, PointState[]>();
  private readonly syntheses = { flat: 0, modules: 0 };
  private costDone = 0;
  private costPlanned = 0;
  private readonly running = new Map<Task, string>();
  private jobs = 1;

  constructor(private readonly o: SweepRunOptions) {
    this.rtlHash = hashRtl(o.rtlDir);
    this.row = { modules: o.modules, data: o.data?.hash ?? null, rtlHash: this.rtlHash, target: (o.synthTarget ?? DEFAULT_SYNTH_TARGET).target };
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
      const st = new PointState(p, spec, keys, hit && !retry ? hit : null, needVerify);
      this.states.push(st);
      if (st.prev) {
        this.queue.push({ kind: 'verify', st, cost: estimateVerifyCost(st.p.config) });
        continue;
      }
      this.queue.push({ kind: 'prepare', st, cost: 3 });
      const f = this.cache.flat(keys.synthKey);
      if (f) st.flat = { value: f };
      else this.queue.push({ kind: 'flat', st, cost: estimateCost(p.config) });
    }
    this.failed = [...this.rows.values()].filter(isFailed).length;
    const fresh = this.states.filter((s) => !s.prev).map((s) => s.p);
    const verifies = this.states.filter((s) => s.prev || s.needVerify).reduce((sum, s) => sum + estimateVerifyCost(s.p.config), 0);
    this.costPlanned = plannedCost(fresh, o.seed, o.modules) + verifies;
    this.jobs = Math.max(1, Math.min(o.jobs, this.states.length || 1));
    this.progress?.update(this.state());
  }

  async work(): Promise<void> {
    await this.queue.drain(this.jobs, () => new PoolWorker(), (w, t) => this.execute(w, t));
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

  private readonly moduleOf = (key: string): ModuleResult | undefined => this.cache.module(key) ?? this.moduleResults.get(key);

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

  /** The result of one task: record it, queue what it unlocks, complete the points it can complete. */
  private record(t: Task, r: unknown, err: string | null): void {
    const st = t.st;
    switch (t.kind) {
      case 'prepare':
        if (err) st.prep = { error: err };
        else this.prepared(st, r as Prepared);
        return this.tryComplete([st]);
      case 'flat':
        if (err) st.flat = { error: err };
        else {
          st.flat = { value: r as FlatReport };
          this.syntheses.flat++;
          this.cache.append({ kind: 'flat', synthKey: st.keys.synthKey, flat: st.flat.value });
        }
        return this.tryComplete([st]);
      case 'modules': {
        if (err) for (const sub of t.subs) this.moduleResults.set(sub.key, { error: err });
        else
          for (const m of r as ModuleReport[]) {
            this.moduleResults.set(m.key, m);
            this.syntheses.modules++;
            this.cache.append({ kind: 'module', key: m.key, module: m });
          }
        const waiting = t.subs.flatMap((sub) => this.waitingFor.get(sub.key) ?? []);
        for (const sub of t.subs) this.waitingFor.delete(sub.key);
        // in spec order, as the points were planned
        return this.tryComplete([...new Set(waiting)].sort((a, b) => a.p.index - b.p.index));
      }
      case 'verify':
        st.verification = err ? { ok: false, detail: `verification failed: ${err}`, seconds: 0 } : (r as Verification);
        return this.tryComplete([st]);
    }
  }

  /** A prepared point: its figures, and one Yosys run for the submodules nobody has or is making yet. */
  private prepared(st: PointState, prep: Prepared): void {
    st.prep = { value: prep };
    // Planned module cost of this point is replaced by the modules it really needs.
    if (this.o.modules) for (const m of BACK_END) this.costPlanned -= estimateModuleCost(m, st.p.config);
    const todo = st.submodules.filter((sub) => !this.moduleOf(sub.key) && !this.moduleQueued.has(sub.key));
    for (const sub of todo) this.moduleQueued.add(sub.key);
    if (todo.length) {
      const cost = todo.reduce((s, sub) => s + estimateModuleCost(sub.module, st.p.config), 0);
      this.costPlanned += todo.filter((sub) => !FRONT_END.includes(sub.module)).reduce((s, sub) => s + estimateModuleCost(sub.module, st.p.config), 0);
      this.queue.push({ kind: 'modules', subs: todo, st, cost });
    }
    if (st.needVerify) this.queue.push({ kind: 'verify', st, cost: estimateVerifyCost(st.p.config) });
  }

  /** Build and append the rows of the points whose pieces are all there; the others wait for their next piece. */
  private tryComplete(states: PointState[]): void {
    for (const st of states) {
      if (st.done) continue;
      const w = st.waiting(this.moduleOf);
      if (w.for === 'own') continue; // a task of its own is still queued or running
      if (w.for === 'module') {
        const list = this.waitingFor.get(w.key);
        if (list) list.push(st);
        else this.waitingFor.set(w.key, [st]);
        continue;
      }
      this.finish(st, st.prev ? reverifiedRow(st, st.prev) : buildRow(st, w.mods, w.moduleErrors, this.row));
    }
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
