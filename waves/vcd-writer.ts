/**
 * Streaming VCD writer (IEEE 1364-2005 §18). Text is formatted straight into a byte buffer and
 * written with fs.writeSync once it passes `chunkChars`, so memory stays bounded on long runs.
 *
 *   const w = new VcdWriter('out/run.vcd');
 *   const acc = w.declare('head.mac_array.acc_0', 41);   // scopes come from the dots
 *   w.begin();                                            // header + $dumpvars
 *   w.time(5); w.change(acc, 42);
 *   await w.close();
 *
 * Signals are declared by their names inside the design (`head.mac_array.acc_0`) and written
 * under a `TOP` scope, exactly like Verilator's --trace, so that dumps of the model and of the
 * RTL have the same hierarchy (readers strip `TOP.`, see vcd-source.ts).
 *
 * Speed: a value change is the hot path of a traced simulation (register arrays change every
 * cycle). Binary digits are written eight at a time from a table (one 8-byte store per byte of
 * the value), identifier codes are copied from precomputed bytes, and nothing is allocated per
 * change. The text is the same as `'b' + v.toString(2) + ' ' + id` (no leading zeros).
 */
import * as fs from 'node:fs';
import { InputError, isErrnoException } from '../lib/errors.ts';
import { writingTo } from '../lib/files.ts';
import type { StepWriter } from './wave-writer-api.ts';
import { binDigits, DIGITS } from './vcd-digits.ts';
import { compileVcdStep, recordMax } from './vcd-step.ts';

export interface VcdWriterOptions {
  /** e.g. '1ns', '10ps'. */
  timescale?: string;
  version?: string;
  /** Defaults to the current date; fixed strings make dumps reproducible. */
  date?: string;
  /** Buffered characters (bytes) before a write to disk. */
  chunkChars?: number;
}

interface Scope {
  name: string;
  scopes: Map<string, Scope>;
  vars: number[];
}

/** Identifier code n in base 94 over the printable characters '!'..'~'. */
export function vcdId(n: number): string {
  let s = '';
  do {
    s += String.fromCharCode(33 + (n % 94));
    n = Math.floor(n / 94);
  } while (n > 0);
  return s;
}

/** Longest change record: 'b' + 53 digits + ' ' + id (≤ 8 bytes) + '\n', and a time line. */
const RECORD_MAX = 96;

export class VcdWriter {
  private readonly fd: number;
  private readonly opts: Required<VcdWriterOptions>;
  private readonly root: Scope = { name: '', scopes: new Map(), vars: [] };
  private readonly names: string[] = [];
  private readonly widthList: number[] = [];
  private readonly lastList: number[] = [];
  // Per handle, frozen at begin(): width, largest bit pattern (2^width − 1), last value, id bytes.
  private widths = new Int32Array(0);
  private max = new Float64Array(0);
  private last = new Float64Array(0);
  /** the end of a change record: ' ' (vectors), identifier code, '\n' — bytes of a float64, and their count */
  private tail = new Float64Array(0);
  private tailLen = new Uint8Array(0);
  private out: Uint8Array;
  private dv: DataView;
  private pos = 0;
  private readonly limit: number;
  private now = 0;
  private timePending = false;
  private started = false;
  private closed = false;

  constructor(
    readonly path: string,
    opts: VcdWriterOptions = {},
  ) {
    this.opts = {
      timescale: opts.timescale ?? '1ns',
      version: opts.version ?? 'headsim',
      date: opts.date ?? new Date().toUTCString(),
      chunkChars: opts.chunkChars ?? 1 << 16,
    };
    const size = Math.max(this.opts.chunkChars, 1) + RECORD_MAX;
    this.out = new Uint8Array(size);
    this.dv = new DataView(this.out.buffer);
    this.limit = Math.max(this.opts.chunkChars, 1);
    try {
      this.fd = fs.openSync(path, 'w');
    } catch (e) {
      if (isErrnoException(e)) throw new InputError(`cannot write VCD ${path}: ${e.code}`);
      throw e;
    }
  }

