// The sweep cache with real synthesis of tiny points (nothing mocked): shards and merge give the
// unsharded result; an interrupted sweep (SIGKILLed mid-run, or its cache cut mid-line) resumes,
// losing no finished point and redoing none; a second run with the cache does no synthesis.
import { tsNodeArgs } from '../lib/ts-runtime/node-args.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '../harness/sweep/cache.ts';
import { hasVerilator, headsim } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'headsim-sweep-resume-'));
const spec = join(tmp, 'tiny.json');
writeFileSync(spec, JSON.stringify({ base: { classes: 2, inputs: 4, kPar: 4, topK: 2 }, grid: { mode: ['argmax', 'approx'] }, vectors: 30, seed: 1 }));
// --seed overrides the spec's seed; the merge below must key the rows with the flag too.
const common = ['--no-modules', '--jobs', '1', '--timeout', '1200', '--seed', '7'];
const ranCached = (stdout: string) => {
  const m = /sweep: (\d+) points \((\d+) run, (\d+) from the cache\), \d+ failed, .*; Yosys: (\d+) flattened \+ (\d+) module syntheses/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return { points: Number(m![1]), ran: Number(m![2]), cached: Number(m![3]), flat: Number(m![4]), modules: Number(m![5]) };
};
/** Report points without what legitimately differs between runs (timings). */
const stable = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(stable) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'seconds' && k !== 'finishedAt').map(([k, x]) => [k, stable(x)])) : v;

