/**
 * LZ4 block decompression (the raw block format, no frame): what fstapi's writers use for
 * value-change chunks and the hierarchy when they pack with LZ4 (Verilator's --trace-fst,
 * vcd2fst's default). Returns exactly `size` bytes or throws.
 */
export function lz4Decompress(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let ip = 0;
  let op = 0;
  const end = src.length;
  while (ip < end) {
    const token = src[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do lit += b = src[ip++]!;
      while (b === 255 && ip < end);
    }
    if (ip + lit > end || op + lit > size) throw new RangeError('lz4: literal run past the end');
    out.set(src.subarray(ip, ip + lit), op);
    ip += lit;
    op += lit;
    if (ip >= end || op >= size) break; // the last sequence has literals only
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do len += b = src[ip++]!;
      while (b === 255 && ip < end);
    }
    len += 4;
    let from = op - offset;
    if (offset === 0 || from < 0 || op + len > size) throw new RangeError('lz4: bad match');
    while (len-- > 0) out[op++] = out[from++]!; // byte by byte: a match may overlap its output
  }
  if (op !== size) throw new RangeError(`lz4: ${op} of ${size} bytes`);
  return out;
}
