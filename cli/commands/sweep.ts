// `headsim sweep [SPEC.json]`: the design-space sweep (docs/sweep.md).
// `headsim sweep merge A.jsonl B.jsonl …`: join the result files of shards into one report.
import { InvalidArgumentError, type Command, type OptionValues } from '@commander-js/extra-typings';
import { existsSync } from 'node:fs';
import { InputError } from '../../lib/errors.ts';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mode } from '../../models/config.ts';
import { checkWritableDir, checkWritableFile, writeJson } from '../../lib/files.ts';
import { DEFAULT_YOSYS_TIMEOUT_MS } from '../../harness/synth/yosys.ts';
import { readJsonl } from '../../harness/sweep/cache.ts';
import { isFailed, type PointRow } from '../../harness/sweep/row.ts';
import { duration } from '../../harness/sweep/progress.ts';
import { buildSweepReport, terminalTable, writeOutputs } from '../../harness/sweep/report.ts';
import { estimateCost, shardOf, type Shard } from '../../harness/sweep/cost.ts';
import { runSweep } from '../../harness/sweep/run.ts';
import { pointKeys, pointLabel } from '../../harness/sweep/keys.ts';
import { expandSpec, loadSpec, mergeParams, type SweepPoint, type SweepSpec } from '../../harness/sweep/spec.ts';
import { resolvePoints, sweepData, type SweepData } from '../../harness/sweep/data.ts';
import { rtlHash } from '../../harness/synth/synth.ts';
import { sourceArgs } from '../../harness/inputs/data-sources.ts';
import { dataOf, dataOptions, type DataFlags } from '../options.ts';
import { paramsOf, withParams } from '../params.ts';
import { int, modeList, text } from '../values.ts';
import { checkRtlHash, mergeRtlOption, slurmOptions, sweepOnSlurm, sweepStatusCommand, type SlurmFlags } from './sweep-slurm.ts';

export const DEFAULT_SPEC = fileURLToPath(new URL('../../harness/sweep/default-spec.json', import.meta.url));
export const DEFAULT_OUT = fileURLToPath(new URL('../../docs/sweep/', import.meta.url));

/** The flags that decide point keys (sweep, dry run and merge alike). */
const keyOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  dataOptions(withParams(c))
    .option('--mode <modes>', 'modes, comma-separated: replaces the spec\'s modes (a grid axis)', modeList)
    .option('--vectors <n>', 'accuracy vectors per point (default: the spec\'s, else all of the input vectors, else 1000)', int(1, 1_000_000))
    .option('--seed <n>', 'seed of weights and vectors (default: the spec\'s, else 1)', int(0))
    .option('--keep-bram-init', 'plain synth_xilinx, BRAM contents kept through mapping')
    .option('--out <dir>', 'output root (default spec: docs/sweep/; else <out>/sweep/<spec name>/)', text, 'out')
    .option('--json <file>', 'write the report as JSON', text);

const shardArg = (v: string): Shard => {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InvalidArgumentError(`expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got '${v}'`);
  return { index, count };
};

interface KeyFlags extends DataFlags {
  mode?: Mode[];
  vectors?: number;
  seed?: number;
  keepBramInit?: true;
  out: string;
  json?: string;
}

export function sweepCommand(program: Command): void {
  const sweep = slurmOptions(keyOptions(program.command('sweep').description('design-space sweep: latency, II, resources (Yosys) and accuracy per point; cached, resumable, sharded (docs/sweep.md)'))
    .argument('[spec]', 'sweep spec JSON (default: harness/sweep/default-spec.json)')
    .enablePositionalOptions()
    .option('--spec <file>', 'the spec, as a flag', text)
    .option('--shard <i/n>', 'run the i-th of n cost-balanced shards', shardArg)
    .option('--jobs <n>', 'Yosys runs at a time (one per core)', int(1, 64), 2)
    .option('--cache <file>', 'JSONL results cache (default: <out>/sweep/<name>[.shard-i-of-n].jsonl)', text)
    .option('--timeout <seconds>', 'per Yosys run', int(1), DEFAULT_YOSYS_TIMEOUT_MS / 1000)
    .option('--no-modules', 'skip the per-module breakdown')
    .option('--verify', 'run headsim cosim on every point')
    .option('--verify-vectors <n>', 'vectors of each verification', int(1, 100_000), 20)
    .option('--retry-failed', 'run failed points again')
    .option('--dry-run', 'list the points, their shards and keys; run nothing'))
    .action(async (specArg, o, cmd) => {
      process.exitCode = await runSweepCommand(specArg ?? o.spec ?? null, o, cmd);
    });

  mergeRtlOption(keyOptions(sweep.command('merge').description('join the result files of shards into one report'))
    .argument('<files...>', 'shard result files (JSONL)')
    .option('--spec <file>', 'order and number the rows as this spec does; name missing points (a missing file: its points)', text))
    .action(async (files, o, cmd) => {
      process.exitCode = await mergeCommand(files, o, cmd);
    });

  sweepStatusCommand(sweep, DEFAULT_SPEC);
}

