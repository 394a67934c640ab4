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
 * The lockstep driver verilated with rtl/; `trace` picks the dump format compiled in (default
 * VCD), `coverage` Verilator's line and toggle coverage (the driver writes +coverage=FILE).
 */
export function buildHeadVerilator(s: Scenario, opts: { rtlDir?: string; outRoot?: string; trace?: 'vcd' | 'fst'; coverage?: boolean; onBuild?: (dir: string) => void } = {}): Promise<VerilatorBuild> {
  return buildVerilator({
    top: 'head',
    sources: rtlSources(opts.rtlDir),
    includeDirs: [opts.rtlDir ?? RTL_DIR],
    params: rtlParams(s.g, s.config.relu),
    widths: portWidths(s.g),
    outRoot: opts.outRoot ?? 'out/verilator',
    trace: opts.trace ?? 'vcd',
    // Trace whole register arrays (prod, w_data: cPar·kPar entries), so dumps align with the model's.
    extraArgs: ['--trace-max-array', '65536', ...(opts.coverage ? ['--coverage-line', '--coverage-toggle'] : [])],
    onBuild: opts.onBuild,
  });
}
