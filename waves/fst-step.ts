/**
 * An FST time step compiled for one set of signals (FstWriter.compileStep), as vcd-step.ts does
 * for VCD: runs of consecutive signals of one width go through a loop generated for that width
 * (its range, mask, byte count and alignment shift as constants), the others through one
 * generic loop. Each change is appended to its signal's chunk as FstWriter.changeSome appends it:
 * varint(Δidx·4 + v·2) for one bit, varint(Δidx·2) and the value's bytes, MSB first and
 * left-aligned, for vectors. One pass: the caller has made the step's time-table entry.
 */

/** What the step works on: FstWriter's per-handle tables and chunks. */
export interface FstStepTarget {
  widths: Int32Array;
  /** largest bit pattern, last value (unsigned), bytes of a packed vector value */
  max: Float64Array;
  last: Float64Array;
  nbytes: Uint8Array;
  /** time-table index of the signal's last change in this block, its chunk and the chunk's length */
  lastIdx: Int32Array;
  chunks: Uint8Array[];
  lens: Int32Array;
  /** throws the writer's error for a value that does not fit its signal */
  bad: (h: number, x: number) => never;
}

/** Appends the changed values of one step's signals at time-table index `idx`; returns the bytes appended. */
export type FstStepCode = (t: FstStepTarget, list: Int32Array, x: ArrayLike<number>, s: Float64Array, idx: number) => number;

/**
 * Chunk h doubled, its first `len` bytes kept. One function for every writer: a call of a
 * writer's own closure from the shared generated code would deoptimize it at each new writer.
 */
export function growChunk(chunks: Uint8Array[], h: number, len: number): Uint8Array {
  const next = new Uint8Array(chunks[h]!.length * 2);
  next.set(chunks[h]!.subarray(0, len));
  return (chunks[h] = next);
}

/**
 * Chunk h with room for one more change (16 bytes). Every change goes through this one function,
 * so the call of growChunk in it has V8's feedback from the first block on: a call site of its
 * own in each generated loop, reached only later, would deoptimize the step when first taken.
 */
export function chunkWithRoom(chunks: Uint8Array[], h: number, len: number): Uint8Array {
  const b = chunks[h]!;
  return len + 16 > b.length ? growChunk(chunks, h, len) : b;
}

/** Shortest run of one width that gets its own loop. */
const MIN_RUN = 4;

/** The generic loop over list[from] … list[to − 1], any widths; returns the bytes appended. */
function appendList(t: FstStepTarget, x: ArrayLike<number>, s: Float64Array, idx: number, list: Int32Array, from: number, to: number): number {
  const { widths, max, last, nbytes, lastIdx, chunks, lens } = t;
  let used = 0;
  for (let j = from; j < to; j++) {
    const h = list[j]!;
    const x0 = x[h]!;
    if (x0 === s[h]) continue;
    s[h] = x0;
    const m = max[h]!;
    const v = x0 < 0 ? x0 + m + 1 : x0;
    if (!(v >= 0 && v <= m && Number.isInteger(v)) || (x0 < 0 && v <= m / 2)) t.bad(h, x0);
    if (v === last[h]) continue;
    last[h] = v;
    const w = widths[h]!;
    const delta = idx - lastIdx[h]!;
    lastIdx[h] = idx;
    let p = lens[h]!;
    const buf = chunkWithRoom(chunks, h, p);
    const start = p;
    let u = w === 1 ? (delta << 2) | (v << 1) : delta << 1;
    while (u >= 128) {
      buf[p++] = (u & 127) | 128;
      u >>>= 7;
    }
    buf[p++] = u;
    if (w > 1) {
      const nb = nbytes[h]!;
      const pad = nb * 8 - w;
      let hi = 0;
      let lo = v;
      if (w > 32) {
        hi = (v / 4294967296) | 0;
        lo = v - hi * 4294967296;
        hi = pad ? ((hi << pad) | (lo >>> (32 - pad))) >>> 0 : hi;
      }
      lo = (lo << pad) >>> 0;
      for (let i = nb - 5; i >= 0; i--) buf[p++] = (hi >>> (8 * i)) & 255;
      for (let i = Math.min(nb, 4) - 1; i >= 0; i--) buf[p++] = (lo >>> (8 * i)) & 255;
    }
    lens[h] = p;
    used += p - start;
  }
  return used;
}

