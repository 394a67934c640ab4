// `headsim export`: one scenario → a self-contained directory: NAME.v (AXI4-Stream top) beside
// copies of rtl/*.v, the memory images it reads, NAME.md, tb/ (cocotb + cocotbext-axi, golden
// vectors), NAME.f / NAME.tcl / NAME.core and headsim-export.json. Written into a temporary
// sibling, verified there (so the checks already run on a directory that then moves), and
// renamed into place; a directory that is not a headsim export is never replaced.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../lib/errors.ts';
import { makeDir } from '../../lib/files.ts';
import { timing } from '../../models/geometry.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { claimRunDir } from '../run/run-dir.ts';
import { RTL_DIR, rtlSources } from '../rtl/build.ts';
import { DEFAULT_PYTHON } from '../rtl/cocotb/setup.ts';
import { memImages, memText, type MemImage, type MemName } from '../rtl/memfiles.ts';
import { rtlParams } from '../rtl/params.ts';
import { rtlHash } from '../synth/synth.ts';
import { axisLayout } from './axis.ts';
import { exportDoc } from './doc.ts';
import { embedLoaders, renameModules } from './embed.ts';
import { golden } from './golden.ts';
import { configHash, MANIFEST, MANIFEST_FORMAT, sha256, type ExportManifest, type VerifyResult } from './manifest.ts';
import { exportMemories } from './memories.ts';
import { checkName } from './name.ts';
import { fileList, fusesocCore, tbMakefile, TB_REQUIREMENTS, vivadoTcl, type ProjectFiles } from './project.ts';
import { topVerilog } from './top.ts';
import { lint, synth, testbench, type VerifyStep } from './verify.ts';

const TEST_PY = fileURLToPath(new URL('./templates/test_head.py', import.meta.url));

export interface ExportOptions {
  /** the directory to write */
  out: string;
  name: string;
  /** memory contents as initial assignments in the module copies instead of .mem files */
  embed: boolean;
  /** golden vectors of the testbench */
  vectors: number;
  verify: VerifyStep[];
  /** where verification logs go (<work>/export/<name>/) */
  work: string;
  seed: number;
  /** the command line as NAME.md shows it (no absolute paths) */
  command: string;
  data: ExportManifest['data'];
  python?: string;
  timeoutMs?: number;
  /** progress lines */
  log?: (line: string) => void;
}

export interface ExportResult {
  dir: string;
  manifest: ExportManifest;
  logDir: string;
  ok: boolean;
}

/** Temporary directories of exports in progress: removed if the process exits first. */
const pending = new Set<string>();
process.on('exit', () => {
  for (const d of pending) rmSync(d, { recursive: true, force: true });
});

/** Can `dir` be written as an export: absent, empty, or an earlier export (it has the manifest)? */
export function checkTarget(dir: string): void {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory()) throw new InputError(`--out ${dir}: exists and is not a directory`);
  const entries = readdirSync(dir);
  if (entries.length && !entries.includes(MANIFEST)) throw new InputError(`--out ${dir}: exists and is not a headsim export (no ${MANIFEST}); remove it or choose another directory`);
}

/**
 * The copies of rtl/*.v: unchanged, or (embed) with the images inside and every module renamed
 * NAME_<module>, in NAME_<module>.v. Returns the file names.
 */
function writeModules(dir: string, name: string, images: Partial<Record<MemName, MemImage>> | null): string[] {
  const files = rtlSources(RTL_DIR);
  const modules = files.map((f) => path.basename(f, '.v'));
  return files.map((f, i) => {
    const base = path.basename(f);
    if (!images) {
      copyFileSync(f, path.join(dir, base));
      return base;
    }
    const original = readFileSync(f, 'utf8');
    const embedded = embedLoaders(original, base, images);
    const what = embedded === original ? 'renamed' : 'renamed, its memory loaders replaced by the contents';
    const out = `${name}_${modules[i]}.v`;
    writeFileSync(path.join(dir, out), `// headsim export ${name}: rtl/${base}, modules ${what} (--embed-memories).\n${renameModules(embedded, modules, `${name}_`)}`);
    return out;
  });
}

/** Every file under dir (relative, '/'-separated) → sha256. */
function hashFiles(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, hashFiles(dir, r));
    else if (r !== MANIFEST) out[r] = sha256(readFileSync(path.join(dir, r)));
  }
  return out;
}

