// A real one-node Slurm cluster for the tests (Debian's slurm-wlm and munge), every file in one
// scratch directory: its own munge key and socket, its own slurm.conf (SLURM_CONF; the
// machine's /etc/slurm and /run/munge are never touched), free ports, the node as `slurmd -C`
// sees it, as root without systemd (proctrack/linuxproc, task/none: the cgroup plugins need
// systemd). stop() cancels every job,
// waits for them to end, then stops slurmd, slurmctld and munged by the PIDs in their files.
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** A tool's path on PATH or in the sbin directories (daemons live there), or null. */
export function findTool(tool: string): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...SBIN]) {
    const p = join(dir || '.', tool);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** Why the cluster cannot start here, or null. */
export function missingSlurm(): string | null {
  const missing = ['slurmctld', 'slurmd', 'munged', 'sbatch', 'squeue', 'scancel', 'sinfo'].filter((t) => !findTool(t));
  return missing.length ? `${missing.join(', ')} not installed (apt-get install slurm-wlm munge)` : null;
}

export interface LocalCluster {
  dir: string;
  /** the environment for Slurm's clients (SLURM_CONF) */
  env: NodeJS.ProcessEnv;
  /** run a Slurm client command against this cluster */
  run(cmd: string, args: string[]): { code: number; stdout: string; stderr: string };
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, ok: () => boolean, timeoutMs: number, log: () => string): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`local Slurm: ${what} not ready after ${timeoutMs / 1000} s\n${log()}`);
    await sleep(200);
  }
}

const pidOf = (file: string) => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || null : null);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function startCluster(): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'headsim-slurm-'));
  // munged insists that every directory above its socket is searchable by everyone.
  chmodSync(dir, 0o755);
  for (const d of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, d), { mode: 0o755 });
  const m = (f: string) => join(dir, 'munge', f);
  writeFileSync(m('munge.key'), randomBytes(1024), { mode: 0o400 });
  const tool = (t: string) => findTool(t)!;
  const tail = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : `(no ${f})`);

  const munged = spawnSync(tool('munged'), [`--socket=${m('munge.socket')}`, `--key-file=${m('munge.key')}`, `--log-file=${m('munged.log')}`, `--pid-file=${m('munged.pid')}`, `--seed-file=${m('munged.seed')}`], { encoding: 'utf8' });
  if (munged.status !== 0) throw new Error(`local Slurm: munged failed: ${munged.stderr}\n${tail(m('munged.log'))}`);

  const node = spawnSync(tool('slurmd'), ['-C'], { encoding: 'utf8' }).stdout.split('\n')[0]!; // NodeName=… CPUs=… RealMemory=…
  const host = /^NodeName=(\S+)/.exec(node)?.[1];
  if (!host) throw new Error(`local Slurm: slurmd -C gave no node line: ${node}`);
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=headsimtest',
      `SlurmctldHost=${host}`,
      `SlurmctldPort=${await freePort()}`,
      `SlurmdPort=${await freePort()}`,
      // The daemons run as whoever runs the test (root here, as on CI), and so do the jobs.
      `SlurmUser=${userInfo().username}`,
      `SlurmdUser=${userInfo().username}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${m('munge.socket')}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      // cgroup plugins need systemd: track processes by their parents, no task binding.
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      // Finished jobs stay visible to squeue for the whole test; a cancelled task dies within 5 s.
      'MinJobAge=3600',
      'KillWait=5',
      `${node} State=UNKNOWN`,
      `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(tool(cmd), args, { encoding: 'utf8', env, timeout: 60_000 });
    return { code: r.status ?? 128, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const logs = () => `slurmctld:\n${tail(join(dir, 'log', 'slurmctld.log'))}\nslurmd:\n${tail(join(dir, 'log', 'slurmd.log'))}`;

  const stop = async () => {
    // Jobs first: a slurmd stopped under a running job leaves its slurmstepd and processes behind.
    if (alive(pidOf(join(dir, 'slurmctld.pid')) ?? -1)) {
      const ids = run('squeue', ['--noheader', '--format=%A']).stdout.split('\n').filter(Boolean);
      if (ids.length) run('scancel', ids);
      const t0 = Date.now();
      while (run('squeue', ['--noheader', '--format=%A']).stdout.trim() && Date.now() - t0 < 60_000) await sleep(500);
    }
    for (const f of [join(dir, 'slurmd.pid'), join(dir, 'slurmctld.pid'), m('munged.pid')]) {
      const pid = pidOf(f);
      if (!pid || !alive(pid)) continue;
      process.kill(pid, 'SIGTERM');
      const t0 = Date.now();
      while (alive(pid) && Date.now() - t0 < 15_000) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    if (!process.env.HEADSIM_KEEP_SLURM_DIR) rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const d of ['slurmctld', 'slurmd']) {
      const r = spawnSync(tool(d), ['-f', conf], { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`local Slurm: ${d} failed to start: ${r.stderr}\n${logs()}`);
    }
    await waitFor('the node', () => /idle/.test(run('sinfo', ['--noheader', '--format=%t']).stdout), 60_000, logs);
  } catch (e) {
    await stop();
    throw e;
  }
  return { dir, env, run, stop };
}
