// Verilator's code coverage of a run (`cosim --coverage`): the driver writes coverage.dat at the
// end; here it becomes line and toggle figures for the report and, through
// `verilator_coverage --write-info`, an lcov file for genhtml.
import { readFileSync } from 'node:fs';
import { runCommand } from '../../../lib/proc.ts';

export interface CoverageFigure {
  /** points hit at least once, and all points */
  hit: number;
  total: number;
}

export interface RtlCoverage {
  line: CoverageFigure;
  toggle: CoverageFigure;
  /** Verilator's data file, and the lcov tracefile made from it */
  dat: string;
  info: string;
}

/**
 * Counts the points of a coverage.dat by kind. A line is `C '<key>' <count>`, the key a list of
 * \x01field\x02value pairs; `page` says the kind (v_line/…, v_toggle/…).
 */
export function parseCoverageDat(text: string): { line: CoverageFigure; toggle: CoverageFigure } {
  const fig = () => ({ hit: 0, total: 0 });
  const out = { line: fig(), toggle: fig() };
  for (const l of text.split('\n')) {
    const m = /^C '(.*)' (\d+)$/.exec(l);
    if (!m) continue;
    // eslint-disable-next-line no-control-regex -- Verilator separates a point's fields with \x01 and \x02
    const page = /\x01page\x02([^\x01]*)/.exec(m[1]!)?.[1] ?? '';
    const kind = page.startsWith('v_toggle') ? out.toggle : page.startsWith('v_line') || page.startsWith('v_branch') ? out.line : null;
    if (!kind) continue;
    kind.total++;
    if (Number(m[2]) > 0) kind.hit++;
  }
  return out;
}

/** The figures of `dat`, and its lcov tracefile written to `info`. */
export async function summarizeCoverage(dat: string, info: string): Promise<RtlCoverage> {
  const figures = parseCoverageDat(readFileSync(dat, 'latin1'));
  await runCommand('verilator_coverage', ['--write-info', info, dat], { timeoutMs: 120_000, check: true });
  return { ...figures, dat, info };
}
