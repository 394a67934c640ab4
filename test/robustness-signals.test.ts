// Signals by PID reach the whole run (issue: signals through npm and npx). SIGINT, SIGTERM and
// SIGHUP sent by PID to `npx headsim cosim` and to `npm run cosim --`, in each phase of a run
// (Verilator build, lockstep with Verilator, lockstep with cocotb on Icarus): the wrapper exits
// with the signal's status, no process of the run is left, and no report claims a pass (a stale
// passing report at --json is moved aside when the run starts). Each phase is reached by its
// progress line, never by a sleep.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, hasIcarus, hasVerilator, headsim } from './helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'headsim-signals-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const hasVenv = existsSync(join(ROOT, '.venv', 'bin', 'python'));
/** A head that builds in seconds; the run phase needs enough vectors to still be running. */
const TINY = ['--classes', '4', '--inputs', '16', '--kPar', '8', '--mode', 'argmax'];
const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type Sig = keyof typeof SIGNALS;

const PHASES = {
  // a build that is always stopped, so never cached: its own --out
  build: { line: /cosim argmax: Verilator build of the head/, args: (out: string) => [...TINY, '--topK', '2', '--vectors', '5', '--out', join(out, 'fresh')] },
  run: { line: /cosim argmax: lockstep with Verilator/, args: (out: string) => [...TINY, '--vectors', '100000', '--out', out] },
  cocotb: { line: /cosim argmax: lockstep with cocotb/, args: (out: string) => [...TINY, '--vectors', '5000', '--backend', 'cocotb', '--out', out] },
} as const;

/** pid → [ppid, state] of every process. */
function table(): Map<number, [number, string]> {
  const t = new Map<number, [number, string]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      t.set(Number(d), [Number(f[1]), f[0]!]);
    } catch {
      /* gone */
    }
  }
  return t;
}

function descendants(root: number): number[] {
  const t = table();
  const out: number[] = [];
  for (const pid of t.keys()) {
    for (let p = pid, hops = 0; p > 1 && hops < 50; p = t.get(p)?.[0] ?? 0, hops++) {
      if (t.get(p)?.[0] === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

/** Alive: in /proc and not a zombie (this machine's init does not reap orphans at once). */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

async function stopAt(wrapper: 'npx' | 'npm', phase: keyof typeof PHASES, sig: Sig, out: string) {
  const json = join(out, `${wrapper}-${phase}-${sig}.json`);
  // an earlier run's passing report at the --json path: it must not survive as this run's
  writeFileSync(json, JSON.stringify({ command: 'cosim', runs: [{ checks: [{ name: 'complete', ok: true }] }] }));
  const args = [...PHASES[phase].args(out), '--json', json];
  const [cmd, argv] = wrapper === 'npx' ? ['npx', ['headsim', 'cosim', ...args]] : ['npm', ['run', '-s', 'cosim', '--', ...args]];
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const reached = new Promise<void>((resolve, reject) => {
    const look = (d: Buffer) => {
      text += d;
      if (PHASES[phase].line.test(text)) resolve();
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', () => reject(new Error(`ended before the ${phase} phase:\n${text}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  await reached;
  const run = descendants(child.pid!);
  expect(run.length, 'the run has started its processes').toBeGreaterThan(1);
  process.kill(child.pid!, sig);
  const { code, signal } = await exited;
  // npm has no handler for SIGHUP: it dies of it at once; the run below it notices (cli/bin.mjs)
  if (signal) expect(signal).toBe(sig);
  else expect(code, text).toBe(SIGNALS[sig]);
  let left = run.filter(alive);
  for (let i = 0; i < 100 && left.length; i++) {
    // only where npm died of the signal at once can the run still be stopping
    expect(signal, `left after the wrapper exited: ${left.join(' ')}\n${text}`).toBe(sig);
    await new Promise((r) => setTimeout(r, 100));
    left = run.filter(alive);
  }
  expect(left, `processes of the run left behind\n${text}`).toEqual([]);
  // nor files: a half-made build, a run directory's lock
  const debris = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('verilator') && /(^|\/)(\.tmp-|\.lock$)/.test(f));
  expect(debris).toEqual([]);
  expect(existsSync(join(out, 'fresh', 'verilator')) ? readdirSync(join(out, 'fresh', 'verilator')).filter((f) => f.startsWith('.tmp-')) : []).toEqual([]);
  expect(text).not.toMatch(/all checks passed/);
  expect(existsSync(json), 'no report at --json claims this run').toBe(false);
  expect(JSON.parse(readFileSync(`${json}.previous`, 'utf8')).runs[0].checks[0].ok).toBe(true); // the earlier one, kept aside
}

const ready = hasVerilator && hasCommand('npx', '--version');

describe.skipIf(!ready)('a signal by PID to npx or npm reaches the whole run', () => {
  const out = join(tmp, 'o');
  beforeAll(() => {
    // Verilator builds are shared with the other tests of this checkout (cached by content)
    mkdirSync(join(ROOT, 'out', 'verilator'), { recursive: true });
    mkdirSync(out, { recursive: true });
    symlinkSync(join(ROOT, 'out', 'verilator'), join(out, 'verilator'));
    const r = headsim(['cosim', ...TINY, '--vectors', '2', '--out', out], 600_000); // the run phase's build, once
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);

  for (const wrapper of ['npx', 'npm'] as const) {
    for (const phase of ['build', 'run', 'cocotb'] as const) {
      for (const sig of Object.keys(SIGNALS) as Sig[]) {
        it.skipIf(phase === 'cocotb' && !(hasIcarus && hasVenv))(`${sig} to ${wrapper === 'npx' ? 'npx headsim cosim' : 'npm run cosim --'} during the ${phase} phase`, () => stopAt(wrapper, phase, sig, out), 120_000);
      }
    }
  }
});
