// File primitives every command writes through: directories made one level at a time (Node's
// recursive mkdir spins forever on ENOENT from /proc), writes that replace a file atomically
// (a full disk or a kill leaves the old file, never half a new one), reads with a size cap, and
// a writability check to run before any long work. Failures are InputErrors naming the path.
// A report given by the user (--json) is claimed when the run starts (claimReport) and written
// through a symbolic link to its target.
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { InputError, isErrnoException } from './errors.ts';
import { errnoText } from './limits.ts';

const why = (e: unknown) => (isErrnoException(e) ? errnoText(e) : String(e));

/** Linux's PATH_MAX and NAME_MAX (bytes, with the terminating NUL for PATH_MAX). */
const PATH_MAX = 4096;
const NAME_MAX = 255;
/** What a run adds under its --out (run directories, Verilator's generated file names). */
const OUT_HEADROOM = 256;

/** A path too long for the system (or, for a directory, for the files made under it): refused before anything is made. */
function checkPathLength(path: string, headroom: number): void {
  const abs = resolve(path);
  const long = abs.split(sep).find((p) => Buffer.byteLength(p) > NAME_MAX);
  if (long !== undefined) throw new InputError(`${clipPath(path)}: a path component is ${Buffer.byteLength(long)} bytes, more than the system's ${NAME_MAX}`);
  const bytes = Buffer.byteLength(abs);
  if (bytes + headroom >= PATH_MAX) throw new InputError(`${clipPath(path)}: the path is ${bytes} bytes; the system allows ${PATH_MAX - 1}${headroom ? `, and the files under it need ${headroom} more` : ''}`);
}

/** A long path in a message: its start and its end. */
const clipPath = (p: string) => (p.length > 120 ? `${p.slice(0, 60)}…${p.slice(-40)}` : p);

/** mkdir -p, one component at a time; an InputError naming `dir` when it cannot be made. */
export function makeDir(dir: string): void {
  checkPathLength(dir, 0);
  const abs = resolve(dir);
  const parts = abs.split(sep).filter(Boolean);
  let cur = abs.startsWith(sep) ? sep : '';
  for (const part of parts) {
    cur = cur === sep ? sep + part : `${cur}${sep}${part}`;
    try {
      mkdirSync(cur);
    } catch (e) {
      if (isErrnoException(e) && e.code === 'EEXIST') {
        if (!statSync(cur).isDirectory()) throw new InputError(`${dir}: cannot make the directory (${cur} is a file)`);
        continue;
      }
      throw new InputError(`${dir}: cannot make the directory (${why(e)} at ${cur})`);
    }
  }
}

/**
 * Where a write to `path` lands: `path` itself, or the file a symbolic link (chain) points to,
 * existing or not — a link the user made to their report is kept, its target is written.
 */
export function linkTarget(path: string): string {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let link = false;
    try {
      link = lstatSync(p).isSymbolicLink();
    } catch {
      /* missing or unreachable: the write reports it */
    }
    if (!link) return p;
    p = resolve(dirname(p), readlinkSync(p));
  }
  throw new InputError(`${path}: too many levels of symbolic links`);
}

/**
 * Runs a write to `path` (a file under --out, a cache): a failure of the system's (a full disk,
 * a read-only or vanished directory) becomes an InputError naming the file, not a bare
 * "ENOSPC … write".
 */
export function writingTo<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (isErrnoException(e) && !(e instanceof InputError)) throw new InputError(`${path}: cannot write (${why(e)})`);
    throw e;
  }
}

/**
 * Write `data` to `path` through a temporary file in the same directory and a rename (through a
 * symbolic link: to its target, the link stays).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const target = linkTarget(path);
  makeDir(dirname(target));
  const st = statSync(target, { throwIfNoEntry: false });
  if (st && !st.isFile()) throw new InputError(`${path}: not a regular file`);
  const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(`${path}: cannot write (${why(e)})`);
  }
}

/** Where claimReport keeps the report an earlier run left at `path`. */
export const previousReport = (path: string) => `${linkTarget(path)}.previous`;

