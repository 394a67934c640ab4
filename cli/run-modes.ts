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

/** `defaults`: parameters and modes under the flags and --config (cosim --rtl: the export's). */
export async function runModes(command: string, cmd: Command<any, any, any>, o: ModeRunFlags, runner: ModeRunner, defaults?: { params: Record<string, unknown>; modes: Mode[] }): Promise<number> {
  const flags = paramsOf(cmd, o.mode as Mode[] | undefined);
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
  const runs: RunReport[] = [];
  const top1s: number[][] = [];
  for (const mode of modes) {
    const s = withMode(base, mode);
    const outcome = await runner(s, traffic);
    const { report, top1 } = buildReport(s, outcome, floats, bars);
    runs.push(report);
    top1s.push(top1);
  }
  if (modes.length === MODES.length) crossModeChecks(base, runs, top1s);
  print(command, base, runs);
  printQuestionCheck(runs);
  printCoverage(runs);
  const q = saturation(base);
  console.log(`quantization: saturated ${q.weights} weights, ${q.bias} biases, ${q.inputs} input values`);
  const qr = quantReport(base, floats, runs, formats, autoFormats);
  printQuantReport(qr);
  if (o.json) writeJson(o.json, { command, seed: o.seed, weights: src.describe, quantization: saturation(base), quantizationReport: qr, runs });
  const failed = failedChecks(runs);
  for (const f of failed) console.log(`FAIL ${f}`);
  console.log(failed.length ? `${command}: ${failed.length} check(s) failed` : `${command}: all checks passed`);
  return failed.length ? 1 : 0;
}

const saturation = (s: Scenario) => ({ ...s.w.saturated, inputs: s.vectors.saturated });

function print(command: string, s: Scenario, runs: RunReport[]): void {
  const c = s.config;
  console.log(
    `${command}: classes ${c.classes}, inputs ${c.inputs}, kPar ${c.kPar}, cPar ${c.cPar}, relu ${c.relu}, topK ${c.topK}, emit ${c.emit}, divider ${c.divider}, ${s.vectors.count} vectors, seed ${s.seed}`,
  );
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
