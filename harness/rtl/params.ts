// The RTL's parameters, all computed from the same Geometry the model runs on, so the two
// cannot drift. Naming rule: the config name in upper snake case (kPar → KPAR); derived
// quantities use the Geometry's letters spelled out (B → BEATS).
import type { Geometry } from '../../models/geometry.ts';
import { MODE_CODE, RECIP_BITS, SCALE_FRAC, SCALE_WIDTH } from '../../models/geometry.ts';
import { ramBlock } from '../../models/head/logit-bank.ts';

export { MODE_CODE, ramBlock };

export function rtlParams(g: Geometry, relu: boolean): Record<string, number> {
  return {
    CLASSES: g.N,
    INPUTS: g.K,
    KPAR: g.kPar,
    CPAR: g.cPar,
    RELU: relu ? 1 : 0,
    MODE: MODE_CODE[g.mode],
    SERIAL: g.serial ? 1 : 0,
    EMIT_ALL: g.emitAll ? 1 : 0,
    RD_FETCH: g.rdFetch ? 1 : 0,
    BEATS: g.B,
    PASSES: g.P,
    LEVELS: g.L,
    ROUNDS: g.R,
    ENTRIES: g.E,
    SELECT: g.stream ? 1 : 0,
    ROWS_LAST: g.rowsLast,
    RAM_BLOCK: ramBlock(g) ? 1 : 0,
    QBITS: g.Q,
    IN_W: g.inW,
    W_W: g.wW,
    BIAS_W: g.biasW,
    ACC_W: g.accW,
    ACC_SAT: g.accSat ? 1 : 0,
    LOGIT_W: g.logitW,
    PROB_W: g.probW,
    PROB_FRAC: g.probFrac,
    EXP_ADDR_BITS: g.expAddrBits,
    EXP_OUT_BITS: g.expOutBits,
    EXP_SHIFT: g.expShift,
    EXP_PAR: g.expPar,
    EXP_GROUPS: g.G,
    EXP_SPLIT: g.split ? 1 : 0,
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
    RECIP_DIV: g.recipDivide ? 1 : 0,
    RECIP_W: g.recipW,
    RECIP_CYCLES: g.recipCycles,
    RECIP_INIT_SHIFT: g.recipInitShift,
    SCALE_W: SCALE_WIDTH,
    SCALE_FRAC,
  };
}
