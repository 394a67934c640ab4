// Builds (or reuses) the Verilator model of rtl/ for one scenario's parameters.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { rtlParams } from './params.ts';
import { portWidths } from './ports.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { buildVerilator, type VerilatorBuild } from './verilator/build.ts';

export const RTL_DIR = fileURLToPath(new URL('../../rtl/', import.meta.url));

export const rtlSources = (dir = RTL_DIR) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.v'))
    .sort()
    .map((f) => join(dir, f));

/**
 * What a backend simulates: rtl/ with the scenario's parameters (top `head`, memory images by
 * plusargs), or a design of its own sources whose parameters are resolved inside and whose
 * memory images are files relative to `cwd`, where the simulation then runs (an exported
 * directory: harness/export/design.ts). Either way the top has head's ports.
 */
export interface RtlDesign {
  top: string;
  sources: string[];
  includeDirs: string[];
  params: Record<string, number>;
  /** the simulation's working directory; null: memory images come by plusargs */
  cwd: string | null;
}

export const headDesign = (s: Scenario, rtlDir = RTL_DIR): RtlDesign => ({
  top: 'head',
  sources: rtlSources(rtlDir),
  includeDirs: [rtlDir],
  params: rtlParams(s.g, s.config.relu),
  cwd: null,
});

/**
 * The lockstep driver verilated with rtl/ (or `design`); `trace` picks the dump format compiled
 * in (default VCD), `coverage` Verilator's line and toggle coverage (the driver writes +coverage=FILE).
 */
export function buildHeadVerilator(
  s: Scenario,
  opts: { rtlDir?: string; design?: RtlDesign; outRoot?: string; trace?: 'vcd' | 'fst'; coverage?: boolean; onBuild?: (dir: string) => void; optimize?: 'run' | 'build' } = {},
): Promise<VerilatorBuild> {
  const d = opts.design ?? headDesign(s, opts.rtlDir);
  return buildVerilator({
    top: d.top,
    sources: d.sources,
    includeDirs: d.includeDirs,
    params: d.params,
    widths: portWidths(s.g),
    outRoot: opts.outRoot ?? 'out/verilator',
    trace: opts.trace ?? 'vcd',
    // Trace whole register arrays (prod, w_data: cPar·kPar entries), so dumps align with the model's.
    extraArgs: ['--trace-max-array', '65536', ...(opts.coverage ? ['--coverage-line', '--coverage-toggle'] : [])],
    onBuild: opts.onBuild,
    // most runs are short (tests, mutants, a cosim of a thousand vectors): a fast build pays
    optimize: opts.optimize ?? 'build',
  });
}
