// The command-line side of `sim` and `cosim`: their flags, and the printing around the mode
// loop and its checks (harness/check/modes.ts: options → scenario → one run per mode → reports
// → checks): the header before the runs, then the table, the question's check, coverage, the
// quantization report, the failed checks, and the exit status.
import { Command, type OptionValues } from '@commander-js/extra-typings';
import { MODES, type Mode } from '../models/config.ts';
import { checkWritableDir, checkWritableFile, writeJson } from '../lib/files.ts';
import type { RunReport } from '../harness/check/report.ts';
import { checkModes } from '../harness/check/modes.ts';
import type { ModeRunner } from '../harness/run/modes.ts';
import { withMode, type Scenario } from '../harness/inputs/scenario.ts';
import { fmt, textTable } from '../lib/table.ts';
import { DEFAULT_TRAFFIC, type TrafficOptions } from '../harness/run/traffic.ts';
import { sourcedScenario } from '../harness/inputs/sources.ts';
import { printQuantReport } from '../harness/check/quant-report.ts';
import { dataOf, dataOptions, outputOptions, trafficOptions, vectorsOption } from './options.ts';
import { paramsOf, withParams } from './params.ts';
import { modeList, number } from './values.ts';

export type { ModeRunner };

/** The flags of `sim` and `cosim`. */
export const modeRunOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  trafficOptions(dataOptions(outputOptions(vectorsOption(withParams(c).option('--mode <modes>', `modes to run, comma-separated (default: ${MODES.join(',')})`, modeList)))))
    .option('--max-prob-error <x>', 'accuracy bar: the largest |p − p_float| a softmax run may have', number(0, 1), 1e-3);

const typed = () => modeRunOptions(new Command());
export type ModeRunFlags = ReturnType<ReturnType<typeof typed>['opts']>;

/**
 * `concurrent`: the modes at once (cosim); `defaults`: parameters and modes under the flags and
 * --config (cosim --rtl: the export's). Returns the exit status.
 */
export async function runModesCommand(
  command: string,
  cmd: Command<any, any, any>,
  o: ModeRunFlags,
  runner: ModeRunner,
  opts: { concurrent?: boolean; defaults?: { params: Record<string, unknown>; modes: Mode[] } } = {},
): Promise<number> {
  const { defaults, concurrent = false } = opts;
  const flags = await paramsOf(cmd, o.mode as Mode[] | undefined);
  const params = { ...defaults?.params, ...flags.params };
  const modes = flags.modes ?? defaults?.modes ?? [...MODES];
  // Found now, not after the run: where the reports and dumps go.
  checkWritableDir(o.out, '--out');
  if (o.json) checkWritableFile(o.json, '--json');
  const sourced = await sourcedScenario(dataOf(o, params), modes);
  for (const note of sourced.src.notes) console.log(note);
  const traffic: TrafficOptions = { ...DEFAULT_TRAFFIC, seed: o.seed, validRate: o.validRate, readyRate: o.readyRate };
  printHeader(command, sourced.base, params.select === undefined || params.select === 'auto');
  const v = await checkModes({ command, sourced, modes, traffic, bars: { maxProbError: o.maxProbError }, concurrent }, runner);
  print(v.runs);
  printQuestionCheck(v.runs);
  printCoverage(v.runs);
  console.log(`quantization: saturated ${v.saturated.weights} weights, ${v.saturated.bias} biases, ${v.saturated.inputs} input values`);
  printQuantReport(v.quantization);
  if (o.json) writeJson(o.json, v.report);
  for (const f of v.failed) console.log(`FAIL ${f}`);
  console.log(v.failed.length ? `${command}: ${v.failed.length} check(s) failed` : `${command}: all checks passed`);
  return v.failed.length ? 1 : 0;
}

/**
 * Which head runs, before it runs: the configuration as resolved — select and the exp unit's
 * lanes as the rules chose them ('auto'), the exp and reciprocal implementations.
 */
