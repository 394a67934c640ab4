/**
 * A VCD time step compiled for one set of signals (VcdWriter.compileStep): the code that finds
 * the changed values among them and formats their records. Runs of consecutive signals of one
 * width (register arrays: the MAC array's products and weights, the logit banks) go through a
 * loop generated for that width, its range, mask and digit count as constants, the way the
 * model's own processes are generated (sim/codegen.ts); the other signals through one generic
 * loop over their list. The step itself is generated too: one call per run or stretch.
 * The caller reserves a step's worst case in the buffer once, so no record checks for room.
 *
 * Digits in a run: the value's n significant bits are shifted to the top of a 32-bit word and
 * its bytes stored through the 8-digit table, as many stores as the width has bytes whatever n
 * is (the digits past n are overwritten by the tail that follows): no branch on the number of
 * digits. Values over 32 bits write their high word so, then the low word's 32 digits.
 *
 * The text is exactly VcdWriter's: 'b' + v.toString(2) + ' ' + id + '\n' (no leading zeros),
 * '0id\n' / '1id\n' for one bit.
 */
import { binDigits } from './vcd-digits.ts';

/** What the step works on: the writer's buffer, its per-handle tables, its last values. */
export interface VcdStepTarget {
  /** the output buffer and a DataView of it */
  out: Uint8Array;
  dv: DataView;
  /** DIGITS[b]: the 8 ASCII digits of byte b as float64 bits */
  digits: Float64Array;
  /** per handle: width, largest bit pattern, last value written (unsigned bit pattern) */
  widths: Int32Array;
  max: Float64Array;
  last: Float64Array;
  /** per handle: the end of its record (' ' for vectors, identifier code, '\n') as the bytes of a double, and their count */
  tails: Float64Array;
  tailLen: Uint8Array;
  /** throws the writer's error for a value that does not fit its signal */
  bad: (h: number, x: number) => never;
}

/** Formats the changed values of one step's signals from `p`; returns the end. */
export type VcdStepFormat = (values: ArrayLike<number>, seen: Float64Array, p: number) => number;

/** Shortest run of one width that gets its own loop; shorter ones go through the generic loop. */
const MIN_RUN = 4;

/** Worst-case bytes of one record of a signal (with the slack of the 8-byte stores). */
export const recordMax = (width: number): number => 1 + 8 * Math.ceil(Math.min(width, 32) / 8) + (width > 32 ? 8 * Math.ceil((width - 32) / 8) : 0) + 8;

/**
 * The generic loop: the signals list[from] … list[to − 1], any widths (VcdWriter.changeSome's
 * loop without its room checks). One function for every writer, so V8 optimizes it once.
 */
function formatList(t: VcdStepTarget, x: ArrayLike<number>, s: Float64Array, p: number, list: Int32Array, from: number, to: number): number {
  const { out, dv, widths, max, last, tails, tailLen } = t;
  for (let j = from; j < to; j++) {
    const h = list[j]!;
    const v0 = x[h]!;
    if (v0 === s[h]) continue;
    s[h] = v0;
    const m = max[h]!;
    const v = v0 < 0 ? v0 + m + 1 : v0;
    if (!(v >= 0 && v <= m && Number.isInteger(v)) || (v0 < 0 && v <= m / 2)) t.bad(h, v0);
    if (v === last[h]) continue;
    last[h] = v;
    if (widths[h] === 1) out[p++] = v ? 49 : 48;
    else {
      out[p++] = 98;
      p = binDigits(dv, p, v);
    }
    dv.setFloat64(p, tails[h]!, true);
    p += tailLen[h]!;
  }
  return p;
}

/** Digit stores of the top `bytes` bytes of the 32-bit word `u` from `at`. */
function digitStores(u: string, bytes: number, at: string): string {
  const parts = [`dv.setFloat64(${at}, D[${u} >>> 24], true);`];
  if (bytes > 1) parts.push(`dv.setFloat64(${at} + 8, D[(${u} >>> 16) & 255], true);`);
  if (bytes > 2) parts.push(`dv.setFloat64(${at} + 16, D[(${u} >>> 8) & 255], true);`);
  if (bytes > 3) parts.push(`dv.setFloat64(${at} + 24, D[${u} & 255], true);`);
  return parts.join(' ');
}

/**
 * The loop over handles from … to − 1, all of width `width`, record tails of `tl` bytes: one
 * function per width, shared by every run of that width and every writer, so V8 compiles it once
 * and soon (a loop generated per run cost a whole round of the bench in compilation and in
 * unoptimized code before it ran fast).
 */
