// Sweeps on a live Slurm cluster: a one-node cluster (slurm-wlm + munge) started by the test in a
// scratch directory (test/helpers/slurm-cluster.ts), real syntheses of tiny heads, nothing mocked.
//   (a) 6 points as 3 array tasks through `sweep --slurm`: the merge job's outputs equal an
//       unsharded local run row for row;
//   (b) 3 of those points as 2 tasks, one task scancelled mid-run: `sweep status` shows its
//       shard incomplete, the merge job fails naming the missing point, `--retry-failed`
//       resubmits that shard alone and it finishes without redoing its finished point; the rows
//       equal the local run's.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonl } from '../../../harness/sweep/cache.ts';
import type { SlurmRecord } from '../../../harness/sweep/slurm/record.ts';
import type { SweepStatus } from '../../../harness/sweep/slurm/status.ts';
import { headsim } from '../../helpers/cli-and-tools.ts';
import { missingSlurm, startCluster, type LocalCluster } from '../../helpers/slurm-cluster.ts';

const why = missingSlurm();
const tmp = mkdtempSync(join(tmpdir(), 'headsim-slurm-'));
const spec = join(tmp, 'six.json');
writeFileSync(
  spec,
  JSON.stringify({ base: { inputs: 4, kPar: 4, topK: 2 }, grid: { classes: [2, 3], mode: ['argmax', 'softmax', 'approx'] }, vectors: 30, seed: 1 }),
);
// (b) needs a task with two points, not six points again: the 2-class half of the six, in two tasks.
const threeSpec = join(tmp, 'three.json');
writeFileSync(
  threeSpec,
  JSON.stringify({ base: { inputs: 4, kPar: 4, topK: 2, classes: 2 }, grid: { mode: ['argmax', 'softmax', 'approx'] }, vectors: 30, seed: 1 }),
);
const flags = ['--no-modules', '--jobs', '1'];
const slurmFlags = ['--slurm', '--tasks', '3', '--cpus', '1', ...flags];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Report points without what differs between runs (timings). */
const stable = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(stable)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => k !== 'seconds' && k !== 'finishedAt')
            .map(([k, x]) => [k, stable(x)]),
        )
      : v;
const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { points: Record<string, unknown>[] };
const record = (out: string, name = 'six') => JSON.parse(readFileSync(join(out, 'sweep', name, 'slurm', 'submission.json'), 'utf8')) as SlurmRecord;
const submitted = (stdout: string) => {
  const m = /submitted array job (\d+) .* and merge job (\d+)/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return { array: m![1]!, merge: m![2]! };
};

let local: ReturnType<typeof report> | null = null;

