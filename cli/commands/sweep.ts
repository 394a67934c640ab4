// `headsim sweep [SPEC.json]`: the design-space sweep (docs/sweep.md).
// `headsim sweep merge A.jsonl B.jsonl …`: join the result files of shards into one report.
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, positiveInt, type CommonOptions } from '../flags.ts';
import { InputError } from '../../lib/errors.ts';
import { writeJson } from '../../lib/json-file.ts';
import { DEFAULT_YOSYS_TIMEOUT_MS } from '../../harness/synth/yosys.ts';
import { readJsonl } from '../../harness/sweep/cache.ts';
import { isFailed, type PointRow } from '../../harness/sweep/point.ts';
import { duration } from '../../harness/sweep/progress.ts';
import { buildSweepReport, terminalTable, writeOutputs } from '../../harness/sweep/report.ts';
import { estimateCost, pointKeys, pointLabel, runSweep, shardOf, type Shard } from '../../harness/sweep/run.ts';
import { expandSpec, readSpec, type SweepPoint, type SweepSpec } from '../../harness/sweep/spec.ts';
import { rtlHash } from '../../harness/synth/synth.ts';

export const DEFAULT_SPEC = fileURLToPath(new URL('../../harness/sweep/default-spec.json', import.meta.url));
export const DEFAULT_OUT = fileURLToPath(new URL('../../docs/sweep/', import.meta.url));

const SWEEP_FLAGS = {
  shard: 'value',
  jobs: 'value',
  cache: 'value',
  timeout: 'value',
  'no-modules': 'bool',
  'keep-bram-init': 'bool',
  verify: 'bool',
  'verify-vectors': 'value',
  'retry-failed': 'bool',
  'dry-run': 'bool',
  spec: 'value',
} as const;

export async function sweepCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'merge') return mergeCommand(argv.slice(1));
  const opts = parseArgs(argv, SWEEP_FLAGS);
  if (opts.positional.length > 1) throw new InputError(`unexpected argument '${opts.positional[1]}' (sweep takes one SPEC.json)`);
  const specPath = opts.positional[0] ?? (typeof opts.flags.spec === 'string' ? opts.flags.spec : null);
  const isDefault = specPath === null;
  const spec = readSpec(specPath ?? DEFAULT_SPEC);
  const points = specPoints(spec, opts);
  const name = isDefault ? 'default' : basename(specPath!).replace(/\.json$/i, '');
  const outDir = isDefault && !opts.given.has('out') ? DEFAULT_OUT : join(opts.out, 'sweep', name);
  const shard = parseShard(opts.flags.shard);
  const cachePath =
    typeof opts.flags.cache === 'string' ? opts.flags.cache : join(opts.out, 'sweep', shard ? `${name}.shard-${shard.index}-of-${shard.count}.jsonl` : `${name}.jsonl`);
  const { vectors, seed } = keyContext(opts, spec);
  const jobs = opts.flags.jobs ? positiveInt('jobs', String(opts.flags.jobs)) : 2;
  if (jobs > 2) console.error(`sweep: --jobs ${jobs}: each job runs one Yosys at a time; make sure the machine has ${jobs} cores`);
  const timeoutMs = opts.flags.timeout ? positiveInt('timeout', String(opts.flags.timeout)) * 1000 : DEFAULT_YOSYS_TIMEOUT_MS;
  const verify = opts.flags.verify
    ? { vectors: opts.flags['verify-vectors'] ? positiveInt('verify-vectors', String(opts.flags['verify-vectors'])) : 20, timeoutMs: 30 * 60_000, out: join(opts.out, 'sweep', `${name}-verify`) }
    : null;

  if (opts.flags['dry-run']) {
    dryRun(points, shard, { vectors, seed, cachePath }, !!opts.flags['keep-bram-init']);
    return 0;
  }
  console.log(
    `sweep: ${specPath ?? 'default spec'}: ${points.length} points${shard ? `, shard ${shard.index}/${shard.count}` : ''}, ${vectors} vectors, seed ${seed}, ${jobs} jobs, cache ${cachePath}`,
  );
  const res = await runSweep({ points, vectors, seed, cachePath, jobs, timeoutMs, modules: !opts.flags['no-modules'], keepBramInit: !!opts.flags['keep-bram-init'], verify, shard, retryFailed: !!opts.flags['retry-failed'] });
  const cpu = process.cpuUsage();
  console.log(
    `sweep: ${res.rows.length} points (${res.ran} run, ${res.cached} from the cache), ${res.failed} failed, ${duration(res.seconds)} ` +
      `(CPU ${duration((cpu.user + cpu.system) / 1e6)}); Yosys: ${res.syntheses.flat} flattened + ${res.syntheses.modules} module syntheses`,
  );
  const report = buildSweepReport(res.rows, { description: spec.description });
  console.log(terminalTable(res.rows));
  if (shard) {
    console.log(`sweep: shard results in ${cachePath}; join the shards with: headsim sweep merge <shard files…> --spec ${specPath ?? DEFAULT_SPEC} --out DIR`);
  } else {
    const files = writeOutputs(outDir, report);
    console.log(`sweep: wrote ${files.join(', ')}`);
  }
  if (opts.json) writeJson(opts.json, report);
  return exitStatus(res.rows);
}

