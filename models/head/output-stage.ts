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
    this.em_val = k.signal(m + 'em_val', g.logitW, 0, true, ctx.fmt.logit);
    this.em_e = k.signal(m + 'em_e', g.expOutBits, 0, false, ctx.fmt.exp);
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

    k.combCode('output_stage.handshake', (c) => `
      const outFree = ${c.v(p.m_valid)} === 0 || ${c.v(p.m_ready)} === 1;
      const mv = ${c.v(em_full)} === 1 && ${waitDiv ? div.ready(c) : 'true'} && outFree;
      ${c.set(move, 'mv ? 1 : 0')}
      ${c.set(vector_done, `mv && ${c.v(em_last)} ? 1 : 0`)}
      ${c.set(fetch, `${c.v(state)} === ${State.EMIT} && ${c.v(em_k)} < ${g.E} && (${c.v(em_full)} === 0 || mv) ? 1 : 0`)}`,
    [p.m_valid, p.m_ready, em_full, em_last, em_k, state, div.div_cnt]);

    k.posedgeCode('output_stage', p.clk, (c) => {
      let value: string;
      if (g.mode === 'argmax') value = `${c.ext(toBits)}(${c.v(em_val)}, ${g.valW})`;
      else if (g.mode === 'approx') value = `${c.ext(approxScore)}(${c.v(em_e)}, ${w.scale}, ${c.ext(g)})`;
      else value = div.prob(c, em_e, norm.recip_q, norm.msb_q);
      const d = g.mode === 'softmax' ? `${c.v(max)} - val` : '-val';
      return `
        if (${c.v(p.rst)}) {
          ${c.nba(em_k, 0)}
          ${c.nba(em_full, 0)}
          // The port registers reset too, so a 4-state simulator shows no X on m_* before the first output.
          ${c.nba(p.m_valid, 0)}
          ${c.nba(p.m_index, 0)}
          ${c.nba(p.m_value, 0)}
          ${c.nba(p.m_last, 0)}
          ${c.exit}
        }
        const move = ${c.v(move)};
        if (move) {
          ${c.nba(p.m_valid, 1)}
          ${c.nba(p.m_index, c.v(em_idx))}
          ${c.nba(p.m_value, value)}
          ${c.nba(p.m_last, c.v(em_last))}
        } else if (${c.v(p.m_ready)}) ${c.nba(p.m_valid, 0)}
        if (${c.v(fetch)}) {
          const e = ${c.v(em_k)};
          const idx = ${g.emitAll ? 'e' : c.v(tree.rank_idx, 'e')};
          const val = ${g.emitAll ? c.v(zHold, 'e') : c.v(tree.rank_val, 'e')};
          ${c.nba(em_idx, 'idx')}
          ${c.nba(em_val, 'val')}
          ${c.nba(em_last, `e === ${g.E - 1} ? 1 : 0`)}
          ${g.mode !== 'argmax' ? c.nba(em_e, `${c.ext(t.exp)}[${c.ext(expIndex)}(${d}, ${c.ext(g)})]`) : ''}
          ${c.nba(em_full, 1)}
          ${c.nba(em_k, 'e + 1')}
        } else {
          if (move) ${c.nba(em_full, 0)}
          if (${c.v(state)} !== ${State.EMIT}) ${c.nba(em_k, 0)}
        }`;
    });
  }
}