function printHeader(command: string, s: Scenario, autoSelect: boolean): void {
  const c = s.config;
  const given = s.config as unknown as { expPar: number | 'auto' };
  const lanes = withMode(s, 'softmax').g.expPar; // the exp lanes a softmax run has
  const expPar = `expPar ${lanes}${given.expPar === 'auto' ? ' (auto)' : ''}`;
  console.log(
    `${command}: classes ${c.classes}, inputs ${c.inputs}, kPar ${c.kPar}, cPar ${c.cPar}, relu ${c.relu}, topK ${c.topK}, emit ${c.emit}, select ${c.select}${autoSelect ? ' (auto)' : ''}, ` +
      `divider ${c.divider}, recipImpl ${c.recipImpl}, expImpl ${c.expImpl}, ${expPar}, ${s.vectors.count} vectors, seed ${s.seed}`,
  );
}

function print(runs: RunReport[]): void {
  const pct = (v: number | null) => (v === null ? '-' : (v * 100).toFixed(2) + '%');
  console.log(
    textTable(
      ['mode', 'backend', 'vectors', 'cycles compared', 'mismatches', 'latency model/rtl', 'II model/rtl', 'top1VsFloat', 'modesAgree', 'rankingAgreement', 'maxProbError', 'cycles/s'],
      runs.map((r) => [
        r.mode,
        r.backend ?? 'model',
        r.vectors,
        r.cyclesCompared || '-',
        r.mismatches + r.scoreboard.mismatches,
        `${r.latency.model}/${r.latency.rtl ?? '-'}`,
        `${r.ii.model}/${r.ii.rtl ?? '-'}`,
        pct(r.accuracy.top1VsFloat),
        pct(r.accuracy.modesAgree),
        pct(r.accuracy.rankingAgreement),
        fmt(r.accuracy.maxProbError, 3),
        Math.round(r.cyclesPerSecond).toLocaleString('en-US'),
      ]),
    ),
  );
}

/** The question's check: does sorting the emitted values (not the logits) keep the class ranking? */
function printQuestionCheck(runs: RunReport[]): void {
  for (const r of runs) {
    if (r.mode === 'argmax') continue;
    const a = r.accuracy;
    const broken = Object.entries(a.valueOrderBreaks).filter(([, n]) => n > 0);
    const n = Math.round(a.valueOrderAgreement * r.vectors);
    console.log(
      `${r.mode}: sorting the emitted ${r.mode === 'softmax' ? 'probabilities' : 'scores'} gives the logits' ranking on ${n}/${r.vectors} vectors` +
        (broken.length ? `; not on ${r.vectors - n}: ${broken.map(([k, v]) => `${v} ${WHY[k as keyof typeof WHY]}`).join(', ')}` : ''),
    );
  }
}

/** What each run exercised (harness/run/coverage.ts). */
function printCoverage(runs: RunReport[]): void {
  for (const r of runs) {
    const c = r.coverage;
    const hit = (p: string) => `${p} ${c.hits[p]}`;
    console.log(`coverage ${r.mode}: ${c.required.length - c.missed.length}/${c.required.length} functional points reached (${c.required.map(hit).join(', ')})${c.missed.length ? `; MISSED ${c.missed.join(', ')}` : ''}`);
    const v = r.rtlCoverage;
    const pct = (f: { hit: number; total: number }) => `${f.hit}/${f.total} (${f.total ? ((100 * f.hit) / f.total).toFixed(1) : '–'}%)`;
    if (v) console.log(`coverage ${r.mode} (Verilator): lines ${pct(v.line)}, toggles ${pct(v.toggle)}; lcov: ${v.info}`);
  }
}

const WHY = {
  saturated: 'saturated exp table (logits ≥ 0, approx has no max-subtraction)',
  underflow: 'exp underflow to 0 (logit more than expLut.range below the max)',
  tie: 'ties from rounding',
  inversion: 'inversions',
};
