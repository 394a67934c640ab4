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
 * an InputError: FST keeps its declarations after the data.
 */
import * as fs from 'node:fs';
import { gunzipSync, inflateSync } from 'node:zlib';
import { InputError, isErrnoException } from '../lib/errors.ts';
import { breather } from '../lib/limits.ts';
import { lz4Decompress } from './lz4.ts';
import { BL_BLACKOUT, BL_GEOM, BL_HDR, BL_HIER, BL_HIER_LZ4, BL_HIER_LZ4DUO, BL_VCDATA_DYN_ALIAS2, Cursor, ST_ATTRBEGIN, ST_ATTREND, ST_SCOPE, ST_UPSCOPE, timescaleOf, u64, VC_BLOCKS } from './fst-format.ts';
import { Changes, digits, packed, packedNumber } from './fst-values.ts';
import type { DumpSource } from './dump.ts';
import { declaredName, fullName, type VcdValue, type VcdVar } from './vcd-source.ts';

/** FST_RCV_* codes of 1-bit non-0/1 values, in order: x z h u w l - */
const RCV: VcdValue[] = ['x', 'z', 1, 'x', 'x', 0, 'x'];
/** Changes emitted per step: bounds what a consumer buffers when the other dump lags. */
const SLICE = 1 << 18;
/**
 * Bounds on what one section may make this reader hold (fstapi writes blocks of at most about
 * 128 MiB of changes): sizes and counts read from the file are checked against them before
 * anything is allocated, so a damaged or hostile file cannot grow the process past them.
 */
const MAX_SECTION_BYTES = 256 * 2 ** 20;
const MAX_BLOCK_CHANGES = 1 << 23;

/** A size or count from the file, checked before it is allocated or decompressed. */
function bounded(n: number, what: string): number {
  if (!(n >= 0 && n <= MAX_SECTION_BYTES)) throw new RangeError(`${what} of ${n} is past the reader's bound of ${MAX_SECTION_BYTES} (damaged file?)`);
  return n;
}

/** zlib output of at most the declared size (a section declares its uncompressed size). */
const inflate = (data: Uint8Array, ulen: number): Uint8Array => inflateSync(data, { maxOutputLength: Math.max(1, bounded(ulen, 'an uncompressed size')) });

