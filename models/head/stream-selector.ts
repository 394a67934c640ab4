// stream_selector (select = stream): the running top-K of the vector being drained, kept in R
// sorted registers (top_*: largest first, top_ok marks the filled ones), one entry inserted per
// cycle as the logit bank drains its group register (d_*). Entries arrive in class order, so an
// entry that ties a kept one is ranked after it: ties go to the lower class index, as in the tree.
// At hold_load the ranking, with the entry of that edge, moves to rank_* (the back end reads
// those while the next vector's entries arrive) and top_* empties. Mirrors rtl/stream_selector.v.
import type { HeadContext, Ports } from './context.ts';
import type { LogitBank } from './logit-bank.ts';

export class StreamSelector {
  readonly top_ok: number;
  readonly top_idx: number;
  readonly top_val: number;
  readonly rank_idx: number;
  readonly rank_val: number;

  constructor(ctx: HeadContext, p: Ports, bank: LogitBank) {
    const { k, g } = ctx;
    const m = 'head.stream_selector.';
    const R = g.R;
    this.top_ok = k.array(m + 'top_ok', 1, R);
    this.top_idx = k.array(m + 'top_idx', g.idxW, R);
    this.top_val = k.array(m + 'top_val', g.logitW, R, 0, true, ctx.fmt.logit);
    this.rank_idx = k.array(m + 'rank_idx', g.idxW, R);
    this.rank_val = k.array(m + 'rank_val', g.logitW, R, 0, true, ctx.fmt.logit);
    const { top_ok, top_idx, top_val, rank_idx, rank_val } = this;

    k.posedgeCode('stream_selector', p.clk, (c) => `
      if (${c.v(p.rst)}) {
        for (let r = 0; r < ${R}; r++) ${c.next(top_ok, 'r')} = 0;
        ${c.nbaRange(top_ok, R)}
        ${c.exit}
      }
      const load = ${c.v(bank.hold_load)} === 1, take = ${c.v(bank.d_valid)} === 1;
      if (!load && !take) ${c.exit}
      const di = ${c.v(bank.d_idx)}, dv = ${bank.dVal(c)};
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
