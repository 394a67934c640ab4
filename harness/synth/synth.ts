// Resources of one configuration of rtl/ with @yowasp/yosys (synth_xilinx for xc7). Every Yosys
// run is in its own worker thread with a timeout (harness/synth/yosys.ts).
//
// - Totals (`synthFlat`): the flattened design: synth_xilinx -family xc7 -flatten -noiopad,
//   `stat`, then logic depth: delete FF/SRL/BRAM/DSP cells and take `ltp -noff` (each cell on
//   the path is one level; a CARRY4 counts as one level, as Vivado does; no routing).
// - Per module (`elaborate` + `synthModule`): each submodule of `head`, with the parameters
//   head gives it, synthesized on its own (flattened within: the normalizer with its exp
//   tables). No optimization crosses a module boundary there, so the module sums
//   (`modulesTotal`) are not the totals. A module's result depends only on its source, its
//   parameters (in its derived name, `$paramod$<hash>\name`) and the memory images it reads,
//   so the sweep synthesizes a module shared by many points (the MAC array, the logit bank and
//   the comparator tree are the same in all three modes) once.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { writeMemFiles } from '../rtl/memfiles.ts';
import { RTL_DIR, rtlSources } from '../rtl/head-build.ts';
import { rtlParams } from '../rtl/params.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { addResources, baseModuleName, emptyResources, parseLtp, parseStat, resources, type CellCounts, type Resources } from './stat.ts';
import { DEFAULT_YOSYS_TIMEOUT_MS, runYosysIsolated, SynthError, yowaspVersion } from './yosys.ts';
import { analyzeEstimate, ESTIMATE_OUTPUTS, estimateScript } from './estimate.ts';
import { chparamLine } from './chparam.ts';
import type { TimingFigures } from './timing-types.ts';
import type { Ice40Report } from './ice40.ts';

export { SynthError };

/** Bump when the scripts or the way results are read change: part of every cache key (4: a module session reads the libraries once). */
export const SYNTH_SCRIPT_VERSION = 4;
/** The flattened run's own version (4: the timing estimate was added; the counts did not change): part of its cache key. */
export const FLAT_SCRIPT_VERSION = 4;
export const TOP = 'head';
export const moduleSynth = (type: string) => `synth_xilinx -family xc7 -flatten -noiopad -top ${type}`;
export const FLAT_SYNTH = moduleSynth(TOP);
/**
 * The `map_memory` step of synth_xilinx -family xc7 in Yosys 0.55, command for command (as
 * `debug synth_xilinx -run map_memory:map_ffram` prints them; test/tools/yosys/synth.test.ts checks it).
 * Between the mapping and the techmap the block RAM cells' INIT is dropped: contents cannot
 * change any count once a memory is a RAMB18E1/RAMB36E1 (a black box to Yosys), but with
 * distinct contents Yosys elaborates the BRAM template once per tile, a few seconds each
 * (a 1000 × 512 weight ROM has 228 tiles). LUT ROMs (bias, small tables) keep their contents.
 */
export const MAP_MEMORY = [
  'memory_libmap -logic-cost-rom 0.015625 -lib +/xilinx/lutrams_xc5v.txt -lib +/xilinx/brams_xc4v.txt -D HAS_SIZE_36 -D HAS_CASCADE -D HAS_CONFLICT_BUG -D HAS_MIXWIDTH_SDP -no-auto-huge',
  'techmap -map +/xilinx/lutrams_xc5v_map.v',
  'techmap -map +/xilinx/brams_xc6v_map.v',
];
export const DROP_BRAM_INIT = 'setparam -unset INIT t:$__XILINX_BLOCKRAM_*';
/** Cut every register, shift register, block RAM and DSP out so `ltp` sees only combinational paths. */
export const DEPTH_CUT = 'delete t:FD* t:SRL* t:RAMB* t:DSP48E1';

/**
 * synth_xilinx's `begin` step (as `debug synth_xilinx -run :prepare` prints it; synth.test.ts
 * checks it) is these two reads of its cell libraries, then setTop. A module session reads them once.
 */
