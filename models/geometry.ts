// Everything derived from a HeadConfig that the micro-architecture needs: sizes, widths,
// shifts, and the latency / II formulas of docs/ARCHITECTURE.md. The RTL gets the same
// numbers as parameters (harness/rtl/params.ts), so model and RTL cannot drift apart.
import type { HeadConfig, Mode } from './config.ts';
import { expAtZero } from './config.ts';
import { clog2, msbIndex } from './numerics.ts';
import { expShiftOf } from './exp-entry.ts';

/** Reciprocal table: RECIP_BITS mantissa bits in, value 2^RECIP_FRAC / m out. */
export const RECIP_BITS = 10;
export const RECIP_FRAC = 17;
/** Approx scale constant 1/Σexp(w): unsigned {SCALE_WIDTH, SCALE_FRAC}. */
export const SCALE_WIDTH = 16;
export const SCALE_FRAC = 16;

export interface Geometry {
  /** classes, inputs (RTL: CLASSES, INPUTS); the RTL names of every field: docs/ARCHITECTURE.md §Derived sizes, models/rtl-params.ts */
  N: number;
  K: number;
  kPar: number;
  cPar: number;
  /** beats per vector (RTL: BEATS) */
  B: number;
  /** passes over the input, class groups (RTL: PASSES) */
  P: number;
  /** comparator tree levels (RTL: LEVELS) */
  L: number;
  /** selection rounds (tree) / ranked registers (stream) (RTL: ROUNDS) */
  R: number;
  /** select = stream: the top-K is kept as the groups arrive, the logit bank is a RAM */
  stream: boolean;
  /** live rows of the last group: N − (P − 1)·cPar */
  rowsLast: number;
  /** entries emitted per vector (RTL: ENTRIES) */
  E: number;
  /** emit all N entries in class order instead of the ranked top-K */
  emitAll: boolean;
  /** serial divider quotient bits (RTL: QBITS) */
  Q: number;
  mode: Mode;
  serial: boolean;
  /** exp lanes (expPar resolved; 1 outside softmax: only the output stage uses the exp unit) */
  expPar: number;
  /** exp groups of one EXP pass: ⌈N / expPar⌉ (RTL: EXP_GROUPS) */
  G: number;
  /** expImpl = split */
  split: boolean;
  /** split: low-table address bits, entry widths, product shift (hiWidth + loWidth − outBits) */
  expLoBits: number;
  expHiWidth: number;
  expLoWidth: number;
  expSplitShift: number;
  /** exp unit pipeline: register stages from a logit to its exp (table 1, split 2; 0 in argmax) */
  X: number;
  /** the output stage fetches its entries through the logit bank's read port (emit=all, or softmax with one exp lane) */
  rdFetch: boolean;
  /** output stage pipeline: register stages from fetching an entry to em_* (read port, exp unit) */
  D: number;
  /** divider = reciprocal and recipImpl = divide: 1/Σe by a restoring division, once per vector */
  recipDivide: boolean;
  /** recip_q = 1/Σe · 2^recipFrac (table: of the mantissa, with msb_q; divide: floor(2^recipFrac / Σe)) */
  recipFrac: number;
  /** recip_q width */
  recipW: number;
  /** divide: cycles of the division (2 steps per cycle, recipW + 1 steps) */
  recipCycles: number;
  /** divide: rc_t starts at 2^recipInitShift, half the first partial remainder (2^recipFrac's bits above the first quotient bit) */
  recipInitShift: number;
  /** exp(0): the max's own exp; Σe ≥ e0 */
  e0: number;
  inW: number;
  inFrac: number;
  wW: number;
  biasW: number;
  accW: number;
  /** saturate the accumulator (accWidth narrower than proven) */
  accSat: boolean;
  logitW: number;
  logitFrac: number;
  probW: number;
  probFrac: number;
  expAddrBits: number;
  expOutBits: number;
  /** exp index = d >> expShift (left shift if negative) */
  expShift: number;
  sumW: number;
  idxW: number;
  valW: number;
  biasShift: number;
  requantShift: number;
}

