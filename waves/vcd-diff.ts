/**
 * Compares two VCD dumps signal by signal (matched by full name, `TOP.` stripped; see
 * vcd-source.ts). Both files are read in lockstep, chunk by chunk, so memory does not grow
 * with the length of the run. Values are compared as numbers (`b0101` equals `b101`); a
 * signal with no value yet, or an x/z digit, differs from any number.
 *
 * A signal's value at time t is the last value written at t (zero-width glitches within one
 * time step are ignored). Times of the two dumps are brought to the finer timescale; the
 * reported time is in dump A's timescale.
 */
import { InputError } from '../lib/errors.ts';
import { openDump, type DumpSource } from './dump-source.ts';
import type { VcdValue } from './vcd-source.ts';

export interface DiffOptions {
  /** Compare only these signals (full names). */
  signals?: string[];
  /** Leave out signals whose full name matches. */
  ignore?: RegExp;
}

export interface VcdDiff {
  /** No compared signal differs (at least one is compared: dumps that share none are an InputError). */
  identical: boolean;
  /** Number of signals compared (present in both dumps, after filtering); at least 1. */
  shared: number;
  onlyInA: string[];
  onlyInB: string[];
  /** Earliest mismatch; ties at one time go to the first signal in sorted name order. */
  firstDifference?: { time: number; signal: string; a: string; b: string };
  differingSignals: number;
  /** Timescale of dump A, the unit of firstDifference.time. */
  timescale: string;
}

const UNITS: Record<string, number> = { s: 1e15, ms: 1e12, us: 1e9, ns: 1e6, ps: 1e3, fs: 1 };

/** A timescale such as '1ns' or '10 ps' in femtoseconds. */
export function timescaleFs(ts: string, file: string): number {
  const m = /^\s*(1|10|100)\s*(s|ms|us|ns|ps|fs)\s*$/.exec(ts);
  if (!m) throw new InputError(`${file}: unsupported $timescale '${ts}'`);
  return Number(m[1]) * UNITS[m[2]];
}

function same(a: VcdValue | undefined, b: VcdValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || typeof a === 'string' || typeof b === 'string') return false;
  return a == b; // number vs bigint
}

const show = (v: VcdValue | undefined): string => (v === undefined ? 'x' : typeof v === 'string' ? `b${v}` : String(v));

/** Changes queued at one time on one side before the other side catches up: beyond this a dump is not a dump. */
const MAX_PENDING = 1 << 23;

/**
 * One side of the comparison: its source, the pending changes (time-ordered, in typed queues:
 * a diff of two long dumps moves hundreds of millions of changes) and the current values
 * (numbers in a typed array; x/z strings and wide bigints, rare, beside them).
 */
class Side {
  t = new Float64Array(1 << 16);
  k = new Int32Array(1 << 16);
  v = new Float64Array(1 << 16);
  /** non-number values by queue position */
  obj: Array<VcdValue | undefined> = [];
  objs = 0;
  head = 0;
  len = 0;
  /** current value: a number (kind 1), another value (kind 2, in curObj), none yet (kind 0) */
  cur: Float64Array;
  kind: Uint8Array;
  curObj: Array<VcdValue | undefined>;

  constructor(readonly src: DumpSource, readonly path: string, readonly scale: number, sharedIndex: Map<string, number>, n: number) {
    this.cur = new Float64Array(n);
    this.kind = new Uint8Array(n);
    this.curObj = new Array<VcdValue | undefined>(n);
    const map = Int32Array.from(src.vars, (v) => sharedIndex.get(v.name) ?? -1);
    src.listen((i, t, v) => {
      const k = map[i]!;
      if (k < 0) return;
      if (this.len === this.t.length) this.grow();
      const at = this.len++;
      const time = t * scale;
      // past 2^53 the common time unit no longer holds every time exactly
      if (time > Number.MAX_SAFE_INTEGER) throw new InputError(`${path}: time ${t} (${src.timescale}) is past the exact range in the common unit of both timescales`);
      this.t[at] = time;
      this.k[at] = k;
      if (typeof v === 'number') this.v[at] = v;
      else {
        this.obj[at] = v;
        this.objs++;
        this.v[at] = NaN;
      }
    });
  }

  value(k: number): VcdValue | undefined {
    return this.kind[k] === 1 ? this.cur[k] : this.kind[k] === 2 ? this.curObj[k] : undefined;
  }

  frontier(): number {
    return this.src.frontier() * this.scale;
  }

  next(): number {
    return this.head < this.len ? this.t[this.head]! : Infinity;
  }

  /** Applies all pending changes at time t; each signal touched goes into `touched` once (stamp). */
  apply(t: number, stamp: Float64Array, touched: Int32Array, n: number): number {
    const { k, v, cur, kind } = this;
    let h = this.head;
    while (h < this.len && this.t[h] === t) {
      const key = k[h]!;
      const x = v[h]!;
      if (x === x) {
        cur[key] = x;
        kind[key] = 1;
      } else {
        this.curObj[key] = this.obj[h];
        this.obj[h] = undefined;
        this.objs--;
        kind[key] = 2;
      }
      h++;
      if (stamp[key] !== t) {
        stamp[key] = t;
        touched[n++] = key;
      }
    }
    this.head = h;
    return n;
  }

