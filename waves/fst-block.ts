// One FST value-change block (DYN_ALIAS2) decoded for the signals asked for, in steps: where its
// sections are (header, time table, position table, frame, chunks), which chunk holds each
// signal's changes (the position table, aliases resolved), the values before its first time
// (the frame), each chunk's changes, and the changes sorted by time. fst-source.ts reads the
// file's blocks with it, one at a time.
import { inflateSync } from 'node:zlib';
import { InputError } from '../lib/errors.ts';
import { lz4Decompress } from './lz4.ts';
import { Cursor, u64 } from './fst-format.ts';
import { Changes, digits, packed, packedNumber } from './fst-values.ts';
import type { VcdValue } from './vcd-source.ts';

/** FST_RCV_* codes of 1-bit non-0/1 values, in order: x z h u w l - */
const RCV: VcdValue[] = ['x', 'z', 1, 'x', 'x', 0, 'x'];
/**
 * Bounds on what one section may make this reader hold (fstapi writes blocks of at most about
 * 128 MiB of changes): sizes and counts read from the file are checked against them before
 * anything is allocated, so a damaged or hostile file cannot grow the process past them.
 */
export const MAX_SECTION_BYTES = 256 * 2 ** 20;
const MAX_BLOCK_CHANGES = 1 << 23;

/** A size or count from the file, checked before it is allocated or decompressed. */
export function bounded(n: number, what: string): number {
  if (!(n >= 0 && n <= MAX_SECTION_BYTES)) throw new RangeError(`${what} of ${n} is past the reader's bound of ${MAX_SECTION_BYTES} (damaged file?)`);
  return n;
}

/** zlib output of at most the declared size (a section declares its uncompressed size). */
export const inflate = (data: Uint8Array, ulen: number): Uint8Array => inflateSync(data, { maxOutputLength: Math.max(1, bounded(ulen, 'an uncompressed size')) });

export interface Block {
  /** file offset of the section length (just after the type byte) */
  pos: number;
  len: number;
}

/** Reads `len` bytes at `pos` of the file. */
export type ReadAt = (pos: number, len: number) => Uint8Array;

/** What the decoder needs of the file: its signals' widths (by 1-based handle; 0: real or variable) and which are wanted. */
export interface Signals {
  lens: number[];
  wanted: Uint8Array;
}

/** A decoded block: the wanted changes sorted by time (handles, values, time indices into `times`). */
export interface DecodedBlock {
  h: Int32Array;
  num: Float64Array;
  /** values that are not numbers, by position */
  other: Map<number, VcdValue>;
  ti: Int32Array;
  times: Float64Array;
  n: number;
  /** next change to deliver */
  at: number;
  /** the time up to which this block is complete */
  end: number;
}

interface Layout {
  begTime: number;
  endTime: number;
  times: Float64Array;
  framePos: number;
  frameClen: number;
  frameUlen: number;
  /** first byte of the chunks and of the position table (the chunks' end) */
  vcStart: number;
  chainPos: number;
  chain: Uint8Array;
  /** '4': LZ4-packed chunks, else zlib */
  pack: string;
}

/** Where the block's sections are, and its time table. */
function layout(read: ReadAt, b: Block): Layout {
  const end = b.pos + b.len; // first byte after the block
  const head = read(b.pos, Math.min(b.len, 64));
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
  // frame, then the start of the chunks (vc_start: the pack-type byte)
  const fc = new Cursor(head, 32);
  const frameUlen = fc.varint();
  const frameClen = fc.varint();
  fc.varint();
  const framePos = b.pos + fc.p;
  const vc = new Cursor(read(framePos + frameClen, 12));
  vc.varint();
  return {
    begTime: u64(head, 8),
    endTime: u64(head, 16),
    times,
    framePos,
    frameClen,
    frameUlen,
    vcStart: framePos + frameClen + vc.p,
    chainPos,
    chain: read(chainPos, chainLen),
    pack: String.fromCharCode(vc.b[vc.p]!),
  };
}

/** Each handle's chunk (offset from vcStart, length) from the position table; an alias shares its target's chunk. */
function chunkPositions(l: Layout, nh: number): { pos: Float64Array; len: Float64Array } {
  const { chain } = l;
  const pos = new Float64Array(nh + 1);
  const len = new Float64Array(nh + 1);
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
  if (prevIdx) len[prevIdx] = l.chainPos - l.vcStart - pos[prevIdx]!;
  for (let h = 1; h < idx && h < nh; h++) {
    if (alias[h]! < 0 && !pos[h]) {
      const j = -alias[h]!; // 1-based handle of the same data
      pos[h] = pos[j]!;
      len[h] = len[j]!;
    }
  }
  return { pos, len };
}

