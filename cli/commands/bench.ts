// `headsim bench`: speed of the model, lockstep and peers (Verilator, Icarus, cocotb) in one run.
// Writes bench/results.md (full runs) and --json FILE. Exit 1 when a simulator's outputs differ
// from the model's on the shared stimulus; the speed goals are reported, not asserted.
import { accessSync, constants, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from '@commander-js/extra-typings';
import { InputError } from '../../lib/errors.ts';
import { checkWritableFile, writeFileAtomic, writeJson } from '../../lib/files.ts';
import { LIMITS, readJsonCapped } from '../../lib/limits.ts';
import { beforeAfter } from '../../bench/baseline.ts';
import { GUARD_BASELINE, GUARD_MIN, GUARD_SCENARIOS, guard, guardText } from '../../bench/guard.ts';
import { extractRevision, REPO } from '../../bench/revision-tree.ts';
import { profileMarkdown, profileModel } from '../../bench/profile.ts';
import { consoleText, makeReport, resultsMarkdown, type BenchReport } from '../../bench/report.ts';
import { withSpeedTable } from '../../bench/readme.ts';
import { benchScenario, MEASURES, type Measure } from '../../bench/run.ts';
import { machineInfo } from '../../bench/machine.ts';
import { baselineCycles, SCENARIO_NAMES } from '../../bench/scenarios.ts';
import { DEFAULT_TRAFFIC } from '../../harness/run/traffic.ts';
import { int, text } from '../values.ts';

const RESULTS_MD = fileURLToPath(new URL('../../bench/results.md', import.meta.url));
/** beside the repository's results.md: the report the README's speed table is made from */
const RESULTS_JSON = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

const list =
  <T extends string>(allowed: readonly T[]) =>
  (v: string): T[] => {
    const xs = v.split(',');
    for (const x of xs) if (!allowed.includes(x as T)) throw new InvalidArgumentError(`'${x}' is not one of ${allowed.join(', ')}`);
    return xs as T[];
  };

export const benchCommand = (program: Command) =>
  program
    .command('bench')
    .description('speed of the model, Verilator, Icarus, cocotb and both lockstep backends in one run (writes bench/results.md)')
    .option('--quick', 'short runs (2 rounds, no baseline, no results.md)')
    .option('--runs <n>', 'rounds per measure (default: 5, 2 with --quick)', int(1))
    .option('--slow-runs <n>', 'rounds of the slow measures (Icarus, cocotb)', int(1))
    .option('--scenario <names>', `scenarios, comma-separated: ${SCENARIO_NAMES.join(', ')}`, list(SCENARIO_NAMES))
    .option('--skip <measures>', `measures to skip: ${MEASURES.join(', ')}, baseline`, list([...MEASURES, 'baseline'] as const))
    .option('--baseline <rev>', `git revision of the before/after comparison and of --guard, or none (default: ${GUARD_BASELINE})`, text)
    .option('--profile', 'only where the model\'s cycles go: ns per cycle of each component, the testbench and the kernel, seed and large head (writes bench/profile.md unless --results none)')
    .option('--guard', `only the speed guard: the model against the baseline revision, seed and large head, alone and recording its ports; exit 1 when it is slower (after/before under the bar)`)
    .option('--vcd-dir <dir>', 'where trace speed is measured (default: /dev/shm)', text)
    .option('--results <file>', 'results Markdown, or none (default: bench/results.md)', text)
    .option('--from-json <report>', 're-render results.md from a --json report, no measuring', text)
    .option('--out <dir>', 'directory for builds', text, 'out')
    .option('--json <file>', 'write the report as JSON', text)
    .action(async (o) => {
      process.exitCode = await bench(o);
    });

interface BenchFlags {
  guard?: true;
  profile?: true;
  quick?: true;
  runs?: number;
  slowRuns?: number;
  scenario?: string[];
  skip?: (Measure | 'baseline')[];
  baseline?: string;
  vcdDir?: string;
  results?: string;
  fromJson?: string;
  out: string;
  json?: string;
}

function defaultVcdDir(out: string): string {
  // Trace speed is measured on tmpfs when there is one, so that the disk does not set it.
  try {
    accessSync('/dev/shm', constants.W_OK);
    return join('/dev/shm', `headsim-bench-${os.userInfo().username}`);
  } catch {
    return join(out, 'vcd');
  }
}

async function bench(o: BenchFlags): Promise<number> {
  const quick = o.quick === true;
  const runs = o.runs ?? (quick ? 2 : 5);
  const slowRuns = o.slowRuns ?? null;
  const scenarios = o.scenario ?? SCENARIO_NAMES;
  const skipList = o.skip ?? [];
  const skip = new Set(skipList.filter((s): s is Measure => s !== 'baseline'));
  const baseline = skipList.includes('baseline') || o.baseline === 'none' ? null : (o.baseline ?? (quick ? null : GUARD_BASELINE));
  const out = join(o.out, 'bench');
  const vcdDir = o.vcdDir ?? defaultVcdDir(out);
  const results = o.results === 'none' ? null : (o.results ?? (quick ? null : RESULTS_MD));
  const log = (s: string) => console.error(s);
  if (o.json) checkWritableFile(o.json, '--json');
  if (o.fromJson !== undefined) {
    let report: BenchReport;
    try {
      report = (await readJsonCapped(o.fromJson, { what: 'bench report', maxBytes: LIMITS.reportBytes })) as BenchReport;
    } catch (e) {
      throw e instanceof InputError ? new InputError(`--from-json ${e.message}`) : e;
    }
    if (typeof report !== 'object' || report === null || report.command !== 'bench' || !Array.isArray(report.scenarios)) throw new InputError(`--from-json: ${o.fromJson} is not a bench report`);
    console.log(consoleText(report));
    const target = o.results === 'none' ? null : (o.results ?? RESULTS_MD);
    if (target) writeFileAtomic(target, resultsMarkdown(report));
    if (target && resolve(target) === RESULTS_MD) writeFileAtomic(README, withSpeedTable(readFileSync(README, 'utf8'), report));
    return 0;
  }
  if (results) checkWritableFile(results, '--results');

  if (o.guard) return speedGuard(o, log);
  if (o.profile) return profile(o, log);
  const machine = await machineInfo();
  log(`bench: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load ${machine.loadAverage.start.map((x) => x.toFixed(2)).join(' ')}`);
  const results_: BenchReport['scenarios'] = [];
  const ab: BenchReport['beforeAfter'] = [];
  for (const name of scenarios) {
    results_.push(await benchScenario(name, { quick, runs, slowRuns, skip, out, vcdDir, log }));
    if (baseline) {
      const s = results_[results_.length - 1]!;
      const cycles = baselineCycles(name, quick);
      // each instance runs the warm-up and every round (cycles per vector: II at the offered rate)
      const need = Math.ceil(((cycles.warmup + runs * (cycles.model + cycles.vcd)) / (s.geometry.ii / DEFAULT_TRAFFIC.validRate)) * 1.3) + 10;
      ab.push({ scenario: name, result: await beforeAfter(s.config, need, baseline, { ...cycles, rounds: runs, vcdDir }, (x) => log(`[${name}] ${x}`)) });
    }
  }
  machine.loadAverage.end = os.loadavg();
  const report = makeReport(process.argv.slice(3), quick, machine, results_, ab);
  console.log(consoleText(report));
  if (o.json) writeJson(o.json, report);
  if (results) {
    writeFileAtomic(results, resultsMarkdown(report));
    log(`bench: wrote ${results}`);
    if (resolve(results) === RESULTS_MD) {
      // the repository's results: the JSON beside them and the README's table follow
      writeJson(RESULTS_JSON, report);
      writeFileAtomic(README, withSpeedTable(readFileSync(README, 'utf8'), report));
      log(`bench: wrote ${RESULTS_JSON} and the speed table of ${README}`);
    }
  }
  const bad = results_.flatMap((s) => Object.entries(s.mismatches).filter(([, n]) => n > 0).map(([k, n]) => `${s.name}/${k}: ${n}`));
  if (bad.length) {
    console.log(`bench: outputs differ from the model: ${bad.join(', ')}`);
    return 1;
  }
  return 0;
}

/**
 * --guard: this tree against the baseline revision. A scenario under the bar is measured once
 * more (a busy machine); it fails when both measurements are under it.
 */
async function speedGuard(o: BenchFlags, log: (s: string) => void): Promise<number> {
  const rev = o.baseline && o.baseline !== 'none' ? o.baseline : GUARD_BASELINE;
  const dir = await extractRevision(rev);
  if (typeof dir !== 'string') throw new InputError(`--guard: ${dir.error}`);
  const scenarios = o.scenario ?? Object.keys(GUARD_SCENARIOS);
  const rounds = o.runs ?? 7;
  const scale = o.quick ? 0.1 : 1;
  let result = await guard(REPO, dir, { baseline: rev, rounds, scenarios, scale, log });
  console.log(guardText(result));
  const slow = [...new Set(result.rows.filter((r) => !r.ratio || r.ratio.median < GUARD_MIN).map((r) => r.scenario))];
  if (slow.length) {
    log(`speed guard: measuring ${slow.join(', ')} again`);
    const again = await guard(REPO, dir, { baseline: rev, rounds, scenarios: slow, scale, log });
    console.log(guardText(again));
    result = { ...result, rows: [...result.rows.filter((r) => !slow.includes(r.scenario)), ...again.rows], pass: again.pass };
  }
  if (o.json) writeJson(o.json, { command: 'bench', guard: result });
  return result.pass ? 0 : 1;
}

const PROFILE_MD = fileURLToPath(new URL('../../bench/profile.md', import.meta.url));

/** --profile: the model's cycles by component (bench/profile.ts); bench/profile.md from a full run. */
async function profile(o: BenchFlags, log: (s: string) => void): Promise<number> {
  const scenarios = o.scenario ?? Object.keys(GUARD_SCENARIOS);
  const big = (n: string) => n === 'big';
  const results = [];
  for (const name of scenarios) {
    log(`profile [${name}]`);
    const cycles = (big(name) ? 200_000 : 1_500_000) * (o.quick ? 0.1 : 1);
    results.push(await profileModel(name, { cycles, warmup: cycles / 2, intervalUs: 100 }));
  }
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const md = profileMarkdown(results, `\`npx headsim bench --profile\` on ${os.cpus()[0]?.model ?? 'this machine'} (${os.cpus().length} cores), node ${process.version}, load average ${load} at the end: the cycle model under its testbench (random backpressure), after a warm-up, under V8's sampling profiler. Each sample is charged to the component whose generated process it was in (processes V8 inlines into the fused edge count as the edge's).`);
  console.log(md);
  const target = o.results === 'none' || o.quick ? null : (o.results ?? PROFILE_MD);
  if (target) writeFileAtomic(target, md);
  if (o.json) writeJson(o.json, { command: 'bench', profile: results });
  return 0;
}
