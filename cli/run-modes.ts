// What `sim` and `cosim` share: options → scenario → one run per mode → reports → table,
// JSON and exit status. Only how a mode is executed differs (model alone, or lockstep).
import { Command, type OptionValues } from '@commander-js/extra-typings';
import { MODES, type Mode } from '../models/config.ts';
import { checkWritableDir, checkWritableFile, writeJson } from '../lib/files.ts';
import { buildReport, crossModeChecks, failedChecks, floatRefs, type RunReport } from '../harness/check/report.ts';
import type { RunOutcome } from '../harness/run/outcome.ts';
import { withMode, type Scenario } from '../harness/inputs/scenario.ts';
import { fmt, textTable } from '../lib/table.ts';
import { DEFAULT_TRAFFIC, type TrafficOptions } from '../harness/run/traffic.ts';
import { sourcedScenario } from '../harness/inputs/sources.ts';
import { printQuantReport, quantReport } from '../harness/check/quant-report.ts';
import { dataOf, dataOptions, outputOptions, trafficOptions, vectorsOption } from './options.ts';
import { paramsOf, withParams } from './params.ts';
import { modeList, number } from './values.ts';

/** Runs one mode of the scenario: the model alone, or model and RTL in lockstep. */
export type ModeRunner = (s: Scenario, traffic: TrafficOptions) => Promise<RunOutcome>;

/** The flags of `sim` and `cosim`. */
export const modeRunOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  trafficOptions(dataOptions(outputOptions(vectorsOption(withParams(c).option('--mode <modes>', `modes to run, comma-separated (default: ${MODES.join(',')})`, modeList)))))
    .option('--max-prob-error <x>', 'accuracy bar: the largest |p − p_float| a softmax run may have', number(0, 1), 1e-3);

const typed = () => modeRunOptions(new Command());
export type ModeRunFlags = ReturnType<ReturnType<typeof typed>['opts']>;

/**
 * `concurrent`: the modes at once (cosim); `defaults`: parameters and modes under the flags and
 * --config (cosim --rtl: the export's).
 */
export async function runModes(
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
  const { base, src, formats, autoFormats } = await sourcedScenario(dataOf(o, params), modes);
  for (const note of src.notes) console.log(note);
  const traffic: TrafficOptions = { ...DEFAULT_TRAFFIC, seed: o.seed, validRate: o.validRate, readyRate: o.readyRate };
  const bars = { maxProbError: o.maxProbError };
  const floats = floatRefs(base);
  printHeader(command, base, params.select === undefined || params.select === 'auto');
  const runs: RunReport[] = [];
  const top1s: number[][] = [];
  const scenarios = modes.map((mode) => withMode(base, mode));
  // cosim: the modes at once (their RTL builds and simulators use the other cores); the
  // reports in mode order either way
  const outcomes = concurrent ? await all(scenarios.map((s) => runner(s, traffic))) : [];
  for (const [i, s] of scenarios.entries()) {
    const outcome = concurrent ? outcomes[i]! : await runner(s, traffic);
    const { report, top1 } = buildReport(s, outcome, floats, bars);
    runs.push(report);
    top1s.push(top1);
  }
  if (modes.length === MODES.length) crossModeChecks(base, runs, top1s);
  print(runs);
  printQuestionCheck(runs);
  printCoverage(runs);
  const qr = quantReport(base, floats, runs, formats, autoFormats, src.model);
  // One count of saturated values, the report's (inputs: those ReLU does not zero anyway).
  const saturated = { weights: qr.weights.saturated, bias: qr.bias.saturated, inputs: qr.inputs.saturated };
  console.log(`quantization: saturated ${saturated.weights} weights, ${saturated.bias} biases, ${saturated.inputs} input values`);
  printQuantReport(qr);
  const model = src.model ? { ...src.model, predicted: undefined } : undefined;
  if (o.json) writeJson(o.json, { command, seed: o.seed, weights: src.describe, ...(model ? { model } : {}), quantization: saturated, quantizationReport: qr, runs });
  const failed = failedChecks(runs);
  for (const f of failed) console.log(`FAIL ${f}`);
  console.log(failed.length ? `${command}: ${failed.length} check(s) failed` : `${command}: all checks passed`);
  return failed.length ? 1 : 0;
}

/** Every promise settled; the first rejection, if any, is thrown (no run is left going behind an error). */
async function all<T>(ps: Promise<T>[]): Promise<T[]> {
  const r = await Promise.allSettled(ps);
  const bad = r.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (bad) throw bad.reason;
  return r.map((x) => (x as PromiseFulfilledResult<T>).value);
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