/**
 * At the start of a run, before any work: the report at `path` (--json) is an earlier run's.
 * It is moved aside to `<path>.previous`, so that a report at `path` is always this run's — a
 * run that crashes or is stopped leaves none, never an older "pass" — and nothing is lost.
 * writeJson removes the copy once the new report is in place.
 */
export function claimReport(path: string, flag: string): void {
  checkWritableFile(path, flag);
  const target = linkTarget(path);
  if (!statSync(target, { throwIfNoEntry: false })?.isFile()) return;
  try {
    renameSync(target, previousReport(path));
  } catch (e) {
    throw new InputError(`${flag} ${path}: cannot move the earlier report aside (${why(e)})`);
  }
}

/** A --json report: pretty JSON, written atomically; the earlier report claimReport kept aside goes. */
export function writeJson(path: string, v: unknown): void {
  try {
    writeFileAtomic(path, JSON.stringify(v, null, 2) + '\n');
  } catch (e) {
    const prev = previousReport(path);
    if (e instanceof InputError && statSync(prev, { throwIfNoEntry: false })) throw new InputError(`${e.message}; the earlier report is kept as ${prev}`);
    throw e;
  }
  rmSync(previousReport(path), { force: true });
}

/** Read at most `maxBytes` of a file; more is an InputError (a config is not a stream). */
export function readFileCapped(path: string, o: { what: string; maxBytes: number }): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(`${path}: cannot read ${o.what} (${why(e)})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(`${path}: cannot read ${o.what} (a directory)`);
    if (st.isFile() && st.size > o.maxBytes) throw new InputError(`${path}: ${o.what} larger than ${o.maxBytes} bytes`);
    const buf = Buffer.alloc(o.maxBytes + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n > o.maxBytes) throw new InputError(`${path}: ${o.what} larger than ${o.maxBytes} bytes`);
    }
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: cannot read ${o.what} (${why(e)})`);
  } finally {
    closeSync(fd);
  }
}

/** A JSON file, size-capped; an InputError naming the file when it is unreadable or malformed. */
export function readJsonFile(path: string, o: { what: string; maxBytes: number }): unknown {
  const text = readFileCapped(path, o).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: malformed JSON in the ${o.what} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Can a new file be made in `dir`? (Made and removed: access() says yes to root on /proc.) */
function probeCreate(dir: string): void {
  const probe = join(dir, `.headsim-write-probe-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  closeSync(openSync(probe, 'wx'));
  rmSync(probe, { force: true });
}

/**
 * Before long work: can `path` (a file to write atomically) be written? Makes its directory and
 * makes a file there; an existing `path` must be a regular file (never replace a device).
 * `flag` names it in the error.
 */
export function checkWritableFile(path: string, flag: string): void {
  let target: string;
  try {
    checkPathLength(path, 0);
    target = linkTarget(path);
    makeDir(dirname(target));
  } catch (e) {
    throw new InputError(`${flag} ${path}: ${(e as Error).message.replace(/^[^:]*: /, '')}`);
  }
  const st = statSync(target, { throwIfNoEntry: false });
  if (st && !st.isFile()) throw new InputError(`${flag} ${path}: not a regular file`);
  try {
    probeCreate(dirname(target));
  } catch (e) {
    throw new InputError(`${flag} ${path}: cannot write there (${why(e)})`);
  }
}

/** Before long work: is `dir` a directory this process can write into (made if missing)? */
export function checkWritableDir(dir: string, flag: string): void {
  try {
    checkPathLength(dir, OUT_HEADROOM);
    makeDir(dir);
    probeCreate(dir);
  } catch (e) {
    throw new InputError(`${flag} ${dir}: ${e instanceof InputError ? e.message.replace(/^[^:]*: /, '') : `cannot write there (${why(e)})`}`);
  }
}
