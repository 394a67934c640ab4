// output_stage: fetches the entries of a vector one by one (the ranked list, or with EMIT_ALL
// every class in order) down a short pipeline that stalls as a whole (adv): [rd_* (RD_FETCH: the
// logit from the bank's read port, by class)] → [ex_* (split: lane 0's exp tables)] → em_* (the
// entry with its exp em_e, lane 0's e_q); waits for the serial divider; loads the AXI-Stream
// master register m_* whenever it is free or being accepted. In softmax it fetches once Σe is
// complete (NORM), so that only the final multiply waits for the reciprocal. It drives lane 0 of
// the exp unit (o_*) and requests logits from the read port (o_rd_*). In approx mode it holds
// the approx_scaler. Twin of rtl/output_stage.v.
import type { HeadContext } from './context.ts';
import { State, bitsFor, range } from './context.ts';
import { toBitsCode } from '../inline.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import { MODE_CODE } from '../rtl-params.ts';
import { ApproxScaler } from './approx-scaler.ts';
import { checkInputs, declare, input, output, reg, wire, type Inputs, type Internals, type Outputs } from './signals.ts';

/** rtl/output_stage.v's parameters (from the head's: models/rtl-params.ts), and those rtl/head.v derives for it. */
export const outputStageParams = (g: Geometry, relu = true) => ({
  ...moduleParams(g, relu, [
    'MODE', 'SERIAL', 'EMIT_ALL', 'RD_FETCH', 'EXP_SPLIT', 'EXP_PAR', 'ROUNDS', 'ENTRIES', 'IDX_W',
    'LOGIT_W', 'VAL_W', 'PROB_W', 'PROB_FRAC', 'EXP_OUT_BITS', 'SCALE_W', 'SCALE_FRAC',
  ]),
  GRP_W: bitsFor(g.G - 1),
});

export function outputStageSignals(g: Geometry) {
  const { EXP_PAR, ROUNDS, ENTRIES, GRP_W, IDX_W, LOGIT_W, VAL_W, PROB_W, EXP_OUT_BITS } = outputStageParams(g);
  const f = valueFormats(g);
  const logit = { signed: true, meta: f.logit };
  const LANE_W = bitsFor(EXP_PAR - 1);
  return {
    clk: input(1),
    rst: input(1),
    state: input(2),
    sum_done: input(1),
    z_rd_data_bus: input(LOGIT_W, { lanes: EXP_PAR, signed: true }),
    rank_idx_bus: input(IDX_W, { lanes: ROUNDS }),
    rank_val_bus: input(LOGIT_W, { lanes: ROUNDS, signed: true }),
    /** lane 0 of the exp unit */
    em_e: input(EXP_OUT_BITS),
    div_ready: input(1),
    div_prob: input(PROB_W),
    m_valid: output(1),
    m_ready: input(1),
    m_index: output(IDX_W),
    m_value: output(VAL_W, { meta: f.output }),
    m_last: output(1),
    em_k: reg(bitsFor(ENTRIES)),
    /** EMIT_ALL, EXP_PAR > 1: read-port group and lane of entry em_k */
    em_grp: reg(GRP_W),
    em_lane: reg(LANE_W),
    rd_valid: reg(1),
    rd_idx: reg(IDX_W),
    rd_lane: reg(LANE_W),
    rd_last: reg(1),
    ex_valid: reg(1),
    ex_idx: reg(IDX_W),
    ex_last: reg(1),
    em_full: output(1),
    em_idx: reg(IDX_W),
    em_val: reg(LOGIT_W, logit),
    em_last: reg(1),
    /** the pipeline advances at this edge (em_* is free or moving) */
    adv: wire(1),
    /** an entry is fetched at this edge */
    fetch: wire(1),
    /** em_* moves into m_* at this edge */
    move: wire(1),
    /** the vector's last entry moves out; the back end is done with the held logits */
    vector_done: output(1),
    /** a new entry enters em_* at this edge */
    em_load: output(1),
    /** lane 0 of the exp unit: load its first stage, its second (split), the logit */
    o_en1: output(1),
    o_en2: output(1),
    o_z: output(LOGIT_W, logit),
    /** read port request (RD_FETCH) */
    o_rd_en: output(1),
    o_rd_addr: output(GRP_W),
  };
}
export type OutputStageSignals = ReturnType<typeof outputStageSignals>;