export const XILINX_LIBS = ['read_verilog -lib -specify +/xilinx/cells_sim.v', 'read_verilog -lib +/xilinx/cells_xtra.v'];
export const setTop = (top: string) => `hierarchy -check -top ${top}`;

/** synth_xilinx from `from` on, split around map_memory (its techmaps `maps`) so BRAM contents can be dropped after mapping. */
const splitSteps = (synth: string, from: string, maps: string[]) => [
  `${synth} -run ${from}:map_memory`,
  MAP_MEMORY[0]!,
  DROP_BRAM_INIT,
  ...maps,
  `${synth} -run map_ffram:`,
];

/** synth_xilinx split around map_memory so BRAM contents can be dropped after mapping. */
export function synthSteps(synth: string, keepBramInit: boolean): string[] {
  return keepBramInit ? [synth] : splitSteps(synth, '', MAP_MEMORY.slice(1));
}

/** MAP_MEMORY's techmap libraries, in its order. */
const MEMORY_MAPS = ['lutrams_xc5v_map', 'brams_xc6v_map'];
/**
 * A session that synthesizes one module after another reads `begin`'s cell libraries once, into
 * the elaborated head it saves (hierarchy keeps black boxes), and MAP_MEMORY's techmap libraries
 * once, each into a saved design of its name, as techmap reads a map file (`read_verilog
 * -nooverwrite -noblackbox`), for `techmap -map %<name>`. Read per module they were three
 * quarters of a small module's synthesis: elaborating brams_xc6v_map.v takes ≈ 3 s, the cell
 * libraries 2–6 s. Leaves the current design empty.
 */
export const SAVE_MEMORY_MAPS = [
  ...MEMORY_MAPS.flatMap((m) => ['design -reset', `read_verilog -nooverwrite -noblackbox +/xilinx/${m}.v`, `design -save ${m}`]),
  'design -reset',
];

/** synthSteps for a module of such a session (its design loaded, setTop run): synth_xilinx from `prepare` on, the maps from memory. */
export function sessionSynthSteps(synth: string, keepBramInit: boolean): string[] {
  return keepBramInit
    ? [`${synth} -run prepare:`]
    : splitSteps(
        synth,
        'prepare',
        MEMORY_MAPS.map((m) => `techmap -map %${m}`),
      );
}