interface SweepFlags extends KeyFlags, SlurmFlags {
  shard?: Shard;
  jobs: number;
  cache?: string;
  timeout: number;
  modules: boolean;
  verify?: true;
  verifyVectors: number;
  retryFailed?: true;
  dryRun?: true;
}

async function runSweepCommand(specPath: string | null, o: SweepFlags, cmd: Command<any, any, any>): Promise<number> {
  const isDefault = specPath === null;
  const spec = await loadSpec(specPath ?? DEFAULT_SPEC);
  const { data, points } = await dataAndPoints(spec, o, cmd);
  const name = isDefault ? 'default' : basename(specPath!).replace(/\.json$/i, '');
  const outDir = isDefault && cmd.getOptionValueSource('out') !== 'cli' ? DEFAULT_OUT : join(o.out, 'sweep', name);
  const shard = o.shard ?? null;
  const cachePath = o.cache ?? join(o.out, 'sweep', shard ? `${name}.shard-${shard.index}-of-${shard.count}.jsonl` : `${name}.jsonl`);
  const { vectors, seed, synthTarget } = keyContext(o, spec, data);
  const jobs = o.jobs;
  if (jobs > 2) console.error(`sweep: --jobs ${jobs}: each job runs one Yosys at a time; make sure the machine has ${jobs} cores`);
  const timeoutMs = o.timeout * 1000;
  const verify = o.verify ? { vectors: o.verifyVectors, timeoutMs: 30 * 60_000, out: join(o.out, 'sweep', `${name}-verify`) } : null;
  checkRtlHash(o.rtlHash);
  const { params, modes } = await paramsOf(cmd, o.mode);
  const slurm = sweepOnSlurm(o, { spec: specPath ?? DEFAULT_SPEC, name, outDir, params, modes, data: sourceArgs(o, (p) => resolve(p)), vectors, seed, points });
  if (slurm) return slurm;

  if (o.dryRun) {
    dryRun(points, shard, { vectors, seed, cachePath, data: data.ref, synthTarget }, o.keepBramInit === true);
    return 0;
  }
  // Found now, not after an hour of synthesis.
  checkWritableFile(cachePath, '--cache');
  if (!shard) checkWritableDir(outDir, '--out');
  if (o.json) checkWritableFile(o.json, '--json');
  console.log(
    `sweep: ${specPath ?? 'default spec'}: ${points.length} points${shard ? `, shard ${shard.index}/${shard.count}` : ''}, ${vectors} vectors${data.ref ? ` of ${data.ref.describe}` : `, seed ${seed}`}, ${jobs} jobs, cache ${cachePath}`,
  );
  const res = await runSweep({ points, vectors, seed, cachePath, jobs, timeoutMs, modules: o.modules, keepBramInit: o.keepBramInit === true, verify, shard, retryFailed: o.retryFailed === true, data: data.ref, synthTarget });
  const cpu = process.cpuUsage();
  console.log(
    `sweep: ${res.rows.length} points (${res.ran} run, ${res.cached} from the cache), ${res.failed} failed, ${duration(res.seconds)} ` +
      `(CPU ${duration((cpu.user + cpu.system) / 1e6)}); Yosys: ${res.syntheses.flat} flattened + ${res.syntheses.modules} module syntheses`,
  );
  const report = buildSweepReport(res.rows, { description: spec.description, data: data.ref?.describe ?? null });
  console.log(terminalTable(res.rows));
  if (shard) {
    console.log(`sweep: shard results in ${cachePath}; join the shards with: headsim sweep merge <shard files…> --spec ${specPath ?? DEFAULT_SPEC} --out DIR`);
  } else {
    const files = await writeOutputs(outDir, report);
    console.log(`sweep: wrote ${files.join(', ')}`);
  }
  if (o.json) writeJson(o.json, report);
  return exitStatus(res.rows);
}

function specPoints(spec: SweepSpec, params: Record<string, unknown>, modes: Mode[] | null): SweepPoint[] {
  // Flags override base; --mode a,b,c replaces the modes: a grid axis, and every point in each mode.
  const s: SweepSpec = modes
    ? {
        ...spec,
        grid: Object.keys(spec.grid).length || !spec.points.length ? { ...spec.grid, mode: modes } : {},
        points: spec.points.flatMap((p) => modes.map((mode) => ({ ...p, mode }))),
      }
    : spec;
  return expandSpec(s, params);
}

