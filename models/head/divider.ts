// divider (softmax only): `serial` is a restoring divider, one quotient bit per cycle,
// Q = probFrac + 2 cycles per entry, exactly rounded; `reciprocal` multiplies e by the
// normalizer's reciprocal of Σe (combinational, no cycles of its own).
import type { HeadContext, Ports } from './context.ts';
import { bitsFor } from './context.ts';
import { reciprocalProb } from '../tables.ts';
import { satU } from '../numerics.ts';

export class Divider {
  readonly div_rem: number;
  readonly div_q: number;
  readonly div_cnt: number;

  constructor(private readonly ctx: HeadContext) {
    const { k, g } = ctx;
    const m = 'head.divider.';
    this.div_rem = k.signal(m + 'div_rem', g.sumW + 1);
    this.div_q = k.signal(m + 'div_q', g.Q);
    this.div_cnt = k.signal(m + 'div_cnt', bitsFor(g.Q));
  }

  /** Step the serial divider on the entry held in the output stage (em_e / sum). */
  connect(p: Ports, emFull: number, emE: number, fetch: number, sum: number): void {
    const { k, g } = this.ctx;
    if (g.mode !== 'softmax' || !g.serial) return;
    const { div_rem, div_q, div_cnt } = this;
    k.posedge('divider', p.clk, () => {
      const s = k.v;
      if (s[p.rst] || s[fetch]) {
        k.nba(div_cnt, 0);
        return;
      }
      const cnt = s[div_cnt]!;
      if (!s[emFull] || cnt === g.Q) return;
      const rem = cnt === 0 ? s[emE]! : s[div_rem]!;
      const q = cnt === 0 ? 0 : s[div_q]!;
      const bit = rem >= s[sum]! ? 1 : 0;
      k.nba(div_rem, (bit ? rem - s[sum]! : rem) * 2);
      k.nba(div_q, q * 2 + bit);
      k.nba(div_cnt, cnt + 1);
    });
  }

  ready(s: Float64Array): boolean {
    return s[this.div_cnt] === this.ctx.g.Q;
  }

  /** The probability of the entry in the output stage. */
  prob(s: Float64Array, emE: number, recipQ: number, msbQ: number): number {
    const { g } = this.ctx;
    if (g.serial) return satU(Math.floor((s[this.div_q]! + 1) / 2), g.probW);
    return reciprocalProb(s[emE]!, s[recipQ]!, s[msbQ]!, g);
  }
}
