// Reading members of a zip archive (what a .npz is): the central directory, zip64 too (NumPy
// forces zip64 local headers), and a member's bytes, stored or deflated. Node's
// zlib.inflateRawSync, not an npm zip library: the small synchronous one (fflate 0.8.3's
// unzipSync) allocates each member from its declared size and loops over an entry count it does
// not check against the file, so it would need these same bounds around it; zlib is native,
// bounds the output itself (maxOutputLength) and, from Node 20.15, checks each member's CRC-32.
// Every field is checked against the file before use; a member is inflated only up to its
// declared size, which must be possible for its compressed size (deflate expands at most ~1032×).
import * as zlib from 'node:zlib';
import { clip } from './py-literal.ts';

/** What np.load looks for at the start of a .npz: a local file header "PK\\3\\4". */
export const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
}

/** The central directory (zip64 too), every field checked against the file before use. */
export function zipDirectory(buf: Buffer, fail: (p: string) => never, what = '.npz'): ZipEntry[] {
  const notZip = (why: string): never => fail(`not a valid ${what} (zip) archive: ${why}`);
  let eocd = -1;
  for (let p = buf.length - 22; p >= Math.max(0, buf.length - 22 - 0xffff); p--) {
    if (buf.readUInt32LE(p) === 0x06054b50 && p + 22 + buf.readUInt16LE(p + 20) <= buf.length) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) notZip('no end-of-central-directory record (truncated?)');
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdStart = buf.readUInt32LE(eocd + 16);
  if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === 0x07064b50) {
    const at = buf.readBigUInt64LE(eocd - 12);
    if (at > BigInt(eocd - 20 - 56)) notZip('zip64 end-of-central-directory record outside the file');
    const z = Number(at);
    if (buf.readUInt32LE(z) !== 0x06064b50) notZip('bad zip64 end-of-central-directory record');
    const [n, size, start] = [buf.readBigUInt64LE(z + 32), buf.readBigUInt64LE(z + 40), buf.readBigUInt64LE(z + 48)];
    if (start + size > BigInt(z)) notZip('central directory outside the file');
    [count, cdSize, cdStart] = [Number(n > BigInt(buf.length) ? BigInt(buf.length) : n), Number(size), Number(start)];
  }
  if (cdStart + cdSize > eocd) notZip('central directory outside the file');
  if (count * 46 > cdSize) notZip(`${count} entries cannot fit a ${cdSize}-byte central directory`);
  const entries: ZipEntry[] = [];
  const end = cdStart + cdSize;
  for (let p = cdStart, k = 0; k < count; k++) {
    if (p + 46 > end || buf.readUInt32LE(p) !== 0x02014b50) notZip(`central directory entry ${k} is damaged`);
    const flags = buf.readUInt16LE(p + 8);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const next = p + 46 + nameLen + extraLen + commentLen;
    if (next > end) notZip(`central directory entry ${k} is damaged`);
    const e: ZipEntry = {
      name: buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen),
      flags,
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      csize: buf.readUInt32LE(p + 20),
      usize: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
    };
    // zip64 extra field (id 1): 8-byte values for exactly those fields that are 0xFFFFFFFF
    const wide = (['usize', 'csize', 'offset'] as const).filter((f) => e[f] === 0xffffffff);
    if (wide.length) {
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd && buf.readUInt16LE(x) !== 1) x += 4 + buf.readUInt16LE(x + 2);
      if (x + 4 > xEnd || buf.readUInt16LE(x + 2) < 8 * wide.length || x + 4 + 8 * wide.length > xEnd) {
        notZip(`entry ${clip(e.name)} lacks its zip64 sizes`);
      }
      wide.forEach((f, j) => {
        const v = buf.readBigUInt64LE(x + 4 + 8 * j);
        e[f] = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
      });
    }
    entries.push(e);
    p = next;
  }
  return entries;
}

/** A member's bytes: stored, or deflated and inflated up to its declared size. */
export function zipMember(buf: Buffer, e: ZipEntry, fail: (p: string) => never): Buffer {
  if (e.flags & 0x1) fail('encrypted');
  const p = e.offset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== 0x04034b50) fail('local header missing (damaged archive)');
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  if (start + e.csize > buf.length) fail(`truncated (${e.csize} bytes declared, ${Math.max(0, buf.length - start)} present)`);
  const raw = buf.subarray(start, start + e.csize);
  let data: Buffer;
  if (e.method === 0) {
    if (e.usize !== e.csize) fail(`stored member declares ${e.usize} bytes but holds ${e.csize}`);
    data = raw;
  } else if (e.method === 8) {
    // deflate expands at most 1032:1; a larger declared size is a damaged (or hostile) archive
    if (e.usize > 1032 * e.csize + 64) fail(`declares ${e.usize} bytes, impossible from ${e.csize} deflated bytes`);
    try {
      data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.usize) });
    } catch (err) {
      return fail(`damaged deflate data (${clip(String((err as Error).message ?? err).split('\n')[0]!)})`);
    }
    if (data.length !== e.usize) fail(`inflates to ${data.length} bytes, ${e.usize} declared`);
  } else {
    return fail(`compression method ${e.method} is not read (np.savez writes stored or deflated members)`);
  }
  // zlib.crc32 is in Node ≥ 20.15
  const crc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (crc32 && crc32(data) !== e.crc) fail('CRC mismatch (damaged archive)');
  return data;
}