describe('sweep cache, shards and merge (real Yosys on tiny points)', () => {
  it(
    'shard + merge equals unsharded; a cut cache resumes without loss or repetition; a cached rerun synthesizes nothing',
    () => {
      const s1 = join(tmp, 's1.jsonl'), s2 = join(tmp, 's2.jsonl');
      for (const [i, f] of [[1, s1], [2, s2]] as const) {
        const r = headsim(['sweep', spec, '--shard', `${i}/2`, '--cache', f, '--out', tmp, ...common], 2_400_000);
        expect(r.code, r.stderr).toBe(0);
        expect(ranCached(r.stdout)).toEqual({ points: 1, ran: 1, cached: 0, flat: 1, modules: 0 });
      }
      const [r1, r2] = [readJsonl(s1).rows, readJsonl(s2).rows];
      expect(r1).toHaveLength(1);
      expect(r2).toHaveLength(1);
      expect(r1[0]!.key).not.toBe(r2[0]!.key);
      expect(r1[0]!.lut).toBeGreaterThan(0);
      expect(r1[0]!.seed).toBe(7);

      const merged = join(tmp, 'merged');
      let r = headsim(['sweep', 'merge', s1, s2, '--spec', spec, '--seed', '7', '--out', merged, '--json', join(merged, 'report.json')]);
      expect(r.code, r.stderr).toBe(0);

      // An unsharded sweep killed while writing the synthesis of its second point: the cache holds
      // the first point (its synthesis line and its row) and half of the next line.
      const cache = join(tmp, 'all.jsonl');
      const lines = (readFileSync(s1, 'utf8') + readFileSync(s2, 'utf8')).trimEnd().split('\n');
      expect(lines.map((l) => JSON.parse(l).kind ?? 'point')).toEqual(['flat', 'point', 'flat', 'point']);
      writeFileSync(cache, `${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, Math.floor(lines[2]!.length / 2))}`);
      const out = join(tmp, 'unsharded');
      r = headsim(['sweep', spec, '--cache', cache, '--out', tmp, '--json', join(out, 'report.json'), ...common], 2_400_000);
      expect(r.code, r.stderr).toBe(0);
      // The finished point is not redone; the cut one is synthesized again, once.
      expect(ranCached(r.stdout)).toEqual({ points: 2, ran: 1, cached: 1, flat: 1, modules: 0 });
      expect(r.stderr).toMatch(/1 unreadable line\(s\) ignored \(work cut short by an interrupted run/);
      const after = readJsonl(cache);
      expect(after.bad).toBe(0);
      expect(after.partialBytes).toBe(0);
      expect(after.rows).toHaveLength(2);
      expect(new Set(after.rows.map((x) => x.key)).size).toBe(2);
      expect(after.lines).toHaveLength(4);
      expect(after.rows[0]).toEqual(JSON.parse(lines[1]!));

      const unsharded = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      const fromShards = JSON.parse(readFileSync(join(merged, 'report.json'), 'utf8'));
      expect(unsharded.points).toHaveLength(2);
      expect(stable(unsharded)).toEqual(stable(fromShards));

      // Everything cached: no synthesis at all, and the cache does not grow.
      r = headsim(['sweep', spec, '--cache', cache, '--out', tmp, ...common]);
      expect(r.code, r.stderr).toBe(0);
      expect(ranCached(r.stdout)).toEqual({ points: 2, ran: 0, cached: 2, flat: 0, modules: 0 });
      expect(readJsonl(cache).lines).toHaveLength(4);
    },
    3_600_000,
  );

  it(
    'per-module synthesis: a module shared by points is synthesized once, and cached',
    () => {
      const cache = join(tmp, 'modules.jsonl');
      const json = join(tmp, 'modules-report.json');
      let r = headsim(['sweep', spec, '--cache', cache, '--out', tmp, '--json', json, '--jobs', '1', '--timeout', '1200'], 2_400_000);
      expect(r.code, r.stderr).toBe(0);
      // argmax and approx share input_stage, mac_array, logit_bank and comparator_tree; the
      // back end (exp_unit, normalizer, reciprocal, divider, output_stage) has the mode as a parameter.
      expect(ranCached(r.stdout)).toEqual({ points: 2, ran: 2, cached: 0, flat: 2, modules: 4 + 2 * 5 });
      const rep = JSON.parse(readFileSync(json, 'utf8'));
      const [a, b] = rep.points.map((p: { synth: { modules: Record<string, { key: string; lut: number; dsp: number }> } }) => p.synth.modules);
      for (const m of ['input_stage', 'mac_array', 'logit_bank', 'comparator_tree']) expect(a[m].key, m).toBe(b[m].key);
      for (const m of ['exp_unit', 'normalizer', 'reciprocal', 'divider', 'output_stage']) expect(a[m].key, m).not.toBe(b[m].key);
      expect(a.mac_array.dsp).toBe(2 * 4);
      expect(a.comparator_tree.lut).toBeGreaterThan(0);
      r = headsim(['sweep', spec, '--cache', cache, '--out', tmp, '--timeout', '1200']);
      expect(ranCached(r.stdout)).toEqual({ points: 2, ran: 0, cached: 2, flat: 0, modules: 0 });
    },
    3_600_000,
  );

  it(
    'a sweep killed with SIGKILL mid-run loses no finished point and redoes none',
    async () => {
      const three = join(tmp, 'three.json');
      writeFileSync(three, JSON.stringify({ base: { classes: 2, inputs: 4, kPar: 4, topK: 2 }, grid: { mode: ['argmax', 'approx', 'softmax'] }, vectors: 30 }));
      const cache = join(tmp, 'killed.jsonl');
      const rows = () => (existsSync(cache) ? readJsonl(cache).rows : []);
      const cli = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
      const child = spawn(process.execPath, [...tsNodeArgs(), cli, 'sweep', three, '--cache', cache, '--out', tmp, ...common], { stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Kill as soon as the first point's row is in the cache (a Yosys run is then under way).
      const t0 = Date.now();
      while (rows().length === 0 && Date.now() - t0 < 600_000) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const before = readJsonl(cache);
      expect(before.rows.length).toBeGreaterThanOrEqual(1);
      expect(before.rows.length).toBeLessThan(3);
      const flatsBefore = before.lines.filter((l) => (l as { kind?: string }).kind === 'flat').length;

      const r = headsim(['sweep', three, '--cache', cache, '--out', tmp, ...common], 2_400_000);
      expect(r.code, r.stderr).toBe(0);
      const n = before.rows.length;
      expect(ranCached(r.stdout)).toEqual({ points: 3, ran: 3 - n, cached: n, flat: 3 - flatsBefore, modules: 0 });
      const after = readJsonl(cache).rows;
      expect(after).toHaveLength(3);
      expect(after.slice(0, n)).toEqual(before.rows);
    },
    3_600_000,
  );

  it.skipIf(!hasVerilator)(
    '--verify runs cosim on the point (in its worker thread) and records it in the row',
    () => {
      const one = join(tmp, 'one.json');
      writeFileSync(one, JSON.stringify({ base: { classes: 2, inputs: 4, kPar: 4, topK: 2, mode: 'softmax' }, vectors: 30 }));
      const cache = join(tmp, 'verify.jsonl');
      const r = headsim(['sweep', one, '--cache', cache, '--out', tmp, '--verify', '--verify-vectors', '5', ...common], 2_400_000);
      expect(r.code, r.stderr).toBe(0);
      const [row] = readJsonl(cache).rows;
      expect(row!.verified).toBe(true);
      expect(row!.verifyDetail).toMatch(/all checks passed/);
      expect(row!.seconds.verify).toBeGreaterThan(0);
    },
    3_600_000,
  );
});