/**
 * Vectors and seed as every point key gets them (sweep, dry run and merge alike): a flag wins
 * over the spec, the spec over the input vectors' count, that over `fallback` (merge: the rows'
 * own values), then the defaults.
 */
function keyContext(o: KeyFlags, spec: SweepSpec, data: SweepData, fallback?: { vectors: number; seed: number }): { vectors: number; seed: number; synthTarget: SweepSpec['synthTarget'] } {
  return { vectors: o.vectors ?? spec.vectors ?? data.src.vectorCount ?? fallback?.vectors ?? 1000, seed: o.seed ?? spec.seed ?? fallback?.seed ?? 1, synthTarget: spec.synthTarget };
}

/**
 * The sweep's data (the data flags over the spec's `data`, loaded once, bad files exit 2 as in
 * `sim`) and its points on that data: shapes from the files under the spec's base, formats
 * chosen per point with --auto-formats.
 */
async function dataAndPoints(spec: SweepSpec, o: KeyFlags, cmd: Command<any, any, any>): Promise<{ data: SweepData; points: SweepPoint[] }> {
  const { params, modes } = await paramsOf(cmd, o.mode);
  const seed = o.seed ?? spec.seed ?? 1;
  const data = await sweepData(spec.data, dataOf({ ...o, seed, vectors: o.vectors ?? spec.vectors ?? undefined }, params));
  for (const note of data.notes) console.log(note);
  const points = resolvePoints(specPoints({ ...spec, base: mergeParams(data.implied, spec.base) }, data.params, modes), data, seed);
  return { data, points };
}

function dryRun(points: SweepPoint[], shard: Shard | null, ctx: { vectors: number; seed: number; cachePath: string; data: SweepData['ref']; synthTarget: SweepSpec['synthTarget'] }, keepBramInit: boolean): void {
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

async function mergeCommand(files: string[], o: KeyFlags & { spec?: string; rtlHash?: string }, cmd: Command<any, any, any>): Promise<number> {
  if (o.json) checkWritableFile(o.json, '--json');
  const byKey = new Map<string, PointRow>();
  for (const path of files) {
    // With --spec a shard that never ran is its missing points, named below.
    if (o.spec !== undefined && !existsSync(path)) {
      console.error(`sweep merge: ${path}: no such file (its shard has not run)`);
      continue;
    }
    const r = readJsonl(path, { mustExist: true });
    if (r.bad) console.error(`sweep merge: ${path}: ${r.bad} unreadable line(s) ignored`);
    for (const row of r.rows) {
      const prev = byKey.get(row.key);
      // A success wins over a failure; otherwise the later line (a re-run or added verification).
      if (!prev || row.status === 'ok' || prev.status === 'failed') byKey.set(row.key, row);
    }
  }
  // Without a spec nothing says what is missing: no rows at all is bad input.
  if (!byKey.size && o.spec === undefined) throw new InputError(`no sweep rows in ${files.join(', ')}`);
  let rows: PointRow[];
  let description: string | null = null;
  let dataDescribe: string | null = null;
  const missing: string[] = [];
  if (o.spec !== undefined) {
    // In the spec's order, with the spec's numbering; rows of other points are left out.
    const spec = await loadSpec(o.spec);
    description = spec.description;
    const { data, points } = await dataAndPoints(spec, o, cmd);
    dataDescribe = data.ref?.describe ?? null;
    const any = [...byKey.values()][0];
    const ctx = { ...keyContext(o, spec, data, any), rtlHash: o.rtlHash ?? any?.rtlHash ?? rtlHash(), keepBramInit: o.keepBramInit === true, data: data.ref };
    rows = [];
    for (const p of points) {
      const row = byKey.get(pointKeys(p.config, ctx).key);
      if (row) rows.push({ ...row, index: p.index, params: p.params });
      else {
        missing.push(`${p.index} (${pointLabel(p.config)})`);
        console.error(`sweep merge: no result for point ${missing.at(-1)}`);
      }
    }
  } else rows = [...byKey.values()].sort((a, b) => a.index - b.index || a.key.localeCompare(b.key));
  const report = buildSweepReport(rows, { description, data: dataDescribe });
  console.log(terminalTable(rows));
  const written = await writeOutputs(cmd.getOptionValueSource('out') === 'cli' ? o.out : join(o.out, 'sweep', 'merged'), report);
  console.log(`sweep merge: ${rows.length} points from ${files.length} file(s)${missing.length ? `, ${missing.length} missing` : ''}; wrote ${written.join(', ')}`);
  if (o.json) writeJson(o.json, report);
  if (missing.length) console.error(`sweep merge: incomplete: ${missing.length} point(s) have no result: ${missing.join(', ')}`);
  return missing.length ? 1 : exitStatus(rows);
}
