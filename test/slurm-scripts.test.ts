// The Slurm job scripts and flags without a cluster: the scripts parse, quote odd paths right,
// carry every input explicitly and fail fast (exit 2, the reason in the log) outside Slurm, on a
// node without the project's dependencies, and on other RTL; the flags exit 2 naming the flag;
// --slurm without sbatch exits 2 naming it. test/slurm.test.ts runs them on a real cluster.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramValue } from '../cli/params.ts';
import { keyArgs, PROJECT_DIR, shardCache, type SweepInvocation } from '../harness/sweep/slurm/invocation.ts';
import { arrayScript, indexList, mergeScript } from '../harness/sweep/slurm/scripts.ts';
import { rtlHash } from '../harness/synth/synth.ts';
import { headsim } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'headsim-slurm-scripts-'));
const spec = join(tmp, 'two.json');
writeFileSync(spec, JSON.stringify({ base: { classes: 2, inputs: 4, kPar: 4, topK: 2 }, grid: { mode: ['argmax', 'approx'] }, vectors: 30 }));

const inv = (over: Partial<SweepInvocation> = {}): SweepInvocation => ({
  project: PROJECT_DIR, spec, name: 'two', outRoot: join(tmp, 'out'), outDir: join(tmp, 'out', 'sweep', 'two'),
  params: { kPar: 4 }, modes: null, data: [], vectors: 30, seed: 1, keepBramInit: false, jobs: 1, timeoutSeconds: 600, modules: false,
  verifyVectors: null, json: null, rtlHash: rtlHash(), tasks: 2, ...over,
});
const resources = { partition: 'debug', time: '10:00', cpus: 1, mem: '2G', extra: ['--account=fpga'] };
const by = { submittedBy: 'test', statusCommand: 'headsim sweep status', retryCommand: 'headsim sweep --slurm --retry-failed' };
const bash = (script: string, env: NodeJS.ProcessEnv = {}) => {
  const f = join(tmp, `s-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(f, script);
  const r = spawnSync('bash', [f], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout + r.stderr };
};

describe('Slurm job scripts', () => {
  it('parse, say what they run with every flag explicit, and quote odd paths for bash', () => {
    const odd = inv({ outRoot: join(tmp, "a dir with 'quotes' & $dollars") });
    const a = arrayScript(odd, resources, { ...by, shards: [1, 2], retryFailed: false });
    const m = mergeScript(odd, resources, by);
    for (const s of [a, m]) expect(spawnSync('bash', ['-n'], { input: s }).status).toBe(0);
    for (const line of ['#SBATCH --array=1-2', '#SBATCH --cpus-per-task=1', '#SBATCH --partition=debug', '#SBATCH --time=10:00', '#SBATCH --mem=2G', '#SBATCH --account=fpga'])
      expect(a).toContain(line);
    expect(a).toMatch(/--shard "\$\{SLURM_ARRAY_TASK_ID\}\/2"/);
    expect(a).toContain(`RTL_HASH=${rtlHash()}`);
    expect(a).toContain('--kPar 4 --vectors 30 --seed 1 --jobs 1 --timeout 600 --no-modules');
    expect(m).toContain('--spec "$SPEC" --rtl-hash "$RTL_HASH"');
    // The #SBATCH block must come before the first command, or Slurm ignores the rest of it.
    const firstCommand = a.split('\n').findIndex((l) => l && !l.startsWith('#'));
    expect(a.split('\n').map((l) => l.startsWith('#SBATCH')).lastIndexOf(true)).toBeLessThan(firstCommand);
    // The task's cache, as bash expands it, is shard i's cache.
    const cacheExpr = /--cache (.*) \\$/m.exec(a)![1]!;
    const r = spawnSync('bash', ['-c', `SLURM_ARRAY_TASK_ID=2; printf %s ${cacheExpr}`], { encoding: 'utf8' });
    expect(r.stdout).toBe(shardCache(odd, 2));
    expect(mergeScript(odd, resources, by)).toContain(`'${shardCache(odd, 2).replace(/'/g, `'\\''`)}'`);
  });

  it('a retry array names only its shards', () => {
    const a = arrayScript(inv({ tasks: 5 }), resources, { ...by, shards: [2, 4, 5], retryFailed: true });
    expect(a).toContain('#SBATCH --array=2,4-5');
    expect(a).toContain('--shard "${SLURM_ARRAY_TASK_ID}/5"');
    expect(a).toMatch(/--no-modules --retry-failed --out/);
    expect(indexList([7, 1, 2, 3, 9, 10])).toBe('1-3,7,9-10');
  });

  it('the parameter flags they carry parse back to the same parameters', () => {
    const params = { expLut: { addrBits: 8, outBits: 16, range: 16 }, cPar: null, relu: false, inFmt: { width: 8, frac: 4 }, labels: ['a b', "c'd"], divider: 'serial', classes: 12 };
    const args = keyArgs(inv({ params }));
    const back: Record<string, unknown> = {};
    for (let i = 0; i < args.length; i += 2) if (args[i]!.slice(2) in params) back[args[i]!.slice(2)] = paramValue(args[i]!.slice(2), args[i + 1]!);
    expect(back).toEqual(params);
  });

  it('fail fast with the reason: outside Slurm, without the dependencies, on other RTL', () => {
    let r = bash(arrayScript(inv(), resources, { ...by, shards: [1, 2], retryFailed: false }));
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/SLURM_ARRAY_TASK_ID is not set: submit this script with sbatch/);

    const bare = join(tmp, 'bare-project');
    mkdirSync(bare);
    r = bash(arrayScript(inv({ project: bare }), resources, { ...by, shards: [1, 2], retryFailed: false }), { SLURM_ARRAY_TASK_ID: '1' });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toContain(`${bare}/node_modules lacks esbuild: the project's dependencies are not installed (run 'npm ci' in ${bare})`);
    r = bash(mergeScript(inv({ project: join(tmp, 'nowhere') }), resources, by));
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/cannot cd to .*nowhere: the project must be on a file system this node mounts/);

    r = bash(arrayScript(inv({ rtlHash: 'f'.repeat(64) }), resources, { ...by, shards: [1, 2], retryFailed: false }), { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_JOB_ID: '7' });
    expect(r.code, r.out).toBe(2);
    expect(r.out).toMatch(/--rtl-hash: rtl\/\*\.v is not the RTL this sweep was submitted with \(submitted ffffffffffff…, here [0-9a-f]{12}…\): a sweep must not mix RTL versions/);
    expect(existsSync(shardCache(inv(), 1))).toBe(false);
  });
});

