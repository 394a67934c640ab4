// Everything derived from a HeadConfig that the micro-architecture needs: sizes, widths,
// shifts, and the latency / II formulas of docs/ARCHITECTURE.md. The RTL gets the same
// numbers as parameters (harness/rtl/params.ts), so model and RTL cannot drift apart.
import type { HeadConfig, Mode } from './config.ts';
import { clog2 } from './numerics.ts';
import { expShiftOf } from './exp-entry.ts';

/** Reciprocal table: RECIP_BITS mantissa bits in, value 2^RECIP_FRAC / m out. */
export const RECIP_BITS = 10;
export const RECIP_FRAC = 17;
/** Approx scale constant 1/Σexp(w): unsigned {SCALE_WIDTH, SCALE_FRAC}. */
export const SCALE_WIDTH = 16;
export const SCALE_FRAC = 16;

export interface Geometry {
  N: number;
  K: number;
  kPar: number;
  cPar: number;
  /** beats per vector */
  B: number;
  /** passes over the input (class groups) */
  P: number;
  /** comparator tree levels */
  L: number;
  /** selection rounds */
  R: number;
  /** entries emitted per vector */
  E: number;
  /** emit all N entries in class order instead of the ranked top-K */
  emitAll: boolean;
  /** serial divider quotient bits */
  Q: number;
  mode: Mode;
  serial: boolean;
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
  return {
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
  };
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

/** Cycles the softmax adds between selection and emission: exp/accumulate, then reciprocal lookup. */
const normCycles = (g: Geometry) => (g.mode === 'softmax' ? g.P + 1 + (g.serial ? 0 : 1) : 0);
/** Extra cycles per entry spent in the serial divider. */
const divCycles = (g: Geometry) => (g.mode === 'softmax' && g.serial ? g.Q : 0);

export interface Timing {
  latency: number;
  ii: number;
  stages: Record<string, number>;
  formula: { latency: string; ii: string };
}

/** docs/ARCHITECTURE.md §Timing. Latency: first input beat accepted → first m_valid, no stalls. */
export function timing(g: Geometry): Timing {
  const front = g.P * g.B;
  const select = g.R * (g.L + 1);
  const norm = normCycles(g);
  const div = divCycles(g);
  const stages = { input: front, mac: 3, transfer: 1, start: 1, select, normalize: norm, emit: 2 + div };
  const latency = Object.values(stages).reduce((a, b) => a + b, 0);
  const back = select + norm + g.E * (div + 1) + 3;
  return {
    latency,
    ii: Math.max(front, back),
    stages,
    formula: {
      latency: 'P·B + 3 + 1 + 1 + R·(L+1) + NORM + 2 + DIV',
      ii: 'max(P·B, R·(L+1) + NORM + E·(DIV+1) + 3)',
    },
  };
}