/** The values before the first time-table entry come from the frame (fstapi's reader rule), at time index −1. */
function frameValues(read: ReadAt, l: Layout, s: Signals, ch: Changes): void {
  const fr = read(l.framePos, l.frameClen);
  const frame = l.frameClen === l.frameUlen ? fr : inflate(fr, l.frameUlen);
  let off = 0;
  for (let h = 1; h < s.lens.length; h++) {
    const w = s.lens[h]!;
    if (s.wanted[h] && w > 0) ch.push(h, -1, digits(frame.subarray(off, off + w)));
    off += w;
  }
}

/** Every wanted handle's chunk: per change its time index and value. */
function chunkChanges(read: ReadAt, l: Layout, s: Signals, ch: Changes, where: string): void {
  const nh = s.lens.length; // handles 1..nh-1
  const { pos, len } = chunkPositions(l, nh);
  // the chunks in one read (fewer system calls than one per signal; a block is ~10 MB)
  const region = read(l.vcStart, l.chainPos - l.vcStart);
  for (let h = 1; h < nh; h++) {
    if (!s.wanted[h] || !pos[h] || s.lens[h] === 0) continue;
    const raw = region.subarray(pos[h]!, pos[h]! + len[h]!);
    const c = new Cursor(raw);
    const ulen = c.varint();
    let data: Uint8Array = raw.subarray(c.p);
    if (ulen) data = l.pack === '4' ? lz4Decompress(data, bounded(ulen, 'a chunk size')) : inflate(data, ulen);
    const w = s.lens[h]!;
    // a change takes at least one byte (1-bit) or one plus the value's bytes: at most this many more
    if (ch.n + Math.ceil(data.length / (w === 1 ? 1 : 1 + ((w + 7) >> 3))) > MAX_BLOCK_CHANGES)
      throw new InputError(`${where} holds more than ${MAX_BLOCK_CHANGES.toLocaleString('en-US')} changes of the compared signals; compare fewer (--signals, --ignore)`);
    if (w === 1) bitChanges(data, h, ch);
    else vectorChanges(data, h, w, ch);
  }
}

/** A 1-bit signal's chunk. Varints inlined: this loop runs once per change of every compared signal. */
function bitChanges(data: Uint8Array, h: number, ch: Changes): void {
  const end = data.length;
  let p = 0;
  let ti = 0;
  while (p < end) {
    let x = data[p++]!;
    if (x >= 128) {
      x &= 127;
      for (let s = 128, b = 128; b >= 128; s *= 128) x += ((b = data[p++]!) & 127) * s;
    }
    if (x & 1) {
      ti += x < 2 ** 31 ? x >>> 4 : Math.floor(x / 16);
      ch.push(h, ti, RCV[(x >> 1) & 7]!);
    } else {
      ti += x < 2 ** 31 ? x >>> 2 : Math.floor(x / 4);
      ch.num(h, ti, (x >> 1) & 1);
    }
  }
}

/** A w-bit signal's chunk (packed bits, or digits for a value with x/z). */
function vectorChanges(data: Uint8Array, h: number, w: number, ch: Changes): void {
  const end = data.length;
  const nb = (w + 7) >> 3;
  const shift = 2 ** (nb * 8 - w);
  let p = 0;
  let ti = 0;
  while (p < end) {
    let x = data[p++]!;
    if (x >= 128) {
      x &= 127;
      for (let s = 128, b = 128; b >= 128; s *= 128) x += ((b = data[p++]!) & 127) * s;
    }
    ti += x < 2 ** 31 ? x >>> 1 : Math.floor(x / 2);
    if (x & 1) {
      ch.push(h, ti, digits(data.subarray(p, p + w)));
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
      ch.push(h, ti, packed(data, p, w, nb));
      p += nb;
    }
  }
}

/** Counting sort by time index (stable: in handle order within a time; the frame's values, at index −1, first). */
function byTime(ch: Changes, l: Layout, last: boolean): DecodedBlock {
  const tItems = l.times.length;
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
  timeOf[0] = l.begTime;
  timeOf.set(l.times, 1);
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
  return { h, num, other, ti: sortedTi, times: timeOf, n, at: 0, end: last ? Infinity : l.endTime };
}

/**
 * One block decoded for the wanted signals (`first`: the file's first block, whose frame holds
 * the initial values; `last`: no block follows); `where` names it in errors ("FILE: block 3").
 */
export function decodeBlock(read: ReadAt, b: Block, s: Signals, o: { first: boolean; last: boolean; where: string }): DecodedBlock {
  const l = layout(read, b);
  const ch = new Changes();
  if (o.first && l.begTime !== l.times[0]) frameValues(read, l, s, ch);
  chunkChanges(read, l, s, ch, o.where);
  return byTime(ch, l, o.last);
}
