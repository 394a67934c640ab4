// `headsim sweep status`: per shard, which points are done, running, queued, failed or missing,
// from the shard caches (what finished) and the scheduler (what still runs).
import { textTable } from '../../../lib/table.ts';
import { readJsonl } from '../cache.ts';
import { isFailed, type PointRow } from '../row.ts';
import { latestFor, type PlannedPoint, type SlurmRecord } from './record.ts';
import { isActive, isRunning, jobStates, type JobState } from './scheduler.ts';

export interface ShardStatus {
  shard: number;
  /** the array task that runs or ran it ("123_2"), null before any submission */
  job: string | null;
  /** its scheduler state; null when Slurm does not remember it (long over, or never asked) */
  state: string | null;
  reason: string | null;
  points: number;
  /** points with a successful row */
  done: number;
  /** points with a failed row (synthesis, evaluation or verification) */
  failed: number;
  /** no row, its task running */
  running: number;
  /** no row, its task waiting */
  queued: number;
  /** no row, and no task of the shard alive: resubmit it */
  missing: number;
  missingPoints: PlannedPoint[];
  failedPoints: (PlannedPoint & { error: string })[];
  /** syntheses in its cache (flattened and modules), to see that a resumed task redoes none */
  syntheses: number;
}

export interface SweepStatus {
  spec: string;
  rtlHash: string;
  shards: ShardStatus[];
  merge: { job: string; state: string | null; reason: string | null } | null;
  points: number;
  done: number;
  failed: number;
  missing: number;
  /** a task or the merge job is still queued or running */
  active: boolean;
  /** every point done, none failed */
  complete: boolean;
  /** why the scheduler's view is missing, if it is */
  schedulerError: string | null;
}

/** The point's failure, if it has one (its error, or a failed verification). */
const failure = (r: PointRow): string | null => (isFailed(r) ? (r.error ?? 'failed') : r.verified === false ? (r.verifyDetail ?? 'verification failed') : null);

export async function sweepStatus(rec: SlurmRecord): Promise<SweepStatus> {
  const latest = rec.submissions.at(-1) ?? null;
  const taskIds = rec.plan.map((_, i) => {
    const s = latestFor(rec, i + 1);
    return s ? `${s.arrayJob}_${i + 1}` : null;
  });
  const ids = [...new Set([...rec.submissions.map((s) => s.arrayJob), ...(latest?.mergeJob ? [latest.mergeJob] : [])])];
  const { states, error } = await jobStates(ids);
  const stateOf = (id: string | null): JobState | null => (id ? (states.get(id) ?? null) : null);

  const shards = rec.plan.map((planned, i): ShardStatus => {
    const cache = readJsonl(rec.caches[i]!);
    // Later lines win, as in the sweep's own cache (a row re-appended after its verification).
    const rows = new Map(cache.rows.map((r) => [r.key, r]));
    const job = taskIds[i] ?? null;
    const st = stateOf(job);
    const s: ShardStatus = {
      shard: i + 1, job, state: st?.state ?? null, reason: st?.reason ?? null, points: planned.length,
      done: 0, failed: 0, running: 0, queued: 0, missing: 0, missingPoints: [], failedPoints: [],
      syntheses: cache.lines.length - cache.rows.length,
    };
    for (const p of planned) {
      const row = rows.get(p.key);
      const why = row ? failure(row) : null;
      if (why) s.failedPoints.push({ ...p, error: why });
      else if (row) s.done++;
      else if (isRunning(s.state)) s.running++;
      else if (isActive(s.state)) s.queued++;
      else s.missingPoints.push(p);
    }
    s.failed = s.failedPoints.length;
    s.missing = s.missingPoints.length;
    return s;
  });
  const merge = latest?.mergeJob ? { job: latest.mergeJob, state: stateOf(latest.mergeJob)?.state ?? null, reason: stateOf(latest.mergeJob)?.reason ?? null } : null;
  const sum = (f: (s: ShardStatus) => number) => shards.reduce((a, s) => a + f(s), 0);
  const points = sum((s) => s.points), done = sum((s) => s.done), failed = sum((s) => s.failed);
  return {
    spec: rec.spec, rtlHash: rec.rtlHash, shards, merge, points, done, failed, missing: sum((s) => s.missing),
    active: shards.some((s) => isActive(s.state)) || isActive(merge?.state),
    complete: done === points,
    schedulerError: error,
  };
}

/** Shards to resubmit: incomplete or with failed points, and no task of theirs alive. */
export const shardsToRetry = (s: SweepStatus) => s.shards.filter((x) => !isActive(x.state) && x.done < x.points).map((x) => x.shard);

const showState = (state: string | null, reason: string | null) => (state ? `${state}${reason && reason !== 'None' ? ` (${reason})` : ''}` : '-');

export function statusText(s: SweepStatus, rec: SlurmRecord): string {
  const body = s.shards.map((x) => [x.shard, x.job ?? '-', showState(x.state, x.reason), x.points, x.done, x.failed, x.running, x.queued, x.missing, x.syntheses]);
  const t = (f: (x: ShardStatus) => number) => s.shards.reduce((a, x) => a + f(x), 0);
  body.push(['all', '', '', s.points, s.done, s.failed, t((x) => x.running), t((x) => x.queued), s.missing, t((x) => x.syntheses)]);
  const out = [
    `sweep status: ${s.spec}: ${s.points} points in ${s.shards.length} shards, RTL ${s.rtlHash.slice(0, 12)}; ${rec.submissions.length ? `array job${rec.submissions.length > 1 ? 's' : ''} ${rec.submissions.map((x) => x.arrayJob).join(', ')}` : 'not submitted (scripts only)'}`,
    textTable(['shard', 'task', 'state', 'points', 'done', 'failed', 'running', 'queued', 'missing', 'syntheses'], body),
  ];
  if (s.merge) out.push(`merge job ${s.merge.job}: ${s.merge.state ? showState(s.merge.state, s.merge.reason) : 'ended (no longer known to Slurm)'}`);
  if (s.schedulerError) out.push(`scheduler not asked: ${s.schedulerError} (states from the caches alone)`);
  for (const x of s.shards) for (const p of x.failedPoints) out.push(`failed: point ${p.index} (${p.label}), shard ${x.shard}: ${p.error.split('\n')[0]}`);
  const missing = s.shards.filter((x) => x.missing);
  for (const x of missing) out.push(`missing: shard ${x.shard}${x.state ? ` (task ${showState(x.state, x.reason)})` : ''}: point${x.missing > 1 ? 's' : ''} ${x.missingPoints.map((p) => `${p.index} (${p.label})`).join(', ')}`);
  if (s.complete) out.push(`complete: all ${s.points} points done${s.active ? '' : `; outputs in ${rec.outDir}`}`);
  else if (!s.active && (missing.length || s.failed)) out.push(`resubmit the incomplete or failed shards with:\n  ${rec.retryCommand}`);
  return out.join('\n');
}
