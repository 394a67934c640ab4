// stream_selector (SELECT = 1): the running top-K of the vector being drained, kept in ROUNDS
// sorted registers (top_*: largest first, top_ok marks the filled ones), one entry inserted per
// cycle as the logit bank drains its group register (d_*). Entries arrive in class order, so an
// entry that ties a kept one is ranked after it: ties go to the lower class index, as in the tree.
// At hold_load the ranking, with the entry of that edge, moves to rank_* (the back end reads
// those while the next vector's entries arrive) and top_* empties. Twin of rtl/stream_selector.v.
import type { HeadContext } from './context.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import { checkInputs, declare, input, output, reg, type Inputs, type Internals, type Outputs } from './signals.ts';

/** rtl/stream_selector.v's parameters (from the head's: models/rtl-params.ts). */
export const streamSelectorParams = (g: Geometry, relu = true) => moduleParams(g, relu, ['ROUNDS', 'IDX_W', 'LOGIT_W']);

export function streamSelectorSignals(g: Geometry) {
  const { ROUNDS, IDX_W, LOGIT_W } = streamSelectorParams(g);
  const logit = { signed: true, meta: valueFormats(g).logit };
  return {
    clk: input(1),
    rst: input(1),
    d_valid: input(1),
    d_idx: input(IDX_W),
    d_val: input(LOGIT_W, { signed: true }),
    hold_load: input(1),
    top_ok: reg(1, { lanes: ROUNDS }),
    top_idx: reg(IDX_W, { lanes: ROUNDS }),
    top_val: reg(LOGIT_W, { ...logit, lanes: ROUNDS }),
    rank_idx_bus: output(IDX_W, { lanes: ROUNDS, signal: 'rank_idx' }),
    rank_val_bus: output(LOGIT_W, { ...logit, lanes: ROUNDS, signal: 'rank_val' }),
  };
}
export type StreamSelectorSignals = ReturnType<typeof streamSelectorSignals>;

export class StreamSelector {
  readonly out: Outputs<StreamSelectorSignals>;
  readonly internal: Internals<StreamSelectorSignals>;
  private readonly signals: StreamSelectorSignals;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
  ) {
    this.signals = streamSelectorSignals(ctx.g);
    ({ out: this.out, internal: this.internal } = declare(ctx.k, scope, this.signals));
  }

  connect(i: Inputs<StreamSelectorSignals>): void {
    checkInputs('stream_selector', this.signals, i);
    const { ROUNDS: R } = streamSelectorParams(this.ctx.g);
    const { clk, rst, d_valid, d_idx, d_val, hold_load } = i;
    const { top_ok, top_idx, top_val } = this.internal;
    const { rank_idx_bus: rank_idx, rank_val_bus: rank_val } = this.out;

    this.ctx.k.posedgeCode('stream_selector', clk, (c) => `
      if (${c.v(rst)}) {
        for (let r = 0; r < ${R}; r++) ${c.next(top_ok, 'r')} = 0;
        ${c.nbaRange(top_ok, R)}
        ${c.exit}
      }
      const load = ${c.v(hold_load)} === 1, take = ${c.v(d_valid)} === 1;
      if (!load && !take) ${c.exit}
      const di = ${c.v(d_idx)}, dv = ${c.v(d_val)};
      // slot r takes the entry if it beats slot r (empty, or strictly larger) but not r−1, the old
      // slot r−1 if the entry beats that too, else keeps its own (reads are this cycle's values)
      for (let r = 0; r < ${R}; r++) {
        let ok = ${c.v(top_ok, 'r')}, idx = ${c.v(top_idx, 'r')}, val = ${c.v(top_val, 'r')};
        if (take && (ok === 0 || dv > val)) {
          if (r > 0 && (${c.v(top_ok, 'r - 1')} === 0 || dv > ${c.v(top_val, 'r - 1')})) { ok = ${c.v(top_ok, 'r - 1')}; idx = ${c.v(top_idx, 'r - 1')}; val = ${c.v(top_val, 'r - 1')}; }
          else { ok = 1; idx = di; val = dv; }
        }
        if (load) { ${c.next(rank_idx, 'r')} = idx; ${c.next(rank_val, 'r')} = val; ${c.next(top_ok, 'r')} = 0; }
        else { ${c.next(top_ok, 'r')} = ok; ${c.next(top_idx, 'r')} = idx; ${c.next(top_val, 'r')} = val; }
      }
      if (load) { ${c.nbaRange(rank_idx, R)} ${c.nbaRange(rank_val, R)} ${c.nbaRange(top_ok, R)} }
      else { ${c.nbaRange(top_ok, R)} ${c.nbaRange(top_idx, R)} ${c.nbaRange(top_val, R)} }`);
  }
}
