// headsim-export.json: what an exported directory holds and how it was made: the configuration
// (a `--config` file for the run commands), the data's and the files' hashes, the RTL
// parameters, the AXI4-Stream layout, timing, resources and the verification results. It is how
// `cosim --rtl DIR` finds the export's top and checks that the run's scenario is the exported
// one. No absolute path: the directory can move.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { readJsonFile } from '../../lib/files.ts';
import type { HeadConfig } from '../../models/config.ts';
import type { Timing } from '../../models/geometry.ts';
import type { Resources } from '../synth/stat.ts';
import type { MemName } from '../rtl/memfiles.ts';
import type { AxisLayout } from './axis.ts';

export const MANIFEST = 'headsim-export.json';
export const MANIFEST_FORMAT = 1;

export interface ResourceFigures extends Resources {
  logicDepth: number;
}

export interface VerifyResult {
  /** lint, synth, tb */
  step: string;
  ok: boolean;
  detail: string;
  seconds: number;
}

export interface ExportManifest {
  format: number;
  name: string;
  mode: HeadConfig['mode'];
  config: HeadConfig;
  /** sha256 of the configuration (canonical JSON) */
  configHash: string;
  /** seed of generated weights and of the golden vectors */
  seed: number;
  data: {
    /** where weights and inputs came from (file names only) */
    describe: string;
    /** sha256 (24 hex digits) of the float weights + bias, and of the input vectors; null when generated */
    weights: string | null;
    inputs: string | null;
  };
  /** sha256 of rtl/*.v as exported */
  rtlHash: string;
  /** every RTL parameter of head, as resolved in NAME.v */
  params: Record<string, number>;
  axis: AxisLayout;
  /** memory images: file (null when embedded), sha256 of the $readmemh text */
  memories: { name: MemName; param: string; file: string | null; width: number; words: number; sha256: string; what: string }[];
  embedded: boolean;
  timing: Timing;
  /** flattened synth_xilinx: `headsim synth`; its script on this directory's files; this directory with top NAME */
  resources: { headsimSynth: ResourceFigures; sameScript: ResourceFigures; top: ResourceFigures; yosysVersion: string } | null;
  verify: VerifyResult[];
  /** golden vectors of tb/ */
  tbVectors: number;
  /** every shipped file but this one → sha256 */
  files: Record<string, string>;
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Canonical JSON (sorted keys) of the configuration, hashed. */
export function configHash(c: HeadConfig): string {
  const canon = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
  return sha256(JSON.stringify(canon(c)));
}

/** The manifest of an exported directory; an InputError naming the directory when there is none. */
export function readManifest(dir: string, flag = '--rtl'): ExportManifest {
  const path = join(dir, MANIFEST);
  let m: Partial<ExportManifest>;
  try {
    m = readJsonFile(path, { what: 'export manifest', maxBytes: 16 << 20 }) as Partial<ExportManifest>;
  } catch (e) {
    if (e instanceof InputError && /ENOENT|ENOTDIR/.test(e.message)) throw new InputError(`${flag} ${dir}: not a headsim export (no ${MANIFEST}; write one with headsim export --out ${dir})`);
    throw e;
  }
  if (typeof m !== 'object' || m === null || m.format !== MANIFEST_FORMAT || typeof m.name !== 'string' || typeof m.config !== 'object' || typeof m.params !== 'object' || !Array.isArray(m.memories))
    throw new InputError(`${path}: not an export manifest of this headsim (format ${MANIFEST_FORMAT})`);
  return m as ExportManifest;
}
