/**
 * The bench report: the JSON shape (`--json`), the console tables and bench/results.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BaselineResult } from './baseline.ts';
import type { MachineInfo } from './machine.ts';
import type { ScenarioResult } from './result.ts';
import type { Stats } from './stats.ts';

export interface Goal {
  name: string;
  scenario: string;
  value: number | null;
  target: number;
  met: boolean | null;
}

export interface BenchReport {
  command: 'bench';
  date: string;
  argv: string[];
  quick: boolean;
  machine: MachineInfo;
  /** Seed scenario figures (cycles/s, medians of the rounds; the first scenario run when seed is not): the fields of docs/contract.md §Command line. */
  modelCyclesPerSecond: number | null;
  modelVcdCyclesPerSecond: number | null;
  modelFstCyclesPerSecond: number | null;
  lockstepCyclesPerSecond: number | null;
  cocotbLockstepCyclesPerSecond: number | null;
  verilatorCyclesPerSecond: number | null;
  verilatorO2CyclesPerSecond: number | null;
  verilatorTraceCyclesPerSecond: number | null;
  verilatorTraceFstCyclesPerSecond: number | null;
  icarusCyclesPerSecond: number | null;
  cocotbCyclesPerSecond: number | null;
  /** Seed scenario ratios, median with min and max over the rounds. */
  ratios: Record<string, Stats | null>;
  goals: Goal[];
  scenarios: ScenarioResult[];
  beforeAfter: Array<{ scenario: string; result: BaselineResult | { error: string } }>;
}

const med = (s: Stats | null | undefined) => (s ? s.median : null);

export function makeReport(argv: string[], quick: boolean, machine: MachineInfo, scenarios: ScenarioResult[], beforeAfter: BenchReport['beforeAfter']): BenchReport {
  const seed = scenarios.find((s) => s.name === 'seed') ?? scenarios[0];
  const goals: Goal[] = [];
  const goal = (name: string, sc: ScenarioResult | undefined, v: number | null, target: number) =>
    sc && goals.push({ name, scenario: sc.name, value: v, target, met: v === null ? null : v >= target });
  const big = scenarios.find((s) => s.name === 'big');
  goal('model ≥ 1.0× Verilator -O2 alone', seed, med(seed?.ratios.modelVsVerilatorO2), 1);
  goal('large head: model ≥ 30× Verilator -O2 alone', big, med(big?.ratios.modelVsVerilatorO2), 30);
  goal('Verilator lockstep ≥ 0.6× Verilator -O2 alone (wall)', seed, med(seed?.ratios.lockstepVsVerilatorO2), 0.6);
  goal('Verilator lockstep ≥ 1,500,000 compared cycles/s', seed, med(seed?.lockstep.verilator), 1.5e6);
  goal('Verilator lockstep ≥ 500× cocotb lockstep', seed, med(seed?.ratios.verilatorLockstepVsCocotbLockstep), 500);
  goal('model with VCD ≥ 3× Verilator with full --trace', seed, med(seed?.ratios.modelVcdVsVerilatorTrace), 3);
  goal('model with FST ≥ 9× Verilator with full --trace-fst', seed, med(seed?.ratios.modelFstVsVerilatorTraceFst), 9);
  return {
    command: 'bench',
    date: new Date().toISOString(),
    argv,
    quick,
    machine,
    modelCyclesPerSecond: med(seed?.model),
    modelVcdCyclesPerSecond: med(seed?.modelVcd),
    modelFstCyclesPerSecond: med(seed?.modelFst),
    lockstepCyclesPerSecond: med(seed?.lockstep.verilator),
    cocotbLockstepCyclesPerSecond: med(seed?.lockstep.cocotb),
    verilatorCyclesPerSecond: med(seed?.verilator.default),
    verilatorO2CyclesPerSecond: med(seed?.verilator.O2),
    verilatorTraceCyclesPerSecond: med(seed?.verilator.trace),
    verilatorTraceFstCyclesPerSecond: med(seed?.verilator.traceFst),
    icarusCyclesPerSecond: med(seed?.icarus),
    cocotbCyclesPerSecond: med(seed?.cocotb),
    ratios: seed?.ratios ?? {},
    goals,
    scenarios,
    beforeAfter,
  };
}

