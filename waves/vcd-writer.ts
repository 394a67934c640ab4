/**
 * Streaming VCD writer (IEEE 1364-2005 §18). Text is gathered in one string chunk and written
 * with fs.writeSync once it passes `chunkChars`, so memory stays bounded on long runs.
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
 */
import * as fs from 'node:fs';
import { InputError, isErrnoException } from '../harness/errors.ts';

export interface VcdWriterOptions {
  /** e.g. '1ns', '10ps'. */
  timescale?: string;
  version?: string;
  /** Defaults to the current date; fixed strings make dumps reproducible. */
  date?: string;
  /** Buffered characters before a write to disk. */
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

export class VcdWriter {
  private readonly fd: number;
  private readonly opts: Required<VcdWriterOptions>;
  private readonly root: Scope = { name: '', scopes: new Map(), vars: [] };
  private readonly names: string[] = [];
  private readonly widths: number[] = [];
  private readonly max: number[] = []; // largest bit pattern, 2^width - 1
  private readonly last: number[] = [];
  private readonly suffix: string[] = []; // ' id\n' for vectors, 'id\n' for scalars
  private buf = '';
  private now = 0;
  private timePending = false;
  private started = false;
  private closed = false;

  constructor(readonly path: string, opts: VcdWriterOptions = {}) {
    this.opts = {
      timescale: opts.timescale ?? '1ns',
      version: opts.version ?? 'headsim',
      date: opts.date ?? new Date().toUTCString(),
      chunkChars: opts.chunkChars ?? 1 << 16,
    };
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
    this.widths.push(width);
    this.max.push(2 ** width - 1);
    this.last.push(0);
    this.suffix.push(width === 1 ? `${vcdId(h)}\n` : ` ${vcdId(h)}\n`);
    scope.vars.push(h);
    this.last[h] = this.check(h, init);
    return h;
  }

  /** Writes the header and the $dumpvars block with the current (initial) values. */
  begin(): void {
    if (this.started) return;
    this.started = true;
    const o = this.opts;
    let s = `$date\n  ${o.date}\n$end\n$version\n  ${o.version}\n$end\n$timescale ${o.timescale} $end\n`;
    const walk = (sc: Scope, indent: string): void => {
      for (const h of sc.vars) {
        const w = this.widths[h];
        const leaf = this.names[h].slice(this.names[h].lastIndexOf('.') + 1);
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
    this.buf += s;
    for (let h = 0; h < this.names.length; h++) this.emit(h, this.last[h]);
    this.buf += '$end\n';
    this.timePending = false;
    this.flushIfFull();
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
    if (value === this.last[h]) return;
    const v = this.check(h, value);
    if (v === this.last[h]) return;
    this.last[h] = v;
    if (!this.started) return;
    if (this.timePending) {
      this.buf += `#${this.now}\n`;
      this.timePending = false;
    }
    this.emit(h, v);
    if (this.buf.length >= this.opts.chunkChars) this.flush();
  }

  /** Flushes, writing a trailing time stamp if time advanced past the last change. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.begin();
    if (this.timePending) this.buf += `#${this.now}\n`;
    this.flush();
    this.closed = true;
    fs.closeSync(this.fd);
  }

  private emit(h: number, v: number): void {
    this.buf += this.widths[h] === 1 ? (v ? '1' : '0') + this.suffix[h] : 'b' + v.toString(2) + this.suffix[h];
  }

  private check(h: number, value: number): number {
    if (h === undefined || this.max[h] === undefined) throw new RangeError(`VcdWriter: unknown handle ${h}`);
    const max = this.max[h];
    const v = value < 0 ? value + max + 1 : value;
    if (!(v >= 0 && v <= max && Number.isInteger(v)) || (value < 0 && v <= max / 2)) {
      throw new RangeError(`VcdWriter: ${value} does not fit ${this.names[h]} (${this.widths[h]} bits)`);
    }
    return v;
  }

  private flushIfFull(): void {
    if (this.buf.length >= this.opts.chunkChars) this.flush();
  }

  private flush(): void {
    if (this.buf.length > 0) fs.writeSync(this.fd, this.buf);
    this.buf = '';
  }
}
