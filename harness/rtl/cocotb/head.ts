// Starts the cocotb backend on rtl/ for one scenario: the same sources, parameters and memory
// images as the Verilator build (rtl-build.ts, rtl-params.ts, memfiles.ts).
import path from 'node:path';
import type { MemFiles } from '../memfiles.ts';
import { portWidths } from '../ports.ts';
import { RTL_DIR, rtlSources } from '../build.ts';
import { rtlParams } from '../params.ts';
import type { Scenario } from '../../inputs/scenario.ts';
import { CocotbBackend, type CocotbBackendOptions } from './bridge.ts';

export interface HeadCocotbOptions {
  /** the run's directory: sim.log, results.xml */
  dir: string;
  /** cache of compiled simulations (shared by runs) */
  buildRoot: string;
  mem: MemFiles;
  rtlDir?: string;
  extra?: Partial<CocotbBackendOptions>;
}

export function startHeadCocotb(s: Scenario, o: HeadCocotbOptions): Promise<CocotbBackend> {
  const rtlDir = o.rtlDir ?? RTL_DIR;
  return CocotbBackend.start({
    sources: rtlSources(rtlDir),
    includeDirs: [rtlDir],
    top: 'head',
    params: rtlParams(s.g, s.config.relu),
    widths: portWidths(s.g),
    plusargs: Object.entries(o.mem).map(([k, v]) => `+${k}=${path.resolve(v)}`),
    outDir: o.dir,
    buildRoot: o.buildRoot,
    ...o.extra,
  });
}
