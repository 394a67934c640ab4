// normalizer (softmax only): EXP phase feeds cPar classes per cycle through cPar exp_lut ports
// (d = max − z, max = the first round's winner) and accumulates Σe; NORM (reciprocal divider)
// finds the leading one of Σe and reads the reciprocal table.
import type { HeadContext, Ports } from './context.ts';
import { State, bitsFor } from './context.ts';
import { expIndex, recipIndex } from '../tables.ts';

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
    this.e_data = k.array(m + 'e_data', g.expOutBits, g.cPar);
    this.sum = k.signal(m + 'sum', g.sumW);
    this.msb_q = k.signal(m + 'msb_q', bitsFor(g.sumW));
    this.recip_q = k.signal(m + 'recip_q', 18);
    this.exp_done = k.signal(m + 'exp_done', 1);
    const { exp_group, e_valid, e_last, e_data, sum, msb_q, recip_q, exp_done } = this;
    if (g.mode !== 'softmax') return; // the RTL generates none of this outside softmax mode

    k.comb('normalizer.exp_done', () => {
      const s = k.v;
      k.set(exp_done, s[state] === State.EXP && s[e_valid] && s[e_last] ? 1 : 0);
    }, [state, e_valid, e_last]);

    k.posedge('normalizer', p.clk, () => {
      const s = k.v;
      const st = s[state];
      if (s[p.rst] || st !== State.EXP) {
        k.nba(exp_group, 0);
        k.nba(e_valid, 0);
        if (st === State.SELECT) k.nba(sum, 0);
      } else {
        const grp = s[exp_group]!;
        const issue = grp < g.P;
        k.nba(e_valid, issue ? 1 : 0);
        k.nba(e_last, issue && grp === g.P - 1 ? 1 : 0);
        if (issue) {
          const mx = s[max]!;
          for (let c = 0; c < g.cPar; c++) {
            const n = grp * g.cPar + c;
            k.nba(e_data + c, n < g.N ? t.exp[expIndex(mx - s[zHold + n]!, g)]! : 0);
          }
          k.nba(exp_group, grp + 1);
        }
        if (s[e_valid]) {
          let acc = s[sum]!;
          for (let c = 0; c < g.cPar; c++) acc += s[e_data + c]!;
          k.nba(sum, acc);
        }
      }
      if (st === State.NORM) {
        const r = recipIndex(s[sum]!);
        k.nba(msb_q, r.msb);
        k.nba(recip_q, t.recip[r.index]!);
      }
    });
  }
}