  /** Declares a signal by dotted hierarchical name; returns its handle for change(). */
  declare(name: string, width: number, init = 0): number {
    if (this.started) throw new Error(`VcdWriter: declare('${name}') after begin()`);
    if (!Number.isInteger(width) || width < 1 || width > 53) {
      throw new RangeError(`VcdWriter: width of ${name} must be 1..53, got ${width}`);
    }
    const parts = name.split('.');
    if (parts.some((p) => p === '' || /\s/.test(p))) throw new RangeError(`VcdWriter: bad signal name '${name}'`);
    let scope = this.root;
    for (const p of parts.slice(0, -1)) {
      let next = scope.scopes.get(p);
      if (!next) scope.scopes.set(p, (next = { name: p, scopes: new Map(), vars: [] }));
      scope = next;
    }
    const h = this.names.length;
    this.names.push(name);
    this.widthList.push(width);
    this.lastList.push(0);
    scope.vars.push(h);
    this.lastList[h] = this.checkDeclared(h, init);
    return h;
  }

  /** Writes the header and the $dumpvars block with the current (initial) values. */
  begin(): void {
    if (this.started) return;
    this.started = true;
    const n = this.names.length;
    // room past the limit for the worst case of one compiled step over every signal (and its time line)
    const room = this.widthList.reduce((a, w) => a + recordMax(w), 32);
    if (room > RECORD_MAX) {
      this.out = new Uint8Array(this.limit + room);
      this.dv = new DataView(this.out.buffer);
    }
    this.widths = Int32Array.from(this.widthList);
    this.max = Float64Array.from(this.widthList, (w) => 2 ** w - 1);
    this.last = Float64Array.from(this.lastList);
    this.tail = new Float64Array(n);
    this.tailLen = new Uint8Array(n);
    const t8 = new Uint8Array(8);
    const tdv = new DataView(t8.buffer);
    for (let h = 0; h < n; h++) {
      const text = `${this.widthList[h] === 1 ? '' : ' '}${vcdId(h)}\n`;
      if (text.length > 7) throw new RangeError(`VcdWriter: too many signals (${n})`);
      t8.fill(0);
      for (let j = 0; j < text.length; j++) t8[j] = text.charCodeAt(j);
      // byte 7 is 0, so the pattern is never a NaN and copies bit-exactly
      this.tail[h] = tdv.getFloat64(0, true);
      this.tailLen[h] = text.length;
    }

    const o = this.opts;
    let s = `$date\n  ${o.date}\n$end\n$version\n  ${o.version}\n$end\n$timescale ${o.timescale} $end\n`;
    const walk = (sc: Scope, indent: string): void => {
      for (const h of sc.vars) {
        const w = this.widthList[h]!;
        const leaf = this.names[h]!.slice(this.names[h]!.lastIndexOf('.') + 1);
        s += `${indent}$var wire ${w} ${vcdId(h)} ${leaf}${w > 1 ? ` [${w - 1}:0]` : ''} $end\n`;
      }
      for (const child of sc.scopes.values()) {
        s += `${indent}$scope module ${child.name} $end\n`;
        walk(child, indent + ' ');
        s += `${indent}$upscope $end\n`;
      }
    };
    // Everything sits under a `TOP` scope, as in Verilator's dumps, so one .gtkw save file
    // serves both; readers strip it again.
    s += '$scope module TOP $end\n';
    walk(this.root, ' ');
    s += '$upscope $end\n';
    s += `$enddefinitions $end\n#${this.now}\n$dumpvars\n`;
    this.text(s);
    for (let h = 0; h < n; h++) {
      if (this.pos >= this.limit) this.flush();
      this.emit(h, this.last[h]!);
    }
    this.text('$end\n');
    this.timePending = false;
    if (this.pos >= this.limit) this.flush();
  }

