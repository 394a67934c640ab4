// approx_scaler (approx mode): the score of an entry, e · scale in the probability format,
// rounded half up, saturated to PROB_W (tables.ts approxScore); scale = 1/Σexp(w), the constant
// of the question, from the weights (the RTL's scale.hex). Combinational; the output stage holds
// it (rtl/output_stage.v instantiates it in approx mode). Twin of rtl/approx_scaler.v.
import type { HeadContext } from './context.ts';
import { approxScoreCode } from '../inline.ts';
import { type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import { checkInputs, declare, input, output, type Inputs, type Outputs } from './signals.ts';

/** rtl/approx_scaler.v's parameters (from the head's: models/rtl-params.ts). */
export const approxScalerParams = (g: Geometry, relu = true) =>
  moduleParams(g, relu, [
    'EXP_OUT_BITS', 'PROB_W', 'PROB_FRAC', 'SCALE_W', 'SCALE_FRAC',
  ]);

export function approxScalerSignals(g: Geometry) {
  const { EXP_OUT_BITS, PROB_W } = approxScalerParams(g);
  return {
    e: input(EXP_OUT_BITS),
    score: output(PROB_W),
  };
}
export type ApproxScalerSignals = ReturnType<typeof approxScalerSignals>;

export class ApproxScaler {
  readonly out: Outputs<ApproxScalerSignals>;
  private readonly signals: ApproxScalerSignals;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
  ) {
    this.signals = approxScalerSignals(ctx.g);
    this.out = declare(ctx.k, scope, this.signals).out;
  }

  connect(i: Inputs<ApproxScalerSignals>): void {
    checkInputs('approx_scaler', this.signals, i);
    const { k, g, w } = this.ctx;
    const { score } = this.out;
    k.combCode('approx_scaler', (c) => c.set(score, approxScoreCode(c.v(i.e), w.scale, g)), [i.e]);
  }
}