export interface SynthInputs {
  /** Verilog sources (basename → text) and memory images under their default names */
  files: Record<string, string>;
  sources: string[];
  params: Record<string, number>;
  /** memory image name → sha256 */
  memHashes: Record<string, string>;
  /** The top (default `head`), its `params` set by chparam (none: an exported top resolves them inside, harness/export). */
  top?: string;
  /**
   * read_verilog -defer: a module is elaborated only as instantiated, not first with its
   * defaults, whose $readmemh would open rtl/'s default file names (an exported directory has
   * its own). Default false, as `headsim synth` reads rtl/.
   */
  defer?: boolean;
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** What Yosys reads: rtl/*.v, the memory images the RTL's $readmemh loads, and the parameters. */
export function synthInputs(s: Scenario, rtlDir = RTL_DIR): SynthInputs {
  const files: Record<string, string> = {};
  const sources: string[] = [];
  const memHashes: Record<string, string> = {};
  for (const path of rtlSources(rtlDir)) {
    const name = basename(path);
    files[name] = readFileSync(path, 'utf8');
    sources.push(name);
  }
  const dir = mkdtempSync(join(tmpdir(), 'headsim-synth-'));
  try {
    for (const path of Object.values(writeMemFiles(s, dir))) {
      const name = basename(path);
      files[name] = readFileSync(path, 'utf8');
      memHashes[name] = sha256(files[name]!);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { files, sources, params: rtlParams(s.g, s.config.relu), memHashes };
}

/** sha256 of rtl/*.v (names and contents): part of every cache key. */
export function rtlHash(rtlDir = RTL_DIR): string {
  const h = createHash('sha256');
  for (const path of rtlSources(rtlDir)) h.update(basename(path)).update('\0').update(readFileSync(path)).update('\0');
  return h.digest('hex');
}

const readAndSet = (inputs: Pick<SynthInputs, 'sources' | 'params' | 'top' | 'defer'>) => [
  `read_verilog${inputs.defer ? ' -defer' : ''} -DSYNTHESIS ${inputs.sources.join(' ')}`,
  ...(Object.keys(inputs.params).length ? [chparamLine(inputs.params, inputs.top ?? TOP)] : []),
];
const measure = ['tee -o stat.txt stat', DEPTH_CUT, 'tee -o ltp.txt ltp -noff'];
/** stat, the timing estimate of `top` on a copy of the netlist (harness/synth/estimate.ts), then the logic depth as before. */
const measureFlat = (top: string) => [
  'tee -o stat.txt stat',
  'design -save synthesized',
  ...estimateScript('xc7', 'HX', top),
  'design -load synthesized',
  DEPTH_CUT,
  'tee -o ltp.txt ltp -noff',
];

/** The flattened synthesis of the whole head. */
export function yosysScript(inputs: Pick<SynthInputs, 'sources' | 'params' | 'top' | 'defer'>, keepBramInit = false): string {
  return [...readAndSet(inputs), ...synthSteps(moduleSynth(inputs.top ?? TOP), keepBramInit), ...measureFlat(inputs.top ?? TOP), ''].join('\n');
}

/**
 * Submodule types of the elaborated head, each synthesized as the top (flattened within), one
 * after another in one session: head is elaborated once and restored before each module.
 */
export function moduleScript(inputs: Pick<SynthInputs, 'sources' | 'params' | 'top' | 'defer'>, types: string[], keepBramInit = false): string {
  const lines = [...readAndSet(inputs), ...XILINX_LIBS, setTop(inputs.top ?? TOP), 'design -save elab', ...(keepBramInit ? [] : SAVE_MEMORY_MAPS)];
  types.forEach((type, i) => {
    lines.push('design -load elab', setTop(type), ...sessionSynthSteps(moduleSynth(type), keepBramInit));
    lines.push(`tee -o stat-${i}.txt stat`, DEPTH_CUT, `tee -o ltp-${i}.txt ltp -noff`);
  });
  return [...lines, ''].join('\n');
}

export const elabScript = (inputs: Pick<SynthInputs, 'sources' | 'params' | 'top' | 'defer'>) =>
  [...readAndSet(inputs), `hierarchy -check -top ${inputs.top ?? TOP}`, 'tee -o stat.txt stat', 'tee -o params.txt chparam -list', ''].join('\n');

/** The script as reported: the source list abbreviated. */
export const displayScript = (script: string) => script.replace(/^read_verilog -DSYNTHESIS .*$/m, 'read_verilog -DSYNTHESIS rtl/*.v');

export interface SynthOptions {
  timeoutMs?: number;
  /** keep block RAM contents through mapping (plain synth_xilinx; slow for large ROMs) */
  keepBramInit?: boolean;
}

export interface FlatReport extends Resources {
  top: string;
  /** levels of logic on the longest register-to-register path (flattened design) */
  logicDepth: number;
  /** xc7: the pre-route timing estimate (Yosys sta, 7-series cell delays, no routing); iCE40: the routed clock. Absent in results cached before it existed */
  timing?: TimingFigures | null;
  /** an iCE40 target's whole report (harness/synth/ice40.ts) */
  ice40?: Ice40Report;
  /** every cell type of the flattened design */
  cells: CellCounts;
  yosysVersion: string;
  script: string;
  seconds: number;
}

export interface ModuleReport extends Resources {
  /** submodule of head (rtl/<module>.v) */
  module: string;
  /** its derived name in Yosys (parameters hashed in) */
  type: string;
  /** instances under head */
  instances: number;
  /** longest combinational path inside the module */
  logicDepth: number;
  /** cache key: source, parameters, memory images read, Yosys, script */
  key: string;
  seconds: number;
}

export interface SubmoduleInfo {
  type: string;
  module: string;
  instances: number;
  /** memory images its subtree reads ($readmemh), from its *_FILE parameters */
  files: string[];
  key: string;
}

export interface SynthReport extends FlatReport {
  /** per submodule of head, each synthesized on its own (null: not asked) */
  modules: Record<string, ModuleReport> | null;
  /** sum over the modules (no optimization across modules; not the total) */
  modulesTotal: Resources | null;
  moduleScript: string | null;
  params: Record<string, number>;
}

const versionOf = (log: string) => {
  const m = /Yosys (\d+\.\d+\S*) \(git sha1 ([0-9a-f]+)/.exec(log);
  return `Yosys ${m ? `${m[1]} (git sha1 ${m[2]})` : '?'}, @yowasp/yosys ${yowaspVersion}`;
};

const scriptTag = (keepBramInit?: boolean) => `${SYNTH_SCRIPT_VERSION}${keepBramInit ? '-keep-bram-init' : ''}`;

function measured(files: Record<string, string>, top: string, log: string): { cells: CellCounts; depth: number } {
  const cells = parseStat(files['stat.txt'] ?? '').get(top);
  if (!cells) throw new SynthError(`yosys: no statistics for module ${top}`, log.slice(-4000));
  const depth = parseLtp(files['ltp.txt'] ?? '').get(top);
  if (depth === undefined) throw new SynthError(`yosys: no ltp result for module ${top}`, log.slice(-4000));
  return { cells, depth };
}

export async function synthFlat(inputs: SynthInputs, opts: SynthOptions = {}): Promise<FlatReport> {
  const script = yosysScript(inputs, opts.keepBramInit);
  const r = await runYosysIsolated(
    ['-s', 'synth.ys'],
    { ...inputs.files, 'synth.ys': script },
    { timeoutMs: opts.timeoutMs, outputs: ['stat.txt', 'ltp.txt', ...ESTIMATE_OUTPUTS], what: 'yosys (flattened synth_xilinx)' },
  );
  const top = inputs.top ?? TOP;
  const { cells, depth } = measured(r.files, top, r.log);
  return {
    top,
    ...resources(cells),
    logicDepth: depth,
    timing: analyzeEstimate(r.files['sta.json'] ?? '', 'xc7', top),
    cells: Object.fromEntries(Object.entries(cells).filter(([t]) => !t.startsWith('$'))),
    yosysVersion: versionOf(r.log),
    script: displayScript(script),
    seconds: r.seconds,
  };
}

/** The submodules of head for these parameters (a quick elaboration), with their cache keys. */
export async function elaborate(inputs: SynthInputs, rtlHashValue: string, opts: SynthOptions = {}): Promise<SubmoduleInfo[]> {
  const r = await runYosysIsolated(
    ['-s', 'elab.ys'],
    { ...inputs.files, 'elab.ys': elabScript(inputs) },
    { timeoutMs: opts.timeoutMs, outputs: ['stat.txt', 'params.txt'], what: 'yosys (elaboration)' },
  );
  const stat = parseStat(r.files['stat.txt'] ?? '');
  const head = stat.get(TOP);
  if (!head) throw new SynthError(`yosys: no module ${TOP} after elaboration`, r.log.slice(-4000));
  const params = parseParamList(r.files['params.txt'] ?? '');
  const out: SubmoduleInfo[] = [];
  for (const [type, instances] of Object.entries(head)) {
    if (!stat.has(type)) continue; // a primitive, not a module
    const files = (params.get(type) ?? [])
      .filter((p) => p.endsWith('_FILE'))
      .map((p) => `${p.slice(0, -'_FILE'.length).toLowerCase()}.hex`)
      .filter((f) => f in inputs.memHashes)
      .sort();
    const key = sha256(
      JSON.stringify({ type, mem: files.map((f) => [f, inputs.memHashes[f]]), rtl: rtlHashValue, yosys: yowaspVersion, script: scriptTag(opts.keepBramInit) }),
    ).slice(0, 24);
    out.push({ type, module: baseModuleName(type), instances, files, key });
  }
  return out.sort((a, b) => a.module.localeCompare(b.module));
}

/** `chparam -list` output → module → parameter names. */
export function parseParamList(text: string): Map<string, string[]> {
  const r = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of text.split('\n')) {
    const head = /^(\S.*):\s*$/.exec(line);
    if (head) r.set(head[1]!, (cur = []));
    else if (cur && /^\s+\S+\s*$/.test(line)) cur.push(line.trim());
  }
  return r;
}

/** Several submodules in one Yosys run (the timeout is per module). */
export async function synthModules(inputs: SynthInputs, subs: SubmoduleInfo[], opts: SynthOptions = {}): Promise<ModuleReport[]> {
  if (!subs.length) return [];
  const script = moduleScript(
    inputs,
    subs.map((s) => s.type),
    opts.keepBramInit,
  );
  const outputs = subs.flatMap((_, i) => [`stat-${i}.txt`, `ltp-${i}.txt`]);
  const timeoutMs = (opts.timeoutMs ?? DEFAULT_YOSYS_TIMEOUT_MS) * subs.length;
  const r = await runYosysIsolated(
    ['-s', 'modules.ys'],
    { ...inputs.files, 'modules.ys': script },
    { timeoutMs, outputs, what: `yosys (modules ${subs.map((s) => s.module).join(', ')})` },
  );
  // One run for all: its time is shared out by the modules' share of the cells.
  const measures = subs.map((sub, i) => measured({ 'stat.txt': r.files[`stat-${i}.txt`] ?? '', 'ltp.txt': r.files[`ltp-${i}.txt`] ?? '' }, sub.type, r.log));
  const weight = measures.map((m) => Object.values(m.cells).reduce((a, b) => a + b, 0) + 50);
  const sum = weight.reduce((a, b) => a + b, 0);
  return subs.map((sub, i) => ({
    module: sub.module,
    type: sub.type,
    instances: sub.instances,
    ...resources(measures[i]!.cells),
    logicDepth: measures[i]!.depth,
    key: sub.key,
    seconds: (r.seconds * weight[i]!) / sum,
  }));
}

/** Per module, scaled by instance count, and their sum. */
export function moduleTable(mods: ModuleReport[]): { modules: Record<string, ModuleReport>; total: Resources } {
  const modules: Record<string, ModuleReport> = {};
  let total = emptyResources();
  for (const m of mods) {
    modules[m.module] = m;
    total = addResources(total, m, m.instances);
  }
  return { modules, total };
}

export const moduleScriptTemplate = (keepBramInit = false) =>
  [
    'read_verilog -DSYNTHESIS rtl/*.v',
    'chparam -set … head',
    ...XILINX_LIBS,
    setTop(TOP),
    'design -save elab',
    ...(keepBramInit ? [] : SAVE_MEMORY_MAPS),
    'design -load elab',
    setTop('<derived module>'),
    ...sessionSynthSteps(moduleSynth('<derived module>'), keepBramInit),
    ...measure,
  ].join('\n');

/** Flattened totals and, unless `modules: false`, every submodule on its own: one Yosys run after another. */
export async function synthesize(s: Scenario, opts: SynthOptions & { modules?: boolean; rtlDir?: string } = {}): Promise<SynthReport> {
  const inputs = synthInputs(s, opts.rtlDir);
  const flat = await synthFlat(inputs, opts);
  const report: SynthReport = { ...flat, modules: null, modulesTotal: null, moduleScript: null, params: inputs.params };
  if (opts.modules !== false) {
    const subs = await elaborate(inputs, rtlHash(opts.rtlDir), opts);
    const t = moduleTable(await synthModules(inputs, subs, opts));
    report.modules = t.modules;
    report.modulesTotal = t.total;
    report.moduleScript = moduleScriptTemplate(opts.keepBramInit);
  }
  return report;
}
