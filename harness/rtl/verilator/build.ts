/**
 * Verilates the RTL together with a C++ main (driver.cpp, or the bench's verilator_alone.cpp)
 * into one executable, cached by content: out/verilator/<key16>/ where the key hashes everything
 * the binary depends on (parameters, port widths, the main and ports.h, every RTL and include
 * file's bytes, Verilator version, flags).
 * Builds happen in a private temp directory renamed into place, so two processes building the
 * same key never see each other's half-written files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, isErrnoException } from '../../../lib/errors.ts';
import { checkWidths, type PortWidths } from '../ports.ts';
import { CommandNotFoundError, runCommand, tail } from '../../../lib/proc.ts';

export const DRIVER_SOURCE = fileURLToPath(new URL('./driver.cpp', import.meta.url));
/** The port conventions, the protocol's numbers and the trace class driver.cpp (and bench/verilator_alone.cpp) include. */
const HEADERS = ['./ports.h', './protocol.h', './trace.h'].map((h) => fileURLToPath(new URL(h, import.meta.url)));
const EXE_NAME = 'headsim_driver';
const INCLUDE_EXT = /\.(v|sv|vh|svh|vinc|inc|hex|mem)$/i;

/** Builds in progress: their temp directories go when the process exits (Ctrl-C, a kill by a timeout). */
const building = new Set<string>();
process.on('exit', () => {
  for (const d of building) rmSync(d, { recursive: true, force: true });
});

/**
 * A source path make can use: Verilator's generated makefiles break on whitespace, so a path
 * with any gets a symlink without (in the temp directory, named by the path's hash).
 */
function makeSafe(p: string): string {
  if (!/\s/.test(p)) return p;
  if (!/\s/.test(path.basename(p))) return path.join(makeSafe(path.dirname(p)), path.basename(p));
  const link = path.join(tmpdir(), `headsim-link-${createHash('sha256').update(p).digest('hex').slice(0, 16)}`);
  try {
    if (readlinkSync(link) === p) return link;
    rmSync(link, { force: true });
  } catch {
    /* no link yet */
  }
  try {
    symlinkSync(p, link);
  } catch (e) {
    if (!(isErrnoException(e) && e.code === 'EEXIST' && readlinkSync(link) === p)) throw e;
  }
  return link;
}

export interface VerilatorBuildOptions {
  top: string;
  sources: string[];
  includeDirs?: string[];
  /** `-G` overrides. Numbers: integers. Strings: passed as Verilog strings, unless they already
   *  are a Verilog literal (sized like 8'hff, or quoted). */
  params: Record<string, number | string>;
  /** the head's port widths, for driver.cpp (-DS_W …); a module's driver has its ports generated instead */
  widths?: PortWidths;
  /** C++ files written beside the verilated model before the build (e.g. a module driver's port header): name → text */
  generated?: Record<string, string>;
  outRoot?: string;
  timeoutMs?: number;
  /** Extra verilator arguments (part of the cache key). */
  extraArgs?: string[];
  /** The C++ main verilated with the RTL (default: driver.cpp, the lockstep driver). */
  main?: string;
  /**
   * Trace format compiled in (default 'vcd': the driver dumps on request): 'vcd' is --trace,
   * 'fst' --trace-fst (one format per build, so each is its own cached variant), false none.
   */
  trace?: 'vcd' | 'fst' | false;
  /**
   * The C++ compiler's optimization: 'run' (-O2: ~1.5× faster than Verilator's default -Os; a
   * long simulation), 'build' (-O0: half the build time of -O2; a short one, where the build is
   * most of the wall time), 'default' (Verilator's -Os). Default 'run'.
   */
  optimize?: 'run' | 'build' | 'default';
  /** Called when a build starts (not for a cached one): a progress line. */
  onBuild?: (dir: string) => void;
}

export interface VerilatorBuild {
  exe: string;
  dir: string;
  cached: boolean;
  seconds: number;
  key: string;
}

/** verilator is not installed; the CLI maps InputError to exit status 2. */
export class VerilatorNotFoundError extends InputError {
  override name = 'VerilatorNotFoundError';
  constructor() {
    super('verilator not found: apt-get install -y verilator');
  }
}