describe('sweep --slurm flags', () => {
  it('--slurm where sbatch is not installed: exit 2 naming the missing tool, one line', () => {
    const r = headsim(['sweep', spec, '--slurm', '--out', join(tmp, 'nosbatch')], 120_000, { ...process.env, PATH: join(tmp, 'empty-path') });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(/^headsim sweep: --slurm: sbatch not found on PATH: this machine cannot submit to Slurm/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(tmp, 'nosbatch'))).toBe(false);
  });

  it.each([
    [['--slurm', '--time', '2h'], /^headsim sweep: --time: expected a Slurm time limit/],
    [['--slurm', '--tasks', '0'], /^headsim sweep: --tasks: expected an integer in 1…10000, got '0'/],
    [['--slurm', '--mem', '8GB'], /^headsim sweep: --mem: expected a size/],
    [['--slurm', '--sbatch-arg=--array=1-3'], /^headsim sweep: --sbatch-arg: --array is set by headsim/],
    [['--slurm', '--sbatch-arg', 'account fpga'], /^headsim sweep: --sbatch-arg: expected one sbatch option/],
    [['--tasks', '2'], /^headsim sweep: --tasks: only with --slurm$/],
    [['--slurm', '--shard', '1/2'], /^headsim sweep: --shard: not with --slurm/],
    [['--slurm', '--tasks', '3'], /^headsim sweep: --tasks 3: more tasks than the sweep has points \(2\)$/],
    [['--rtl-hash', 'abc'], /^headsim sweep: --rtl-hash: expected the 64 hex digits/],
  ])('%j: exit 2 naming the flag', (flags, msg) => {
    const r = headsim(['sweep', spec, '--dry-run', '--out', join(tmp, 'bad'), ...flags]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(msg);
  });

  it('--slurm --dry-run writes the scripts and the record; status reads them; merge names the missing points', () => {
    const out = join(tmp, 'dry');
    let r = headsim(['sweep', spec, '--slurm', '--dry-run', '--tasks', '2', '--no-modules', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, 'sweep', 'two', 'slurm');
    for (const f of ['array.sh', 'merge.sh', 'submission.json', 'logs']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(r.stdout).toContain(`sbatch ${join(dir, 'array.sh')}`);
    const rec = JSON.parse(readFileSync(join(dir, 'submission.json'), 'utf8'));
    expect(rec.plan.flat()).toHaveLength(2);
    expect(rec.submissions).toEqual([]);

    r = headsim(['sweep', 'status', spec, '--out', out, '--json', join(tmp, 'status.json')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/not submitted \(scripts only\)/);
    expect(r.stdout).toMatch(/missing: shard 2: point 0 \(argmax N=2/);
    expect(JSON.parse(readFileSync(join(tmp, 'status.json'), 'utf8'))).toMatchObject({ points: 2, done: 0, missing: 2, complete: false, active: false });

    r = headsim(['sweep', 'status', join(tmp, 'other.json'), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/other\.json: no Slurm submission under/);

    // The merge job of a sweep whose shards never ran: exit 1, every point named.
    r = headsim(['sweep', 'merge', ...rec.caches, '--spec', spec, '--out', join(tmp, 'merged')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/two\.shard-1-of-2\.jsonl: no such file \(its shard has not run\)/);
    expect(r.stderr).toMatch(/incomplete: 2 point\(s\) have no result: 0 \(argmax N=2 .*\), 1 \(approx N=2 .*\)/);
  });
});
