// output_stage: fetches the entries of a vector one by one (the ranked list, or with emit=all
// every class in order) down a short pipeline that stalls as a whole: [rd_* (rdFetch: the logit
// from the bank's read port, by class)] → [ex_* (split: exp tables of lane 0)] → em_*
// (the entry with its exp, em_e = the exp unit's e_q[0]); waits for the serial divider; loads the
// AXI-Stream master register m_* whenever it is free or being accepted. In softmax it fetches
// once Σe is complete (NORM), so that only the final multiply waits for the reciprocal.
import type { Code } from '../../sim/kernel.ts';
import type { HeadContext, Ports, Ranking } from './context.ts';
import { State, bitsFor } from './context.ts';
import { approxScoreCode, toBitsCode } from '../inline.ts';
import type { Divider } from './divider.ts';
import type { ExpUnit, ExpUnitInputs } from './exp-unit.ts';
import type { Reciprocal } from './reciprocal.ts';

export class OutputStage {
  readonly em_k: number;
  /** emit=all, expPar > 1: read-port group and lane of entry em_k */
  readonly em_grp: number;
  readonly em_lane: number;
  readonly rd_valid: number;
  readonly rd_idx: number;
  readonly rd_lane: number;
  readonly rd_last: number;
  readonly ex_valid: number;
  readonly ex_idx: number;
  readonly ex_last: number;
  readonly em_full: number;
  readonly em_idx: number;
  readonly em_val: number;
  readonly em_last: number;
  /** comb: the pipeline advances at this edge (em_* is free or moving) */
  readonly adv: number;
  /** comb: an entry is fetched at this edge */
  readonly fetch: number;
  /** comb: em_* moves into m_* at this edge */
  readonly move: number;
  /** comb: the vector's last entry moves out; the back end is done with z_hold */
  readonly vector_done: number;
  /** comb: a new entry enters em_* at this edge */
  readonly em_load: number;
  private readonly lanePorts: boolean;

  constructor(private readonly ctx: HeadContext) {
    const { k, g } = ctx;
    const m = 'head.output_stage.';
    this.lanePorts = g.emitAll && g.expPar > 1;
    this.em_k = k.signal(m + 'em_k', bitsFor(g.E));
    this.em_grp = k.signal(m + 'em_grp', bitsFor(g.G - 1));
    this.em_lane = k.signal(m + 'em_lane', bitsFor(g.expPar - 1));
    this.rd_valid = k.signal(m + 'rd_valid', 1);
    this.rd_idx = k.signal(m + 'rd_idx', g.idxW);
    this.rd_lane = k.signal(m + 'rd_lane', bitsFor(g.expPar - 1));
    this.rd_last = k.signal(m + 'rd_last', 1);
    this.ex_valid = k.signal(m + 'ex_valid', 1);
    this.ex_idx = k.signal(m + 'ex_idx', g.idxW);
    this.ex_last = k.signal(m + 'ex_last', 1);
    this.em_full = k.signal(m + 'em_full', 1);
    this.em_idx = k.signal(m + 'em_idx', g.idxW);
    this.em_val = k.signal(m + 'em_val', g.logitW, 0, true, ctx.fmt.logit);
    this.em_last = k.signal(m + 'em_last', 1);
    this.adv = k.signal(m + 'adv', 1);
    this.fetch = k.signal(m + 'fetch', 1);
    this.move = k.signal(m + 'move', 1);
    this.vector_done = k.signal(m + 'vector_done', 1);
    this.em_load = k.signal(m + 'em_load', 1);
  }

  /**
   * Read-port request (code) when fetching through the port (rdFetch): class em_k (emit=all; its
   * group with several lanes), or the ranked entry's class rank_idx[em_k] (index clamped as in the RTL).
   */
  readRequest(c: Code, tree: Ranking): { en: string; addr: string } {
    const { g } = this.ctx;
    if (!g.rdFetch) return { en: '0', addr: '0' };
    const k = c.v(this.em_k);
    const addr = g.emitAll ? (this.lanePorts ? c.v(this.em_grp) : k) : c.v(tree.rank_idx, `${k} < ${g.R} ? ${k} : 0`);
    return { en: c.v(this.fetch), addr };
  }

  /** What lane 0 of the exp unit gets from this stage once it owns the lane. */
  expInputs(tree: Ranking, zRdData: number): Pick<ExpUnitInputs, 'oEn1' | 'oEn2' | 'oZ'> {
    const { g } = this.ctx;
    return {
      oEn1: (c: Code) => `(${c.v(this.adv)} === 1 && ${g.rdFetch ? c.v(this.rd_valid) : c.v(this.fetch)} === 1)`,
      oEn2: (c: Code) => `(${c.v(this.adv)} === 1 && ${c.v(this.ex_valid)} === 1)`,
      oZ: (c: Code) => (g.rdFetch ? c.v(zRdData, this.lanePorts ? c.v(this.rd_lane) : 0) : c.v(tree.rank_val, c.v(this.em_k))),
    };
  }

