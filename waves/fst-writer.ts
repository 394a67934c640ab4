/**
 * Streaming FST writer: GTKWave's binary dump format (fstapi.c, the writer Verilator's
 * --trace-fst uses), written directly from the simulation's values, so no text is formatted
 * and no converter process runs. Same API and hierarchy as VcdWriter (waves/open-wave-writer.ts): names
 * under a `TOP` scope, vectors named `leaf [msb:0]` as Verilator names them.
 *
 * Layout (fstapi.c): a header block, value-change blocks, then the geometry (widths) and the
 * hierarchy. A value-change block holds the values at its start (the frame, one ASCII digit per
 * bit), each signal's changes as one chunk (1-bit: varint(Δidx·4 + v·2); wider:
 * varint(Δidx·2) then the bits packed MSB first, left-aligned), a position table of the
 * chunks, and the block's time table (Δt varints). Δidx counts time-table entries since the
 * signal's previous change in the block.
 *
 * Cost: a change is one varint and a few bytes appended to its signal's buffer. Chunks are
 * stored raw (fstapi's "uncompressed" chunk encoding) unless `compress` is set: zlib in this
 * thread costs more than the simulation itself (bench/optimizations.md §2). Memory is bounded
 * by `blockBytes`: a full block is written out at the next time step (a reader holds a block's
 * decoded changes: small blocks keep both sides small).
 */
import * as fs from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { InputError, isErrnoException } from '../lib/errors.ts';
import { writingTo } from '../lib/files.ts';
import type { StepWriter, WaveWriter, WaveWriterOptions } from './wave-writer-api.ts';
import { compileFstStep, growChunk, type FstStepTarget } from './fst-step.ts';
import {
  BL_GEOM,
  BL_HDR,
  BL_HIER,
  BL_VCDATA_DYN_ALIAS2,
  Bytes,
  HDR_BYTES,
  packBits,
  ST_SCOPE,
  ST_UPSCOPE,
  ST_VCD_MODULE,
  timescaleExponent,
  varintLength,
  VD_IMPLICIT,
  VT_VCD_WIRE,
} from './fst-format.ts';

export interface FstWriterOptions extends WaveWriterOptions {
  /** Change bytes held before a block is written (default 4 MiB: ~7,500 cycles of the seed head, as Verilator's blocks). */
  blockBytes?: number;
  /** zlib level for signal chunks larger than 32 bytes (1–9), or 0: raw (default). */
  compress?: number;
}

interface Scope {
  scopes: Map<string, Scope>;
  vars: number[];
}

export class FstWriter implements WaveWriter {
  private readonly fd: number;
  private readonly opts: Required<FstWriterOptions>;
  private readonly names: string[] = [];
  private readonly widthList: number[] = [];
  private readonly initList: number[] = [];
  private readonly root: Scope = { scopes: new Map(), vars: [] };
  // per handle, frozen at begin()
  private widths = new Int32Array(0);
  private max = new Float64Array(0);
  /** last value (unsigned bit pattern) */
  private last = new Float64Array(0);
  /** bytes of a packed vector value, and the left shift that aligns it to them */
  private nbytes = new Uint8Array(0);
  /** time-table index of the signal's last change in this block */
  private lastIdx = new Int32Array(0);
  private chunks: Uint8Array[] = [];
  /** handles changed in one changeSome call */
  private scratch = new Int32Array(0);
  private scratchValues = new Float64Array(0);
  private lens = new Int32Array(0);
  /** FST handle order (the hierarchy's order): order[k] = handle */
  private order: number[] = [];

  private readonly times = new Bytes(1 << 16);
  private tCount = 0;
  private tLast = 0;
  private blockStart = 0;
  private frame: Uint8Array = new Uint8Array(0);
  private used = 0;
  private blocks = 0;
  private fileEnd = HDR_BYTES;
  private firstTime = 0;
  private now = 0;
  private timePending = false;
  private started = false;
  private closed = false;
  private scopes = 0;

