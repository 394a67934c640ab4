// `headsim sweep SPEC --slurm`: write the array and merge job scripts, submit the array, then
// the merge after it (afterany: it runs whatever the tasks' end, and fails naming the missing
// points); record the job ids. With --retry-failed only the shards that are incomplete or have
// failed points, and none whose task is still alive, go in a new array.
import { chmodSync } from 'node:fs';
import { InputError } from '../../../lib/errors.ts';
import { makeDir, writeFileAtomic } from '../../../lib/files.ts';
import type { SweepPoint } from '../spec.ts';
import { keyArgs, runArgs, shellLine, shellWord, type SweepInvocation } from './invocation.ts';
import { newRecord, planShards, readRecord, recordPath, writeRecord, type PlannedPoint, type SlurmRecord } from './record.ts';
import { isActive, requireTool, sbatch } from './scheduler.ts';
import { arrayScript, indexList, mergeScript, scriptPaths, type SlurmResources } from './scripts.ts';
import { shardsToRetry, sweepStatus } from './status.ts';

/** Tasks when --tasks is not given: one per point, up to this. */
export const DEFAULT_MAX_TASKS = 64;

export interface SlurmRequest {
  inv: Omit<SweepInvocation, 'tasks'>;
  /** --tasks, or null: the earlier submission's count on a retry, else one per point (≤ DEFAULT_MAX_TASKS) */
  tasks: number | null;
  resources: SlurmResources;
  points: SweepPoint[];
  retryFailed: boolean;
  dryRun: boolean;
  log?: (line: string) => void;
}

/** The headsim command line of a submission, as a person would type it again. */
export function submitCommand(inv: SweepInvocation, r: SlurmResources, retryFailed: boolean): string {
  const slurm = [
    '--slurm', ...(retryFailed ? ['--retry-failed'] : []), '--tasks', String(inv.tasks), '--cpus', String(r.cpus),
    ...(r.partition ? ['--partition', r.partition] : []), ...(r.time ? ['--time', r.time] : []), ...(r.mem ? ['--mem', r.mem] : []),
    ...r.extra.map((x) => `--sbatch-arg=${x}`),
  ];
  const words = ['npx', 'headsim', 'sweep', inv.spec, ...slurm, ...keyArgs(inv), ...runArgs(inv), '--out', inv.outRoot, ...(inv.json ? ['--json', inv.json] : [])];
  return inProject(inv.project, words);
}

/** A headsim command line that works from any directory: its TypeScript runtime is found from the project. */
export const inProject = (project: string, words: string[]) => `cd ${shellWord(project)} && ${shellLine(words)}`;

export const statusCommand = (inv: Pick<SweepInvocation, 'project' | 'spec' | 'outRoot'>, watch = false) => inProject(inv.project, ['npx', 'headsim', 'sweep', 'status', inv.spec, '--out', inv.outRoot, ...(watch ? ['--watch'] : [])]);

const samePlan = (a: PlannedPoint[][], b: PlannedPoint[][]) => JSON.stringify(a.map((s) => s.map((p) => p.key))) === JSON.stringify(b.map((s) => s.map((p) => p.key)));

function writeScript(path: string, text: string): void {
  writeFileAtomic(path, text);
  chmodSync(path, 0o755);
}

interface Chosen {
  shards: number[];
  /** earlier array jobs still alive: the new merge job waits for them too */
  alive: string[];
}

/** A new submission runs every shard; not while a task of an earlier one is alive (two tasks on one cache). */
async function allShards(prev: SlurmRecord | null, plan: PlannedPoint[][]): Promise<Chosen> {
  if (prev) {
    const busy = (await sweepStatus(prev)).shards.filter((s) => isActive(s.state));
    if (busy.length) throw new InputError(`--slurm: this sweep's shards ${indexList(busy.map((s) => s.shard))} are still queued or running (${busy.map((s) => s.job).join(', ')}): wait for them, scancel them, or resubmit what is missing with --retry-failed`);
  }
  return { shards: plan.map((_, i) => i + 1), alive: [] };
}