export function geometry(c: HeadConfig, provenAcc: number): Geometry {
  const B = Math.ceil(c.inputs / c.kPar);
  const P = Math.ceil(c.classes / c.cPar);
  const E = c.emit === 'all' ? c.classes : c.topK;
  const R = c.emit === 'all' ? 1 : c.topK;
  const accFrac = c.inFmt.frac + c.wFmt.frac;
  const X = c.mode === 'argmax' ? 0 : c.expImpl === 'split' ? 2 : 1;
  const e0 = expAtZero(c);
  // divide: recip_q = floor(2^F / Σe) with F = outBits + probFrac + 2, so e · recip_q / 2^(F − probFrac) is
  // within 1/4 LSB of e / Σe. Σe ≥ e0 ≥ 2^msb(e0): the quotient has F − msb(e0) + 1 bits, rounded up to an
  // odd count Qr; Qr + 1 steps (one that sets up the first partial remainder), 2 per cycle.
  const recipDivide = c.divider === 'reciprocal' && c.recipImpl === 'divide';
  const divFrac = c.expLut.outBits + c.probFmt.frac + 2;
  const quotBits = divFrac - msbIndex(e0) + 1;
  const divBits = quotBits % 2 === 1 ? quotBits : quotBits + 1;
  const base: Geometry = {
    N: c.classes,
    K: c.inputs,
    kPar: c.kPar,
    cPar: c.cPar,
    B,
    P,
    L: clog2(c.classes),
    R,
    E,
    emitAll: c.emit === 'all',
    stream: c.select === 'stream',
    rowsLast: c.classes - (P - 1) * c.cPar,
    Q: c.probFmt.frac + 2,
    mode: c.mode,
    serial: c.divider === 'serial',
    inW: c.inFmt.width,
    inFrac: c.inFmt.frac,
    wW: c.wFmt.width,
    biasW: c.biasFmt.width,
    accW: c.accWidth,
    accSat: c.accWidth < provenAcc,
    logitW: c.logitFmt.width,
    logitFrac: c.logitFmt.frac,
    probW: c.probFmt.width,
    probFrac: c.probFmt.frac,
    expAddrBits: c.expLut.addrBits,
    expOutBits: c.expLut.outBits,
    expShift: expShiftOf(c.logitFmt.frac, c.expLut),
    sumW: Math.ceil(Math.log2(c.classes * (2 ** c.expLut.outBits - 1) + 1)),
    idxW: Math.max(1, clog2(c.classes)),
    valW: Math.max(c.logitFmt.width, c.probFmt.width),
    biasShift: accFrac - c.biasFmt.frac,
    requantShift: accFrac - c.logitFmt.frac,
    expPar: 1,
    G: c.classes,
    split: c.expImpl === 'split',
    expLoBits: c.expSplit.loBits,
    expHiWidth: c.expSplit.hiWidth,
    expLoWidth: c.expSplit.loWidth,
    expSplitShift: c.expSplit.hiWidth + c.expSplit.loWidth - c.expLut.outBits,
    X,
    rdFetch: c.emit === 'all',
    D: (c.emit === 'all' ? 1 : 0) + Math.max(X, 1),
    recipDivide,
    recipFrac: recipDivide ? divFrac : RECIP_FRAC,
    recipW: recipDivide ? divBits : RECIP_FRAC + 1,
    recipCycles: recipDivide ? (divBits + 1) / 2 : 0,
    recipInitShift: divFrac - divBits,
    e0,
  };
  if (c.mode !== 'softmax') return base;
  const expPar = c.expPar === 'auto' ? autoExpPar(base) : c.expPar;
  return withLanes(base, expPar);
}

/**
 * The fixed-point format of each kind of value in the datapath (how waveform layouts show them as
 * real numbers): fraction bits and signedness, derived from the configured formats.
 */
export function valueFormats(g: Geometry) {
  const accFrac = g.requantShift + g.logitFrac;
  const f = (frac: number, signed: boolean) => ({ fixed: { frac, signed } });
  const prob = f(g.probFrac, false);
  return {
    input: f(g.inFrac, true),
    weight: f(accFrac - g.inFrac, true),
    acc: f(accFrac, true),
    logit: f(g.logitFrac, true),
    /** exp(z − z_max) from the table, and sums of them */
    exp: f(g.expOutBits, false),
    /** what m_value carries: a logit (argmax) or a probability (softmax, approx) */
    output: g.mode === 'argmax' ? f(g.logitFrac, true) : prob,
  };
}

/**
 * The geometry with expPar exp lanes. With one lane the output stage reads its entries' logits
 * through the read port by class index (rank_idx), like emit=all, instead of muxing rank_val:
 * one more stage (D), no second logit input on lane 0.
 */
function withLanes(g: Geometry, expPar: number): Geometry {
  const rdFetch = g.emitAll || expPar === 1;
  return { ...g, expPar, G: Math.ceil(g.N / expPar), rdFetch, D: (rdFetch ? 1 : 0) + Math.max(g.X, 1) };
}

/**
 * expPar = 'auto' (docs/ARCHITECTURE.md §Timing): the fewest lanes with which the back end keeps
 * up with the front end, backEndCycles ≤ P·B, so the II stays P·B; when even cPar lanes cannot
 * (the selection or the serial divider bound the II), the fewest that reach cPar's II. Only Σe's
 * completion, L + G + X + 1, depends on the lanes (G = ⌈N / expPar⌉), and what follows it is
 * W = max(recipCycles, 1, D) (reciprocal) or D + Q (serial) cycles to the first move, then
 * (E − 1)·(DIV + 1) + 3: so G ≤ G_max = II − 3 − (E − 1)·(DIV + 1) − (L + X + 1) − W and
 * expPar = ⌈N / G_max⌉ (at most cPar; where the selection bounds the back end, fewer lanes do).
 */
