// A sweep as a cluster task runs it: every input resolved at submission (absolute paths, the
// spec's vectors and seed, the parameter overrides of --config and the flags, the RTL hash), so
// the job scripts carry them as explicit flags and depend on nothing else (docs/sweep.md §Cluster).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mode } from '../../../models/config.ts';

/** The headsim checkout this code runs from: the tasks cd here and run its cli/bin.mjs. */
export const PROJECT_DIR = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

export interface SweepInvocation {
  /** the headsim checkout the tasks run (PROJECT_DIR) */
  project: string;
  /** absolute path of the spec */
  spec: string;
  /** the sweep's name: the spec's file name without .json ("default" for the default spec) */
  name: string;
  /** absolute output root (--out): caches go to <outRoot>/sweep/ */
  outRoot: string;
  /** absolute directory of the merged outputs (sweep.json, sweep.csv, …) */
  outDir: string;
  /** parameter overrides: the --config file's, then the flags' */
  params: Record<string, unknown>;
  modes: Mode[] | null;
  /** the data flags (--weights W.npy …, absolute paths): the user's model and data */
  data: string[];
  vectors: number;
  seed: number;
  keepBramInit: boolean;
  jobs: number;
  timeoutSeconds: number;
  modules: boolean;
  /** --verify-vectors when --verify */
  verifyVectors: number | null;
  /** absolute --json of the merged report */
  json: string | null;
  /** hash of rtl/*.v at submission: a task on other RTL fails */
  rtlHash: string;
  /** shards (array tasks) */
  tasks: number;
}

/** Where this sweep's Slurm scripts, logs and submission record live. */
export const slurmDir = (inv: Pick<SweepInvocation, 'outRoot' | 'name'>) => join(inv.outRoot, 'sweep', inv.name, 'slurm');

/** Shard i's cache, as `headsim sweep --shard i/n` names it by default. */
export const shardCache = (inv: Pick<SweepInvocation, 'outRoot' | 'name' | 'tasks'>, shard: number | string) =>
  join(inv.outRoot, 'sweep', `${inv.name}.shard-${shard}-of-${inv.tasks}.jsonl`);

/** A parameter value as its flag takes it back (cli/params.ts paramValue): objects and lists as JSON. */
const paramText = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The flags that decide the points and their keys: what `sweep`, `sweep merge` and `sweep status` share. */
export function keyArgs(inv: SweepInvocation): string[] {
  const a: string[] = [];
  for (const [name, v] of Object.entries(inv.params)) a.push(`--${name}`, paramText(v));
  if (inv.modes) a.push('--mode', inv.modes.join(','));
  a.push(...inv.data);
  a.push('--vectors', String(inv.vectors), '--seed', String(inv.seed));
  if (inv.keepBramInit) a.push('--keep-bram-init');
  return a;
}

/** The flags of how a shard runs (not part of any key). */
export function runArgs(inv: SweepInvocation): string[] {
  const a = ['--jobs', String(inv.jobs), '--timeout', String(inv.timeoutSeconds)];
  if (!inv.modules) a.push('--no-modules');
  if (inv.verifyVectors !== null) a.push('--verify', '--verify-vectors', String(inv.verifyVectors));
  return a;
}

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for bash: as is when it is plain, else in single quotes. */
export const shellWord = (s: string) => (PLAIN.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export const shellLine = (words: string[]) => words.map(shellWord).join(' ');
