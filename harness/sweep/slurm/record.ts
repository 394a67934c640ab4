// The submission record, <out>/sweep/<name>/slurm/submission.json: which points each shard
// holds (their keys), the job ids of every submission. `sweep status` and `--retry-failed`
// read it; the job scripts never do (they carry all they need), so it is a log, not state.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../lib/errors.ts';
import { readJsonFile, writeJson } from '../../../lib/files.ts';
import { shardOf } from '../cost.ts';
import { pointKeys, pointLabel } from '../keys.ts';
import { readSpec, type SweepPoint } from '../spec.ts';
import { shardCache, slurmDir, type SweepInvocation } from './invocation.ts';

export interface PlannedPoint {
  index: number;
  key: string;
  label: string;
}

export interface Submission {
  at: string;
  /** the array job's id; its task i runs shard i */
  arrayJob: string;
  mergeJob: string | null;
  shards: number[];
  retryFailed: boolean;
  script: string;
}

export interface SlurmRecord {
  version: 1;
  spec: string;
  name: string;
  outRoot: string;
  outDir: string;
  rtlHash: string;
  tasks: number;
  /** plan[i - 1]: the points of shard i */
  plan: PlannedPoint[][];
  /** caches[i - 1]: shard i's cache */
  caches: string[];
  /** the command that resubmits the incomplete or failed shards */
  retryCommand: string;
  submissions: Submission[];
}

export const recordPath = (inv: Pick<SweepInvocation, 'outRoot' | 'name'>) => join(slurmDir(inv), 'submission.json');

/** Which points each shard runs, with the keys their rows will have (the tasks compute the same). */
export function planShards(points: SweepPoint[], inv: SweepInvocation): PlannedPoint[][] {
  const shards = shardOf(points, inv.tasks);
  const plan: PlannedPoint[][] = Array.from({ length: inv.tasks }, () => []);
  const ctx = { vectors: inv.vectors, seed: inv.seed, rtlHash: inv.rtlHash, keepBramInit: inv.keepBramInit, synthTarget: readSpec(inv.spec).synthTarget };
  for (const p of points) plan[shards.get(p.index)! - 1]!.push({ index: p.index, key: pointKeys(p.config, ctx).key, label: pointLabel(p.config) });
  return plan;
}

export function newRecord(inv: SweepInvocation, plan: PlannedPoint[][], retryCommand: string): SlurmRecord {
  return {
    version: 1, spec: inv.spec, name: inv.name, outRoot: inv.outRoot, outDir: inv.outDir, rtlHash: inv.rtlHash, tasks: inv.tasks,
    plan, caches: plan.map((_, i) => shardCache(inv, i + 1)), retryCommand, submissions: [],
  };
}

export function readRecord(path: string): SlurmRecord | null {
  if (!existsSync(path)) return null;
  const r = readJsonFile(path, { what: 'Slurm submission record', maxBytes: 64 << 20 }) as SlurmRecord;
  if (r?.version !== 1 || !Array.isArray(r.plan) || !Array.isArray(r.submissions) || !Array.isArray(r.caches)) throw new InputError(`${path}: not a headsim Slurm submission record`);
  return r;
}

export const writeRecord = (path: string, r: SlurmRecord) => writeJson(path, r);

/** Shard i's latest submission (the array job whose task i ran or runs it). */
export const latestFor = (r: SlurmRecord, shard: number): Submission | null => r.submissions.filter((s) => s.shards.includes(shard)).pop() ?? null;