export class OutputStage {
  readonly out: Outputs<OutputStageSignals>;
  readonly internal: Internals<OutputStageSignals>;
  /** approx: the scaler of the entry's exp */
  readonly scaler: ApproxScaler | null;
  private readonly signals: OutputStageSignals;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
    bound: Partial<Outputs<OutputStageSignals>> = {},
  ) {
    this.signals = outputStageSignals(ctx.g);
    ({ out: this.out, internal: this.internal } = declare(ctx.k, scope, this.signals, bound));
    this.scaler = ctx.g.mode === 'approx' ? new ApproxScaler(ctx, scope + 'approx_scaler.') : null;
  }

  connect(i: Inputs<OutputStageSignals>): void {
    checkInputs('output_stage', this.signals, i);
    const { k, g } = this.ctx;
    const { MODE, SERIAL, EMIT_ALL, RD_FETCH, EXP_SPLIT, EXP_PAR, ROUNDS, ENTRIES, GRP_W, IDX_W, VAL_W } = outputStageParams(g);
    const { clk, rst, state, sum_done, z_rd_data_bus: z_rd_data, rank_idx_bus: rank_idx, rank_val_bus: rank_val, em_e, div_ready, div_prob, m_ready } = i;
    const { m_valid, m_index, m_value, m_last, em_full, vector_done, em_load, o_en1, o_en2, o_z, o_rd_en, o_rd_addr } = this.out;
    const { em_k, em_grp, em_lane, rd_valid, rd_idx, rd_lane, rd_last, ex_valid, ex_idx, ex_last, em_idx, em_val, em_last, adv, fetch, move } = this.internal;
    const waitDiv = MODE === MODE_CODE.softmax && SERIAL === 1;
    const split = MODE !== MODE_CODE.argmax && EXP_SPLIT === 1;
    const lanePorts = EMIT_ALL === 1 && EXP_PAR > 1;
    this.scaler?.connect({ e: em_e });

    k.combCode('output_stage.handshake', (c) => {
      // what enters ex_* (split) and em_* when the pipeline advances: the rd stage (RD_FETCH) or the fetch itself
      const exIn = RD_FETCH ? c.v(rd_valid) : 'f';
      const emIn = split ? c.v(ex_valid) : exIn;
      // read port: class em_k (its group with several lanes) or the ranked entry's class, GRP_W bits
      const entry = c.v(em_k);
      const fIdx = EMIT_ALL ? `${entry} % ${2 ** IDX_W}` : c.v(rank_idx, `${entry} < ${ROUNDS} ? ${entry} : 0`);
      const rdAddr = !RD_FETCH ? '0' : lanePorts ? c.v(em_grp) : `(${fIdx}) % ${2 ** GRP_W}`;
      return `
        const outFree = ${c.v(m_valid)} === 0 || ${c.v(m_ready)} === 1;
        const mv = ${c.v(em_full)} === 1 && ${c.v(state)} === ${State.EMIT} && ${waitDiv ? `${c.v(div_ready)} === 1` : 'true'} && outFree;
        const a = ${c.v(em_full)} === 0 || mv;
        const st = ${c.v(state)};
        const phase = st === ${State.EMIT} || (st === ${State.NORM} && ${c.v(sum_done)} === 1);
        const f = a && phase && ${entry} < ${ENTRIES} ? 1 : 0;
        ${c.set(move, 'mv ? 1 : 0')}
        ${c.set(adv, 'a ? 1 : 0')}
        ${c.set(fetch, 'f')}
        ${c.set(vector_done, `mv && ${c.v(em_last)} ? 1 : 0`)}
        ${c.set(em_load, `a && ${emIn} ? 1 : 0`)}
        ${c.set(o_en1, `a && ${exIn} ? 1 : 0`)}
        ${c.set(o_en2, `a && ${c.v(ex_valid)} ? 1 : 0`)}
        ${c.set(o_rd_en, RD_FETCH ? 'f' : 0)}
        ${c.set(o_rd_addr, rdAddr)}`;
    }, [m_valid, m_ready, em_full, em_last, em_k, state, sum_done, div_ready, ex_valid, rd_valid, em_grp, ...range(rank_idx, ROUNDS)]);

    // lane 0's logit: the read port's (its lane rd_lane with several), or ranked entry em_k's
    if (RD_FETCH) k.combCode('output_stage.o_z', (c) => c.set(o_z, c.v(z_rd_data, lanePorts ? c.v(rd_lane) : 0)), lanePorts ? [...range(z_rd_data, EXP_PAR), rd_lane] : [z_rd_data]);
    else k.combCode('output_stage.o_z', (c) => c.set(o_z, c.v(rank_val, `${c.v(em_k)} < ${ROUNDS} ? ${c.v(em_k)} : 0`)), [...range(rank_val, ROUNDS), em_k]);

    k.posedgeCode('output_stage', clk, (c) => {
      let value: string;
      if (MODE === MODE_CODE.argmax) value = toBitsCode(c.v(em_val), VAL_W);
      else if (MODE === MODE_CODE.approx) value = c.v(this.scaler!.out.score);
      else value = c.v(div_prob);
      // the entry at the fetch: ranked entry em_k, or class em_k
      const fIdx = EMIT_ALL ? c.v(em_k) : c.v(rank_idx, c.v(em_k));
      const fLast = `${c.v(em_k)} === ${ENTRIES - 1} ? 1 : 0`;
      // stage sources: [valid, idx, last]
      const fromFetch = ['f', fIdx, fLast];
      const fromRd = [c.v(rd_valid), c.v(rd_idx), c.v(rd_last)];
      const exIn = RD_FETCH ? fromRd : fromFetch;
      const emIn = split ? [c.v(ex_valid), c.v(ex_idx), c.v(ex_last)] : exIn;
      return `
        if (${c.v(rst)}) {
          ${c.nba(em_k, 0)} ${c.nba(em_grp, 0)} ${c.nba(em_lane, 0)}
          ${c.nba(rd_valid, 0)} ${c.nba(ex_valid, 0)} ${c.nba(em_full, 0)}
          // The port registers reset too, so a 4-state simulator shows no X on m_* before the first output.
          ${c.nba(m_valid, 0)}
          ${c.nba(m_index, 0)}
          ${c.nba(m_value, 0)}
          ${c.nba(m_last, 0)}
          ${c.exit}
        }
        if (${c.v(move)}) {
          ${c.nba(m_valid, 1)}
          ${c.nba(m_index, c.v(em_idx))}
          ${c.nba(m_value, value)}
          ${c.nba(m_last, c.v(em_last))}
        } else if (${c.v(m_ready)}) ${c.nba(m_valid, 0)}
        const f = ${c.v(fetch)};
        if (${c.v(adv)}) {
          ${c.nba(em_full, emIn[0]!)}
          if (${emIn[0]}) {
            ${c.nba(em_idx, emIn[1]!)}
            ${c.nba(em_last, emIn[2]!)}
            ${MODE === MODE_CODE.argmax ? c.nba(em_val, c.v(o_z)) : ''}
          }
          ${split ? `${c.nba(ex_valid, exIn[0]!)} if (${exIn[0]}) { ${c.nba(ex_idx, exIn[1]!)} ${c.nba(ex_last, exIn[2]!)} }` : ''}
          ${RD_FETCH ? `${c.nba(rd_valid, 'f')} if (f) { ${c.nba(rd_idx, fIdx)} ${c.nba(rd_last, fLast)} ${lanePorts ? c.nba(rd_lane, c.v(em_lane)) : ''} }` : ''}
        }
        if (f) {
          ${c.nba(em_k, `${c.v(em_k)} + 1`)}
          ${lanePorts ? `const last = ${c.v(em_lane)} === ${EXP_PAR - 1}; ${c.nba(em_lane, `last ? 0 : ${c.v(em_lane)} + 1`)} if (last) ${c.nba(em_grp, `(${c.v(em_grp)} + 1) % ${2 ** GRP_W}`)}` : ''}
        } else if (${c.v(state)} === ${State.IDLE}) {
          ${c.nba(em_k, 0)} ${c.nba(em_grp, 0)} ${c.nba(em_lane, 0)}
        }`;
    });
  }
}
