// `cosim --rtl DIR`: the lockstep on an exported directory, on the very files that ship. The
// backends simulate DIR's Verilog (its NAME.v, parameters resolved inside, and its module
// copies) under the shim (shim.ts), in DIR, so its $readmemh paths load DIR's images. Before
// that, the run's scenario must be the exported one: the same RTL parameters and the same
// memory contents, else a one-line error says what differs and how the export was made.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { writeFileAtomic } from '../../lib/files.ts';
import type { Scenario } from '../inputs/scenario.ts';
import type { RtlDesign } from '../rtl/build.ts';
import { memImages, memText } from '../rtl/memfiles.ts';
import { rtlParams } from '../rtl/params.ts';
import { sha256, type ExportManifest } from './manifest.ts';
import { SHIM_MODULE, shimVerilog } from './shim.ts';

/** Throws an InputError when the scenario is not the one `m` was exported from. */
export function checkScenario(dir: string, m: ExportManifest, s: Scenario): void {
  if (s.g.mode !== m.mode) throw new InputError(`--rtl ${dir}: the export is a ${m.mode} head; run --mode ${m.mode}`);
  const mine = rtlParams(s.g, s.config.relu);
  const differ = Object.keys({ ...mine, ...m.params }).filter((k) => mine[k] !== m.params[k]);
  if (differ.length)
    throw new InputError(`--rtl ${dir}: exported for ${differ.slice(0, 3).map((k) => `${k}=${m.params[k]}`).join(', ')}, this run has ${differ.slice(0, 3).map((k) => `${k}=${mine[k]}`).join(', ')}; drop the parameter flags (the export's configuration is the default)`);
  const images = memImages(s);
  const other = m.memories.find((x) => sha256(memText(images[x.name])) !== x.sha256);
  if (other)
    throw new InputError(`--rtl ${dir}: this run's ${other.name} image differs from the export's (exported with ${m.data.describe}, seed ${m.seed}); give the same data flags and seed`);
}

/** Files of the directory that are not as exported (edited since), for a note. */
export function changedFiles(dir: string, m: ExportManifest): string[] {
  const here = new Set(readdirSync(dir));
  return Object.entries(m.files)
    .filter(([f]) => !f.includes('/'))
    .filter(([f, h]) => !here.has(f) || sha256(readFileSync(path.join(dir, f))) !== h)
    .map(([f]) => f);
}

/** The design the backends build for the export: DIR's Verilog under the shim, run in DIR. */
export function exportDesign(dir: string, m: ExportManifest, s: Scenario, runDir: string): RtlDesign {
  const abs = path.resolve(dir);
  const shim = path.resolve(runDir, 'export-shim.v');
  writeFileAtomic(shim, shimVerilog(s.g, m.name));
  const sources = readdirSync(abs)
    .filter((f) => f.endsWith('.v'))
    .sort()
    .map((f) => path.join(abs, f));
  return { top: SHIM_MODULE, sources: [...sources, shim], includeDirs: [abs], params: {}, cwd: abs };
}