export async function writeExport(s: Scenario, o: ExportOptions): Promise<ExportResult> {
  const { g } = s;
  const name = o.name;
  checkName(name);
  const target = path.resolve(o.out);
  checkTarget(target);
  const log = o.log ?? (() => {});
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
  pending.add(tmp);
  const run = claimRunDir(path.join(o.work, 'export'), name);
  try {
    makeDir(path.join(tmp, 'tb'));
    const all = memImages(s);
    const mems = exportMemories(g, name);
    const used = Object.fromEntries(mems.map((m) => [m.name, all[m.name]])) as Partial<Record<MemName, MemImage>>;
    const modules = writeModules(tmp, name, o.embed ? used : null);
    const shipped = o.embed ? [] : mems;
    for (const m of shipped) writeFileSync(path.join(tmp, m.file), memText(all[m.name]));
    const cHash = configHash(s.config);
    const header = [
      `${name}: classifier head (${g.mode}, ${g.N} classes x ${g.K} inputs) with AXI4-Stream ports, exported by headsim.`,
      `Generated: re-export instead of editing. Interface, formats, timing, resources: ${name}.md.`,
      `config sha256 ${cHash}; data ${o.data.weights ?? 'generated'}; rtl sha256 ${rtlHash()}`,
    ];
    writeFileSync(path.join(tmp, `${name}.v`), topVerilog(s, { name, memories: shipped, headModule: o.embed ? `${name}_head` : 'head', header }));
    const sources = [...modules, `${name}.v`];
    const description = `headsim classifier head: ${g.mode}, ${g.N} classes, ${g.K} inputs, AXI4-Stream`;
    const project: ProjectFiles = { name, sources, memories: shipped, description };
    writeFileSync(path.join(tmp, `${name}.f`), fileList(project));
    writeFileSync(path.join(tmp, `${name}.tcl`), vivadoTcl(project));
    writeFileSync(path.join(tmp, `${name}.core`), fusesocCore(project));
    writeFileSync(path.join(tmp, 'tb', 'Makefile'), tbMakefile(project));
    writeFileSync(path.join(tmp, 'tb', 'requirements.txt'), TB_REQUIREMENTS);
    copyFileSync(TEST_PY, path.join(tmp, 'tb', 'test_head.py'));
    const gold = golden(s, name, o.vectors);
    writeFileSync(path.join(tmp, 'tb', 'golden.json'), JSON.stringify(gold) + '\n');

    const verify: VerifyResult[] = [];
    let resources: ExportManifest['resources'] = null;
    const python = o.python ?? DEFAULT_PYTHON;
    for (const step of o.verify) {
      log(`export: ${step} …`);
      if (step === 'lint') verify.push(await lint(tmp, name, run.dir));
      else if (step === 'synth') {
        const r = await synth(s, tmp, name, run.dir, { embedded: o.embed, timeoutMs: o.timeoutMs });
        verify.push(r.result);
        resources = { headsimSynth: r.headsimSynth, sameScript: r.sameScript, top: r.top, yosysVersion: r.yosysVersion };
      } else verify.push(await testbench(tmp, python, run.dir, { seed: o.seed, timeoutMs: o.timeoutMs }));
      const last = verify[verify.length - 1]!;
      log(`export: ${step} ${last.ok ? 'ok' : 'FAILED'} (${last.seconds.toFixed(1)} s): ${last.detail}`);
    }

    const files = hashFiles(tmp);
    const manifest: ExportManifest = {
      format: MANIFEST_FORMAT,
      name,
      mode: g.mode,
      config: s.config,
      configHash: cHash,
      seed: o.seed,
      data: o.data,
      rtlHash: rtlHash(),
      params: rtlParams(g, s.config.relu),
      axis: axisLayout(g),
      memories: mems.map((m) => ({ name: m.name, param: m.param, file: o.embed ? null : m.file, width: all[m.name].width, words: all[m.name].words.length, sha256: sha256(memText(all[m.name])), what: m.what })),
      embedded: o.embed,
      timing: timing(g),
      resources,
      verify,
      tbVectors: gold.vectors.length,
      files,
    };
    writeFileSync(path.join(tmp, `${name}.md`), exportDoc(s, manifest, { command: o.command }));
    manifest.files = hashFiles(tmp);
    writeFileSync(path.join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    replaceDir(tmp, target);
    pending.delete(tmp);
    return { dir: target, manifest, logDir: run.dir, ok: verify.every((v) => v.ok) };
  } finally {
    run.release();
    if (pending.delete(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}

/** tmp takes target's place: an earlier export moves aside first and goes after the rename. */
function replaceDir(tmp: string, target: string): void {
  checkTarget(target); // again: something may have appeared while the checks ran
  if (!existsSync(target)) return renameSync(tmp, target);
  const old = `${tmp}.old`;
  renameSync(target, old);
  try {
    renameSync(tmp, target);
  } catch (e) {
    renameSync(old, target);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}