/** 1234567 → "1.23 M", 12345 → "12.3 k". */
export function rate(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)} k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(2)} k`;
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

const ratioText = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const ratioStats = (s: Stats | null | undefined) => (s ? `${ratioText(s.median)}× [${ratioText(s.min)} … ${ratioText(s.max)}]` : '–');
export const goalValue = (g: Goal) => (g.value === null ? '–' : g.target >= 1000 ? `${rate(g.value)} cycles/s` : `${ratioText(g.value)}×`);
const rateStats = (s: Stats | null | undefined) => (s ? `${rate(s.median)} [${rate(s.min)} … ${rate(s.max)}]` : '–');
const bpc = (b: number | null | undefined) => (b ? `, ${Math.round(b)} B/cycle` : '');
const int = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US'));

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i]!)).join(' | ')} |`;
  return [line(head), `| ${w.map((x) => '-'.repeat(x)).join(' | ')} |`, ...rows.map(line)];
}

function scenarioLines(s: ScenarioResult): string[] {
  const c = s.cycles;
  const R = s.rounds;
  const out: string[] = [];
  out.push(`### ${s.title}`, '');
  out.push(`B = ${s.geometry.B} beats, P = ${s.geometry.P} passes, II = ${s.geometry.ii} cycles, ${s.geometry.signals} model signals. Rounds: ${R.fast} (Icarus, cocotb: ${R.slow}).`, '');
  const rows: string[][] = [
    ['model (TypeScript, CPU time)', int(c.model), rateStats(s.model)],
    ['model with VCD (every signal)', int(c.modelVcd), rateStats(s.modelVcd) + bpc(s.modelVcdBytesPerCycle)],
    ['model with FST (every signal)', int(c.modelVcd), rateStats(s.modelFst) + bpc(s.modelFstBytesPerCycle)],
    ['Verilator alone, default build (-Os)', int(c.verilator), rateStats(s.verilator.default)],
    ['Verilator alone, -O2 (OPT_FAST, OPT_GLOBAL)', int(c.verilator), rateStats(s.verilator.O2)],
    ['Verilator alone, -O2 --trace (every signal)', int(c.verilatorTrace), rateStats(s.verilator.trace) + bpc(s.verilator.traceBytesPerCycle)],
    ['Verilator alone, -O2 --trace-fst (every signal)', int(c.verilatorTrace), rateStats(s.verilator.traceFst) + bpc(s.verilator.traceFstBytesPerCycle)],
    ['Verilator alone, -O2 --trace, the model\'s signals', int(c.verilatorTrace), rateStats(s.verilator.traceModel) + bpc(s.verilator.traceModelBytesPerCycle)],
    ['Verilator alone, -O2 --trace-fst, the model\'s signals', int(c.verilatorTrace), rateStats(s.verilator.traceFstModel) + bpc(s.verilator.traceFstModelBytesPerCycle)],
    ['Icarus alone (vvp, Verilog testbench)', int(c.icarus), rateStats(s.icarus)],
    ['cocotb on Icarus (simulator CPU)', int(c.cocotb), rateStats(s.cocotb)],
    ['lockstep, Verilator backend (wall)', `${int(c.lockstepVerilator)} vectors`, rateStats(s.lockstep.verilator)],
    ['  … CPU-bound: min(node, driver) per CPU second', '', rateStats(s.lockstep.verilatorCpuBound)],
    ['lockstep, cocotb backend (wall)', `${int(c.lockstepCocotb)} vectors`, rateStats(s.lockstep.cocotb)],
  ];
  out.push(...table(['measurement', 'cycles per round', 'cycles/s median [min … max]'], rows), '');
  const rr = s.ratios;
  out.push(
    ...table(
      ['ratio (per round, median [min … max])', 'value'],
      [
        ['model / Verilator alone (default)', ratioStats(rr.modelVsVerilator)],
        ['model / Verilator alone (-O2)', ratioStats(rr.modelVsVerilatorO2)],
        ['lockstep (Verilator) / Verilator alone (default)', ratioStats(rr.lockstepVsVerilator)],
        ['Verilator lockstep / cocotb lockstep', ratioStats(rr.verilatorLockstepVsCocotbLockstep)],
        ['model with VCD / Verilator with --trace', ratioStats(rr.modelVcdVsVerilatorTrace)],
        ['model with FST / Verilator with --trace-fst', ratioStats(rr.modelFstVsVerilatorTraceFst)],
        ['model with VCD / Verilator --trace, same signals', ratioStats(rr.modelVcdVsVerilatorTraceSameSignals)],
        ['model with FST / Verilator --trace-fst, same signals', ratioStats(rr.modelFstVsVerilatorTraceFstSameSignals)],
        ['Verilator -O2 / default', ratioStats(rr.verilatorO2VsDefault)],
        ['model / Icarus alone', ratioStats(rr.modelVsIcarus)],
        ['model / cocotb', ratioStats(rr.modelVsCocotb)],
      ],
    ),
    '',
  );
  const mm = Object.entries(s.mismatches);
  if (mm.length) out.push(`Output mismatches against the model (cycles): ${mm.map(([k, v]) => `${k} ${v}`).join(', ')}.`, '');
  for (const n of s.notes) out.push(`- ${n}`);
  if (s.notes.length) out.push('');
  return out;
}