describe.skipIf(why !== null)(`sweeps on a live one-node Slurm cluster${why ? ` (skipped: ${why})` : ''}`, () => {
  let cluster: LocalCluster;
  const state = (id: string) =>
    cluster
      .run('squeue', ['--noheader', '--states=all', `--jobs=${id.split('_')[0]}`, '--array', '--format=%i %T'])
      .stdout.split('\n')
      .find((l) => l.startsWith(`${id} `))
      ?.split(' ')[1] ?? null;
  const waitEnd = async (id: string, timeoutMs = 600_000) => {
    const t0 = Date.now();
    for (;;) {
      const s = state(id);
      if (s && !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING'].includes(s)) return s;
      if (Date.now() - t0 > timeoutMs) throw new Error(`job ${id} still ${s} after ${timeoutMs / 1000} s`);
      await sleep(500);
    }
  };
  const status = (out: string, sweep = spec) => {
    const json = join(out, 'status.json');
    const r = headsim(['sweep', 'status', sweep, '--out', out, '--json', json], 120_000, cluster.env);
    return { ...r, s: JSON.parse(readFileSync(json, 'utf8')) as SweepStatus };
  };
  const log = (out: string, name: string, sweep = 'six') => readFileSync(join(out, 'sweep', sweep, 'slurm', 'logs', name), 'utf8');

  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 180_000);

  it('6 points as 3 array tasks: the merge job writes the outputs of an unsharded local run, row for row', async () => {
    const out = join(tmp, 'a');
    const r = headsim(['sweep', spec, ...slurmFlags, '--out', out], 120_000, cluster.env);
    expect(r.code, r.stderr).toBe(0);
    const { array, merge } = submitted(r.stdout);
    expect(r.stdout).toContain('sweep status');

    // The same sweep here, unsharded, while the cluster works.
    const l = headsim(['sweep', spec, ...flags, '--jobs', '2', '--out', join(tmp, 'local')], 1_200_000);
    expect(l.code, l.stderr).toBe(0);
    local = report(join(tmp, 'local', 'sweep', 'six'));

    expect(await waitEnd(merge), log(out, `merge-${merge}.log`)).toBe('COMPLETED');
    for (const i of [1, 2, 3]) expect(state(`${array}_${i}`), `task ${i}`).toBe('COMPLETED');
    const merged = report(join(out, 'sweep', 'six'));
    expect(merged.points).toHaveLength(6);
    expect(stable(merged)).toEqual(stable(local));
    expect(readFileSync(join(out, 'sweep', 'six', 'sweep.csv'), 'utf8')).toBe(readFileSync(join(tmp, 'local', 'sweep', 'six', 'sweep.csv'), 'utf8'));

    const st = status(out);
    expect(st.code, st.stdout + st.stderr).toBe(0);
    expect(st.s).toMatchObject({ points: 6, done: 6, failed: 0, missing: 0, complete: true, active: false });
    expect(st.s.shards.map((s) => s.state)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(st.stdout).toMatch(/complete: all 6 points done/);
  }, 1_800_000);

  it('a task scancelled mid-run: status shows its shard incomplete, the merge fails naming the point, --retry-failed finishes it without redoing its finished point', async () => {
    const out = join(tmp, 'b');
    let r = headsim(['sweep', threeSpec, '--slurm', '--tasks', '2', '--cpus', '1', ...flags, '--out', out], 120_000, cluster.env);
    expect(r.code, r.stderr).toBe(0);
    const { array, merge } = submitted(r.stdout);
    const rec = record(out, 'three');
    expect(rec.plan.map((p) => p.length).sort()).toEqual([1, 2]);

    // Cancel a task as soon as it has finished one of its two points (its second synthesis is running).
    let victim = 0;
    const t0 = Date.now();
    while (!victim) {
      if (Date.now() - t0 > 900_000) throw new Error('no task finished a point');
      for (const [i, planned] of rec.plan.entries())
        if (readJsonl(rec.caches[i]!).rows.length === 1 && planned.length === 2 && state(`${array}_${i + 1}`) === 'RUNNING') victim = i + 1;
      if (!victim) await sleep(250);
    }
    expect(cluster.run('scancel', [`${array}_${victim}`]).code).toBe(0);
    expect(await waitEnd(`${array}_${victim}`)).toBe('CANCELLED');
    const cache = rec.caches[victim - 1]!;
    const before = readJsonl(cache);
    expect(before.rows, 'the cancelled task lost its finished point').toHaveLength(1);
    const [finished] = before.rows;
    const lost = rec.plan[victim - 1]!.find((p) => p.key !== finished!.key)!;

    // The merge job runs when the array has ended, and fails naming the missing point.
    expect(await waitEnd(merge)).toBe('FAILED');
    const mergeLog = log(out, `merge-${merge}.log`, 'three');
    expect(mergeLog).toContain(`no result for point ${lost.index} (${lost.label})`);
    expect(mergeLog).toMatch(/incomplete: 1 point\(s\) have no result/);
    expect(mergeLog).toMatch(/--retry-failed/);

    let st = status(out, threeSpec);
    expect(st.code).toBe(1);
    expect(st.s).toMatchObject({ points: 3, done: 2, missing: 1, complete: false, active: false });
    expect(st.s.shards[victim - 1]).toMatchObject({ state: 'CANCELLED', done: 1, missing: 1, missingPoints: [lost] });
    expect(st.stdout).toContain(`missing: shard ${victim} (task CANCELLED): point ${lost.index} (${lost.label})`);
    expect(st.stdout).toContain('--retry-failed');

    r = headsim(['sweep', threeSpec, '--slurm', '--retry-failed', '--cpus', '1', ...flags, '--out', out], 120_000, cluster.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`resubmitting shard ${victim} (2 points`);
    const again = submitted(r.stdout);
    expect(record(out, 'three').submissions.at(-1)).toMatchObject({ arrayJob: again.array, shards: [victim], retryFailed: true });
    expect(existsSync(join(out, 'sweep', 'three', 'slurm', 'array-retry.sh'))).toBe(true);

    expect(await waitEnd(again.merge), log(out, `merge-${again.merge}.log`, 'three')).toBe('COMPLETED');
    const taskLog = log(out, `task-${again.array}_${victim}.log`, 'three');
    expect(taskLog).toMatch(/2 points \(1 run, 1 from the cache\), 0 failed, .*Yosys: 1 flattened \+ 0 module syntheses/);
    // One synthesis per point in the shard's cache, the finished point's row untouched.
    const after = readJsonl(cache);
    const flats = after.lines.filter((x) => 'kind' in x && x.kind === 'flat');
    expect(flats).toHaveLength(2);
    expect(after.rows).toHaveLength(2);
    expect(after.rows.find((x) => x.key === finished!.key)).toEqual(finished);

    st = status(out, threeSpec);
    expect(st.code, st.stdout).toBe(0);
    expect(st.s).toMatchObject({ done: 3, missing: 0, complete: true });
    expect(st.s.shards[victim - 1]).toMatchObject({ job: `${again.array}_${victim}`, state: 'COMPLETED', syntheses: 2 });
    // the same points as the unsharded local run of (a) made, row for row
    if (local)
      expect(stable(report(join(out, 'sweep', 'three')).points)).toEqual(stable(local.points.filter((p) => (p.config as { classes: number }).classes === 2)));
  }, 1_800_000);
});
