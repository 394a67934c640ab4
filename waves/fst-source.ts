/**
 * FST read natively, block by block, decoding only the signals asked for (`want`): the same
 * pull interface as VcdSource (dump-source.ts), with no text in between, so diffing two long
 * FSTs costs per change of the compared signals, not per byte of a VCD rendering.
 *
 * Supported: what fstapi writes (GTKWave's vcd2fst, Verilator's --trace-fst, FstWriter):
 * header, geometry, hierarchy (gzip, LZ4, LZ4 twice), value-change blocks with the
 * DYN_ALIAS2 position table and zlib- or LZ4-packed or raw chunks. Anything else (a
 * gzip-wrapped file, fastlz packing, older block types) makes `open` return null, and the
 * caller reads the file through fst2vcd instead. A file cut short (no hierarchy at its end) is
 * an InputError: FST keeps its declarations after the data. The blocks are decoded by
 * fst-block.ts; this file reads the file's layout, geometry, hierarchy and blackouts and
 * delivers the changes.
 */
import * as fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError, isErrnoException } from '../lib/errors.ts';
import { breather } from '../lib/limits.ts';
import { lz4Decompress } from './lz4.ts';
import { bounded, decodeBlock, inflate, type Block, type DecodedBlock } from './fst-block.ts';
import { BL_BLACKOUT, BL_GEOM, BL_HDR, BL_HIER, BL_HIER_LZ4, BL_HIER_LZ4DUO, BL_VCDATA_DYN_ALIAS2, Cursor, ST_ATTRBEGIN, ST_ATTREND, ST_SCOPE, ST_UPSCOPE, timescaleOf, u64, VC_BLOCKS } from './fst-format.ts';
import type { DumpSource } from './dump.ts';
import { declaredName, fullName, type VcdValue, type VcdVar } from './vcd-source.ts';

/** Changes emitted per step: bounds what a consumer buffers when the other dump lags. */
const SLICE = 1 << 18;

export class FstSource implements DumpSource {
  vars: VcdVar[] = [];
  timescale = '';
  done = false;

  private byHandle: number[][] = []; // handle (1-based) → var indices
  private lens: number[] = []; // bits per handle (1-based), 0: real or variable length
  /** [from, to) intervals with the dump off */
  private off: Array<[number, number]> = [];
  private wanted: Uint8Array = new Uint8Array(0);
  private onChange: (v: number, time: number, value: VcdValue) => void = () => {};
  private next = 0; // next block
  /** the current block, decoded and sorted by time (fst-block.ts) */
  private cur: DecodedBlock | null = null;

  private constructor(
    private readonly path: string,
    private readonly fd: number,
    private readonly blocks: Block[],
  ) {}

  /** Opens an FST; null when it uses a feature this reader leaves to fst2vcd. */
  static open(path: string): FstSource | null {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (e) {
      if (isErrnoException(e)) throw new InputError(`cannot read dump ${path}: ${e.code}`);
      throw e;
    }
    try {
      const src = FstSource.scan(path, fd);
      if (!src) fs.closeSync(fd);
      return src;
    } catch (e) {
      fs.closeSync(fd);
      if (e instanceof InputError) throw e;
      throw new InputError(`${path}: unreadable FST (${(e as Error).message})`);
    }
  }

