// File primitives every command writes through: directories made one level at a time (Node's
// recursive mkdir spins forever on ENOENT from /proc), writes that replace a file atomically
// (a full disk or a kill leaves the old file, never half a new one), reads with a size cap, and
// a writability check to run before any long work. Failures are InputErrors naming the path.
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { InputError, isErrnoException } from './errors.ts';

const why = (e: unknown) => (isErrnoException(e) ? e.code ?? e.message : String(e));

/** mkdir -p, one component at a time; an InputError naming `dir` when it cannot be made. */
export function makeDir(dir: string): void {
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

/** Write `data` to `path` through a temporary file in the same directory and a rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDir(dirname(path));
  const st = statSync(path, { throwIfNoEntry: false });
  if (st && !st.isFile()) throw new InputError(`${path}: not a regular file`);
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError(`${path}: cannot write (${why(e)})`);
  }
}

/** A --json report: pretty JSON, written atomically. */
export function writeJson(path: string, v: unknown): void {
  writeFileAtomic(path, JSON.stringify(v, null, 2) + '\n');
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
    if (fstatSync(fd).isDirectory()) throw new InputError(`${path}: cannot read ${o.what} (a directory)`);
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
    throw new InputError(`${path}: malformed ${o.what} (${(e as Error).message.split('\n')[0]})`);
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
  try {
    makeDir(dirname(path));
  } catch (e) {
    throw new InputError(`${flag} ${path}: ${(e as Error).message.replace(/^[^:]*: /, '')}`);
  }
  const st = statSync(path, { throwIfNoEntry: false });
  if (st && !st.isFile()) throw new InputError(`${flag} ${path}: not a regular file`);
  try {
    probeCreate(dirname(path));
  } catch (e) {
    throw new InputError(`${flag} ${path}: cannot write there (${why(e)})`);
  }
}

/** Before long work: is `dir` a directory this process can write into (made if missing)? */
export function checkWritableDir(dir: string, flag: string): void {
  try {
    makeDir(dir);
    probeCreate(dir);
  } catch (e) {
    throw new InputError(`${flag} ${dir}: ${e instanceof InputError ? e.message.replace(/^[^:]*: /, '') : `cannot write there (${why(e)})`}`);
  }
}