const versions = new Map<string, Promise<string>>(); // by PATH, which decides which verilator runs

/** `verilator --version`, e.g. "Verilator 5.006 2023-01-22 rev (Debian 5.006-3)". */
export function verilatorVersion(): Promise<string> {
  const key = process.env.PATH ?? '';
  let v = versions.get(key);
  if (!v) {
    v = runCommand('verilator', ['--version'], { timeoutMs: 30_000, check: true }).then(
      (r) => r.stdout.trim(),
      (e) => {
        versions.delete(key);
        throw e instanceof CommandNotFoundError ? new VerilatorNotFoundError() : e;
      },
    );
    versions.set(key, v);
  }
  return v;
}

function paramArg(name: string, v: number | string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(name)) throw new InputError(`RTL parameter name '${name}' is not a Verilog identifier`);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new InputError(`RTL parameter ${name}=${v} must be an integer`);
    return `-G${name}=${v}`;
  }
  const literal = /^\d*'[sS]?[bodhBODH][0-9a-fA-F_xXzZ]+$/.test(v) || /^".*"$/.test(v);
  return `-G${name}=${literal ? v : JSON.stringify(v)}`;
}

const mainSource = (o: VerilatorBuildOptions) => makeSafe(path.resolve(o.main ?? DRIVER_SOURCE));

/** The verilator command line minus the output directory, fixed for a given build request. */
function verilatorArgs(o: VerilatorBuildOptions, sources: string[], includeDirs: string[]): string[] {
  const defines = o.widths ? ['-CFLAGS', `-DS_W=${o.widths.sW} -DIDX_W=${o.widths.idxW} -DVAL_W=${o.widths.valW}`] : [];
  return [
    '--cc', '--exe', '--build', '-j', '2',
    '--top-module', o.top, '--prefix', 'Vdut', '-o', EXE_NAME,
    '--x-assign', 'fast', '--x-initial', 'fast',
    // One time unit everywhere (VCDs of model and RTL share #10t stamps); the RTL has no delays.
    ...({ vcd: ['--trace'], fst: ['--trace-fst'], none: [] } as const)[o.trace === false ? 'none' : (o.trace ?? 'vcd')], '--no-timing', '--timescale-override', '1ns/1ns',
    '-Wno-fatal', // lint warnings are printed (build.log) but do not stop a simulation build
    ...defines,
    // OPT_FAST (model, driver) and OPT_GLOBAL (Verilator runtime) default to -Os; -O2 is ~1.5x faster.
    ...{ run: ['-MAKEFLAGS', 'OPT_FAST=-O2', '-MAKEFLAGS', 'OPT_GLOBAL=-O2'], build: ['-MAKEFLAGS', 'OPT_FAST=-O0', '-MAKEFLAGS', 'OPT_SLOW=-O0', '-MAKEFLAGS', 'OPT_GLOBAL=-O0'], default: [] }[o.optimize ?? 'run'],
    ...includeDirs.map((d) => `-I${d}`),
    ...Object.keys(o.params).sort().map((k) => paramArg(k, o.params[k])),
    ...(o.extraArgs ?? []),
    mainSource(o),
    ...sources,
  ];
}

async function readSource(p: string): Promise<Buffer> {
  try {
    return await readFile(p);
  } catch (e) {
    if (isErrnoException(e) && e.code === 'ENOENT') throw new InputError(`RTL source not found: ${p}`);
    throw e;
  }
}

async function cacheKey(o: VerilatorBuildOptions, args: string[], sources: string[], includeDirs: string[]): Promise<string> {
  const h = createHash('sha256');
  const part = (label: string, data: string | Buffer) => {
    h.update(`${label}\0${data.length}\0`);
    h.update(data);
  };
  part('verilator', await verilatorVersion());
  part('args', JSON.stringify(args.slice(0, -sources.length - 1))); // flags, params, widths; not paths
  part('driver', await readFile(mainSource(o)));
  for (const header of HEADERS) part(`header ${path.basename(header)}`, await readFile(header));
  for (const [name, text] of Object.entries(o.generated ?? {}).sort()) part(`generated ${name}`, text);
  for (const s of sources) part('source', await readSource(s));
  for (const d of includeDirs) {
    const names = (await readdir(d).catch(() => [] as string[])).filter((n) => INCLUDE_EXT.test(n)).sort();
    for (const n of names) part(`include ${n}`, await readFile(path.join(d, n)));
  }
  return h.digest('hex');
}

