// normalizer (softmax only, MODE = 1): the EXP pass. It starts in the cycle round 0 of the
// selection records the max (max_rec), overlapping the remaining rounds: EXP_GROUPS = ⌈N / EXP_PAR⌉
// reads of the logit bank's port (exp_group = the group read), each through the exp unit's
// EXP_PAR lanes, and Σe accumulated as the exps come out. sum_done marks the sum complete
// (cleared in IDLE). Twin of rtl/normalizer.v.
import type { HeadContext } from './context.ts';
import { State, bitsFor } from './context.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import { MODE_CODE } from '../rtl-params.ts';
import { checkInputs, declare, input, output, reg, type Inputs, type Internals, type Outputs } from './signals.ts';

/** rtl/normalizer.v's parameters (from the head's: models/rtl-params.ts), and those rtl/head.v derives for it. */
export const normalizerParams = (g: Geometry, relu = true) => ({
  ...moduleParams(g, relu, [
    'MODE', 'EXP_PAR', 'EXP_GROUPS', 'EXP_SPLIT', 'EXP_OUT_BITS', 'SUM_W',
  ]),
  GCNT_W: bitsFor(g.G),
});

export function normalizerSignals(g: Geometry) {
  const { EXP_PAR, GCNT_W, EXP_OUT_BITS, SUM_W } = normalizerParams(g);
  return {
    clk: input(1),
    rst: input(1),
    state: input(2),
    max_rec: input(1),
    e_bus: input(EXP_OUT_BITS, { lanes: EXP_PAR }),
    exp_group: output(GCNT_W),
    /** group exp_group is read from the logit bank at this edge */
    exp_issue: output(1),
    /** pipeline: read data (rd), exp tables (t, split only), exps (e); *_last: the last group */
    rd_valid: output(1),
    rd_last: output(1),
    t_valid: output(1),
    t_last: reg(1),
    e_valid: reg(1),
    e_last: reg(1),
    sum: output(SUM_W, { meta: valueFormats(g).exp }),
    sum_done: output(1),
  };
}
export type NormalizerSignals = ReturnType<typeof normalizerSignals>;

export class Normalizer {
  readonly out: Outputs<NormalizerSignals>;
  readonly internal: Internals<NormalizerSignals>;
  private readonly signals: NormalizerSignals;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
  ) {
    this.signals = normalizerSignals(ctx.g);
    ({ out: this.out, internal: this.internal } = declare(ctx.k, scope, this.signals));
  }

  connect(i: Inputs<NormalizerSignals>): void {
    checkInputs('normalizer', this.signals, i);
    const { k, g } = this.ctx;
    const { MODE, EXP_PAR, EXP_GROUPS: G, EXP_SPLIT } = normalizerParams(g);
    if (MODE !== MODE_CODE.softmax) return; // the RTL generates none of this outside softmax mode
    const { clk, rst, state, max_rec, e_bus } = i;
    const { exp_group, exp_issue, rd_valid, rd_last, t_valid, sum, sum_done } = this.out;
    const { t_last, e_valid, e_last } = this.internal;

    k.combCode('normalizer.exp_issue', (c) =>
      c.set(exp_issue, `${c.v(exp_group)} < ${G} && (${c.v(exp_group)} !== 0 || ${c.v(max_rec)} === 1) ? 1 : 0`), [exp_group, max_rec]);

    k.posedgeCode('normalizer', clk, (c) => `
      if (${c.v(rst)} || ${c.v(state)} === ${State.IDLE}) {
        ${c.nba(exp_group, 0)} ${c.nba(rd_valid, 0)} ${c.nba(t_valid, 0)} ${c.nba(e_valid, 0)}
        ${c.nba(sum, 0)} ${c.nba(sum_done, 0)}
        ${c.exit}
      }
      const issue = ${c.v(exp_issue)};
      const grp = ${c.v(exp_group)};
      if (issue) ${c.nba(exp_group, 'grp + 1')}
      ${c.nba(rd_valid, 'issue')}
      ${c.nba(rd_last, `issue && grp === ${G - 1} ? 1 : 0`)}
      ${EXP_SPLIT ? `${c.nba(t_valid, c.v(rd_valid))} ${c.nba(t_last, c.v(rd_last))}` : ''}
      ${c.nba(e_valid, c.v(EXP_SPLIT ? t_valid : rd_valid))}
      ${c.nba(e_last, c.v(EXP_SPLIT ? t_last : rd_last))}
      if (${c.v(e_valid)}) {
        let acc = ${c.v(sum)};
        for (let j = 0; j < ${EXP_PAR}; j++) acc += ${c.v(e_bus, 'j')};
        ${c.nba(sum, 'acc')}
        if (${c.v(e_last)}) ${c.nba(sum_done, 1)}
      }`);
  }
}