  constructor(
    readonly path: string,
    opts: FstWriterOptions = {},
  ) {
    this.opts = {
      timescale: opts.timescale ?? '1ns',
      version: opts.version ?? 'headsim',
      date: opts.date ?? new Date().toUTCString(),
      blockBytes: opts.blockBytes ?? 4 << 20,
      compress: opts.compress ?? 0,
    };
    timescaleExponent(this.opts.timescale);
    try {
      this.fd = fs.openSync(path, 'w');
    } catch (e) {
      if (isErrnoException(e)) throw new InputError(`cannot write FST ${path}: ${e.code}`);
      throw e;
    }
  }

  declare(name: string, width: number, init = 0): number {
    if (this.started) throw new Error(`FstWriter: declare('${name}') after begin()`);
    if (!Number.isInteger(width) || width < 1 || width > 53) throw new RangeError(`FstWriter: width of ${name} must be 1..53, got ${width}`);
    const parts = name.split('.');
    if (parts.some((p) => p === '' || /\s/.test(p))) throw new RangeError(`FstWriter: bad signal name '${name}'`);
    let scope = this.root;
    for (const p of parts.slice(0, -1)) {
      let next = scope.scopes.get(p);
      if (!next) scope.scopes.set(p, (next = { scopes: new Map(), vars: [] }));
      scope = next;
    }
    const h = this.names.length;
    this.names.push(name);
    this.widthList.push(width);
    this.initList.push(this.fit(h, width, init));
    scope.vars.push(h);
    return h;
  }

  begin(): void {
    if (this.started) return;
    this.started = true;
    const n = this.names.length;
    this.widths = Int32Array.from(this.widthList);
    this.max = Float64Array.from(this.widthList, (w) => 2 ** w - 1);
    this.last = Float64Array.from(this.initList);
    this.nbytes = Uint8Array.from(this.widthList, (w) => (w + 7) >> 3);
    this.lastIdx = new Int32Array(n);
    this.scratch = new Int32Array(n);
    this.scratchValues = new Float64Array(n);
    this.lens = new Int32Array(n);
    this.chunks = this.widthList.map((w) => new Uint8Array(w === 1 ? 64 : 256));
    const walk = (sc: Scope): void => {
      this.order.push(...sc.vars);
      for (const child of sc.scopes.values()) walk(child);
    };
    walk(this.root);
    this.firstTime = this.now;
    this.timePending = false;
    this.writeAt(new Uint8Array(HDR_BYTES), 0); // placeholder, rewritten by close()
    this.startBlock();
    // Readers take the first block's values from changes at its first time (as Verilator's
    // full first dump writes them), not from its frame.
    for (const h of this.order) this.record(h, this.last[h]!);
  }

  time(t: number): void {
    if (t === this.now) return;
    if (!(t > this.now) || !Number.isSafeInteger(t)) throw new RangeError(`FstWriter: time must be an integer >= ${this.now}, got ${t}`);
    this.now = t;
    this.timePending = true;
  }

  change(h: number, value: number): void {
    const w = this.widthList[h];
    if (w === undefined) throw new RangeError(`FstWriter: unknown handle ${h}`);
    const v = this.fit(h, w, value);
    if (!this.started) {
      this.initList[h] = v;
      return;
    }
    if (v === this.last[h]) return;
    if (this.timePending) this.timeEntry(); // may start a block, whose frame holds the values before this one
    this.last[h] = v;
    this.record(h, v);
  }

  changeAll(values: ArrayLike<number>, seen: Float64Array): void {
    this.changeSome(values, seen, null);
  }