  /** Moves the pending changes to the front of the queues. */
  compact(): void {
    if (this.head === 0) return;
    const rest = this.len - this.head;
    this.t.copyWithin(0, this.head, this.len);
    this.k.copyWithin(0, this.head, this.len);
    this.v.copyWithin(0, this.head, this.len);
    if (this.objs > 0) this.obj.copyWithin(0, this.head, this.len);
    this.obj.length = this.objs > 0 ? rest : 0;
    this.head = 0;
    this.len = rest;
  }

  private grow(): void {
    if (this.head > this.len / 2) return this.compact();
    if (this.len - this.head >= MAX_PENDING)
      throw new InputError(`${this.path}: more than ${MAX_PENDING.toLocaleString('en-US')} changes at one time (t=${this.t[this.head]! / this.scale}); not a dump of a clocked design`);
    const n = this.t.length * 2;
    const t = new Float64Array(n);
    t.set(this.t);
    const k = new Int32Array(n);
    k.set(this.k);
    const v = new Float64Array(n);
    v.set(this.v);
    [this.t, this.k, this.v] = [t, k, v];
  }
}

function sameValue(A: Side, B: Side, k: number): boolean {
  if (A.kind[k] === 1 && B.kind[k] === 1) return A.cur[k] === B.cur[k];
  return same(A.value(k), B.value(k));
}

export async function diffVcd(a: string, b: string, opts: DiffOptions = {}): Promise<VcdDiff> {
  const srcA = await openDump(a);
  let srcB: DumpSource;
  try {
    srcB = await openDump(b);
  } catch (e) {
    srcA.close();
    throw e;
  }
  try {
    const keep = (n: string): boolean => !opts.ignore?.test(n) && (!opts.signals || opts.signals.includes(n));
    const namesA = new Set(srcA.vars.map((v) => v.name).filter(keep));
    const namesB = new Set(srcB.vars.map((v) => v.name).filter(keep));
    for (const s of opts.signals ?? []) {
      if (!namesA.has(s) && !namesB.has(s)) throw new InputError(`signal '${s}' is in neither ${a} nor ${b}`);
    }
    const shared = [...namesA].filter((n) => namesB.has(n)).sort();
    // Nothing in common is nothing compared: not a verdict of "identical".
    if (!shared.length) {
      const filtered = opts.signals || opts.ignore ? ' after --signals/--ignore' : '';
      throw new InputError(`${a} and ${b} share no signal${filtered} (${namesA.size} in A, ${namesB.size} in B; names are compared without a leading TOP and without bit ranges): nothing to compare`);
    }
    const sharedIndex = new Map(shared.map((n, k) => [n, k]));
    // an FST decodes only what is compared
    for (const src of [srcA, srcB]) src.want?.(src.vars.flatMap((v, i) => (sharedIndex.has(v.name) ? [i] : [])));
    const fsA = timescaleFs(srcA.timescale, a);
    const fsB = timescaleFs(srcB.timescale, b);
    const unit = Math.min(fsA, fsB);
    const A = new Side(srcA, a, fsA / unit, sharedIndex, shared.length);
    const B = new Side(srcB, b, fsB / unit, sharedIndex, shared.length);

    const differs = new Uint8Array(shared.length);
    let differing = 0;
    let first: VcdDiff['firstDifference'];
    const stamp = new Float64Array(shared.length).fill(-Infinity);
    const touched = new Int32Array(shared.length);

    // Compare every time step below `safe`, where both dumps are known to be complete.
    const drain = (safe: number): void => {
      for (;;) {
        const now = Math.min(A.next(), B.next());
        if (!(now < safe)) break;
        const n = B.apply(now, stamp, touched, A.apply(now, stamp, touched, 0));
        let lowest = -1; // the first difference at one time: the lowest name index (sorted names)
        for (let i = 0; i < n; i++) {
          const k = touched[i]!;
          if (differs[k] || sameValue(A, B, k)) continue;
          differs[k] = 1;
          differing++;
          if (lowest < 0 || k < lowest) lowest = k;
        }
        if (first === undefined && lowest >= 0) first = { time: now / A.scale, signal: shared[lowest]!, a: show(A.value(lowest)), b: show(B.value(lowest)) };
      }
      A.compact();
      B.compact();
    };

    for (;;) {
      const fa = A.frontier();
      const fb = B.frontier();
      drain(Math.min(fa, fb));
      if (srcA.done && srcB.done) break;
      if (!srcA.done && (fa <= fb || srcB.done)) await srcA.step();
      else await srcB.step();
    }

    return {
      identical: differing === 0,
      shared: shared.length,
      onlyInA: [...namesA].filter((n) => !namesB.has(n)).sort(),
      onlyInB: [...namesB].filter((n) => !namesA.has(n)).sort(),
      ...(first ? { firstDifference: first } : {}),
      differingSignals: differing,
      timescale: srcA.timescale,
    };
  } finally {
    srcA.close();
    srcB.close();
  }
}