  /** Advances simulation time; the '#t' line is written only if a change follows. */
  time(t: number): void {
    if (t === this.now) return;
    if (!(t > this.now) || !Number.isSafeInteger(t)) {
      throw new RangeError(`VcdWriter: time must be an integer >= ${this.now}, got ${t}`);
    }
    this.now = t;
    this.timePending = true;
  }

  /**
   * Records a value: a bit pattern 0..2^width-1, or a negative number in two's complement
   * range (converted here). Before begin() it sets the initial value; after, it is written
   * only if it differs from the last one.
   */
  change(h: number, value: number): void {
    if (!this.started) {
      if (value === this.lastList[h]) return;
      this.lastList[h] = this.checkDeclared(h, value);
      return;
    }
    const last = this.last;
    if (value === last[h]) return;
    const max = this.max[h];
    if (max === undefined || h < 0 || h !== (h | 0)) throw new RangeError(`VcdWriter: unknown handle ${h}`);
    const v = value < 0 ? value + max + 1 : value;
    if (!(v >= 0 && v <= max && Number.isInteger(v)) || (value < 0 && v <= max / 2)) {
      throw new RangeError(`VcdWriter: ${value} does not fit ${this.names[h]} (${this.widths[h]} bits)`);
    }
    if (v === last[h]) return;
    last[h] = v;
    if (this.timePending) {
      this.timeLine();
      this.timePending = false;
    }
    this.emit(h, v);
    if (this.pos >= this.limit) this.flush();
  }

  /**
   * change(h, values[h]) for every declared handle h, in handle order: one call per time step
   * for a simulator that keeps its signal values in an array indexed like the handles.
   * `seen` (same length) holds the values of the previous call, as given (signed), so that
   * unchanged signals cost one comparison; it is updated.
   */
  changeAll(values: ArrayLike<number>, seen: Float64Array): void {
    this.changeSome(values, seen, null);
  }

  /** changeAll restricted to the handles in `ids` (ascending; null: all): the others did not change. */
  changeSome(values: ArrayLike<number>, seen: Float64Array, ids: Int32Array | null): void {
    if (!this.started) {
      for (let h = 0; h < this.lastList.length; h++) this.change(h, (seen[h] = values[h]!));
      return;
    }
    const n = this.last.length;
    if (values.length < n || seen.length < n) throw new RangeError(`VcdWriter: changeAll needs ${n} values`);
    const last = this.last;
    const max = this.max;
    const widths = this.widths;
    const tail = this.tail;
    const tailLen = this.tailLen;
    const out = this.out;
    const dv = this.dv;
    const limit = this.limit;
    let pos = this.pos;
    const count = ids === null ? n : ids.length;
    for (let j = 0; j < count; j++) {
      const h = ids === null ? j : ids[j]!;
      if (!(h < n)) throw new RangeError(`VcdWriter: unknown handle ${h}`);
      const x = values[h]!;
      if (x === seen[h]) continue;
      seen[h] = x;
      const m = max[h]!;
      const v = x < 0 ? x + m + 1 : x;
      if (!(v >= 0 && v <= m && Number.isInteger(v)) || (x < 0 && v <= m / 2)) this.bad(h, x);
      if (v === last[h]) continue;
      last[h] = v;
      if (this.timePending) {
        this.pos = pos;
        this.timeLine();
        pos = this.pos;
        this.timePending = false;
      }
      // the record, as emit() writes it
      if (widths[h] === 1) out[pos++] = v ? 49 : 48;
      else {
        out[pos++] = 98;
        pos = binDigits(dv, pos, v);
      }
      dv.setFloat64(pos, tail[h]!, true);
      pos += tailLen[h]!;
      if (pos >= limit) {
        this.pos = pos;
        this.flush();
        pos = 0;
      }
    }
    this.pos = pos;
  }

