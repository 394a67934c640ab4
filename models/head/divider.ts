// divider (softmax only): SERIAL = 1 is a restoring divider, one quotient bit per cycle,
// QBITS = probFrac + 2 cycles per entry, exactly rounded (`ready` once the quotient is complete);
// SERIAL = 0 multiplies e by the reciprocal module's 1/Σe (combinational, no cycles of its own).
// `prob` is the probability of the entry in the output stage. Twin of rtl/divider.v.
import type { Code } from '../../sim/kernel.ts';
import type { HeadContext } from './context.ts';
import { bitsFor } from './context.ts';
import { reciprocalProb } from '../tables.ts';
import { dividedProbBitsCode, dividedProbCode, satUCode } from '../inline.ts';
import { type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import { MODE_CODE } from '../rtl-params.ts';
import { checkInputs, declare, input, output, reg, type Inputs, type Internals, type Outputs } from './signals.ts';

/** rtl/divider.v's parameters (from the head's: models/rtl-params.ts). */
export const dividerParams = (g: Geometry, relu = true) =>
  moduleParams(g, relu, [
    'MODE', 'SERIAL', 'QBITS', 'SUM_W', 'EXP_OUT_BITS', 'PROB_W', 'PROB_FRAC', 'RECIP_FRAC', 'RECIP_DIV',
    'RECIP_W',
  ]);

export function dividerSignals(g: Geometry) {
  const { QBITS, SUM_W, EXP_OUT_BITS, PROB_W, RECIP_W } = dividerParams(g);
  return {
    clk: input(1),
    rst: input(1),
    /** a new entry enters em_* */
    load: input(1),
    em_full: input(1),
    em_e: input(EXP_OUT_BITS),
    sum: input(SUM_W),
    recip_q: input(RECIP_W),
    msb_q: input(bitsFor(SUM_W)),
    div_rem: reg(SUM_W + 1),
    div_q: reg(QBITS),
    div_cnt: reg(bitsFor(QBITS)),
    /** the serial quotient is complete */
    ready: output(1),
    prob: output(PROB_W),
  };
}
export type DividerSignals = ReturnType<typeof dividerSignals>;

export class Divider {
  readonly out: Outputs<DividerSignals>;
  readonly internal: Internals<DividerSignals>;
  private readonly signals: DividerSignals;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
  ) {
    this.signals = dividerSignals(ctx.g);
    ({ out: this.out, internal: this.internal } = declare(ctx.k, scope, this.signals));
  }

  connect(i: Inputs<DividerSignals>): void {
    checkInputs('divider', this.signals, i);
    const { k, g } = this.ctx;
    const { MODE, SERIAL, QBITS, PROB_W, RECIP_DIV } = dividerParams(g);
    if (MODE !== MODE_CODE.softmax) return; // ready and prob stay 0, as the RTL's constants
    const { clk, rst, load, em_full, em_e, sum, recip_q, msb_q } = i;
    const { ready, prob } = this.out;
    const { div_rem, div_q, div_cnt } = this.internal;
    if (!SERIAL) {
      // recipImpl = divide: the reciprocal has no exponent (msb 0), all of it folds into constants;
      // the RTL keeps the bits e ≤ Σe needs, and so does this (the same value on any input)
      const p = RECIP_DIV
        ? (c: Code) => `const y1 = ${dividedProbBitsCode(c.v(em_e), c.v(recip_q), g)};\n${c.set(prob, dividedProbCode('y1', g))}`
        : (c: Code) => c.set(prob, `${c.ext(reciprocalProb)}(${c.v(em_e)}, ${c.v(recip_q)}, ${c.v(msb_q)}, ${c.ext(g)})`);
      k.combCode('divider.prob', p, RECIP_DIV ? [em_e, recip_q] : [em_e, recip_q, msb_q]);
      return;
    }
    k.combCode('divider.ready', (c) => c.set(ready, `${c.v(div_cnt)} === ${QBITS} ? 1 : 0`), [div_cnt]);
    k.combCode('divider.prob', (c) => c.set(prob, satUCode(`Math.floor((${c.v(div_q)} + 1) / 2)`, PROB_W)), [div_q]);
    k.posedgeCode('divider', clk, (c) => `
      if (${c.v(rst)} || ${c.v(load)}) { ${c.nba(div_cnt, 0)} ${c.exit} }
      const cnt = ${c.v(div_cnt)};
      if (!${c.v(em_full)} || cnt === ${QBITS}) ${c.exit}
      const rem = cnt === 0 ? ${c.v(em_e)} : ${c.v(div_rem)};
      const q = cnt === 0 ? 0 : ${c.v(div_q)};
      const bit = rem >= ${c.v(sum)} ? 1 : 0;
      ${c.nba(div_rem, `(bit ? rem - ${c.v(sum)} : rem) * 2`)}
      ${c.nba(div_q, 'q * 2 + bit')}
      ${c.nba(div_cnt, 'cnt + 1')}`);
  }
}
