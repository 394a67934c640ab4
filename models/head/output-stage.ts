// output_stage: fetches the entries of a vector one by one (ranked list, or z_hold in class
// order with emit=all) into the em_* register with their exp value, waits for the divider when
// serial, and loads the AXI-Stream master register m_* whenever it is free or being accepted.
import type { HeadContext, Ports } from './context.ts';
import { State, bitsFor } from './context.ts';
import { approxScore, expIndex } from '../tables.ts';
import { toBits } from '../numerics.ts';
import type { ComparatorTree } from './comparator-tree.ts';
import type { Divider } from './divider.ts';
import type { Normalizer } from './normalizer.ts';

export class OutputStage {
  readonly em_k: number;
  readonly em_full: number;
  readonly em_idx: number;
  readonly em_val: number;
  readonly em_e: number;
  readonly em_last: number;
  /** comb: an entry is fetched into em_* at this edge */
  readonly fetch: number;
  /** comb: em_* moves into m_* at this edge */
  readonly move: number;
  /** comb: the vector's last entry moves out; the back end is done with z_hold */
  readonly vector_done: number;

  constructor(private readonly ctx: HeadContext) {
    const { k, g } = ctx;
    const m = 'head.output_stage.';
    this.em_k = k.signal(m + 'em_k', bitsFor(g.E));
    this.em_full = k.signal(m + 'em_full', 1);
    this.em_idx = k.signal(m + 'em_idx', g.idxW);
    this.em_val = k.signal(m + 'em_val', g.logitW, 0, true);
    this.em_e = k.signal(m + 'em_e', g.expOutBits);
    this.em_last = k.signal(m + 'em_last', 1);
    this.fetch = k.signal(m + 'fetch', 1);
    this.move = k.signal(m + 'move', 1);
    this.vector_done = k.signal(m + 'vector_done', 1);
  }

  connect(p: Ports, state: number, zHold: number, tree: ComparatorTree, norm: Normalizer, div: Divider): void {
    const { k, g, t, w } = this.ctx;
    const { em_k, em_full, em_idx, em_val, em_e, em_last, fetch, move, vector_done } = this;
    const waitDiv = g.mode === 'softmax' && g.serial;
    const max = tree.rank_val; // rank_val[0]: the first round's winner

    k.comb('output_stage.handshake', () => {
      const s = k.v;
      const outFree = s[p.m_valid] === 0 || s[p.m_ready] === 1;
      const mv = s[em_full] === 1 && (!waitDiv || div.ready(s)) && outFree;
      k.set(move, mv ? 1 : 0);
      k.set(vector_done, mv && s[em_last] ? 1 : 0);
      k.set(fetch, s[state] === State.EMIT && s[em_k]! < g.E && (s[em_full] === 0 || mv) ? 1 : 0);
    }, [p.m_valid, p.m_ready, em_full, em_last, em_k, state, div.div_cnt]);

    k.posedge('output_stage', p.clk, () => {
      const s = k.v;
      if (s[p.rst]) {
        k.nba(em_k, 0);
        k.nba(em_full, 0);
        // The port registers reset too, so a 4-state simulator shows no X on m_* before the first output.
        k.nba(p.m_valid, 0);
        k.nba(p.m_index, 0);
        k.nba(p.m_value, 0);
        k.nba(p.m_last, 0);
        return;
      }
      if (s[move]) {
        let value: number;
        if (g.mode === 'argmax') value = toBits(s[em_val]!, g.valW);
        else if (g.mode === 'approx') value = approxScore(s[em_e]!, w.scale, g);
        else value = div.prob(s, em_e, norm.recip_q, norm.msb_q);
        k.nba(p.m_valid, 1);
        k.nba(p.m_index, s[em_idx]!);
        k.nba(p.m_value, value);
        k.nba(p.m_last, s[em_last]!);
      } else if (s[p.m_ready]) k.nba(p.m_valid, 0);

      if (s[fetch]) {
        const e = s[em_k]!;
        const idx = g.emitAll ? e : s[tree.rank_idx + e]!;
        const val = g.emitAll ? s[zHold + e]! : s[tree.rank_val + e]!;
        k.nba(em_idx, idx);
        k.nba(em_val, val);
        k.nba(em_last, e === g.E - 1 ? 1 : 0);
        if (g.mode !== 'argmax') k.nba(em_e, t.exp[expIndex(g.mode === 'softmax' ? s[max]! - val : -val, g)]!);
        k.nba(em_full, 1);
        k.nba(em_k, e + 1);
      } else {
        if (s[move]) k.nba(em_full, 0);
        if (s[state] !== State.EMIT) k.nba(em_k, 0);
      }
    });
  }
}
