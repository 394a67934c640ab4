// normalizer (softmax only): the EXP pass. It starts in the cycle round 0 of the selection
// records the max (max_rec), overlapping the remaining rounds: G = ⌈N / expPar⌉ reads of the
// logit bank's port (exp_group = the group read), each through the exp unit's expPar lanes, and
// Σe accumulated as the exps come out. sum_done marks the sum complete (cleared in IDLE).
import type { HeadContext, Ports } from './context.ts';
import { State, bitsFor } from './context.ts';
import type { ExpUnit } from './exp-unit.ts';

export class Normalizer {
  readonly exp_group: number;
  /** comb: group exp_group is read from the logit bank at this edge */
  readonly exp_issue: number;
  /** pipeline: read data (rd), exp tables (t, split only), exps (e); *_last: the last group */
  readonly rd_valid: number;
  readonly rd_last: number;
  readonly t_valid: number;
  readonly t_last: number;
  readonly e_valid: number;
  readonly e_last: number;
  readonly sum: number;
  readonly sum_done: number;

  constructor(private readonly ctx: HeadContext) {
    const { k, g } = ctx;
    const m = 'head.normalizer.';
    this.exp_group = k.signal(m + 'exp_group', bitsFor(g.G));
    this.exp_issue = k.signal(m + 'exp_issue', 1);
    this.rd_valid = k.signal(m + 'rd_valid', 1);
    this.rd_last = k.signal(m + 'rd_last', 1);
    this.t_valid = k.signal(m + 't_valid', 1);
    this.t_last = k.signal(m + 't_last', 1);
    this.e_valid = k.signal(m + 'e_valid', 1);
    this.e_last = k.signal(m + 'e_last', 1);
    this.sum = k.signal(m + 'sum', g.sumW, 0, false, ctx.fmt.exp);
    this.sum_done = k.signal(m + 'sum_done', 1);
  }

  connect(p: Ports, state: number, maxRec: number, exp: ExpUnit): void {
    const { k, g } = this.ctx;
    if (g.mode !== 'softmax') return; // the RTL generates none of this outside softmax mode
    const { exp_group, exp_issue, rd_valid, rd_last, t_valid, t_last, e_valid, e_last, sum, sum_done } = this;
    const G = g.G;

    k.combCode('normalizer.exp_issue', (c) =>
      c.set(exp_issue, `${c.v(exp_group)} < ${G} && (${c.v(exp_group)} !== 0 || ${c.v(maxRec)} === 1) ? 1 : 0`), [exp_group, maxRec]);

    k.posedgeCode('normalizer', p.clk, (c) => `
      if (${c.v(p.rst)} || ${c.v(state)} === ${State.IDLE}) {
        ${c.nba(exp_group, 0)} ${c.nba(rd_valid, 0)} ${c.nba(t_valid, 0)} ${c.nba(e_valid, 0)}
        ${c.nba(sum, 0)} ${c.nba(sum_done, 0)}
        ${c.exit}
      }
      const issue = ${c.v(exp_issue)};
      const grp = ${c.v(exp_group)};
      if (issue) ${c.nba(exp_group, 'grp + 1')}
      ${c.nba(rd_valid, 'issue')}
      ${c.nba(rd_last, `issue && grp === ${G - 1} ? 1 : 0`)}
      ${g.split ? `${c.nba(t_valid, c.v(rd_valid))} ${c.nba(t_last, c.v(rd_last))}` : ''}
      ${c.nba(e_valid, c.v(g.split ? t_valid : rd_valid))}
      ${c.nba(e_last, c.v(g.split ? t_last : rd_last))}
      if (${c.v(e_valid)}) {
        let acc = ${c.v(sum)};
        for (let j = 0; j < ${g.expPar}; j++) acc += ${c.v(exp.e_q, 'j')};
        ${c.nba(sum, 'acc')}
        if (${c.v(e_last)}) ${c.nba(sum_done, 1)}
      }`);
  }
}
