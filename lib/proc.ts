/**
 * Runs an external tool (verilator, yosys, iverilog, python) to completion with a hard timeout.
 * The child gets its own process group so a timeout also kills what it spawned (make, g++).
 * A detached group does not get the terminal's Ctrl-C, so live groups are killed when this
 * process exits (a CLI SIGINT handler should call process.exit so that this runs).
 */
import { spawn } from 'node:child_process';

/**
 * The one registry of live detached process groups of this process: runCommand's and
 * streamCommand's children, and the RTL backends' peers (harness/rtl/protocol.ts). Each is
 * killed when this process exits.
 */
const liveGroups = new Set<number>();

/** Kill this process group (a child spawned detached) if this process exits before `untrackGroup`. */
export function trackGroup(pid: number): void {
  liveGroups.add(pid);
}

/** The group is gone (reaped): no longer killed at exit. */
export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** How long a timed-out child gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2000;
process.on('exit', () => {
  for (const pid of liveGroups) killGroup(pid);
});

/**
 * The environment without the mark of this run (cli/bin.mjs kills what carries it when the run
 * is stopped): for what must outlive the command, such as Slurm jobs and a GTKWave window.
 */
export function unmarkedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.HEADSIM_RUN;
  delete env.HEADSIM_SUPERVISOR;
  delete env.npm_lifecycle_event; // not run by this npm: a bin started there must not watch it
  return env;
}

export interface RunOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Uint8Array;
  /** Throw a CommandError when the exit status is not 0. */
  check?: boolean;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command that failed, timed out or could not start; the message ends with its stderr tail. */
export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly result?: RunResult,
  ) {
    super(message);
  }
}

/** The executable is not on PATH (spawn ENOENT). */
export class CommandNotFoundError extends CommandError {
  override name = 'CommandNotFoundError';
  constructor(readonly command: string) {
    super(`${command} not found on PATH`);
  }
}

/** The last `lines` non-empty lines of text, for error messages. */
export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function runCommand(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    if (child.pid !== undefined) liveGroups.add(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {}); // EPIPE when the child exits without reading its input
    child.stdin.end(opts.input ?? '');
    // On timeout: SIGTERM first, so a child that is itself a headsim CLI can kill the groups it
    // spawned (its exit hook); SIGKILL what is left after a grace period.
    let grace: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      grace = setTimeout(() => killGroup(child.pid), KILL_GRACE_MS);
    }, timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => (spawnError = e));
    // 'close' fires after 'exit' and after stdio is drained, so the captured output is complete.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(grace);
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      if (spawnError) {
        reject(spawnError.code === 'ENOENT' ? new CommandNotFoundError(cmd) : new CommandError(`${cmd}: ${spawnError.message}`));
        return;
      }
      const result: RunResult = { code: code ?? 128, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
      const what = `${cmd} ${args.slice(0, 3).join(' ')}${args.length > 3 ? ' …' : ''}`;
      if (timedOut) reject(new CommandError(`${what}: timed out after ${timeoutMs} ms, killed\n${tail(result.stderr)}`, result));
      else if (signal) reject(new CommandError(`${what}: killed by ${signal}\n${tail(result.stderr)}`, result));
      else if (opts.check && result.code !== 0)
        reject(new CommandError(`${what}: exit status ${result.code}\n${tail(result.stderr || result.stdout)}`, result));
      else resolve(result);
    });
  });
}

/** Signal a whole process group (child spawned detached); ignores groups already gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export interface StreamedCommand {
  /** The next piece of the child's standard output; null at its end (backpressure pauses the child). */
  read(): Promise<Buffer | null>;
  /** Resolves when the child has exited: its status (or the signal that killed it) and stderr tail. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; timedOut: boolean }>;
  /** Kills the child's process group (a reader that stops early). */
  kill(): void;
}

/**
 * Runs a command whose standard output is consumed as a stream (a converter piped into a
 * reader), in its own process group like runCommand: killed after timeoutMs, and with this
 * process. Standard input is closed.
 */
export function streamCommand(cmd: string, args: string[], opts: { timeoutMs?: number } = {}): StreamedCommand {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid !== undefined) liveGroups.add(child.pid);
  let stderr = '';
  let timedOut = false;
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, opts.timeoutMs ?? 10 * 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; timedOut: boolean }>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      reject(e.code === 'ENOENT' ? new CommandNotFoundError(cmd) : new CommandError(`${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      resolve({ code, signal, stderr, timedOut });
    });
  });
  exited.catch(() => {}); // reported to whoever awaits it
  // Pulled with 'readable' and read(): a listener from the start, or Node resumes an unread
  // stdout when the child exits (flushStdio) and the rest of the output is lost.
  let ended = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  child.stdout.on('readable', poke);
  child.stdout.on('end', () => {
    ended = true;
    poke();
  });
  child.stdout.on('error', () => {
    ended = true;
    poke();
  });
  const read = async (): Promise<Buffer | null> => {
    for (;;) {
      const b = child.stdout.read() as Buffer | null;
      if (b !== null) return b;
      if (ended) return null;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  return { read, exited, kill: () => killGroup(child.pid) };
}
