// reciprocal (softmax, divider = reciprocal): 1/Σe once per vector, as soon as Σe is complete.
// RECIP_DIV = 0 (table): the leading one of Σe (msb_q) and the reciprocal table entry of the
// mantissa below it (recip_q), one cycle. RECIP_DIV = 1: recip_q = floor(2^RECIP_FRAC / Σe) by a
// non-restoring division, two steps per cycle for RECIP_CYCLES cycles: rc_t (the partial remainder
// minus Σe) waits in IDLE at 2^RECIP_INIT_SHIFT ≥ 0, so the first step gives the first partial
// remainder minus Σe (and a quotient bit 1 that falls off the top of recip_q); each step: b = rc_t ≥ 0,
// rc_t = 2·rc_t ∓ Σe, recip_q = 2·recip_q + b. norm_done: the reciprocal is ready at this edge or was
// already; with the serial divider (or outside softmax) there is no reciprocal and norm_done is
// sum_done. Twin of rtl/reciprocal.v.
import type { HeadContext } from './context.ts';
import { State, bitsFor } from './context.ts';
import { recipIndex } from '../tables.ts';
import { type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import { MODE_CODE } from '../rtl-params.ts';
import { checkInputs, declare, input, output, reg, type Inputs, type Internals, type Outputs } from './signals.ts';

/** rtl/reciprocal.v's parameters (from the head's: models/rtl-params.ts). */
export const reciprocalParams = (g: Geometry, relu = true) =>
  moduleParams(g, relu, [
    'MODE', 'SERIAL', 'SUM_W', 'RECIP_BITS', 'RECIP_DIV', 'RECIP_W', 'RECIP_CYCLES', 'RECIP_INIT_SHIFT',
  ]);

export function reciprocalSignals(g: Geometry) {
  const { SUM_W, RECIP_DIV, RECIP_W, RECIP_CYCLES } = reciprocalParams(g);
  return {
    clk: input(1),
    rst: input(1),
    state: input(2),
    sum: input(SUM_W),
    sum_done: input(1),
    rc_cnt: reg(bitsFor(RECIP_DIV ? RECIP_CYCLES : 1)),
    rc_t: reg(SUM_W + 1, { signed: true }),
    msb_q: output(bitsFor(SUM_W)),
    // divide: 1/Σe as a real number (Σe has EXP_OUT_BITS fraction bits); table: a mantissa, shown as an integer
    recip_q: output(RECIP_W, RECIP_DIV ? { meta: { fixed: { frac: g.recipFrac - g.expOutBits, signed: false } } } : {}),
    /** the reciprocal is complete at this edge (or was already) */
    norm_done: output(1),
  };
}
export type ReciprocalSignals = ReturnType<typeof reciprocalSignals>;

export class Reciprocal {
  readonly out: Outputs<ReciprocalSignals>;
  readonly internal: Internals<ReciprocalSignals>;
  private readonly signals: ReciprocalSignals;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
  ) {
    this.signals = reciprocalSignals(ctx.g);
    ({ out: this.out, internal: this.internal } = declare(ctx.k, scope, this.signals));
  }

  connect(i: Inputs<ReciprocalSignals>): void {
    checkInputs('reciprocal', this.signals, i);
    const { k, g, t } = this.ctx;
    const { MODE, SERIAL, RECIP_DIV, RECIP_W, RECIP_CYCLES, RECIP_INIT_SHIFT } = reciprocalParams(g);
    const { clk, rst, state, sum, sum_done } = i;
    const { msb_q, recip_q, norm_done } = this.out;
    const { rc_cnt, rc_t } = this.internal;
    if (MODE !== MODE_CODE.softmax || SERIAL) {
      k.combCode('reciprocal.norm_done', (c) => c.set(norm_done, c.v(sum_done)), [sum_done]);
      return;
    }
    const C = RECIP_DIV ? RECIP_CYCLES : 1;
    k.combCode('reciprocal.norm_done', (c) => c.set(norm_done, `${c.v(sum_done)} === 1 && ${c.v(rc_cnt)} >= ${C - 1} ? 1 : 0`), [sum_done, rc_cnt]);

    k.posedgeCode('reciprocal', clk, (c) => {
      const work = RECIP_DIV
        ? `const S = ${c.v(sum)};
           let tt = ${c.v(rc_t)};
           let q = ${c.v(recip_q)};
           for (let s = 0; s < 2; s++) { const b = tt >= 0 ? 1 : 0; tt = 2 * tt + (b ? -S : S); q = (2 * q + b) % ${2 ** RECIP_W}; }
           ${c.nba(rc_t, 'tt')}
           ${c.nba(recip_q, 'q')}`
        : `const r = ${c.ext(recipIndex)}(${c.v(sum)});
           ${c.nba(msb_q, 'r.msb')}
           ${c.nba(recip_q, `${c.ext(t.recip)}[r.index]`)}`;
      return `
        if (${c.v(rst)} || ${c.v(state)} === ${State.IDLE}) { ${c.nba(rc_cnt, 0)} ${RECIP_DIV ? c.nba(rc_t, 2 ** RECIP_INIT_SHIFT) : ''} ${c.exit} }
        const cnt = ${c.v(rc_cnt)};
        if (!${c.v(sum_done)} || cnt === ${C}) ${c.exit}
        ${work}
        ${c.nba(rc_cnt, 'cnt + 1')}`;
    });
  }
}
