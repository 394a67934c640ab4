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
  identical: boolean;
  /** Number of signals compared (present in both dumps, after filtering). */
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

/** One side of the comparison: its parser, the pending changes (time-ordered) and current values. */
class Side {
  times: number[] = [];
  keys: number[] = [];
  vals: VcdValue[] = [];
  head = 0;
  cur: Array<VcdValue | undefined>;

  constructor(readonly src: DumpSource, readonly scale: number, sharedIndex: Map<string, number>, n: number) {
    this.cur = new Array(n).fill(undefined);
    const map = src.vars.map((v) => sharedIndex.get(v.name) ?? -1);
    src.listen((i, t, v) => {
      const k = map[i];
      if (k < 0) return;
      this.times.push(t * scale);
      this.keys.push(k);
      this.vals.push(v);
    });
  }

  frontier(): number {
    return this.src.frontier() * this.scale;
  }

  next(): number {
    return this.head < this.times.length ? this.times[this.head] : Infinity;
  }

  /** Applies all pending changes at time t, reporting each signal touched. */
  apply(t: number, touch: (k: number) => void): void {
    while (this.head < this.times.length && this.times[this.head] === t) {
      const k = this.keys[this.head];
      this.cur[k] = this.vals[this.head++];
      touch(k);
    }
  }

  compact(): void {
    if (this.head === 0) return;
    this.times = this.times.slice(this.head);
    this.keys = this.keys.slice(this.head);
    this.vals = this.vals.slice(this.head);
    this.head = 0;
  }
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
    const sharedIndex = new Map(shared.map((n, k) => [n, k]));
    // an FST decodes only what is compared
    for (const src of [srcA, srcB]) src.want?.(src.vars.flatMap((v, i) => (sharedIndex.has(v.name) ? [i] : [])));
    const fsA = timescaleFs(srcA.timescale, a);
    const fsB = timescaleFs(srcB.timescale, b);
    const unit = Math.min(fsA, fsB);
    const A = new Side(srcA, fsA / unit, sharedIndex, shared.length);
    const B = new Side(srcB, fsB / unit, sharedIndex, shared.length);

    const differs = new Uint8Array(shared.length);
    let differing = 0;
    let first: VcdDiff['firstDifference'];
    let now = -Infinity;
    const stamp = new Float64Array(shared.length).fill(-Infinity);
    const touched: number[] = [];
    const touch = (k: number): void => {
      if (stamp[k] === now) return;
      stamp[k] = now;
      touched.push(k);
    };

    // Compare every time step below `safe`, where both dumps are known to be complete.
    const drain = (safe: number): void => {
      for (;;) {
        now = Math.min(A.next(), B.next());
        if (!(now < safe)) break;
        A.apply(now, touch);
        B.apply(now, touch);
        let lowest = -1; // the first difference at one time: the lowest name index (sorted names)
        for (let i = 0; i < touched.length; i++) {
          const k = touched[i]!;
          if (differs[k] || same(A.cur[k], B.cur[k])) continue;
          differs[k] = 1;
          differing++;
          if (lowest < 0 || k < lowest) lowest = k;
        }
        if (first === undefined && lowest >= 0) first = { time: now / A.scale, signal: shared[lowest]!, a: show(A.cur[lowest]), b: show(B.cur[lowest]) };
        touched.length = 0;
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