function baselineLines(b: BenchReport['beforeAfter']): string[] {
  const out: string[] = [];
  for (const { scenario, result } of b) {
    if ('error' in result) {
      out.push(`- ${scenario}: not measured (${result.error})`);
      continue;
    }
    out.push(`${scenario}: baseline = commit ${result.rev.slice(0, 12)}, ${result.rounds} interleaved rounds of ${int(result.cycles.model)} cycles (${int(result.cycles.vcd)} with VCD) after ${int(result.cycles.warmup)} warm-up cycles, CPU time.`, '');
    out.push(
      ...table(
        ['', 'before', 'after', 'after / before'],
        [
          ['model', rateStats(result.before.model), rateStats(result.after.model), ratioStats(result.gain.model)],
          ['model, recording ports (lockstep path)', rateStats(result.before.recorded), rateStats(result.after.recorded), ratioStats(result.gain.recorded)],
          ['model with VCD', rateStats(result.before.vcd), rateStats(result.after.vcd), ratioStats(result.gain.vcd)],
          ['after, general scheduler only (fused = false)', '', rateStats(result.after.generalScheduler), `fused / general ${ratioStats(result.gain.fusedVsGeneral)}`],
        ],
      ),
      '',
    );
  }
  return out;
}

export function consoleText(r: BenchReport): string {
  const out: string[] = [];
  for (const s of r.scenarios) out.push(...scenarioLines(s));
  if (r.beforeAfter.length) out.push('### before / after', '', ...baselineLines(r.beforeAfter));
  out.push('goals:');
  for (const g of r.goals) out.push(`  ${g.met === null ? 'n/a ' : g.met ? 'met ' : 'MISS'}  ${g.name} (${g.scenario}): ${goalValue(g)}`);
  return out.join('\n');
}

const OPTIMIZATIONS = fileURLToPath(new URL('./optimizations.md', import.meta.url));

export function resultsMarkdown(r: BenchReport): string {
  const m = r.machine;
  const out: string[] = [
    '# headsim bench results',
    '',
    `Generated by \`npm run bench${r.argv.length ? ' -- ' + r.argv.join(' ') : ''}\` on ${r.date}. Every figure is the median of several interleaved rounds ` +
      'with min and max; single-process simulators are timed by CPU seconds, lockstep by wall seconds (two processes). ' +
      'The machine is shared with other jobs: wall-clock figures in particular move with the load.',
    '',
    ...table(
      ['machine', ''],
      [
        ['CPU', m.cpu],
        ['cores', String(m.cores)],
        ['memory', `${m.memoryGB} GB`],
        ['OS', m.os],
        ['Node', m.node],
        ['Verilator', m.verilator ?? 'not found'],
        ['Icarus', m.iverilog ?? 'not found'],
        ['cocotb', m.cocotb ?? 'not found'],
        ['load average (1, 5, 15 min) at start / end', `${m.loadAverage.start.map((x) => x.toFixed(2)).join(', ')} / ${m.loadAverage.end.map((x) => x.toFixed(2)).join(', ')}`],
      ],
    ),
    '',
    '## Goals',
    '',
    ...table(
      ['goal', 'scenario', 'measured', ''],
      r.goals.map((g) => [g.name, g.scenario, goalValue(g), g.met === null ? 'not measured' : g.met ? 'met' : 'not met']),
    ),
    '',
    '## Measurements',
    '',
  ];
  for (const s of r.scenarios) out.push(...scenarioLines(s));
  if (r.beforeAfter.length) out.push('## Before / after (measured in this run)', '', ...baselineLines(r.beforeAfter));
  if (existsSync(OPTIMIZATIONS)) out.push(readFileSync(OPTIMIZATIONS, 'utf8').trim(), '');
  return out.join('\n') + '\n';
}
