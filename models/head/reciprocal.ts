// reciprocal (softmax, divider = reciprocal): 1/Σe once per vector, as soon as Σe is complete.
// recipImpl = table: the leading one of Σe (msb_q) and the reciprocal table entry of the mantissa
// below it (recip_q), one cycle. recipImpl = divide: recip_q = floor(2^recipFrac / Σe) by a
// non-restoring division, two steps per cycle for recipCycles cycles: rc_t (the partial remainder
// minus Σe) waits in IDLE at 2^recipInitShift ≥ 0, so the first step gives the first partial
// remainder minus Σe (and a quotient bit 1 that falls off the top of recip_q); each step: b = rc_t ≥ 0,
// rc_t = 2·rc_t ∓ Σe, recip_q = 2·recip_q + b. norm_done: the reciprocal is ready at this edge or was
// already; with the serial divider there is no reciprocal and norm_done is sum_done.
import type { HeadContext, Ports } from './context.ts';
import { State, bitsFor } from './context.ts';
import { recipIndex } from '../tables.ts';

export class Reciprocal {
  readonly rc_cnt: number;
  readonly rc_t: number;
  readonly msb_q: number;
  readonly recip_q: number;
  /** comb: the reciprocal is complete at this edge (or was already) */
  readonly norm_done: number;

  constructor(private readonly ctx: HeadContext) {
    const { k, g } = ctx;
    const m = 'head.reciprocal.';
    const cycles = g.recipDivide ? g.recipCycles : 1;
    this.rc_cnt = k.signal(m + 'rc_cnt', bitsFor(cycles));
    this.rc_t = k.signal(m + 'rc_t', g.sumW + 1, 0, true);
    this.msb_q = k.signal(m + 'msb_q', bitsFor(g.sumW));
    // divide: 1/Σe as a real number (Σe has expOutBits fraction bits); table: a mantissa, shown as an integer
    this.recip_q = k.signal(m + 'recip_q', g.recipW, 0, false, g.recipDivide ? { fixed: { frac: g.recipFrac - g.expOutBits, signed: false } } : undefined);
    this.norm_done = k.signal(m + 'norm_done', 1);
  }

  connect(p: Ports, state: number, sum: number, sumDone: number): void {
    const { k, g, t } = this.ctx;
    if (g.mode !== 'softmax') return;
    const { rc_cnt, rc_t, msb_q, recip_q, norm_done } = this;
    if (g.serial) {
      k.combCode('reciprocal.norm_done', (c) => c.set(norm_done, c.v(sumDone)), [sumDone]);
      return;
    }
    const C = g.recipDivide ? g.recipCycles : 1;
    k.combCode('reciprocal.norm_done', (c) => c.set(norm_done, `${c.v(sumDone)} === 1 && ${c.v(rc_cnt)} >= ${C - 1} ? 1 : 0`), [sumDone, rc_cnt]);

    k.posedgeCode('reciprocal', p.clk, (c) => {
      const work = g.recipDivide
        ? `const S = ${c.v(sum)};
           let tt = ${c.v(rc_t)};
           let q = ${c.v(recip_q)};
           for (let s = 0; s < 2; s++) { const b = tt >= 0 ? 1 : 0; tt = 2 * tt + (b ? -S : S); q = (2 * q + b) % ${2 ** g.recipW}; }
           ${c.nba(rc_t, 'tt')}
           ${c.nba(recip_q, 'q')}`
        : `const r = ${c.ext(recipIndex)}(${c.v(sum)});
           ${c.nba(msb_q, 'r.msb')}
           ${c.nba(recip_q, `${c.ext(t.recip)}[r.index]`)}`;
      return `
        if (${c.v(p.rst)} || ${c.v(state)} === ${State.IDLE}) { ${c.nba(rc_cnt, 0)} ${g.recipDivide ? c.nba(rc_t, 2 ** g.recipInitShift) : ''} ${c.exit} }
        const cnt = ${c.v(rc_cnt)};
        if (!${c.v(sumDone)} || cnt === ${C}) ${c.exit}
        ${work}
        ${c.nba(rc_cnt, 'cnt + 1')}`;
    });
  }
}