  connect(p: Ports, state: number, zRdData: number, tree: Ranking, sumDone: number, exp: ExpUnit, recip: Reciprocal, div: Divider): void {
    const { k, g, w } = this.ctx;
    const { em_k, em_grp, em_lane, rd_valid, rd_idx, rd_lane, rd_last, ex_valid, ex_idx, ex_last, em_full, em_idx, em_val, em_last } = this;
    const { adv, fetch, move, vector_done, em_load, lanePorts } = this;
    const waitDiv = g.mode === 'softmax' && g.serial;
    const emE = exp.e_q; // lane 0

    k.combCode('output_stage.handshake', (c) => {
      // what enters em_* when the pipeline advances: the ex stage (split), the rd stage (emit=all), or the fetch itself
      const emSrc = g.split && g.mode !== 'argmax' ? c.v(ex_valid) : g.rdFetch ? c.v(rd_valid) : 'f';
      return `
        const outFree = ${c.v(p.m_valid)} === 0 || ${c.v(p.m_ready)} === 1;
        const mv = ${c.v(em_full)} === 1 && ${c.v(state)} === ${State.EMIT} && ${waitDiv ? div.ready(c) : 'true'} && outFree;
        const a = ${c.v(em_full)} === 0 || mv;
        const st = ${c.v(state)};
        const phase = st === ${State.EMIT} || (st === ${State.NORM} && ${c.v(sumDone)} === 1);
        const f = a && phase && ${c.v(em_k)} < ${g.E} ? 1 : 0;
        ${c.set(move, 'mv ? 1 : 0')}
        ${c.set(adv, 'a ? 1 : 0')}
        ${c.set(fetch, 'f')}
        ${c.set(vector_done, `mv && ${c.v(em_last)} ? 1 : 0`)}
        ${c.set(em_load, `a && ${emSrc} ? 1 : 0`)}`;
    }, [p.m_valid, p.m_ready, em_full, em_last, em_k, state, sumDone, div.div_cnt, ex_valid, rd_valid]);

    k.posedgeCode('output_stage', p.clk, (c) => {
      let value: string;
      if (g.mode === 'argmax') value = toBitsCode(c.v(em_val), g.valW);
      else if (g.mode === 'approx') value = approxScoreCode(c.v(emE), w.scale, g);
      else value = div.prob(c, emE, recip.recip_q, recip.msb_q);
      const split = g.split && g.mode !== 'argmax';
      // the entry at the fetch: ranked entry em_k, or class em_k
      const fIdx = g.emitAll ? c.v(em_k) : c.v(tree.rank_idx, c.v(em_k));
      const fLast = `${c.v(em_k)} === ${g.E - 1} ? 1 : 0`;
      const logit = g.rdFetch ? c.v(zRdData, lanePorts ? c.v(rd_lane) : 0) : c.v(tree.rank_val, c.v(em_k));
      // stage sources: [valid, idx, last]
      const fromFetch = ['f', fIdx, fLast];
      const fromRd = [c.v(rd_valid), c.v(rd_idx), c.v(rd_last)];
      const exIn = g.rdFetch ? fromRd : fromFetch;
      const emIn = split ? [c.v(ex_valid), c.v(ex_idx), c.v(ex_last)] : exIn;
      return `
        if (${c.v(p.rst)}) {
          ${c.nba(em_k, 0)} ${c.nba(em_grp, 0)} ${c.nba(em_lane, 0)}
          ${c.nba(rd_valid, 0)} ${c.nba(ex_valid, 0)} ${c.nba(em_full, 0)}
          // The port registers reset too, so a 4-state simulator shows no X on m_* before the first output.
          ${c.nba(p.m_valid, 0)}
          ${c.nba(p.m_index, 0)}
          ${c.nba(p.m_value, 0)}
          ${c.nba(p.m_last, 0)}
          ${c.exit}
        }
        if (${c.v(move)}) {
          ${c.nba(p.m_valid, 1)}
          ${c.nba(p.m_index, c.v(em_idx))}
          ${c.nba(p.m_value, value)}
          ${c.nba(p.m_last, c.v(em_last))}
        } else if (${c.v(p.m_ready)}) ${c.nba(p.m_valid, 0)}
        const f = ${c.v(fetch)};
        if (${c.v(adv)}) {
          ${c.nba(em_full, emIn[0]!)}
          if (${emIn[0]}) {
            ${c.nba(em_idx, emIn[1]!)}
            ${c.nba(em_last, emIn[2]!)}
            ${g.mode === 'argmax' ? c.nba(em_val, logit) : ''}
          }
          ${split ? `${c.nba(ex_valid, exIn[0]!)} if (${exIn[0]}) { ${c.nba(ex_idx, exIn[1]!)} ${c.nba(ex_last, exIn[2]!)} }` : ''}
          ${g.rdFetch ? `${c.nba(rd_valid, 'f')} if (f) { ${c.nba(rd_idx, fIdx)} ${c.nba(rd_last, fLast)} ${lanePorts ? c.nba(rd_lane, c.v(em_lane)) : ''} }` : ''}
        }
        if (f) {
          ${c.nba(em_k, `${c.v(em_k)} + 1`)}
          ${lanePorts ? `const last = ${c.v(em_lane)} === ${g.expPar - 1}; ${c.nba(em_lane, `last ? 0 : ${c.v(em_lane)} + 1`)} if (last) ${c.nba(em_grp, `${c.v(em_grp)} + 1`)}` : ''}
        } else if (${c.v(state)} === ${State.IDLE}) {
          ${c.nba(em_k, 0)} ${c.nba(em_grp, 0)} ${c.nba(em_lane, 0)}
        }`;
    });
  }
}
