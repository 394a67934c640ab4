// The cluster side of `headsim sweep` (docs/sweep.md §Cluster): the --slurm flags, the task's
// --rtl-hash check, and `headsim sweep status SPEC [--watch]`.
import type { AnyCommand } from '../any-command.ts';
import { InvalidArgumentError, Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { basename, resolve } from 'node:path';
import type { Mode } from '../../models/config.ts';
import { InputError } from '../../lib/errors.ts';
import { checkWritableFile, writeJson } from '../../lib/files.ts';
import type { SweepPoint } from '../../harness/sweep/spec.ts';
import { rtlHash } from '../../harness/synth/synth.ts';
import { PROJECT_DIR } from '../../harness/sweep/slurm/invocation.ts';
import { readRecord, recordPath } from '../../harness/sweep/slurm/record.ts';
import { statusText, sweepStatus } from '../../harness/sweep/slurm/status.ts';
import { DEFAULT_MAX_TASKS, submitSweep, type SlurmRequest } from '../../harness/sweep/slurm/submit.ts';
import { int, text } from '../values.ts';

const bad = (why: string): never => {
  throw new InvalidArgumentError(why);
};
/** Slurm's time syntax: minutes, m:s, h:m:s, d-h, d-h:m, d-h:m:s (or UNLIMITED). */
const slurmTime = (v: string) =>
  /^(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2}|UNLIMITED|INFINITE)$/.test(v) ? v : bad(`expected a Slurm time limit such as 30, 2:00:00 or 1-12:00:00, got '${v}'`);
const slurmMem = (v: string) => (/^\d+[KMGT]?$/.test(v) ? v : bad(`expected a size such as 4000 (MB) or 8G, got '${v}'`));
const slurmName = (v: string) => (/^[A-Za-z0-9_.,-]+$/.test(v) ? v : bad(`expected a partition name (letters, digits, _ . , -), got '${v}'`));
/** Options headsim sets itself, which an extra #SBATCH line would silently change. */
const MANAGED = ['array', 'output', 'error', 'dependency', 'parsable', 'wrap', 'job-name', 'cpus-per-task', 'partition', 'time', 'mem'];
const sbatchArg = (v: string, prev: string[]) => {
  if (!/^--?[A-Za-z][\w-]*(=\S+)?$/.test(v)) bad(`expected one sbatch option, as --name=value (e.g. --account=fpga), got '${v}'`);
  const name = v.replace(/^--?/, '').split('=')[0]!;
  if (MANAGED.includes(name))
    bad(
      `--${name} is set by headsim${['cpus-per-task', 'partition', 'time', 'mem'].includes(name) ? ` (use --${name === 'cpus-per-task' ? 'cpus' : name})` : ''}`,
    );
  return [...prev, v];
};
const hash = (v: string) => (/^[0-9a-f]{64}$/.test(v) ? v : bad(`expected the 64 hex digits of an RTL hash (sweep.json's rtlHash), got '${v}'`));

const SLURM = 'Slurm (docs/sweep.md §Cluster):';
export const slurmOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  c
    .addOption(
      new Option('--slurm', 'submit to Slurm: an array job (one task per shard) and a merge job after it; with --dry-run only write the scripts').helpGroup(
        SLURM,
      ),
    )
    .addOption(
      new Option('--tasks <n>', `array tasks, one shard each (default: one per point, at most ${DEFAULT_MAX_TASKS}; with --retry-failed the submission's)`)
        .argParser(int(1, 10_000))
        .helpGroup(SLURM),
    )
    .addOption(new Option('--partition <name>', "Slurm partition (default: the cluster's default)").argParser(slurmName).helpGroup(SLURM))
    .addOption(new Option('--time <limit>', "time limit per task, e.g. 2:00:00 or 1-00:00:00 (default: the partition's)").argParser(slurmTime).helpGroup(SLURM))
    .addOption(new Option('--cpus <n>', 'CPUs per task (default: --jobs)').argParser(int(1, 1024)).helpGroup(SLURM))
    .addOption(new Option('--mem <size>', "memory per task, e.g. 8G (default: the partition's)").argParser(slurmMem).helpGroup(SLURM))
    .addOption(
      new Option('--sbatch-arg <option>', 'one more #SBATCH option, e.g. --account=fpga (repeatable)')
        .argParser(sbatchArg)
        .default([] as string[], 'none')
        .helpGroup(SLURM),
    )
    .addOption(
      new Option('--rtl-hash <hash>', 'run only if rtl/*.v hashes to this, else exit 2 (the job scripts pass the RTL the sweep was submitted with)')
        .argParser(hash)
        .helpGroup(SLURM),
    );

/** merge: --rtl-hash selects the rows of that RTL version. */
export const mergeRtlOption = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  c.option('--rtl-hash <hash>', "key the rows with this RTL hash (default: the rows' own)", hash);

export interface SlurmFlags {
  slurm?: true;
  tasks?: number;
  partition?: string;
  time?: string;
  cpus?: number;
  mem?: string;
  sbatchArg: string[];
  rtlHash?: string;
}