/** A retry runs the shards that are incomplete or have failed points and no task alive; null: nothing to do. */
async function retryShards(prev: SlurmRecord | null, inv: SweepInvocation, plan: PlannedPoint[][], path: string, log: (l: string) => void): Promise<Chosen | null> {
  if (!prev) throw new InputError(`--retry-failed: ${path}: no earlier Slurm submission of this sweep to retry; submit it with --slurm first`);
  if (prev.rtlHash !== inv.rtlHash)
    throw new InputError(`--retry-failed: rtl/*.v changed since the sweep was submitted (hash ${prev.rtlHash.slice(0, 12)}…, now ${inv.rtlHash.slice(0, 12)}…): a sweep must not mix RTL versions; restore the RTL, or submit a new sweep (another --out)`);
  if (prev.tasks !== inv.tasks) throw new InputError(`--tasks ${inv.tasks}: the sweep was submitted in ${prev.tasks} shards; retry with --tasks ${prev.tasks}`);
  if (!samePlan(prev.plan, plan)) throw new InputError(`--retry-failed: the spec or the flags give other points than the submission in ${path}; retry with the submission's own: ${prev.retryCommand}`);
  const st = await sweepStatus(prev);
  if (st.schedulerError) throw new Error(`--retry-failed: cannot ask the scheduler which tasks are alive (${st.schedulerError})`);
  const shards = shardsToRetry(st);
  const busy = st.shards.filter((s) => isActive(s.state));
  const alive = [...new Set(busy.map((s) => s.job!.split('_')[0]!))];
  if (shards.length) return { shards, alive };
  log(busy.length
    ? `sweep: nothing to resubmit: shards ${indexList(busy.map((s) => s.shard))} are still queued or running (jobs ${alive.join(', ')}), the others are complete`
    : `sweep: nothing to resubmit: all ${st.points} points are done`);
  return null;
}

export async function submitSweep(req: SlurmRequest): Promise<number> {
  const log = req.log ?? ((l: string) => console.log(l));
  if (!req.dryRun) requireTool('sbatch', '--slurm');
  const path = recordPath(req.inv);
  const prev = readRecord(path);
  const tasks = req.tasks ?? (req.retryFailed && prev ? prev.tasks : Math.min(req.points.length, DEFAULT_MAX_TASKS));
  if (tasks > req.points.length) throw new InputError(`--tasks ${tasks}: more tasks than the sweep has points (${req.points.length})`);
  const inv: SweepInvocation = { ...req.inv, tasks };
  const plan = planShards(req.points, inv);
  const paths = scriptPaths(inv);
  const retryCommand = submitCommand(inv, req.resources, true);

  const chosen = req.retryFailed ? await retryShards(prev, inv, plan, path, log) : await allShards(prev, plan);
  if (!chosen) return 0;
  const { shards, alive } = chosen;
  const rec: SlurmRecord = prev && prev.rtlHash === inv.rtlHash && samePlan(prev.plan, plan) ? { ...prev, retryCommand } : newRecord(inv, plan, retryCommand);

  const submittedBy = `${submitCommand(inv, req.resources, req.retryFailed)}   (${new Date().toISOString()})`;
  const script = req.retryFailed ? paths.retry : paths.array;
  makeDir(paths.logs); // Slurm does not make the directory of --output
  writeScript(script, arrayScript(inv, req.resources, { shards, retryFailed: req.retryFailed, submittedBy, statusCommand: statusCommand(inv) }));
  writeScript(paths.merge, mergeScript(inv, req.resources, { submittedBy, retryCommand, statusCommand: statusCommand(inv) }));
  writeRecord(path, rec);
  const pointCount = shards.reduce((a, s) => a + plan[s - 1]!.length, 0);
  log(`sweep: ${req.points.length} points in ${tasks} shards${req.retryFailed ? `; resubmitting shard${shards.length > 1 ? 's' : ''} ${indexList(shards)} (${pointCount} points, the finished ones come from the caches)` : ''}; scripts ${script}, ${paths.merge}`);
  if (req.dryRun) {
    log(`sweep: --dry-run: nothing submitted. Submit with:\n  sbatch ${script}\n  sbatch --dependency=afterany:<array job id> ${paths.merge}`);
    return 0;
  }

  const arrayJob = await sbatch(script);
  rec.submissions.push({ at: new Date().toISOString(), arrayJob, mergeJob: null, shards, retryFailed: req.retryFailed, script });
  writeRecord(path, rec);
  const after = `--dependency=afterany:${[arrayJob, ...alive].join(':')}`;
  const mergeJob = await sbatch(paths.merge, [after]).catch((e: Error) => {
    throw new Error(`array job ${arrayJob} is submitted but the merge job is not; submit it by hand: sbatch ${after} ${paths.merge}\n${e.message}`);
  });
  rec.submissions.at(-1)!.mergeJob = mergeJob;
  writeRecord(path, rec);
  log(`sweep: submitted array job ${arrayJob} (shard${shards.length > 1 ? 's' : ''} ${indexList(shards)} of ${tasks}) and merge job ${mergeJob} (runs when ${alive.length ? `jobs ${[arrayJob, ...alive].join(', ')} have` : 'the array has'} ended)`);
  log(`sweep: watch: ${statusCommand(inv, true)}   (or: squeue -j ${arrayJob},${mergeJob})`);
  log(`sweep: logs in ${paths.logs}; the merged outputs go to ${inv.outDir}`);
  return 0;
}