  private static scan(path: string, fd: number): FstSource | null {
    const size = fs.fstatSync(fd).size;
    const read = (pos: number, len: number): Uint8Array => {
      const b = Buffer.allocUnsafe(bounded(len, 'a section length'));
      const n = fs.readSync(fd, b, 0, len, pos);
      if (n < len) throw new InputError(`${path}: truncated FST (a block runs past the end of the file)`);
      return b;
    };
    const hdr = read(0, 330);
    if (hdr[0] !== BL_HDR) return null;
    const blocks: Block[] = [];
    let geom: Block | null = null;
    let hier: { b: Block; type: number } | null = null;
    let blackout: Block | null = null;
    for (let pos = 0; pos < size; ) {
      const head = read(pos, 9);
      const type = head[0]!;
      const len = u64(head, 1);
      if (type === 255) throw new InputError(`${path}: truncated FST (a block was being written when it ended)`);
      if (len < 8 || pos + 1 + len > size) throw new InputError(`${path}: truncated FST (a block runs past the end of the file)`);
      const b = { pos: pos + 1, len };
      if (VC_BLOCKS.has(type)) {
        if (type !== BL_VCDATA_DYN_ALIAS2) return null;
        blocks.push(b);
      } else if (type === BL_GEOM) geom = b;
      else if (type === BL_HIER || type === BL_HIER_LZ4 || type === BL_HIER_LZ4DUO) hier = { b, type };
      else if (type === BL_BLACKOUT) blackout = b;
      else if (type !== BL_HDR) return null;
      pos += 1 + len;
    }
    if (!geom || !hier) throw new InputError(`${path}: truncated FST (no ${!hier ? 'hierarchy' : 'geometry'}: the writer did not finish)`);
    const src = new FstSource(path, fd, blocks);
    const exp = (hdr[73]! << 24) >> 24;
    if (exp > 2 || exp < -15) return null;
    src.timescale = timescaleOf(exp);
    src.readGeometry(read(geom.pos, geom.len));
    src.readHierarchy(read(hier.b.pos, hier.b.len), hier.type);
    src.wanted = new Uint8Array(src.lens.length).fill(1);
    if (blackout) src.readBlackouts(read(blackout.pos, blackout.len));
    for (const b of blocks) {
      // each block's pack type: fastlz is left to fst2vcd
      const c = new Cursor(read(b.pos + 32, Math.min(64, b.len - 31)));
      c.varint();
      const frameLen = c.varint();
      c.varint();
      const at = b.pos + 32 + c.p + frameLen;
      const d = new Cursor(read(at, 12));
      d.varint();
      const pack = String.fromCharCode(d.b[d.p]!);
      if (pack === 'F') return null;
    }
    return src;
  }

  /**
   * $dumpoff/$dumpon times (Icarus writes them, with x for every signal at the $dumpoff): the
   * changes inside an off interval are not delivered, as VCD readers skip a $dumpoff section.
   */
  private readBlackouts(b: Uint8Array): void {
    const c = new Cursor(b, 8);
    const n = c.varint();
    let t = 0;
    let offAt = -1;
    for (let i = 0; i < n; i++) {
      const active = b[c.p++]!;
      t += c.varint();
      if (!active && offAt < 0) offAt = t;
      else if (active && offAt >= 0) {
        this.off.push([offAt, t]);
        offAt = -1;
      }
    }
    if (offAt >= 0) this.off.push([offAt, Infinity]);
  }

  private isOff(t: number): boolean {
    for (const [a, b] of this.off) if (t >= a && t < b) return true;
    return false;
  }

  private readGeometry(b: Uint8Array): void {
    const ulen = u64(b, 8);
    const max = u64(b, 16);
    const data = b.subarray(24);
    const raw = data.length === ulen ? data : inflate(data, ulen);
    const c = new Cursor(raw);
    this.lens = [0];
    if (max > raw.length) throw new RangeError(`geometry declares ${max} signals in ${raw.length} bytes`);
    for (let h = 1; h <= max; h++) {
      const l = c.varint();
      this.lens.push(l === 0xffffffff ? 0 : l);
    }
  }