/**
 * The environment of a build: with ccache installed, Verilator's makefile (OBJCACHE) compiles
 * through it, so its runtime (verilated.cpp & co., the same in every build) and unchanged model
 * files compile once per machine, not once per configuration. Not part of the cache key: the
 * objects are the same either way.
 */
let compilerEnvOf: Promise<NodeJS.ProcessEnv> | null = null;
const compilerEnv = () =>
  (compilerEnvOf ??= runCommand('ccache', ['--version'], { timeoutMs: 10_000 }).then(
    (r) => (r.code === 0 ? { ...process.env, OBJCACHE: 'ccache' } : process.env),
    () => process.env,
  ));

export async function buildVerilator(o: VerilatorBuildOptions): Promise<VerilatorBuild> {
  const t0 = performance.now();
  if (o.widths) checkWidths(o.widths);
  if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(o.top)) throw new InputError(`top module '${o.top}' is not a Verilog identifier`);
  if (o.sources.length === 0) throw new InputError('no RTL sources given');
  const sources = o.sources.map((s) => makeSafe(path.resolve(s)));
  const includeDirs = (o.includeDirs ?? []).map((d) => makeSafe(path.resolve(d)));
  const args = verilatorArgs(o, sources, includeDirs);
  const key = await cacheKey(o, args, sources, includeDirs);

  // GNU make refuses to build in a directory whose path has a space (verilated.mk): such an
  // --out gets its build cache in the temp directory instead.
  const wanted = path.resolve(o.outRoot ?? 'out/verilator');
  const outRoot = /\s/.test(wanted) ? path.join(tmpdir(), `headsim-verilator-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`) : wanted;
  const dir = path.join(outRoot, key.slice(0, 16));
  const exe = path.join(dir, EXE_NAME);
  const seconds = () => (performance.now() - t0) / 1000;
  if (existsSync(exe)) return { exe, dir, cached: true, seconds: seconds(), key };

  await mkdir(outRoot, { recursive: true });
  const tmp = path.join(outRoot, `.tmp-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  building.add(tmp);
  try {
    await mkdir(tmp);
    // the generated files sit beside Vdut.h, on the C++ include path of the build
    for (const [name, text] of Object.entries(o.generated ?? {})) await writeFile(path.join(tmp, name), text);
    o.onBuild?.(dir);
    const r = await runCommand('verilator', ['--Mdir', tmp, ...args], { timeoutMs: o.timeoutMs ?? 10 * 60_000, env: await compilerEnv() }).catch((e) => {
      throw e instanceof CommandNotFoundError ? new VerilatorNotFoundError() : e;
    });
    const log = `$ verilator --Mdir ${tmp} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`;
    if (r.code !== 0 || !existsSync(path.join(tmp, EXE_NAME))) {
      const logPath = path.join(outRoot, `failed-${key.slice(0, 16)}.log`);
      await writeFile(logPath, log);
      const first = (r.stderr || r.stdout).split('\n').find((l) => /%Error|error:/.test(l)) ?? tail(r.stderr || r.stdout, 1);
      throw new Error(`verilator build of '${o.top}' failed (exit ${r.code}): ${first.trim()}; log: ${logPath}`);
    }
    await writeFile(path.join(tmp, 'build.log'), log);
    await writeFile(path.join(tmp, 'build.json'), JSON.stringify({ key, top: o.top, params: o.params, widths: o.widths, sources }, null, 2));
    try {
      await rename(tmp, dir); // atomic: the first finished builder wins
    } catch (e) {
      if (!(isErrnoException(e) && (e.code === 'ENOTEMPTY' || e.code === 'EEXIST') && existsSync(exe))) throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
    building.delete(tmp);
  }
  return { exe, dir, cached: false, seconds: seconds(), key };
}
