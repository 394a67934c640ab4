// `headsim bench`: speed of the model, lockstep and peers (Verilator, Icarus, cocotb) in one run.
// Writes bench/results.md (full runs) and --json FILE. Exit 1 when a simulator's outputs differ
// from the model's on the shared stimulus; the speed goals are reported, not asserted.
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, positiveInt } from '../flags.ts';
import { InputError } from '../../lib/errors.ts';
import { writeJson } from '../../lib/json-file.ts';
import { parseConfig } from '../../models/config.ts';
import { buildScenario } from '../../harness/inputs/scenario.ts';
import { BASELINE_REV, beforeAfter } from '../../bench/baseline.ts';
import { consoleText, makeReport, resultsMarkdown, type BenchReport } from '../../bench/report.ts';
import { baselineCycles, benchScenario, machineInfo, MEASURES, SCENARIO_NAMES, type Measure } from '../../bench/run.ts';
import { DEFAULT_TRAFFIC } from '../../harness/run/testbench.ts';

const RESULTS_MD = fileURLToPath(new URL('../../bench/results.md', import.meta.url));

const FLAGS = { quick: 'bool', runs: 'value', 'slow-runs': 'value', scenario: 'value', skip: 'value', 'vcd-dir': 'value', results: 'value', baseline: 'value', 'from-json': 'value' } as const;

export const USAGE = `headsim bench [--quick] [--runs N] [--slow-runs N] [--scenario ${SCENARIO_NAMES.join(',')}]
              [--skip ${MEASURES.join(',')},baseline] [--baseline REV|none] [--vcd-dir DIR]
              [--out DIR] [--json FILE] [--results FILE|none]
       headsim bench --from-json REPORT.json [--results FILE]   (re-render results.md, no measuring)`;

function defaultVcdDir(out: string): string {
  // Trace speed is measured on tmpfs when there is one, so that the disk does not set it.
  try {
    accessSync('/dev/shm', constants.W_OK);
    return join('/dev/shm', `headsim-bench-${os.userInfo().username}`);
  } catch {
    return join(out, 'vcd');
  }
}

export async function benchCommand(argv: string[]): Promise<number> {
  const o = parseArgs(argv, FLAGS);
  if (o.positional.length) throw new InputError(`bench: unexpected argument '${o.positional[0]}'\n${USAGE}`);
  const quick = o.flags.quick === true;
  const runs = o.flags.runs !== undefined ? positiveInt('runs', String(o.flags.runs)) : quick ? 2 : 5;
  const slowRuns = o.flags['slow-runs'] !== undefined ? positiveInt('slow-runs', String(o.flags['slow-runs'])) : null;
  const scenarios = o.flags.scenario !== undefined ? String(o.flags.scenario).split(',') : SCENARIO_NAMES;
  for (const s of scenarios) if (!SCENARIO_NAMES.includes(s)) throw new InputError(`--scenario: '${s}' is not one of ${SCENARIO_NAMES.join(', ')}`);
  const skipList = o.flags.skip !== undefined ? String(o.flags.skip).split(',') : [];
  for (const s of skipList) if (!(MEASURES as readonly string[]).includes(s) && s !== 'baseline') throw new InputError(`--skip: '${s}' is not one of ${MEASURES.join(', ')}, baseline`);
  const skip = new Set(skipList.filter((s) => s !== 'baseline') as Measure[]);
  const baselineFlag = o.flags.baseline !== undefined ? String(o.flags.baseline) : null;
  const baseline = skipList.includes('baseline') || baselineFlag === 'none' ? null : (baselineFlag ?? (quick ? null : BASELINE_REV));
  const out = join(o.out, 'bench');
  const vcdDir = o.flags['vcd-dir'] !== undefined ? String(o.flags['vcd-dir']) : defaultVcdDir(out);
  const resultsFlag = o.flags.results !== undefined ? String(o.flags.results) : null;
  const results = resultsFlag === 'none' ? null : (resultsFlag ?? (quick ? null : RESULTS_MD));
  const log = (s: string) => console.error(s);
  if (o.flags['from-json'] !== undefined) {
    const file = String(o.flags['from-json']);
    let report: BenchReport;
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
    } catch (e) {
      throw new InputError(`--from-json: cannot read ${file} (${(e as Error).message.split('\n')[0]})`);
    }
    if (report.command !== 'bench' || !Array.isArray(report.scenarios)) throw new InputError(`--from-json: ${file} is not a bench report`);
    console.log(consoleText(report));
    const target = resultsFlag === 'none' ? null : (resultsFlag ?? RESULTS_MD);
    if (target) writeFileSync(target, resultsMarkdown(report));
    return 0;
  }

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
      const sc = buildScenario(parseConfig(s.config), need, 1);
      ab.push({ scenario: name, result: await beforeAfter(sc, baseline, { ...cycles, rounds: runs, vcdDir }, (x) => log(`[${name}] ${x}`)) });
    }
  }
  machine.loadAverage.end = os.loadavg();
  const report = makeReport(argv, quick, machine, results_, ab);
  console.log(consoleText(report));
  if (o.json) writeJson(o.json, report);
  if (results) {
    mkdirSync(dirname(results), { recursive: true });
    writeFileSync(results, resultsMarkdown(report));
    log(`bench: wrote ${results}`);
  }
  const bad = results_.flatMap((s) => Object.entries(s.mismatches).filter(([, n]) => n > 0).map(([k, n]) => `${s.name}/${k}: ${n}`));
  if (bad.length) {
    console.log(`bench: outputs differ from the model: ${bad.join(', ')}`);
    return 1;
  }
  return 0;
}