  private readHierarchy(b: Uint8Array, type: number): void {
    const ulen = u64(b, 8);
    let raw: Uint8Array;
    if (type === BL_HIER) raw = gunzipSync(b.subarray(16), { maxOutputLength: Math.max(1, bounded(ulen, 'the hierarchy size')) });
    else if (type === BL_HIER_LZ4) raw = lz4Decompress(b.subarray(16), bounded(ulen, 'the hierarchy size'));
    else {
      const c = new Cursor(b, 16);
      const once = c.varint();
      raw = lz4Decompress(lz4Decompress(b.subarray(c.p), bounded(once, 'the hierarchy size')), bounded(ulen, 'the hierarchy size'));
    }
    const c = new Cursor(raw);
    const scopes: string[] = [];
    let handles = 0;
    this.byHandle = [[]];
    while (c.p < raw.length) {
      const tag = raw[c.p++]!;
      if (tag === ST_SCOPE) {
        c.p++;
        scopes.push(c.cstr());
        c.cstr();
      } else if (tag === ST_UPSCOPE) scopes.pop();
      else if (tag === ST_ATTRBEGIN) {
        c.p += 2;
        c.cstr();
        c.varint();
      } else if (tag === ST_ATTREND) continue;
      else {
        c.p++; // direction
        const name = c.cstr();
        const len = c.varint();
        const alias = c.varint();
        const h = alias || ++handles;
        (this.byHandle[h] ??= []).push(this.vars.length);
        const real = tag === 3 || tag === 4 || tag === 20 || tag === 29 || tag === 21;
        const leaf = name.replace(/\s+\[\d+:\d+\]$/, '');
        this.vars.push({ name: fullName(scopes, leaf), width: real ? 0 : len, id: String(h), declared: declaredName(scopes, leaf) });
      }
    }
  }

  /** Only these vars (indices into `vars`) are decoded; call before the first step. */
  want(vars: Iterable<number>): void {
    this.wanted.fill(0);
    for (const i of vars) this.wanted[Number(this.vars[i]!.id)] = 1;
  }

  listen(onChange: (v: number, time: number, value: VcdValue) => void): void {
    this.onChange = onChange;
  }

  /** Every change before this time has been delivered. */
  frontier(): number {
    if (this.done) return Infinity;
    const c = this.cur;
    if (!c) return -1;
    return c.at < c.n ? c.times[c.ti[c.at]!]! : c.end;
  }

  async step(): Promise<boolean> {
    if (this.done) return false;
    await breather(); // a step decodes a block or delivers a slice: the event loop turns in between (signals)
    if (!this.cur || this.cur.at >= this.cur.n) {
      if (this.next >= this.blocks.length) {
        this.close();
        return false;
      }
      try {
        this.cur = this.decode(this.next);
      } catch (e) {
        this.close();
        if (e instanceof InputError) throw e;
        throw new InputError(`${this.path}: unreadable FST block ${this.next} (${(e as Error).message})`);
      }
      this.next++;
    }
    const c = this.cur;
    // a slice ends at a time boundary, so that a time step is delivered whole
    let stop = Math.min(c.n, c.at + SLICE);
    while (stop < c.n && c.ti[stop] === c.ti[stop - 1]) stop++;
    const { h, num, ti, times, other } = c;
    const by = this.byHandle;
    const on = this.onChange;
    for (let i = c.at; i < stop; i++) {
      const vars = by[h[i]!]!;
      const v = other.size && other.has(i) ? other.get(i)! : num[i]!;
      const t = times[ti[i]!]!;
      if (this.off.length && this.isOff(t)) continue;
      for (let j = 0; j < vars.length; j++) on(vars[j]!, t, v);
    }
    c.at = stop;
    return true;
  }

  close(): void {
    if (!this.done) fs.closeSync(this.fd);
    this.done = true;
  }

  /** Block `index`: the wanted signals' changes, sorted by time. */
  private decode(index: number): DecodedBlock {
    const read = (pos: number, len: number): Uint8Array => {
      const buf = Buffer.allocUnsafe(bounded(len, 'a section length'));
      if (fs.readSync(this.fd, buf, 0, len, pos) < len) throw new RangeError('short read');
      return buf;
    };
    const signals = { lens: this.lens, wanted: this.wanted };
    return decodeBlock(read, this.blocks[index]!, signals, { first: index === 0, last: index === this.blocks.length - 1, where: `${this.path}: block ${index}` });
  }
}
