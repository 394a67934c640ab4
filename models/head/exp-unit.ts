// exp_unit: the head's one exp unit, EXP_PAR lanes (softmax; one lane in approx, none in argmax).
// Lane j turns a logit z into e = exp(-(base − z)) (base = the max in softmax, 0 in approx):
// d → index (tables.ts expIndex) → EXP_SPLIT = 0: e_q = EXP[index] (a synchronous ROM read, one
// stage); EXP_SPLIT = 1: hi_q = EXP_HI[index >> EXP_LO_BITS], lo_q = EXP_LO[index & …] (LUT ROMs,
// stage 1), e_q = hi_q · lo_q >> EXP_SPLIT_SHIFT rounded (one multiplier, stage 2). The
// normalizer drives every lane (n_*, rd_data_bus) during its EXP pass; once `own` (softmax: the
// sum is done) lane 0 takes the output stage's inputs (o_*), which re-computes the exps of the
// entries it emits. hi_q and lo_q are the unit's own registers (written in place, stage 2
// before stage 1). Twin of rtl/exp_unit.v.
import type { HeadContext } from './context.ts';
import { expIndexCode, splitProductCode } from '../inline.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import { MODE_CODE } from '../rtl-params.ts';
import { checkInputs, declare, input, output, reg, type Inputs, type Internals, type Outputs } from './signals.ts';

/** rtl/exp_unit.v's parameters (from the head's: models/rtl-params.ts). */
export const expUnitParams = (g: Geometry, relu = true) =>
  moduleParams(g, relu, [
    'MODE', 'CLASSES', 'EXP_PAR', 'EXP_GROUPS', 'LOGIT_W', 'EXP_SPLIT', 'EXP_ADDR_BITS', 'EXP_OUT_BITS',
    'EXP_SHIFT', 'EXP_LO_BITS', 'EXP_HI_W', 'EXP_LO_W', 'EXP_SPLIT_SHIFT',
  ]);

export function expUnitSignals(g: Geometry) {
  const { EXP_PAR, LOGIT_W, EXP_OUT_BITS, EXP_HI_W, EXP_LO_W } = expUnitParams(g);
  const logit = { signed: true };
  // EXP_PAR entries each (1 outside softmax); registers the configuration does not use stay 0, as in the RTL
  return {
    clk: input(1),
    /** the max (softmax; approx: unused, base 0) */
    base: input(LOGIT_W, logit),
    rd_data_bus: input(LOGIT_W, { ...logit, lanes: EXP_PAR }),
    /** normalizer: read data valid (load stage 1), stage 1 valid (load stage 2), the last group */
    n_en1: input(1),
    n_en2: input(1),
    n_last: input(1),
    /** lane 0 belongs to the output stage */
    own: input(1),
    /** output stage: load lane 0's stage 1 / stage 2, its logit */
    o_en1: input(1),
    o_en2: input(1),
    o_z: input(LOGIT_W, logit),
    hi_q: reg(EXP_HI_W, { lanes: EXP_PAR, meta: { fixed: { frac: EXP_HI_W, signed: false } } }),
    lo_q: reg(EXP_LO_W, { lanes: EXP_PAR, meta: { fixed: { frac: EXP_LO_W, signed: false } } }),
    e_bus: output(EXP_OUT_BITS, { lanes: EXP_PAR, signal: 'e_q', meta: valueFormats(g).exp }),
  };
}
export type ExpUnitSignals = ReturnType<typeof expUnitSignals>;

export class ExpUnit {
  readonly out: Outputs<ExpUnitSignals>;
  readonly internal: Internals<ExpUnitSignals>;
  private readonly signals: ExpUnitSignals;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
  ) {
    this.signals = expUnitSignals(ctx.g);
    ({ out: this.out, internal: this.internal } = declare(ctx.k, scope, this.signals));
  }

  connect(i: Inputs<ExpUnitSignals>): void {
    checkInputs('exp_unit', this.signals, i);
    const { k, g, t } = this.ctx;
    const { MODE, CLASSES, EXP_PAR, EXP_GROUPS, EXP_SPLIT, EXP_LO_BITS, EXP_SPLIT_SHIFT, EXP_OUT_BITS } = expUnitParams(g);
    const lanes = MODE === MODE_CODE.argmax ? 0 : EXP_PAR;
    if (lanes === 0) return;
    const { clk, base, rd_data_bus, n_en1, n_en2, n_last, own, o_en1, o_en2, o_z } = i;
    const { hi_q, lo_q } = this.internal;
    const e_q = this.out.e_bus;
    const softmax = MODE === MODE_CODE.softmax;
    // Lanes at or past this one hold no class in the last group (their exp is forced to 0).
    const firstPast = CLASSES - (EXP_GROUPS - 1) * EXP_PAR;
    const mask = 2 ** EXP_LO_BITS - 1;
    k.posedgeCode('exp_unit', clk, (c) => {
      const exp = c.ext(t.exp);
      const hiT = c.ext(t.expHi);
      const loT = c.ext(t.expLo);
      const b = softmax ? c.v(base) : '0';
      // Lane j: the normalizer's inputs while it is `mine`, else the output stage's (lane 0 only).
      const lane = (j: number) => {
        const mine = softmax ? (j === 0 ? `${c.v(own)} !== 1` : 'true') : 'false';
        const en1 = `(${mine} ? ${c.v(n_en1)} === 1 : ${softmax || j === 0 ? `${c.v(o_en1)} === 1` : 'false'})`;
        const en2 = `(${mine} ? ${c.v(n_en2)} === 1 : ${softmax || j === 0 ? `${c.v(o_en2)} === 1` : 'false'})`;
        const z = softmax ? `(${mine} ? ${c.v(rd_data_bus, j)} : ${j === 0 ? c.v(o_z) : 0})` : c.v(o_z);
        const zero = j >= firstPast && softmax ? `(${mine} && ${c.v(n_last)} === 1)` : 'false';
        const stage1 = EXP_SPLIT
          ? `const i = ${expIndexCode(`${b} - (${z})`, g)};
             ${c.own(hi_q, j)} = ${zero} ? 0 : ${hiT}[i >>> ${EXP_LO_BITS}];
             ${c.own(lo_q, j)} = ${loT}[i & ${mask}];`
          : `${c.next(e_q, j)} = ${zero} ? 0 : ${exp}[${expIndexCode(`${b} - (${z})`, g)}];`;
        const stage2 = EXP_SPLIT ? `if (${en2}) ${c.next(e_q, j)} = ${splitProductCode(c.v(hi_q, j), c.v(lo_q, j), EXP_SPLIT_SHIFT, EXP_OUT_BITS)};` : '';
        // stage 2 first: hi_q and lo_q are the unit's own registers, read before stage 1 writes them
        return `${stage2}\nif (${en1}) { ${stage1} }`;
      };
      let body = '';
      for (let j = 0; j < lanes; j++) body += lane(j) + '\n';
      return body + c.nbaRange(e_q, lanes);
    });
  }
}