function specPoints(spec: SweepSpec, opts: CommonOptions): SweepPoint[] {
  // Flags override base; --mode a,b,c replaces the modes: a grid axis, and every point in each mode.
  const modes = opts.modes;
  const s: SweepSpec = modes
    ? {
        ...spec,
        grid: Object.keys(spec.grid).length || !spec.points.length ? { ...spec.grid, mode: modes } : {},
        points: spec.points.flatMap((p) => modes.map((mode) => ({ ...p, mode }))),
      }
    : spec;
  return expandSpec(s, opts.params);
}

/**
 * Vectors and seed as every point key gets them (sweep, dry run and merge alike): a flag wins
 * over the spec, the spec over `fallback` (merge: the rows' own values), then the defaults.
 */
function keyContext(opts: CommonOptions, spec: SweepSpec, fallback?: { vectors: number; seed: number }): { vectors: number; seed: number } {
  return {
    vectors: opts.vectors ?? spec.vectors ?? fallback?.vectors ?? 1000,
    seed: opts.given.has('seed') ? opts.seed : (spec.seed ?? fallback?.seed ?? opts.seed),
  };
}

function parseShard(v: string | true | undefined): Shard | null {
  if (v === undefined) return null;
  const m = /^(\d+)\/(\d+)$/.exec(String(v));
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InputError(`--shard: expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got '${v}'`);
  return { index, count };
}

function dryRun(points: SweepPoint[], shard: Shard | null, ctx: { vectors: number; seed: number; cachePath: string }, keepBramInit: boolean): void {
  const hash = rtlHash();
  const shards = shardOf(points, shard?.count ?? 1);
  for (const p of points) {
    const k = pointKeys(p.config, { ...ctx, rtlHash: hash, keepBramInit });
    const s = shards.get(p.index)!;
    if (shard && s !== shard.index) continue;
    console.log(`${String(p.index).padStart(3)}  shard ${s}  ~${Math.round(estimateCost(p.config))} s  ${k.key}  ${pointLabel(p.config)}`);
  }
}

const exitStatus = (rows: PointRow[]) => (rows.some((r) => isFailed(r) || r.verified === false) ? 1 : 0);

async function mergeCommand(argv: string[]): Promise<number> {
  const opts = parseArgs(argv, { spec: 'value', 'keep-bram-init': 'bool' });
  if (!opts.positional.length) throw new InputError('sweep merge: give the result files (JSONL) of the shards');
  const byKey = new Map<string, PointRow>();
  for (const path of opts.positional) {
    const r = readJsonl(path, { mustExist: true });
    if (r.bad) console.error(`sweep merge: ${path}: ${r.bad} unreadable line(s) ignored`);
    for (const row of r.rows) {
      const prev = byKey.get(row.key);
      // A success wins over a failure; otherwise the later line (a re-run or added verification).
      if (!prev || row.status === 'ok' || prev.status === 'failed') byKey.set(row.key, row);
    }
  }
  let rows: PointRow[];
  let description: string | null = null;
  let missing = 0;
  if (typeof opts.flags.spec === 'string') {
    // In the spec's order, with the spec's numbering; rows of other points are left out.
    const spec = readSpec(opts.flags.spec);
    description = spec.description;
    const points = expandSpec(spec, opts.params);
    const any = [...byKey.values()][0];
    const ctx = { ...keyContext(opts, spec, any), rtlHash: any?.rtlHash ?? rtlHash(), keepBramInit: !!opts.flags['keep-bram-init'] };
    rows = [];
    for (const p of points) {
      const row = byKey.get(pointKeys(p.config, ctx).key);
      if (row) rows.push({ ...row, index: p.index, params: p.params });
      else {
        missing++;
        console.error(`sweep merge: no result for point ${p.index} (${pointLabel(p.config)})`);
      }
    }
  } else rows = [...byKey.values()].sort((a, b) => a.index - b.index || a.key.localeCompare(b.key));
  const report = buildSweepReport(rows, { description });
  console.log(terminalTable(rows));
  const files = writeOutputs(opts.given.has('out') ? opts.out : join(opts.out, 'sweep', 'merged'), report);
  console.log(`sweep merge: ${rows.length} points from ${opts.positional.length} file(s)${missing ? `, ${missing} missing` : ''}; wrote ${files.join(', ')}`);
  if (opts.json) writeJson(opts.json, report);
  return missing ? 1 : exitStatus(rows);
}