type RunCode = (t: VcdStepTarget, x: ArrayLike<number>, s: Float64Array, p: number, from: number, to: number, tl: number) => number;
const RUNS = new Map<number, RunCode>();

function runFunction(width: number): RunCode {
  const known = RUNS.get(width);
  if (known !== undefined) return known;
  const lo = -(2 ** (width - 1));
  const hi = 2 ** width - 1;
  const tail = `dv.setFloat64(p, T[h], true); p += tl;`;
  let body: string;
  if (width === 1) {
    body = `if (v !== 0 && v !== 1 && v !== -1) bad(h, v); v &= 1;
      if (v !== L[h]) { L[h] = v; o[p++] = 48 + v; ${tail} }`;
  } else if (width <= 32) {
    const check = width === 32 ? `(v | 0) === v || (v >>> 0) === v` : `v >= ${lo} && v <= ${hi} && (v | 0) === v`;
    const unsigned = width === 32 ? `v = v >>> 0;` : `v &= ${hi};`;
    body = `if (!(${check})) bad(h, v); ${unsigned}
      if (v !== L[h]) { L[h] = v; o[p] = 98;
        const n = 32 - Math.clz32(v | 1), u = v << (32 - n); ${digitStores('u', Math.ceil(width / 8), 'p + 1')}
        p += n + 1; ${tail} }`;
  } else {
    body = `if (!(v >= ${lo} && v <= ${hi} && Number.isInteger(v))) bad(h, v); if (v < 0) v += ${hi + 1};
      if (v !== L[h]) { L[h] = v; o[p] = 98;
        let w = (v / 4294967296) | 0, n = 0;
        const u = (v - w * 4294967296) >>> 0;
        if (w === 0) { n = 32 - Math.clz32(u | 1); w = u << (32 - n); ${digitStores('w', 4, 'p + 1')} p += n + 1; }
        else { n = 32 - Math.clz32(w); w <<= 32 - n; ${digitStores('w', Math.ceil((width - 32) / 8), 'p + 1')} p += n + 1; ${digitStores('u', 4, 'p')} p += 32; }
        ${tail} }`;
  }
  const src = `return function vcdRun${width}(t, x, s, p, from, to, tl) {
  const o = t.out, dv = t.dv, D = t.digits, L = t.last, T = t.tails, bad = t.bad;
  p |= 0; // an int32 all along, not a double
  for (let h = from; h < to; h++) {
    let v = x[h];
    if (v === s[h]) continue;
    s[h] = v;
    ${body}
  }
  return p;
};`;
  const f = new Function(src)() as RunCode;
  RUNS.set(width, f);
  return f;
}

type StepCode = (t: VcdStepTarget, list: Int32Array, x: ArrayLike<number>, s: Float64Array, p: number) => number;
/**
 * Step functions by their text, one per process: a design traced again (a new writer, the
 * bench's rounds) calls the same function, with V8's feedback and optimized code. The writer's
 * state comes in as arguments, not as closure variables, so that the code is shared.
 */
const CODE = new Map<string, StepCode>();

/**
 * The formatting code for the signals `handles`, in that order: a call of the width's loop per
 * run, of the generic loop per stretch between runs.
 */
export function compileVcdStep(t: VcdStepTarget, handles: Int32Array): VcdStepFormat {
  const { widths, tailLen } = t;
  const calls: string[] = [];
  const loops: Record<number, RunCode> = {};
  let generic = -1; // start of the pending generic stretch of `handles`
  for (let j = 0; j < handles.length;) {
    const from = handles[j]!;
    let k = j + 1;
    while (k < handles.length && handles[k] === from + (k - j) && widths[handles[k]!] === widths[from] && tailLen[handles[k]!] === tailLen[from]) k++;
    if (k - j >= MIN_RUN) {
      if (generic >= 0) calls.push(`p = G(t, x, s, p, list, ${generic}, ${j});`);
      generic = -1;
      const w = widths[from]!;
      loops[w] = runFunction(w);
      calls.push(`p = R[${w}](t, x, s, p, ${from}, ${from + (k - j)}, ${tailLen[from]});`);
    } else if (generic < 0) generic = j;
    j = k;
  }
  if (generic >= 0) calls.push(`p = G(t, x, s, p, list, ${generic}, ${handles.length});`);
  const src = `return function vcdStep(t, list, x, s, p) {
  ${calls.join('\n  ')}
  return p;
};`;
  let code = CODE.get(src);
  if (code === undefined) CODE.set(src, (code = new Function('G', 'R', src)(formatList, loops) as StepCode));
  const fn = code;
  return (x, s, p) => fn(t, handles, x, s, p);
}
