// normalizer (softmax only): EXP phase feeds cPar classes per cycle through cPar exp_lut ports
// (d = max − z, max = the first round's winner) and accumulates Σe; NORM (reciprocal divider)
// finds the leading one of Σe and reads the reciprocal table.
import type { HeadContext, Ports } from './context.ts';
import { State, bitsFor } from './context.ts';
import { expIndex, recipIndex } from '../tables.ts';
import { RECIP_FRAC } from '../geometry.ts';

export class Normalizer {
  readonly exp_group: number;
  readonly e_valid: number;
  readonly e_last: number;
  readonly e_data: number;
  readonly sum: number;
  readonly msb_q: number;
  readonly recip_q: number;
  /** comb: the last group's exps are added at this edge */
  readonly exp_done: number;

  constructor(ctx: HeadContext, p: Ports, state: number, zHold: number, max: number) {
    const { k, g, t } = ctx;
    const m = 'head.normalizer.';
    this.exp_group = k.signal(m + 'exp_group', bitsFor(g.P));
    this.e_valid = k.signal(m + 'e_valid', 1);
    this.e_last = k.signal(m + 'e_last', 1);
    this.e_data = k.array(m + 'e_data', g.expOutBits, g.cPar, 0, false, ctx.fmt.exp);
    this.sum = k.signal(m + 'sum', g.sumW, 0, false, ctx.fmt.exp);
    this.msb_q = k.signal(m + 'msb_q', bitsFor(g.sumW));
    this.recip_q = k.signal(m + 'recip_q', RECIP_FRAC + 1); // rtl: [RECIP_FRAC:0]
    this.exp_done = k.signal(m + 'exp_done', 1);
    const { exp_group, e_valid, e_last, e_data, sum, msb_q, recip_q, exp_done } = this;
    if (g.mode !== 'softmax') return; // the RTL generates none of this outside softmax mode

    k.combCode('normalizer.exp_done', (c) =>
      c.set(exp_done, `${c.v(state)} === ${State.EXP} && ${c.v(e_valid)} && ${c.v(e_last)} ? 1 : 0`), [state, e_valid, e_last]);

    k.posedgeCode('normalizer', p.clk, (c) => {
      const exp = c.ext(t.exp);
      const recip = c.ext(t.recip);
      const ei = c.ext(expIndex);
      const ri = c.ext(recipIndex);
      const geo = c.ext(g);
      return `
        const st = ${c.v(state)};
        if (${c.v(p.rst)} || st !== ${State.EXP}) {
          ${c.nba(exp_group, 0)}
          ${c.nba(e_valid, 0)}
          if (st === ${State.SELECT}) ${c.nba(sum, 0)}
        } else {
          const grp = ${c.v(exp_group)};
          const issue = grp < ${g.P};
          ${c.nba(e_valid, 'issue ? 1 : 0')}
          ${c.nba(e_last, `issue && grp === ${g.P - 1} ? 1 : 0`)}
          if (issue) {
            const mx = ${c.v(max)};
            for (let c = 0; c < ${g.cPar}; c++) {
              const n = grp * ${g.cPar} + c;
              ${c.next(e_data, 'c')} = n < ${g.N} ? ${exp}[${ei}(mx - ${c.v(zHold, 'n')}, ${geo})] : 0;
            }
            ${c.nbaRange(e_data, g.cPar)}
            ${c.nba(exp_group, 'grp + 1')}
          }
          if (${c.v(e_valid)}) {
            let acc = ${c.v(sum)};
            for (let c = 0; c < ${g.cPar}; c++) acc += ${c.v(e_data, 'c')};
            ${c.nba(sum, 'acc')}
          }
        }
        if (st === ${State.NORM}) {
          const r = ${ri}(${c.v(sum)});
          ${c.nba(msb_q, 'r.msb')}
          ${c.nba(recip_q, `${recip}[r.index]`)}
        }`;
    });
  }
}
