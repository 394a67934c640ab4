// What headsim asks Slurm: submit a script (sbatch --parsable) and the state of jobs and array
// tasks (squeue, every state Slurm still remembers). Slurm's client tools find their cluster
// as always (SLURM_CONF, /etc/slurm); nothing here configures them.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InputError } from '../../../lib/errors.ts';
import { CommandNotFoundError, runCommand, tail, unmarkedEnv } from '../../../lib/proc.ts';

/** Job states of a job that is not over yet (squeue's long names). */
const ACTIVE = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED']);
export const isActive = (state: string | null | undefined) => !!state && ACTIVE.has(state);
export const isRunning = (state: string | null | undefined) => state === 'RUNNING' || state === 'COMPLETING' || state === 'CONFIGURING';

const TIMEOUT_MS = 60_000;

const onPath = (tool: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** Exit 2 before writing anything when a Slurm tool is missing here. */
export function requireTool(tool: string, flag: string): void {
  if (!onPath(tool)) throw new InputError(`${flag}: ${tool} not found on PATH: this machine cannot submit to Slurm (install Slurm's client commands, or run the sweep without ${flag})`);
}

/** `sbatch --parsable ARGS SCRIPT`: the job id. */
export async function sbatch(script: string, args: string[] = []): Promise<string> {
  // The jobs outlive this command: they do not carry its run's mark (cli/bin.mjs).
  const r = await runCommand('sbatch', ['--parsable', ...args, script], { timeoutMs: TIMEOUT_MS, env: unmarkedEnv() });
  const id = r.stdout.trim().split('\n').pop()?.split(';')[0] ?? '';
  if (r.code !== 0 || !/^\d+$/.test(id)) {
    // sbatch's own reason on the first line (the one line the CLI prints), the rest with --debug
    const reason = (r.stderr || r.stdout).split('\n').map((l) => l.trim()).find(Boolean) ?? '';
    const what = r.code !== 0 ? `exit status ${r.code}` : `no job id in '${r.stdout.trim()}'`;
    throw new Error(`sbatch ${script}: ${what}${reason ? `: ${reason}` : ''}\n$ sbatch ${args.join(' ')} ${script}\n${tail(r.stderr || r.stdout, 5)}`);
  }
  return id;
}

export interface JobState {
  /** squeue's %T: PENDING, RUNNING, COMPLETED, CANCELLED, TIMEOUT, FAILED, … */
  state: string;
  /** squeue's %r: why pending, or how it ended (None, Dependency, NonZeroExitCode, …) */
  reason: string;
}

/**
 * States of jobs and their array tasks by id ("123" for a job, "123_4" for task 4 of array
 * 123), from `squeue -r -t all`: jobs Slurm no longer remembers (MinJobAge after their end,
 * or a pending task cancelled) are absent. `error` when the scheduler could not be asked.
 */
export async function jobStates(ids: string[]): Promise<{ states: Map<string, JobState>; error: string | null }> {
  const states = new Map<string, JobState>();
  if (!ids.length) return { states, error: null };
  let r;
  try {
    r = await runCommand('squeue', ['--noheader', '--array', '--states=all', `--jobs=${ids.join(',')}`, '--format=%i|%T|%r'], { timeoutMs: TIMEOUT_MS });
  } catch (e) {
    return { states, error: e instanceof CommandNotFoundError ? 'squeue not found on PATH' : (e as Error).message.split('\n')[0]! };
  }
  // squeue fails when none of the ids is known any more: that is an answer, not an error.
  if (r.code !== 0) return { states, error: /Invalid job id/i.test(r.stderr) ? null : `squeue: ${tail(r.stderr || r.stdout, 1)}` };
  for (const line of r.stdout.split('\n')) {
    const [id, state, reason] = line.trim().split('|');
    if (id && state) states.set(id, { state, reason: reason ?? '' });
  }
  return { states, error: null };
}