  changeSome(values: ArrayLike<number>, seen: Float64Array, ids: Int32Array | null): void {
    if (!this.started) {
      for (let h = 0; h < this.names.length; h++) this.change(h, (seen[h] = values[h]!));
      return;
    }
    const n = this.last.length;
    if (values.length < n || seen.length < n) throw new RangeError(`FstWriter: changeAll needs ${n} values`);
    const { last, max, widths, nbytes, lastIdx, lens, chunks } = this;
    const count = ids === null ? n : ids.length;
    // pass 1: which values changed (and are valid); pass 2: their records
    const changed = this.scratch;
    const vals = this.scratchValues;
    let nc = 0;
    for (let j = 0; j < count; j++) {
      const h = ids === null ? j : ids[j]!;
      if (!(h < n)) throw new RangeError(`FstWriter: unknown handle ${h}`);
      const x = values[h]!;
      if (x === seen[h]) continue;
      seen[h] = x;
      const m = max[h]!;
      const v = x < 0 ? x + m + 1 : x;
      if (!(v >= 0 && v <= m && Number.isInteger(v)) || (x < 0 && v <= m / 2)) this.bad(h, x);
      if (v === last[h]) continue;
      changed[nc++] = h;
      vals[nc - 1] = v;
    }
    if (nc === 0) return;
    if (this.timePending) this.timeEntry(); // may start a block, whose frame holds the values before these
    for (let j = 0; j < nc; j++) last[changed[j]!] = vals[j]!;
    const idx = this.tCount - 1;
    let used = 0;
    for (let j = 0; j < nc; j++) {
      const h = changed[j]!;
      const v = vals[j]!;
      const w = widths[h]!;
      const delta = idx - lastIdx[h]!;
      lastIdx[h] = idx;
      let p = lens[h]!;
      let buf = chunks[h]!;
      if (p + 16 > buf.length) buf = this.grow(h, p);
      const start = p;
      let u = w === 1 ? (delta << 2) | (v << 1) : delta << 1;
      while (u >= 128) {
        buf[p++] = (u & 127) | 128;
        u >>>= 7;
      }
      buf[p++] = u;
      if (w > 1) {
        const nb = nbytes[h]!;
        if (w <= 32) {
          const xs = (v << (nb * 8 - w)) >>> 0; // v < 2^w: the int32 shift keeps every bit
          if (nb === 4) buf[p++] = xs >>> 24;
          if (nb >= 3) buf[p++] = (xs >>> 16) & 255;
          if (nb >= 2) buf[p++] = (xs >>> 8) & 255;
          buf[p++] = xs & 255;
        } else p = packBits(buf, p, v, w, nb);
      }
      lens[h] = p;
      used += p - start;
    }
    this.used += used;
  }