/** The bytes of a packed value: the `count` bytes of word `u` from byte `from` (3: the top) down. */
function byteStores(u: string, from: number, count: number): string {
  const parts: string[] = [];
  for (let i = from; i > from - count; i--)
    parts.push(i === 0 ? `b[p++] = ${u} & 255;` : i === 3 ? `b[p++] = ${u} >>> 24;` : `b[p++] = (${u} >>> ${8 * i}) & 255;`);
  return parts.join(' ');
}

/**
 * The loop over handles from … to − 1, all of width `width`; returns the bytes appended. One
 * function per width, shared by every run of that width and every writer (see vcd-step.ts).
 */
type RunCode = (t: FstStepTarget, x: ArrayLike<number>, s: Float64Array, idx: number, from: number, to: number) => number;
const RUNS = new Map<number, RunCode>();

function runFunction(width: number): RunCode {
  const known = RUNS.get(width);
  if (known !== undefined) return known;
  const lo = -(2 ** (width - 1));
  const hi = 2 ** width - 1;
  const nb = (width + 7) >> 3;
  const pad = nb * 8 - width;
  let check: string;
  let unsigned: string;
  if (width <= 31) {
    check = `v >= ${lo} && v <= ${hi} && (v | 0) === v`;
    unsigned = `v &= ${hi};`;
  } else if (width === 32) {
    check = `(v | 0) === v || (v >>> 0) === v`;
    unsigned = `v = v >>> 0;`;
  } else {
    check = `v >= ${lo} && v <= ${hi} && Number.isInteger(v)`;
    unsigned = `if (v < 0) v += ${hi + 1};`;
  }
  let value = '';
  if (width > 1 && width <= 32) value = `const u = (v << ${pad}) >>> 0; ${byteStores('u', nb - 1, nb)}`;
  else if (width > 32) {
    const high = pad ? `((w << ${pad}) | (l >>> ${32 - pad})) >>> 0` : 'w';
    value = `let w = (v / 4294967296) | 0; const l = v - w * 4294967296; w = ${high}; const u = (l << ${pad}) >>> 0;
        ${byteStores('w', nb - 5, nb - 4)} ${byteStores('u', 3, 4)}`;
  }
  const head = width === 1 ? `(d << 2) | (v << 1)` : `d << 1`;
  const src = `return function fstRun${width}(t, x, s, idx, from, to) {
  const L = t.last, LI = t.lastIdx, LN = t.lens, C = t.chunks, bad = t.bad;
  let used = 0;
  for (let h = from; h < to; h++) {
    let v = x[h];
    if (v === s[h]) continue;
    s[h] = v;
    if (!(${check})) bad(h, v);
    ${unsigned}
    if (v === L[h]) continue;
    L[h] = v;
    const d = idx - LI[h];
    LI[h] = idx;
    let p = LN[h];
    const b = room(C, h, p), q = p;
    let m = ${head};
    while (m >= 128) { b[p++] = (m & 127) | 128; m >>>= 7; }
    b[p++] = m;
    ${value}
    LN[h] = p;
    used += p - q;
  }
  return used;
};`;
  const f = new Function('room', src)(chunkWithRoom) as RunCode;
  RUNS.set(width, f);
  return f;
}

/** Step functions by their text, one per process (see vcd-step.ts). */
const CODE = new Map<string, FstStepCode>();

/** The code for the signals `handles`, in that order, of widths `widths`: a call per run or stretch. */
export function compileFstStep(widths: Int32Array, handles: Int32Array): FstStepCode {
  const calls: string[] = [];
  const loops: Record<number, RunCode> = {};
  let generic = -1; // start of the pending generic stretch of `handles`
  for (let j = 0; j < handles.length;) {
    const from = handles[j]!;
    let k = j + 1;
    while (k < handles.length && handles[k] === from + (k - j) && widths[handles[k]!] === widths[from]) k++;
    if (k - j >= MIN_RUN) {
      if (generic >= 0) calls.push(`used += G(t, x, s, idx, list, ${generic}, ${j});`);
      generic = -1;
      const w = widths[from]!;
      loops[w] = runFunction(w);
      calls.push(`used += R[${w}](t, x, s, idx, ${from}, ${from + (k - j)});`);
    } else if (generic < 0) generic = j;
    j = k;
  }
  if (generic >= 0) calls.push(`used += G(t, x, s, idx, list, ${generic}, ${handles.length});`);
  const src = `return function fstStep(t, list, x, s, idx) {
  let used = 0;
  ${calls.join('\n  ')}
  return used;
};`;
  let code = CODE.get(src);
  if (code === undefined) CODE.set(src, (code = new Function('G', 'R', src)(appendList, loops) as FstStepCode));
  return code;
}