export function autoExpPar(g: Geometry): number {
  const lanes = (p: number): Geometry => withLanes(g, p);
  const ii = Math.max(frontCycles(g), backEndCycles(lanes(g.cPar)));
  const div = g.serial ? g.Q : 0;
  // D with more than one lane; one lane fetches through the read port (D + 1), checked below
  const d = lanes(2).D;
  const w = g.serial ? d + g.Q : Math.max(recipCyclesOf(g), 1, d);
  const gMax = ii - (g.stream ? 2 : 3) - (g.E - 1) * (div + 1) - ((g.stream ? 0 : g.L) + g.X + 1) - w;
  const fits = (p: number) => backEndCycles(lanes(p)) <= ii;
  let p = gMax < 1 ? g.cPar : Math.min(Math.ceil(g.N / gMax), g.cPar);
  if (p === 1 && !fits(1)) p = Math.min(2, g.cPar);
  else if (p === 2 && fits(1)) p = 1;
  return fits(p) ? p : g.cPar;
}

/** Cycles of the reciprocal after Σe is complete: divide C, table lookup 1, none for the serial divider. */
const recipCyclesOf = (g: Geometry) => (g.serial ? 0 : g.recipDivide ? g.recipCycles : 1);

/**
 * The back end's schedule, in cycles from the first SELECT cycle (docs/ARCHITECTURE.md §Timing):
 * the first entry moves into m_* at `firstMove`; entries follow every DIV+1 cycles.
 */
function schedule(g: Geometry) {
  // stream: the ranking is complete when the back end starts (cycle 0 is NORM or EMIT)
  const select = g.stream ? 0 : g.R * (g.L + 1);
  const div = g.mode === 'softmax' && g.serial ? g.Q : 0;
  if (g.mode !== 'softmax') return { select, sum: 0, emit: select, fetch: select, firstMove: select + g.D, div };
  // first cycle with the whole Σe: EXP issues from the max's round (tree: cycle L; stream: cycle 0)
  const sum = (g.stream ? 0 : g.L) + g.G + g.X + 1;
  const emit = Math.max(select + 1, sum + Math.max(recipCyclesOf(g), 1)); // first EMIT cycle
  const fetch = Math.max(select, sum); // the output stage fetches in NORM once Σe is complete
  const firstMove = g.serial ? fetch + g.D + g.Q : Math.max(emit, fetch + g.D);
  return { select, sum, emit, fetch, firstMove, div };
}

/**
 * Cycles the back end holds one vector (its first cycle → the next vector's first cycle): the II
 * it allows. After the last move: tree, the transfer and IDLE → SELECT; stream, the transfer
 * (which starts the next vector at once).
 */
export function backEndCycles(g: Geometry): number {
  const s = schedule(g);
  return s.firstMove + (g.E - 1) * (s.div + 1) + (g.stream ? 2 : 3);
}

/**
 * Cycles between the first beat of one vector and the next, from the front end alone. tree: P·B.
 * stream: the selector drains one entry per cycle, so group g is taken max(B, rows of the group
 * before) cycles after it (the front end stalls while the group register is still draining).
 */
export function frontCycles(g: Geometry): number {
  return g.stream ? (g.P - 1) * Math.max(g.B, g.cPar) + Math.max(g.B, g.rowsLast) : g.P * g.B;
}

export interface Timing {
  latency: number;
  ii: number;
  stages: Record<string, number>;
  formula: { latency: string; ii: string };
}

/** docs/ARCHITECTURE.md §Timing. Latency: first input beat accepted → first m_valid, no stalls. */
export function timing(g: Geometry): Timing {
  const front = frontCycles(g);
  const s = schedule(g);
  // the last group's beats end (P−1) group periods after the first beat
  const input = g.stream ? (g.P - 1) * Math.max(g.B, g.cPar) + g.B : g.P * g.B;
  // tree: transfer to z_hold, IDLE → SELECT; stream: the last group's rows drain, the last one starts the back end
  const start: Record<string, number> = g.stream ? { drain: g.rowsLast } : { transfer: 1, start: 1 };
  // normalize: what the softmax adds before the first output (Σe, the reciprocal) beyond selection and the output pipeline
  const stages = { input, mac: 3, ...start, select: s.select, normalize: s.firstMove - g.D - s.div - s.select, emit: g.D + s.div + 1 };
  const latency = Object.values(stages).reduce((a, b) => a + b, 0);
  return {
    latency,
    ii: Math.max(front, backEndCycles(g)),
    stages,
    formula: {
      latency: g.stream ? '(P−1)·max(B, cPar) + B + 3 + rowsLast + FIRST_MOVE + 1' : 'P·B + 3 + 1 + 1 + FIRST_MOVE + 1',
      ii: g.stream ? 'max((P−1)·max(B, cPar) + max(B, rowsLast), FIRST_MOVE + (E−1)·(DIV+1) + 2)' : 'max(P·B, FIRST_MOVE + (E−1)·(DIV+1) + 3)',
    },
  };
}
