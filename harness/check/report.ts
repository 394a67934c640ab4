// The per-mode run report of `sim` and `cosim` (docs/contract.md §Command line), and the
// checks that decide the exit status.
import type { HeadConfig, Mode } from '../../models/config.ts';
import { timing } from '../../models/geometry.ts';
import { accuracy, emitted, floatRefs, modesAgree, type Accuracy } from './accuracy.ts';
import type { PortMismatch } from '../run/lockstep.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { score, type ValueMismatch } from './scoreboard.ts';
import type { Divergence, RunOutcome } from '../run/outcome.ts';
import type { Coverage } from '../run/coverage.ts';
import type { RtlCoverage } from '../rtl/verilator/coverage.ts';
import type { FloatResult } from '../../models/float-ref.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunReport {
  mode: Mode;
  backend: string | null;
  config: HeadConfig;
  vectors: number;
  cycles: number;
  cyclesCompared: number;
  mismatches: number;
  firstMismatch: (PortMismatch & { divergence: Divergence | null }) | ValueMismatch | null;
  latency: { model: number; rtl: number | null; formula: number; stages: Record<string, number>; formulaText: string };
  ii: { model: number; rtl: number | null; formula: number; formulaText: string };
  scoreboard: { checked: number; mismatches: number; firstMismatch: ValueMismatch | null };
  accuracy: Accuracy;
  /** what the run exercised: hits per functional point, the points it had to reach, those it missed */
  coverage: Coverage;
  /** Verilator's line and toggle coverage of the RTL (cosim --coverage), else null */
  rtlCoverage: RtlCoverage | null;
  cyclesPerSecond: number;
  seconds: number;
  waves: string[];
  /** the run's directory (cosim), null for the model alone */
  dir: string | null;
  checks: Check[];
}

export interface Bars {
  maxProbError: number;
}

export function buildReport(s: Scenario, o: RunOutcome, floats: FloatResult[], bars: Bars): { report: RunReport; top1: number[] } {
  const sc = score(s, o.tb.outIndex, o.tb.outValue, o.tb.done);
  const em = emitted(s, o.tb.outIndex, o.tb.outValue);
  const acc = accuracy(s, em, sc.refs, floats);
  const tm = timing(s.g);
  const checks: Check[] = [
    { name: 'complete', ok: o.tb.done === s.vectors.count, detail: o.tb.done === s.vectors.count ? `${s.vectors.count} vectors out` : `only ${o.tb.done} of ${s.vectors.count} vectors came out in ${o.cycles} cycles (the run's cycle budget: a hang?)` },
    { name: 'scoreboard', ok: sc.mismatches === 0, detail: `${sc.checked} values vs bit-true, ${sc.mismatches} mismatches` },
    { name: 'protocol', ok: o.tb.protocolErrors.length === 0, detail: o.tb.protocolErrors[0] ?? 'AXI-Stream framing ok' },
    { name: 'latency', ok: o.model.latency === tm.latency, detail: `model ${o.model.latency}, formula ${tm.latency}` },
    { name: 'ii', ok: o.model.ii === tm.ii || s.vectors.count < 2, detail: `model ${o.model.ii}, formula ${tm.ii}` },
  ];
  if (o.rtl) {
    checks.push({ name: 'lockstep', ok: !o.portMismatch, detail: o.portMismatch ? describeMismatch(o.portMismatch, o.divergence) : `${o.cyclesCompared} cycles identical` });
    checks.push({ name: 'rtl timing', ok: o.rtl.latency === o.model.latency && (o.rtl.ii === o.model.ii || s.vectors.count < 2), detail: `rtl latency ${o.rtl.latency}, ii ${o.rtl.ii}` });
  }
  const coverage = o.tb.coverage();
  checks.push({ name: 'coverage', ok: coverage.missed.length === 0, detail: coverage.missed.length ? `not reached: ${coverage.missed.join(', ')}` : `${coverage.required.length} functional points reached` });
  if (acc.maxProbError !== null) {
    const ok = acc.maxProbError <= bars.maxProbError;
    // the comparison as it came out: '3.1e-4 ≤ 1e-3' when it holds, '2.83e-4 > 1e-9' when it fails
    checks.push({ name: 'maxProbError', ok, detail: `${acc.maxProbError.toExponential(2)} ${ok ? '≤' : '>'} ${bars.maxProbError}` });
  }
  const report: RunReport = {
    mode: s.g.mode,
    backend: o.backend,
    config: s.config,
    vectors: s.vectors.count,
    cycles: o.cycles,
    cyclesCompared: o.cyclesCompared,
    mismatches: o.portMismatch ? 1 : 0,
    firstMismatch: o.portMismatch ? { ...o.portMismatch, divergence: o.divergence ?? null } : sc.firstMismatch,
    latency: { model: o.model.latency, rtl: o.rtl?.latency ?? null, formula: tm.latency, stages: tm.stages, formulaText: tm.formula.latency },
    ii: { model: o.model.ii, rtl: o.rtl?.ii ?? null, formula: tm.ii, formulaText: tm.formula.ii },
    scoreboard: { checked: sc.checked, mismatches: sc.mismatches, firstMismatch: sc.firstMismatch },
    accuracy: acc,
    coverage,
    rtlCoverage: o.rtlCoverage ?? null,
    cyclesPerSecond: o.cycles / o.seconds,
    seconds: o.seconds,
    waves: o.waves,
    dir: o.dir,
    checks,
  };
  return { report, top1: em.map((e) => e.top1) };
}

/** Fill modesAgree across the runs (same vectors) and check it where the design guarantees it. */
export function crossModeChecks(s: Scenario, runs: RunReport[], top1s: number[][]): void {
  if (runs.length < 2) return;
  const agree = modesAgree(top1s);
  for (const r of runs) {
    r.accuracy.modesAgree = agree;
    if (!s.g.emitAll) r.checks.push({ name: 'modesAgree', ok: agree === 1, detail: `${(agree * 100).toFixed(2)}% of vectors` });
  }
}

export const failedChecks = (runs: RunReport[]) => runs.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${r.mode}: ${c.name}: ${c.detail}`));

export { floatRefs };

function describeMismatch(m: PortMismatch, d: Divergence | undefined): string {
  const ports = m.ports.map((p) => `${p.port} model=${p.model} rtl=${p.rtl}`).join(', ');
  const f = m.inFlight;
  const inner = d?.firstInternalDifference ? `; first internal difference: ${d.firstInternalDifference.signal} at cycle ${d.atCycle} (model=${d.firstInternalDifference.a} rtl=${d.firstInternalDifference.b})` : '';
  return `first divergence at cycle ${m.cycle}: ${ports} (input vector ${f.inputVector} beat ${f.inputBeat}, output vector ${f.outputVector} entry ${f.outputEntry})${inner}`;
}
