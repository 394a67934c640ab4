// The RTL's parameters by their names, from the Geometry the model runs on: the one mapping in
// code of docs/ARCHITECTURE.md §Derived sizes (model symbol ↔ Geometry field ↔ RTL parameter;
// test/derived-sizes.test.ts holds the two to each other). Naming rule: a config name in upper
// snake case (kPar → KPAR), a derived size by what it counts (B → BEATS, R → ROUNDS). Every
// component takes its module's parameters from here (models/head/*: `…Params`), so the model
// reads ROUNDS where rtl/ does, not g.R.
import type { Geometry } from './geometry.ts';
import { RECIP_BITS, SCALE_FRAC, SCALE_WIDTH } from './geometry.ts';

/** The RTL's MODE parameter by mode. */
export const MODE_CODE = { argmax: 0, softmax: 1, approx: 2 } as const;

/**
 * stream: the logit RAM goes to block RAM when a lane's two banks hold 256 words or more (4 kbit
 * at 16 bits: half a RAMB36); smaller ones are distributed (LUT) RAM.
 */
export const ramBlock = (g: Geometry) => g.stream && 2 * 2 ** Math.max(1, Math.ceil(Math.log2(g.G))) >= 256;

const bit = (b: boolean) => (b ? 1 : 0);

/** rtl/head.v's parameters. */
export function headParams(g: Geometry, relu: boolean) {
  return {
    CLASSES: g.N,
    INPUTS: g.K,
    KPAR: g.kPar,
    CPAR: g.cPar,
    RELU: bit(relu),
    MODE: MODE_CODE[g.mode] as number,
    SERIAL: bit(g.serial),
    EMIT_ALL: bit(g.emitAll),
    RD_FETCH: bit(g.rdFetch),
    BEATS: g.B,
    PASSES: g.P,
    LEVELS: g.L,
    ROUNDS: g.R,
    ENTRIES: g.E,
    SELECT: bit(g.stream),
    ROWS_LAST: g.rowsLast,
    RAM_BLOCK: bit(ramBlock(g)),
    QBITS: g.Q,
    IN_W: g.inW,
    W_W: g.wW,
    BIAS_W: g.biasW,
    ACC_W: g.accW,
    ACC_SAT: bit(g.accSat),
    LOGIT_W: g.logitW,
    PROB_W: g.probW,
    PROB_FRAC: g.probFrac,
    EXP_ADDR_BITS: g.expAddrBits,
    EXP_OUT_BITS: g.expOutBits,
    EXP_SHIFT: g.expShift,
    EXP_PAR: g.expPar,
    EXP_GROUPS: g.G,
    EXP_SPLIT: bit(g.split),
    EXP_LO_BITS: g.expLoBits,
    EXP_HI_W: g.expHiWidth,
    EXP_LO_W: g.expLoWidth,
    EXP_SPLIT_SHIFT: g.expSplitShift,
    SUM_W: g.sumW,
    IDX_W: g.idxW,
    VAL_W: g.valW,
    BIAS_SHIFT: g.biasShift,
    REQUANT_SHIFT: g.requantShift,
    RECIP_BITS,
    RECIP_FRAC: g.recipFrac,
    RECIP_DIV: bit(g.recipDivide),
    RECIP_W: g.recipW,
    RECIP_CYCLES: g.recipCycles,
    RECIP_INIT_SHIFT: g.recipInitShift,
    SCALE_W: SCALE_WIDTH,
    SCALE_FRAC,
  };
}
export type RtlParams = ReturnType<typeof headParams>;
export type RtlParam = keyof RtlParams;

/** The parameters a module takes from the head's, by name. */
export function moduleParams<K extends RtlParam>(g: Geometry, relu: boolean, names: readonly K[]): Pick<RtlParams, K> {
  const all = headParams(g, relu);
  return Object.fromEntries(names.map((n) => [n, all[n]])) as Pick<RtlParams, K>;
}
