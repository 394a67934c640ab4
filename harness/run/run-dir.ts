// Where one run writes: a directory of its own, named by what decides its outputs (so a rerun
// of the same scenario replaces its own files), and claimed with a lock file so that two runs
// alive at once never share one — the second gets the name with its pid appended. Memory
// images, dumps, mismatch dumps and backend logs all go inside; only build caches are shared.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir } from '../../lib/files.ts';
import type { Scenario } from '../inputs/scenario.ts';
import type { TrafficOptions } from './traffic.ts';

export interface RunDir {
  dir: string;
  release(): void;
}

const held = new Set<string>();
process.on('exit', () => {
  for (const lock of held) rmSync(lock, { force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Claims `<parent>/<name>`, or `<parent>/<name>-<pid>` when a live run holds it. */
export function claimRunDir(parent: string, name: string): RunDir {
  for (const candidate of [name, `${name}-${process.pid}`]) {
    const dir = join(parent, candidate);
    makeDir(dir);
    const lock = join(dir, '.lock');
    if (tryLock(lock)) {
      held.add(lock);
      return {
        dir,
        release() {
          rmSync(lock, { force: true });
          held.delete(lock);
        },
      };
    }
  }
  throw new Error(`${join(parent, name)}: cannot claim a run directory`);
}

/** Creates the lock file, taking over a stale one (its pid is gone). */
function tryLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(lock, 'utf8'));
      } catch {
        /* removed meanwhile: try again */
      }
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) return false;
      rmSync(lock, { force: true });
    }
  }
  return false;
}

/** The name of a run: its seed and a digest of everything that decides its outputs but the mode. */
export function runName(s: Scenario, traffic: TrafficOptions): string {
  const { mode: _mode, labels: _labels, ...config } = s.config;
  const h = createHash('sha256').update(JSON.stringify({ config, traffic, seed: s.seed }));
  for (const a of [s.w.wQ, s.w.bQ, s.vectors.xQ]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return `seed${s.seed}-${h.digest('hex').slice(0, 10)}`;
}
