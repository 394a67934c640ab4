#!/usr/bin/env node
// `headsim` binary (`npx headsim`, and every npm script: package.json): the supervisor of one run.
// It starts the TypeScript CLI (cli/main.ts, lib/ts-runtime) as the leader of a process group of its
// own, marked by HEADSIM_RUN in the environment every process of the run inherits, and
// - passes SIGINT, SIGTERM and SIGHUP on to that group; what still runs GRACE_MS later (a run
//   stuck in a read, a tool that ignores the signal) is killed;
// - under npm stops the run when the npm process above it is gone: npm dies of a SIGHUP without
//   passing it on, and behind `sh -c` (npm's default script shell; this repository's .npmrc
//   sets bash, which execs this process in place of itself) the shell dies of a SIGTERM;
// - exits only after every process of the run is gone, with the run's status, or 128 + the
//   number of the signal that stopped it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** After passing a signal on: how long the run has to stop by itself before it is killed. */
const GRACE_MS = 1000;
/** How often the npm process above is checked. */
const WATCH_MS = 200;
const status = (sig) => 128 + (constants.signals[sig] ?? 0);

const runId = `${process.pid}-${randomBytes(4).toString('hex')}`;
const cli = fileURLToPath(new URL('./main.ts', import.meta.url));
const register = new URL('../lib/ts-runtime/register.mjs', import.meta.url).href;
const child = spawn(process.execPath, ['--import', register, cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
  detached: true, // its own process group (and session): one kill reaches the run and nothing else
  env: { ...process.env, HEADSIM_RUN: runId, HEADSIM_SUPERVISOR: String(process.pid) },
});

let stoppedBy = null;
let grace;
function stop(sig) {
  if (stoppedBy) return killRun(); // a second signal: no more grace
  stoppedBy = sig;
  signalGroup(sig);
  grace = setTimeout(killRun, GRACE_MS);
}
for (const sig of SIGNALS) process.on(sig, () => stop(sig));

function signalGroup(sig) {
  try {
    process.kill(-child.pid, sig);
  } catch {
    /* the group is gone */
  }
}

/** Every live process carrying this run's mark (tool groups of their own included). */
function runProcesses() {
  const mark = Buffer.from(`\0HEADSIM_RUN=${runId}\0`);
  const pids = [];
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids; // no /proc: the group signal is all there is
  }
  for (const d of entries) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue; // exited, not yet reaped
      const env = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${d}/environ`)]);
      if (env.includes(mark)) pids.push(Number(d));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

function killRun() {
  clearTimeout(grace);
  signalGroup('SIGKILL');
  for (const pid of runProcesses()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Under npm: the npm process above us, and the shell between (npm's default `sh -c`). */
function watchNpm() {
  if (process.env.npm_lifecycle_event === undefined) return;
  const startOf = (pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { ppid: Number(f[1]), start: f[19], comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) };
    } catch {
      return null;
    }
  };
  const watched = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 2 && pid > 1; depth++) {
    const s = startOf(pid);
    if (!s) break;
    watched.push({ pid, start: s.start });
    if (!/^(sh|dash|bash|zsh)$/.test(s.comm)) break; // the shell npm runs us through: watch npm above it too
    pid = s.ppid;
  }
  if (!watched.length) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    const gone = process.ppid !== parent || watched.some((w) => startOf(w.pid)?.start !== w.start);
    if (gone && !stoppedBy) stop('SIGHUP');
  }, WATCH_MS);
  timer.unref();
}
watchNpm();

child.on('error', (e) => {
  console.error(`headsim: cannot start node: ${e.message}`);
  process.exit(1);
});

child.on('exit', async (code, signal) => {
  // A run that ended by itself has stopped its tools (cli/main.ts, lib/proc.ts); one that was
  // stopped or killed may not have: whatever carries its mark goes, and we wait until it has.
  if (stoppedBy || signal) {
    signalGroup('SIGKILL');
    for (let i = 0; i < 100; i++) {
      const left = runProcesses();
      if (!left.length) break;
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  clearTimeout(grace);
  process.exit(stoppedBy ? status(stoppedBy) : (code ?? status(signal)));
});