/** --rtl-hash on a task: a sweep must not mix RTL versions. */
export function checkRtlHash(expected: string | undefined): void {
  if (expected === undefined) return;
  const now = rtlHash();
  if (now !== expected)
    throw new InputError(
      `--rtl-hash: rtl/*.v is not the RTL this sweep was submitted with (submitted ${expected.slice(0, 12)}…, here ${now.slice(0, 12)}…): a sweep must not mix RTL versions; restore the RTL, or submit the sweep anew`,
    );
}

export interface SweepContext {
  /** the spec's path (the default spec's when none was given) */
  spec: string;
  name: string;
  outDir: string;
  params: Record<string, unknown>;
  modes: Mode[] | null;
  /** the data flags (--weights …, absolute paths) */
  data: string[];
  vectors: number;
  seed: number;
  points: SweepPoint[];
}

interface RunFlags {
  out: string;
  json?: string;
  keepBramInit?: true;
  jobs: number;
  timeout: number;
  modules: boolean;
  verify?: true;
  verifyVectors: number;
  retryFailed?: true;
  dryRun?: true;
  shard?: unknown;
  cache?: string;
}

/** The Slurm submission the flags ask for, or null without --slurm (Slurm-only flags are then an error). */
export function slurmRequest(o: SlurmFlags & RunFlags, ctx: SweepContext): SlurmRequest | null {
  if (!o.slurm) {
    const stray = (['tasks', 'partition', 'time', 'cpus', 'mem'] as const).find((k) => o[k] !== undefined) ?? (o.sbatchArg.length ? 'sbatch-arg' : undefined);
    if (stray) throw new InputError(`--${stray}: only with --slurm`);
    return null;
  }
  if (o.shard !== undefined) throw new InputError('--shard: not with --slurm (each array task runs its own shard)');
  if (o.cache !== undefined) throw new InputError('--cache: not with --slurm (each shard has its own cache, <out>/sweep/<name>.shard-i-of-n.jsonl)');
  if (o.rtlHash !== undefined) throw new InputError('--rtl-hash: not with --slurm (the submission passes the RTL it sees to the tasks)');
  if (o.json) checkWritableFile(o.json, '--json');
  return {
    inv: {
      project: PROJECT_DIR,
      spec: resolve(ctx.spec),
      name: ctx.name,
      outRoot: resolve(o.out),
      outDir: resolve(ctx.outDir),
      params: ctx.params,
      modes: ctx.modes,
      data: ctx.data,
      vectors: ctx.vectors,
      seed: ctx.seed,
      keepBramInit: o.keepBramInit === true,
      jobs: o.jobs,
      timeoutSeconds: o.timeout,
      modules: o.modules,
      verifyVectors: o.verify ? o.verifyVectors : null,
      json: o.json ? resolve(o.json) : null,
      rtlHash: rtlHash(),
    },
    tasks: o.tasks ?? null,
    resources: { partition: o.partition ?? null, time: o.time ?? null, cpus: o.cpus ?? o.jobs, mem: o.mem ?? null, extra: o.sbatchArg },
    points: ctx.points,
    retryFailed: o.retryFailed === true,
    dryRun: o.dryRun === true,
  };
}

/** With --slurm: write the job scripts and submit them (the exit status); else null. */
export function sweepOnSlurm(o: SlurmFlags & RunFlags, ctx: SweepContext): Promise<number> | null {
  const req = slurmRequest(o, ctx);
  return req && submitSweep(req);
}

/** `headsim sweep status [SPEC]`. */
export function sweepStatusCommand(sweep: AnyCommand, defaultSpec: string): void {
  sweep
    .command('status')
    .description("a Slurm sweep's progress: points done, running, queued, failed and missing per shard, from the shard caches and squeue")
    .argument('[spec]', 'the sweep spec (default: harness/sweep/default-spec.json)')
    .option('--out <dir>', 'the output root the sweep was submitted with', text, 'out')
    .addOption(new Option('--watch [seconds]', 'show it again every N seconds until nothing is queued or running').argParser(int(1, 3600)).preset('10'))
    .option('--json <file>', 'write the status as JSON', text)
    .action(async (spec, o) => {
      process.exitCode = await statusCommand(spec ?? null, defaultSpec, o);
    });
}

async function statusCommand(spec: string | null, defaultSpec: string, o: { out: string; watch?: number; json?: string }): Promise<number> {
  const name = spec === null ? 'default' : basename(spec).replace(/\.json$/i, '');
  const path = recordPath({ outRoot: resolve(o.out), name });
  if (o.json) checkWritableFile(o.json, '--json');
  let last = '';
  for (;;) {
    const rec = readRecord(path);
    if (!rec)
      throw new InputError(
        `${spec ?? defaultSpec}: no Slurm submission under ${resolve(o.out)} (${path}); submit with: headsim sweep ${spec ? `${spec} ` : ''}--slurm`,
      );
    const s = await sweepStatus(rec);
    const shown = statusText(s, rec);
    if (process.stdout.isTTY && o.watch) process.stdout.write(`\x1b[H\x1b[2J${new Date().toLocaleTimeString()}\n${shown}\n`);
    else if (shown !== last) console.log(o.watch ? `${new Date().toISOString()}\n${shown}` : shown);
    last = shown;
    if (o.json) writeJson(o.json, s);
    if (!o.watch || !s.active) return s.complete ? 0 : 1;
    await new Promise((r) => setTimeout(r, o.watch! * 1000));
  }
}
