// The sweep's JSONL cache. Three kinds of line, each appended (synchronously) the moment the
// work finishes, so a sweep killed at any time loses only the work still running:
//   a point row (the report row: has `key` and `synthKey`, no `kind`),
//   {"kind":"flat","synthKey":…,"flat":{…}}      a point's flattened synthesis,
//   {"kind":"module","key":…,"module":{…}}       one submodule's synthesis (shared by points).
// A line cut short by a kill is dropped when the file is opened again. Later lines win over
// earlier ones with the same key (a row re-appended after adding its verification).
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { LIMITS, showBytes } from '../../lib/limits.ts';
import { makeDir, writingTo } from '../../lib/files.ts';
import type { FlatReport, ModuleReport } from '../synth/synth.ts';
import type { PointRow } from './row.ts';

export type CacheLine = PointRow | { kind: 'flat'; synthKey: string; flat: FlatReport } | { kind: 'module'; key: string; module: ModuleReport };

export interface JsonlRead {
  lines: CacheLine[];
  rows: PointRow[];
  /** lines that did not parse (a truncated last line, or damage) */
  bad: number;
  /** bytes of a partial last line (no newline) */
  partialBytes: number;
}

const isRow = (l: CacheLine): l is PointRow => !('kind' in l) && typeof (l as PointRow).key === 'string' && typeof (l as PointRow).synthKey === 'string';

/**
 * The lines of a sweep cache or result file. A file with content but not one sweep line is not
 * a headsim file: an InputError (it is neither read as empty nor repaired, i.e. truncated).
 */
export function readJsonl(path: string, { mustExist = false } = {}): JsonlRead {
  if (!existsSync(path)) {
    if (mustExist) throw new InputError(`${path}: no such sweep result file`);
    return { lines: [], rows: [], bad: 0, partialBytes: 0 };
  }
  const st = statSync(path);
  if (!st.isFile()) throw new InputError(`${path}: not a sweep cache (not a regular file)`);
  if (st.size > LIMITS.sweepCacheBytes) throw new InputError(`${path}: ${st.size} bytes, more than a sweep cache holds (${showBytes(LIMITS.sweepCacheBytes)}); not a sweep cache?`);
  const text = readFileSync(path, 'utf8');
  const partialBytes = Buffer.byteLength(text.slice(text.lastIndexOf('\n') + 1));
  const lines: CacheLine[] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as CacheLine;
      const ok = 'kind' in v ? (v.kind === 'flat' && typeof v.synthKey === 'string' && !!v.flat) || (v.kind === 'module' && typeof v.key === 'string' && !!v.module) : isRow(v);
      if (!ok) throw new Error('not a sweep line');
      lines.push(v);
    } catch {
      bad++;
    }
  }
  if (!lines.length && text.trim()) throw new InputError(`${path}: not a headsim sweep cache (no line is a sweep result); give another file`);
  return { lines, rows: lines.filter(isRow), bad, partialBytes };
}

export class SweepCache {
  readonly rows = new Map<string, PointRow>();
  private readonly flats = new Map<string, FlatReport>();
  private readonly modules = new Map<string, ModuleReport>();
  private fd: number | null = null;
  readonly bad: number;
  readonly repaired: number;

  constructor(readonly path: string) {
    const r = readJsonl(path);
    for (const line of r.lines) this.remember(line);
    this.bad = r.bad;
    this.repaired = r.partialBytes;
  }

  private remember(line: CacheLine): void {
    if (!isRow(line)) {
      if (line.kind === 'flat') this.flats.set(line.synthKey, line.flat);
      else this.modules.set(line.key, line.module);
      return;
    }
    this.rows.set(line.key, line);
    const s = line.synth;
    if (!s) return;
    const { modules, modulesTotal: _t, moduleErrors: _e, ...flat } = s;
    this.flats.set(line.synthKey, flat);
    for (const m of Object.values(modules ?? {})) this.modules.set(m.key, m);
  }

  /** A finished point with this key (failed ones too: they are not retried unless asked). */
  get(key: string): PointRow | undefined {
    return this.rows.get(key);
  }

  flat(synthKey: string): FlatReport | undefined {
    return this.flats.get(synthKey);
  }

  module(key: string): ModuleReport | undefined {
    return this.modules.get(key);
  }

  append(line: CacheLine): void {
    if (this.fd === null) {
      makeDir(dirname(this.path));
      this.fd = openSync(this.path, 'a+');
      // Drop a partial last line left by a kill, so the next line starts on a line of its own.
      if (this.repaired > 0) ftruncateSync(this.fd, readFileSync(this.path).lastIndexOf(0x0a) + 1);
    }
    const fd = this.fd;
    const bytes = Buffer.from(JSON.stringify(line) + '\n');
    // a nearly full disk takes part of a write before it refuses the rest (ENOSPC)
    writingTo(this.path, () => {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    });
    this.remember(line);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
