// divider (softmax only): `serial` is a restoring divider, one quotient bit per cycle,
// Q = probFrac + 2 cycles per entry, exactly rounded; `reciprocal` multiplies e by the
// reciprocal module's 1/Σe (combinational, no cycles of its own).
import type { Code } from '../../sim/kernel.ts';
import type { HeadContext, Ports } from './context.ts';
import { bitsFor } from './context.ts';
import { reciprocalProb } from '../tables.ts';
import { reciprocalProbCode, satUCode } from '../inline.ts';

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

  /** Step the serial divider on the entry held in the output stage (em_e / sum); `load`: a new entry enters em_*. */
  connect(p: Ports, emFull: number, emE: number, load: number, sum: number): void {
    const { k, g } = this.ctx;
    if (g.mode !== 'softmax' || !g.serial) return;
    const { div_rem, div_q, div_cnt } = this;
    k.posedgeCode('divider', p.clk, (c) => `
      if (${c.v(p.rst)} || ${c.v(load)}) { ${c.nba(div_cnt, 0)} ${c.exit} }
      const cnt = ${c.v(div_cnt)};
      if (!${c.v(emFull)} || cnt === ${g.Q}) ${c.exit}
      const rem = cnt === 0 ? ${c.v(emE)} : ${c.v(div_rem)};
      const q = cnt === 0 ? 0 : ${c.v(div_q)};
      const bit = rem >= ${c.v(sum)} ? 1 : 0;
      ${c.nba(div_rem, `(bit ? rem - ${c.v(sum)} : rem) * 2`)}
      ${c.nba(div_q, 'q * 2 + bit')}
      ${c.nba(div_cnt, 'cnt + 1')}`);
  }

  /** Code: the divider has the quotient of the entry in the output stage. */
  ready(c: Code): string {
    return `${c.v(this.div_cnt)} === ${this.ctx.g.Q}`;
  }

  /** Code: the probability of the entry in the output stage. */
  prob(c: Code, emE: number, recipQ: number, msbQ: number): string {
    const { g } = this.ctx;
    if (g.serial) return satUCode(`Math.floor((${c.v(this.div_q)} + 1) / 2)`, g.probW);
    // recipImpl = divide: the reciprocal has no exponent (msb 0), all of it folds into constants
    if (g.recipDivide) return reciprocalProbCode(c.v(emE), c.v(recipQ), 0, g);
    return `${c.ext(reciprocalProb)}(${c.v(emE)}, ${c.v(recipQ)}, ${c.v(msbQ)}, ${c.ext(g)})`;
  }
}