interface Block {
  /** file offset of the section length (just after the type byte) */
  pos: number;
  len: number;
}

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
  // the current block, decoded and sorted by time: handles, values, times
  private cur: { h: Int32Array; num: Float64Array; other: Map<number, VcdValue>; ti: Int32Array; times: Float64Array; n: number; at: number; end: number } | null = null;

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
        this.cur = this.decode(this.blocks[this.next]!, this.next);
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

  /** One value-change block: the wanted signals' changes, sorted by time (stable in handle order). */
  private decode(b: Block, index: number) {
    const read = (pos: number, len: number): Uint8Array => {
      const buf = Buffer.allocUnsafe(bounded(len, 'a section length'));
      if (fs.readSync(this.fd, buf, 0, len, pos) < len) throw new RangeError('short read');
      return buf;
    };
    const end = b.pos + b.len; // first byte after the block
    const head = read(b.pos, Math.min(b.len, 64));
    const begTime = u64(head, 8);
    const endTime = u64(head, 16);
    // time table at the end
    const tail = read(end - 24, 24);
    const tUlen = u64(tail, 0);
    const tClen = u64(tail, 8);
    const tItems = u64(tail, 16);
    const tData = read(end - 24 - tClen, tClen);
    const tRaw = tClen === tUlen ? tData : inflate(tData, tUlen);
    if (tItems > tRaw.length) throw new RangeError(`time table declares ${tItems} times in ${tRaw.length} bytes`); // a time is at least one byte
    const times = new Float64Array(tItems);
    const tc = new Cursor(tRaw);
    for (let i = 0, t = 0; i < tItems; i++) times[i] = t += tc.varint();
    // position table, before the time table
    const chainLen = u64(read(end - 24 - tClen - 8, 8), 0);
    const chainPos = end - 24 - tClen - 8 - chainLen;
    const chain = read(chainPos, chainLen);
    // frame, then the start of the chunks (vc_start: the pack-type byte)
    const fc = new Cursor(head, 32);
    const frameUlen = fc.varint();
    const frameClen = fc.varint();
    fc.varint();
    const framePos = b.pos + fc.p;
    const vc = new Cursor(read(framePos + frameClen, 12));
    vc.varint();
    const vcStart = framePos + frameClen + vc.p;
    const pack = String.fromCharCode(vc.b[vc.p]!);

    const nh = this.lens.length; // handles 1..nh-1
    const pos = new Float64Array(nh + 1);
    const len = new Float64Array(nh + 1);
    {
      const c = new Cursor(chain);
      let idx = 1;
      let prevPos = 0;
      let prevIdx = 0;
      let prevAlias = 0;
      const alias = new Float64Array(nh + 1);
      while (c.p < chain.length) {
        if (chain[c.p]! & 1) {
          const sh = Math.floor(c.svarint() / 2);
          if (sh > 0) {
            pos[idx] = prevPos += sh;
            if (prevIdx) len[prevIdx] = pos[idx]! - pos[prevIdx]!;
            prevIdx = idx++;
          } else {
            if (sh < 0) prevAlias = sh;
            alias[idx++] = prevAlias;
          }
        } else idx += Math.floor(c.varint() / 2);
      }
      if (prevIdx) len[prevIdx] = chainPos - vcStart - pos[prevIdx]!;
      for (let h = 1; h < idx && h < nh; h++) {
        if (alias[h]! < 0 && !pos[h]) {
          const j = -alias[h]!; // 1-based handle of the same data
          pos[h] = pos[j]!;
          len[h] = len[j]!;
        }
      }
    }

    // decode each wanted handle's chunk: per change its time index and value
    const ch = new Changes();
    const put = (h: number, ti: number, v: VcdValue) => ch.push(h, ti, v);
    if (index === 0 && begTime !== times[0]) {
      // values before the first time-table entry come from the frame (fstapi's reader rule)
      const fr = read(framePos, frameClen);
      const frame = frameClen === frameUlen ? fr : inflate(fr, frameUlen);
      let off = 0;
      for (let h = 1; h < nh; h++) {
        const w = this.lens[h]!;
        if (this.wanted[h] && w > 0) put(h, -1, digits(frame.subarray(off, off + w)));
        off += w;
      }
    }
    // the chunks in one read (fewer system calls than one per signal; a block is ~10 MB)
    const region = read(vcStart, chainPos - vcStart);
    for (let h = 1; h < nh; h++) {
      if (!this.wanted[h] || !pos[h] || this.lens[h] === 0) continue;
      const raw = region.subarray(pos[h]!, pos[h]! + len[h]!);
      const c = new Cursor(raw);
      const ulen = c.varint();
      let data: Uint8Array = raw.subarray(c.p);
      if (ulen) data = pack === '4' ? lz4Decompress(data, bounded(ulen, 'a chunk size')) : inflate(data, ulen);
      const w = this.lens[h]!;
      // a change takes at least one byte (1-bit) or one plus the value's bytes: at most this many more
      if (ch.n + Math.ceil(data.length / (w === 1 ? 1 : 1 + ((w + 7) >> 3))) > MAX_BLOCK_CHANGES)
        throw new InputError(`${this.path}: block ${index} holds more than ${MAX_BLOCK_CHANGES.toLocaleString('en-US')} changes of the compared signals; compare fewer (--signals, --ignore)`);
      const end = data.length;
      let p = 0;
      let ti = 0;
      // varints inlined: this loop runs once per change of every compared signal
      if (w === 1) {
        while (p < end) {
          let x = data[p++]!;
          if (x >= 128) {
            x &= 127;
            for (let s = 128, b = 128; b >= 128; s *= 128) x += ((b = data[p++]!) & 127) * s;
          }
          if (x & 1) {
            ti += x < 2 ** 31 ? x >>> 4 : Math.floor(x / 16);
            put(h, ti, RCV[(x >> 1) & 7]!);
          } else {
            ti += x < 2 ** 31 ? x >>> 2 : Math.floor(x / 4);
            ch.num(h, ti, (x >> 1) & 1);
          }
        }
      } else {
        const nb = (w + 7) >> 3;
        const shift = 2 ** (nb * 8 - w);
        while (p < end) {
          let x = data[p++]!;
          if (x >= 128) {
            x &= 127;
            for (let s = 128, b = 128; b >= 128; s *= 128) x += ((b = data[p++]!) & 127) * s;
          }
          ti += x < 2 ** 31 ? x >>> 1 : Math.floor(x / 2);
          if (x & 1) {
            put(h, ti, digits(data.subarray(p, p + w)));
            p += w;
          } else if (nb <= 4) {
            let v = data[p++]!;
            if (nb > 1) v = v * 256 + data[p++]!;
            if (nb > 2) v = v * 256 + data[p++]!;
            if (nb > 3) v = v * 256 + data[p++]!;
            ch.num(h, ti, Math.floor(v / shift));
          } else if (w <= 53) {
            ch.num(h, ti, packedNumber(data, p, nb, nb * 8 - w));
            p += nb;
          } else {
            put(h, ti, packed(data, p, w, nb));
            p += nb;
          }
        }
      }
    }
    // counting sort by time index (the frame's values, at index −1, first)
    const n = ch.n;
    const { hs, tis, nums, others } = ch;
    const count = new Int32Array(tItems + 2);
    for (let i = 0; i < n; i++) count[tis[i]! + 2]!++;
    for (let i = 1; i < count.length; i++) count[i] += count[i - 1]!;
    const h = new Int32Array(n);
    const num = new Float64Array(n);
    const sortedTi = new Int32Array(n);
    const other = new Map<number, VcdValue>();
    // time index −1 (the frame) is the block's start: slot 0 of a copy of the table shifted by one
    const timeOf = new Float64Array(tItems + 1);
    timeOf[0] = begTime;
    timeOf.set(times, 1);
    for (let i = 0; i < n; i++) {
      const ti = tis[i]!;
      const k = count[ti + 1]!++;
      h[k] = hs[i]!;
      num[k] = nums[i]!;
      sortedTi[k] = ti + 1;
      if (others.size) {
        const o = others.get(i);
        if (o !== undefined) other.set(k, o);
      }
    }
    // the next block may still change values at this block's last time
    return { h, num, other, ti: sortedTi, times: timeOf, n, at: 0, end: index === this.blocks.length - 1 ? Infinity : endTime };
  }
}