  /**
   * The step of changeSome(values, seen, ids) compiled for these handles (null: all), code
   * generated for their widths (fst-step.ts). Same output as changeSome; `ids` is copied.
   */
  compileStep(ids: Int32Array | null): StepWriter {
    if (!this.started) throw new Error('FstWriter: compileStep() before begin()');
    const n = this.last.length;
    const list = ids === null ? Int32Array.from({ length: n }, (_, h) => h) : Int32Array.from(ids);
    for (const h of list) if (!(h >= 0 && h < n)) throw new RangeError(`FstWriter: unknown handle ${h}`);
    const code = compileFstStep(this.widths, list);
    const t: FstStepTarget = {
      widths: this.widths,
      max: this.max,
      last: this.last,
      nbytes: this.nbytes,
      lastIdx: this.lastIdx,
      chunks: this.chunks,
      lens: this.lens,
      bad: (h, x) => this.bad(h, x),
    };
    return (values, seen) => {
      if (values.length < n || seen.length < n) throw new RangeError(`FstWriter: changeAll needs ${n} values`);
      if (!this.timePending) {
        this.used += code(t, list, values, seen, this.tCount - 1);
        return;
      }
      // a full block is written at the step's first change: changeSome does that (once a block)
      if (this.used >= this.opts.blockBytes) return this.changeSome(values, seen, list);
      // the time-table entry ahead of the changes, taken back if there is none
      const { times, tLast } = this;
      const len = times.len;
      times.varint(this.now - tLast);
      this.tLast = this.now;
      this.tCount++;
      const used = code(t, list, values, seen, this.tCount - 1);
      if (used > 0) {
        this.used += used;
        this.timePending = false;
      } else {
        times.len = len;
        this.tLast = tLast;
        this.tCount--;
      }
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.begin();
    if (this.timePending) this.timeEntry();
    if (this.blocks === 0 || this.used > 0 || this.tCount > 1) this.flushBlock();
    this.closed = true;
    this.writeGeometry();
    this.writeHierarchy();
    this.writeHeader();
    fs.closeSync(this.fd);
  }

  /** Appends one change of handle h (value v, unsigned) at the current time. */
  private record(h: number, v: number): void {
    if (this.timePending) this.timeEntry();
    const idx = this.tCount - 1;
    const lastIdx = this.lastIdx;
    const delta = idx - lastIdx[h]!;
    lastIdx[h] = idx;
    const lens = this.lens;
    let p = lens[h]!;
    let buf = this.chunks[h]!;
    if (p + 16 > buf.length) buf = this.grow(h, p);
    const start = p;
    const w = this.widths[h]!;
    let u = w === 1 ? delta * 4 + v * 2 : delta * 2;
    if (u < 128) buf[p++] = u;
    else if (u < 2 ** 31) {
      do {
        buf[p++] = (u & 127) | 128;
        u >>>= 7;
      } while (u >= 128);
      buf[p++] = u;
    } else {
      while (u >= 128) {
        buf[p++] = (u % 128) | 128;
        u = Math.floor(u / 128);
      }
      buf[p++] = u;
    }
    if (w > 1) p = packBits(buf, p, v, w, this.nbytes[h]!);
    lens[h] = p;
    this.used += p - start;
  }

  private grow(h: number, len: number): Uint8Array {
    return growChunk(this.chunks, h, len);
  }

  /** A time-table entry for `now`; a full block is written first. */
  private timeEntry(): void {
    this.timePending = false;
    if (this.used >= this.opts.blockBytes) {
      this.flushBlock();
      this.startBlock();
    }
    this.times.varint(this.now - this.tLast);
    this.tLast = this.now;
    this.tCount++;
  }

  /** A block starts at the last time-table time with the current values as its frame. */
  private startBlock(): void {
    this.blockStart = this.tCount === 0 ? this.now : this.tLast;
    const frame = new Uint8Array(this.widths.reduce((a, w) => a + w, 0));
    let p = 0;
    for (const h of this.order) {
      const w = this.widths[h]!;
      const v = this.last[h]!;
      for (let b = w - 1; b >= 0; b--) frame[p++] = 48 + (Math.floor(v / 2 ** b) % 2);
    }
    this.frame = frame;
    this.times.len = 0;
    this.times.varint(this.blockStart);
    this.tLast = this.blockStart;
    this.tCount = 1;
    this.lens.fill(0);
    this.lastIdx.fill(0);
    this.used = 0;
  }

  private flushBlock(): void {
    let any = false;
    for (let h = 0; h < this.lens.length; h++) if (this.lens[h]! > 0) any = true;
    // A block without any change would have an empty position table, which readers misparse:
    // repeat one value at the block's last time (readers see no change).
    if (!any && this.order.length) this.record(this.order[0]!, this.last[this.order[0]!]!);
    const n = this.order.length;
    const vc = new Bytes(this.used + 64 + n * 4);
    vc.varint(n);
    vc.u8('Z'.charCodeAt(0));
    const pos = new Float64Array(n);
    let memreq = 0;
    for (let k = 0; k < n; k++) {
      const h = this.order[k]!;
      const len = this.lens[h]!;
      if (len === 0) continue;
      pos[k] = vc.len - varintLength(n); // offset from the pack-type byte (the first chunk is at 1)
      const data = this.chunks[h]!.subarray(0, len);
      memreq += len;
      let packed: Uint8Array | null = null;
      if (this.opts.compress > 0 && len > 32) {
        const z = deflateSync(data, { level: this.opts.compress });
        if (z.length < len) packed = z;
      }
      vc.varint(packed ? len : 0);
      vc.bytes(packed ?? data);
    }
    const chain = new Bytes(n * 2 + 16);
    let prev = 0;
    let zeros = 0;
    for (let k = 0; k < n; k++) {
      if (this.lens[this.order[k]!] === 0) {
        zeros++;
        continue;
      }
      if (zeros) chain.varint(zeros * 2);
      zeros = 0;
      chain.svarint((pos[k]! - prev) * 2 + 1);
      prev = pos[k]!;
    }
    if (zeros) chain.varint(zeros * 2);
    vc.bytes(chain.view());
    vc.u64(chain.len);
    const times = this.times.view();
    const tz = deflateSync(times, { level: 9 });
    vc.bytes(tz.length < times.length ? tz : times);
    vc.u64(times.length);
    vc.u64(Math.min(tz.length, times.length));
    vc.u64(this.tCount);

    const frameZ = deflateSync(this.frame, { level: 4 });
    const frame = frameZ.length < this.frame.length ? frameZ : this.frame;
    const head = new Bytes(64 + frame.length);
    head.u8(BL_VCDATA_DYN_ALIAS2);
    head.u64(0); // section length, below
    head.u64(this.blockStart);
    head.u64(this.tLast);
    head.u64(memreq);
    head.varint(this.frame.length);
    head.varint(frame.length);
    head.varint(n);
    head.bytes(frame);
    const seclen = head.len - 1 + vc.len;
    new DataView(head.buf.buffer, head.buf.byteOffset).setUint32(1, Math.floor(seclen / 2 ** 32));
    new DataView(head.buf.buffer, head.buf.byteOffset).setUint32(5, seclen >>> 0);
    this.append(head.view());
    this.append(vc.view());
    this.blocks++;
  }

  private writeGeometry(): void {
    const g = new Bytes(this.order.length * 2);
    for (const h of this.order) g.varint(this.widths[h]!);
    const raw = g.view();
    const z = deflateSync(raw, { level: 9 });
    const data = z.length < raw.length ? z : raw;
    const b = new Bytes(32 + data.length);
    b.u8(BL_GEOM);
    b.u64(data.length + 24);
    b.u64(raw.length);
    b.u64(this.order.length);
    b.bytes(data);
    this.append(b.view());
  }

  private writeHierarchy(): void {
    const hier = new Bytes(1 << 12);
    const scope = (name: string) => {
      hier.u8(ST_SCOPE);
      hier.u8(ST_VCD_MODULE);
      hier.cstr(name);
      hier.cstr('');
      this.scopes++;
    };
    const walk = (sc: Scope): void => {
      for (const h of sc.vars) {
        const w = this.widths[h]!;
        const leaf = this.names[h]!.slice(this.names[h]!.lastIndexOf('.') + 1);
        hier.u8(VT_VCD_WIRE);
        hier.u8(VD_IMPLICIT);
        hier.cstr(w > 1 ? `${leaf} [${w - 1}:0]` : leaf);
        hier.varint(w);
        hier.varint(0);
      }
      for (const [name, child] of sc.scopes) {
        scope(name);
        walk(child);
        hier.u8(ST_UPSCOPE);
      }
    };
    scope('TOP');
    walk(this.root);
    hier.u8(ST_UPSCOPE);
    const z = gzipSync(hier.view(), { level: 4 });
    const b = new Bytes(32 + z.length);
    b.u8(BL_HIER);
    b.u64(z.length + 16);
    b.u64(hier.len);
    b.bytes(z);
    this.append(b.view());
  }

  private writeHeader(): void {
    const b = new Bytes(HDR_BYTES);
    b.u8(BL_HDR);
    b.u64(HDR_BYTES - 1);
    b.u64(this.firstTime);
    b.u64(this.tLast);
    const e = new Uint8Array(8);
    new DataView(e.buffer).setFloat64(0, Math.E, true);
    b.bytes(e);
    b.u64(this.opts.blockBytes);
    b.u64(this.scopes);
    b.u64(this.order.length);
    b.u64(this.order.length);
    b.u64(this.blocks);
    b.u8(timescaleExponent(this.opts.timescale) & 255);
    const fixed = (s: string, size: number) => {
      const f = new Uint8Array(size);
      f.set(Buffer.from(s, 'utf8').subarray(0, size - 1));
      b.bytes(f);
    };
    fixed(this.opts.version, 128);
    fixed(this.opts.date, 119);
    b.u8(0); // FST_FT_VERILOG
    b.u64(0); // timezero
    this.writeAt(b.view(), 0);
  }

  private append(bytes: Uint8Array): void {
    this.writeAt(bytes, this.fileEnd);
    this.fileEnd += bytes.length;
  }

  private writeAt(bytes: Uint8Array, at: number): void {
    let off = 0;
    writingTo(this.path, () => {
      while (off < bytes.length) off += fs.writeSync(this.fd, bytes, off, bytes.length - off, at + off);
    });
  }

  private fit(h: number, width: number, value: number): number {
    const max = 2 ** width - 1;
    const v = value < 0 ? value + max + 1 : value;
    if (!(v >= 0 && v <= max && Number.isInteger(v)) || (value < 0 && v <= max / 2)) this.bad(h, value);
    return v;
  }

  private bad(h: number, x: number): never {
    throw new RangeError(`FstWriter: ${x} does not fit ${this.names[h]} (${this.widthList[h]} bits)`);
  }
}