  /**
   * The step of changeSome(values, seen, ids) compiled for these handles (null: all): code
   * generated for their widths and identifier codes (vcd-step.ts), for a simulator that calls
   * the same sets of signals every step. Same output as changeSome; `ids` is copied.
   */
  compileStep(ids: Int32Array | null): StepWriter {
    if (!this.started) throw new Error('VcdWriter: compileStep() before begin()');
    const n = this.last.length;
    const handles = ids === null ? Int32Array.from({ length: n }, (_, h) => h) : Int32Array.from(ids);
    for (const h of handles) if (!(h >= 0 && h < n)) throw new RangeError(`VcdWriter: unknown handle ${h}`);
    const format = compileVcdStep(
      {
        out: this.out,
        dv: this.dv,
        digits: DIGITS,
        widths: this.widths,
        max: this.max,
        last: this.last,
        tails: this.tail,
        tailLen: this.tailLen,
        bad: (h, x) => this.bad(h, x),
      },
      handles,
    );
    return (values, seen) => {
      if (values.length < n || seen.length < n) throw new RangeError(`VcdWriter: changeAll needs ${n} values`);
      if (this.pos >= this.limit) this.flush();
      // the buffer has room for the step's worst case past the limit; the time line is written
      // ahead and dropped again if nothing changed (time stays pending)
      let p = this.pos;
      if (this.timePending) p = this.timeLineAt(p);
      const mark = p;
      p = format(values, seen, p);
      if (p !== mark) {
        this.pos = p;
        this.timePending = false;
      }
    };
  }

  private bad(h: number, x: number): never {
    throw new RangeError(`VcdWriter: ${x} does not fit ${this.names[h]} (${this.widths[h]} bits)`);
  }

  /** Flushes, writing a trailing time stamp if time advanced past the last change. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.begin();
    if (this.timePending) this.timeLine();
    this.flush();
    this.closed = true;
    fs.closeSync(this.fd);
  }

  /** '#now\n' */
  private timeLine(): void {
    this.pos = this.timeLineAt(this.pos);
  }

  /** '#now\n' at p; returns its end. */
  private timeLineAt(p: number): number {
    const out = this.out;
    const t = this.now;
    out[p++] = 35; // '#'
    let digits = 1;
    for (let d = 10; d <= t; d *= 10) digits++;
    let q = t;
    for (let i = p + digits - 1; i >= p; i--) {
      const d = q % 10;
      out[i] = 48 + d;
      q = (q - d) / 10;
    }
    p += digits;
    out[p++] = 10;
    return p;
  }

  /** One value change record: '0id' / '1id' for scalars, 'b<digits> id' for vectors. */
  private emit(h: number, v: number): void {
    const out = this.out;
    let pos = this.pos;
    if (this.widths[h] === 1) {
      out[pos++] = v ? 49 : 48;
    } else {
      out[pos++] = 98; // 'b'
      pos = binDigits(this.dv, pos, v);
    }
    // ' ' (vectors), the identifier code and '\n': up to 7 bytes stored as one float64
    this.dv.setFloat64(pos, this.tail[h]!, true);
    this.pos = pos + this.tailLen[h]!;
  }

  /** Header text, written through the buffer in pieces. */
  private text(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    for (let i = 0; i < bytes.length;) {
      if (this.pos >= this.limit) this.flush();
      const k = Math.min(bytes.length - i, this.limit - this.pos);
      this.out.set(bytes.subarray(i, i + k), this.pos);
      this.pos += k;
      i += k;
    }
  }

  private checkDeclared(h: number, value: number): number {
    const width = this.widthList[h];
    if (h === undefined || width === undefined) throw new RangeError(`VcdWriter: unknown handle ${h}`);
    const max = 2 ** width - 1;
    const v = value < 0 ? value + max + 1 : value;
    if (!(v >= 0 && v <= max && Number.isInteger(v)) || (value < 0 && v <= max / 2)) {
      throw new RangeError(`VcdWriter: ${value} does not fit ${this.names[h]} (${width} bits)`);
    }
    return v;
  }

  private flush(): void {
    if (this.pos > 0) {
      let off = 0;
      writingTo(this.path, () => {
        while (off < this.pos) off += fs.writeSync(this.fd, this.out, off, this.pos - off);
      });
    }
    this.pos = 0;
  }
}
