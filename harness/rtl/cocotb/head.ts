// Starts the cocotb backend on rtl/ (or an RtlDesign) for one scenario: the same sources,
// parameters and memory images as the Verilator build (build.ts, params.ts, memfiles.ts).
import path from 'node:path';
import type { MemFiles } from '../memfiles.ts';
import { portWidths } from '../ports.ts';
import { headDesign, type RtlDesign } from '../build.ts';
import type { Scenario } from '../../inputs/scenario.ts';
import { CocotbBackend, type CocotbBackendOptions } from './bridge.ts';

export interface HeadCocotbOptions {
  /** the run's directory: sim.log, results.xml */
  dir: string;
  /** cache of compiled simulations (shared by runs) */
  buildRoot: string;
  mem: MemFiles;
  rtlDir?: string;
  /** what to simulate (default: rtl/ with the scenario's parameters); with a cwd, no plusargs */
  design?: RtlDesign;
  extra?: Partial<CocotbBackendOptions>;
}

export function startHeadCocotb(s: Scenario, o: HeadCocotbOptions): Promise<CocotbBackend> {
  const d = o.design ?? headDesign(s, o.rtlDir);
  return CocotbBackend.start({
    sources: d.sources,
    includeDirs: d.includeDirs,
    top: d.top,
    params: d.params,
    widths: portWidths(s.g),
    plusargs: d.cwd ? [] : Object.entries(o.mem).map(([k, v]) => `+${k}=${path.resolve(v)}`),
    ...(d.cwd ? { cwd: d.cwd } : {}),
    outDir: o.dir,
    buildRoot: o.buildRoot,
    ...o.extra,
  });
}
