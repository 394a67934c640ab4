// logit_bank: F3 adds the bias and requantizes each finished dot product. SELECT = 0 (tree): into
// z_work; a full z_work moves to z_hold, which the back end reads, as soon as z_hold is free; the
// front end stalls only when a pass ends while both banks are full; the comparator tree reads
// z_hold whole. SELECT = 1 (stream): into the group register grp, drained one entry per cycle
// (d_*) into the stream selector and the RAM (two banks: the vector being written, wb, and the
// held one, !wb); the front end stalls while grp is still draining or its vector cannot start.
// Either way the back end reads logits through a synchronous read port (z_rd_en, z_rd_addr →
// z_rd_data one cycle later, RD_LANES logits of group z_rd_addr per read, 0 past CLASSES).
// Twin of rtl/logit_bank.v.
import type { HeadContext } from './context.ts';
import { bitsFor, range } from './context.ts';
import { roundShiftCode, satSCode } from '../inline.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import { checkInputs, declare, input, output, reg, wire, type Inputs, type Internals, type Outputs } from './signals.ts';

/** rtl/logit_bank.v's parameters (from the head's: models/rtl-params.ts), and those rtl/head.v derives for it. */
export const logitBankParams = (g: Geometry, relu = true) => ({
  ...moduleParams(g, relu, [
    'CLASSES', 'CPAR', 'PASSES', 'ACC_W', 'BIAS_W', 'LOGIT_W', 'BIAS_SHIFT', 'REQUANT_SHIFT', 'SELECT',
    'ROWS_LAST', 'IDX_W', 'RAM_BLOCK',
  ]),
  /** the read port exists (softmax, or emit=all) */
  RD_PORT: g.mode === 'softmax' || g.emitAll ? 1 : 0,
  RD_LANES: g.expPar,
  GRP_W: bitsFor(g.G - 1),
});

export function logitBankSignals(g: Geometry) {
  const { CLASSES, CPAR, PASSES, ACC_W, LOGIT_W, RD_PORT, RD_LANES, GRP_W, SELECT, IDX_W } = logitBankParams(g);
  const logit = { signed: true, meta: valueFormats(g).logit };
  const tree = SELECT === 0;
  const stream = !tree;
  const ram = stream && RD_PORT === 1;
  return {
    clk: input(1),
    rst: input(1),
    a_valid: input(1),
    a_group: input(bitsFor(PASSES - 1)),
    acc_bus: input(ACC_W, { lanes: CPAR, signed: true }),
    /** the back end has emitted the vector in z_hold */
    vector_done: input(1),
    stall: output(1),
    // stream: no logit registers (the RAM holds them); the flags say the same of the RAM's banks
    z_work: reg(LOGIT_W, { ...logit, lanes: CLASSES, absent: stream }),
    z_work_full: reg(1),
    z_hold_bus: output(LOGIT_W, { ...logit, lanes: CLASSES, signal: 'z_hold', absent: stream }),
    z_hold_full: output(1),
    z_rd_en: input(1),
    z_rd_addr: input(GRP_W),
    /** read port: RD_LANES logits of group z_rd_addr (0 past CLASSES), loaded when z_rd_en */
    z_rd_data_bus: output(LOGIT_W, { ...logit, lanes: RD_LANES, signal: 'z_rd_data' }),
    /** stream: the group register, rows left to drain, the next row, the next entry's class */
    grp: reg(LOGIT_W, { ...logit, lanes: CPAR, absent: tree }),
    grp_rows: reg(bitsFor(CPAR), { absent: tree }),
    grp_pos: reg(bitsFor(CPAR - 1), { absent: tree }),
    d_idx: output(IDX_W, { absent: tree }),
    /** stream: entry d_idx (grp[grp_pos]) drains at this edge; it is the vector's last */
    d_valid: output(1, { absent: tree }),
    d_last: wire(1, { absent: tree }),
    d_val: output(LOGIT_W, { ...logit, absent: tree }),
    /** stream: the selector's ranking and the RAM bank wb become the held vector at this edge */
    hold_load: output(1, { absent: tree }),
    /** stream: the RAM bank written (the other is read), the write position (lane, address) */
    wb: reg(1, { absent: !ram }),
    wr_lane: reg(bitsFor(RD_LANES - 1), { absent: !ram }),
    wr_addr: reg(GRP_W, { absent: !ram }),
  };
}
export type LogitBankSignals = ReturnType<typeof logitBankSignals>;

export class LogitBank {
  readonly out: Outputs<LogitBankSignals>;
  readonly internal: Internals<LogitBankSignals>;
  private readonly signals: LogitBankSignals;
  readonly params: ReturnType<typeof logitBankParams>;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
  ) {
    this.params = logitBankParams(ctx.g);
    this.signals = logitBankSignals(ctx.g);
    ({ out: this.out, internal: this.internal } = declare(ctx.k, scope, this.signals));
  }

  connect(i: Inputs<LogitBankSignals>): void {
    checkInputs('logit_bank', this.signals, i);
    if (this.params.SELECT === 1) this.connectStream(i);
    else this.connectTree(i);
  }

  /** SELECT = 0: z_work, z_hold, the read port a registered mux of z_hold. */
  private connectTree(i: Inputs<LogitBankSignals>): void {
    const { k, w } = this.ctx;
    const { CLASSES, CPAR, PASSES, LOGIT_W, BIAS_SHIFT, REQUANT_SHIFT, RD_PORT, RD_LANES } = this.params;
    const { clk, rst, a_valid, a_group, acc_bus: acc, vector_done, z_rd_en, z_rd_addr } = i;
    const { stall, z_hold_bus: z_hold, z_hold_full, z_rd_data_bus: z_rd_data } = this.out;
    const { z_work, z_work_full } = this.internal;
    k.combCode('logit_bank.stall', (c) => c.set(stall, `${c.v(a_valid)} && ${c.v(z_work_full)} && ${c.v(z_hold_full)} ? 1 : 0`), [a_valid, z_work_full, z_hold_full]);

    k.posedgeCode('logit_bank', clk, (c) => {
      const bQ = c.ext(w.bQ);
      return `
        if (${c.v(rst)}) { ${c.nba(z_work_full, 0)} ${c.nba(z_hold_full, 0)} ${c.exit} }
        const transfer = ${c.v(z_work_full)} === 1 && ${c.v(z_hold_full)} === 0;
        if (transfer) {
          for (let i = 0; i < ${CLASSES}; i++) ${c.next(z_hold, 'i')} = ${c.v(z_work, 'i')};
          ${c.nbaRange(z_hold, CLASSES)}
        }
        const write = ${c.v(a_valid)} === 1 && ${c.v(stall)} === 0;
        if (write) {
          const first = ${c.v(a_group)} * ${CPAR};
          const rows = Math.min(${CPAR}, ${CLASSES} - first);
          for (let r = 0; r < rows; r++) {
            const x = ${c.v(acc, 'r')} + ${bQ}[first + r] * ${2 ** BIAS_SHIFT};
            ${c.next(z_work, 'first + r')} = ${satSCode(roundShiftCode('x', REQUANT_SHIFT), LOGIT_W)};
          }
          ${c.nbaRange(z_work, CLASSES)}
        }
        const complete = write && ${c.v(a_group)} === ${PASSES - 1};
        ${c.nba(z_work_full, `complete ? 1 : transfer ? 0 : ${c.v(z_work_full)}`)}
        ${c.nba(z_hold_full, `transfer ? 1 : ${c.v(vector_done)} ? 0 : ${c.v(z_hold_full)}`)}`;
    });

    if (RD_PORT)
      k.posedgeCode('logit_bank.read', clk, (c) => `
        if (!${c.v(z_rd_en)}) ${c.exit}
        const first = ${c.v(z_rd_addr)} * ${RD_LANES};
        for (let j = 0; j < ${RD_LANES}; j++) ${c.next(z_rd_data, 'j')} = first + j < ${CLASSES} ? ${c.v(z_hold, 'first + j')} : 0;
        ${c.nbaRange(z_rd_data, RD_LANES)}`);
  }

  /** SELECT = 1: the group register and its drain, the RAM in two banks, the banks' flags. */
  private connectStream(i: Inputs<LogitBankSignals>): void {
    const { k, w } = this.ctx;
    const { CLASSES, CPAR, PASSES, LOGIT_W, BIAS_SHIFT, REQUANT_SHIFT, RD_PORT, RD_LANES, GRP_W, ROWS_LAST } = this.params;
    const { clk, rst, a_valid, a_group, acc_bus: acc, vector_done, z_rd_en, z_rd_addr } = i;
    const { stall, z_hold_full, z_rd_data_bus: z_rd_data, d_idx, d_valid, d_val, hold_load } = this.out;
    const { z_work_full, grp, grp_rows, grp_pos, d_last, wb, wr_lane, wr_addr } = this.internal;
    /** a lane's words: 2 banks of 2^GRP_W */
    const depth = 2 ** GRP_W;
    /** RAM contents, lane-major: lane j holds classes n ≡ j (mod RD_LANES) at bank·depth + n / RD_LANES (not traced, as in the RTL) */
    const ram = new Int32Array(RD_PORT ? RD_LANES * 2 * depth : 0);
    /** grp_pos counts modulo its width, as the RTL's register does */
    const posLast = 2 ** bitsFor(CPAR - 1) - 1;

    k.combCode('logit_bank.drain', (c) => `
      const drain = ${c.v(grp_rows)} > 0 && ${c.v(z_work_full)} === 0;
      const last = drain && ${c.v(d_idx)} === ${CLASSES - 1};
      ${c.set(d_valid, 'drain ? 1 : 0')}
      ${c.set(d_last, 'last ? 1 : 0')}
      ${c.set(hold_load, `${c.v(z_hold_full)} === 0 && (last || ${c.v(z_work_full)} === 1) ? 1 : 0`)}
      // grp takes the next group once its last row drains at this edge
      const free = ${c.v(grp_rows)} === 0 || (${c.v(grp_rows)} === 1 && drain);
      ${c.set(stall, `${c.v(a_valid)} && !free ? 1 : 0`)}`,
      [grp_rows, z_work_full, z_hold_full, d_idx, a_valid]);
    // the entry that drains: grp[grp_pos] (0 past the register, as Verilator reads it)
    k.combCode('logit_bank.d_val', (c) => `
      const pos = ${c.v(grp_pos)};
      ${c.set(d_val, `pos < ${CPAR} ? ${c.v(grp, 'pos')} : 0`)}`,
      [...range(grp, CPAR), grp_pos]);

    k.posedgeCode('logit_bank', clk, (c) => {
      const bQ = c.ext(w.bQ);
      return `
        if (${c.v(rst)}) {
          ${c.nba(z_work_full, 0)} ${c.nba(z_hold_full, 0)} ${c.nba(grp_rows, 0)} ${c.nba(grp_pos, 0)} ${c.nba(d_idx, 0)}
          ${RD_PORT ? `${c.nba(wb, 0)} ${c.nba(wr_lane, 0)} ${c.nba(wr_addr, 0)}` : ''}
          ${c.exit}
        }
        const drain = ${c.v(d_valid)} === 1, last = ${c.v(d_last)} === 1;
        if (drain) {
          ${RD_PORT ? `${c.ext(ram)}[${c.v(wr_lane)} * ${2 * depth} + ${c.v(wb)} * ${depth} + ${c.v(wr_addr)}] = ${c.v(d_val)};
          const lane = ${c.v(wr_lane)};
          ${c.nba(wr_lane, `last || lane === ${RD_LANES - 1} ? 0 : lane + 1`)}
          ${c.nba(wr_addr, `last ? 0 : lane === ${RD_LANES - 1} ? ${c.v(wr_addr)} + 1 : ${c.v(wr_addr)}`)}` : ''}
          ${c.nba(d_idx, `last ? 0 : ${c.v(d_idx)} + 1`)}
          ${c.nba(grp_pos, `${c.v(grp_pos)} === ${posLast} ? 0 : ${c.v(grp_pos)} + 1`)}
          ${c.nba(grp_rows, `${c.v(grp_rows)} - 1`)}
        }
        if (${c.v(a_valid)} === 1 && ${c.v(stall)} === 0) {
          const group = ${c.v(a_group)};
          const rows = group === ${PASSES - 1} ? ${ROWS_LAST} : ${CPAR};
          for (let r = 0; r < rows; r++) {
            const x = ${c.v(acc, 'r')} + ${bQ}[group * ${CPAR} + r] * ${2 ** BIAS_SHIFT};
            ${c.next(grp, 'r')} = ${satSCode(roundShiftCode('x', REQUANT_SHIFT), LOGIT_W)};
          }
          ${c.nbaRange(grp, CPAR)}
          ${c.nba(grp_rows, 'rows')}
          ${c.nba(grp_pos, 0)}
        }
        const load = ${c.v(hold_load)} === 1;
        if (load) ${RD_PORT ? c.nba(wb, `1 - ${c.v(wb)}`) : ''};
        ${c.nba(z_work_full, `last && !load ? 1 : load ? 0 : ${c.v(z_work_full)}`)}
        ${c.nba(z_hold_full, `load ? 1 : ${c.v(vector_done)} ? 0 : ${c.v(z_hold_full)}`)}`;
    });

    // the held vector is in bank !wb; lanes past CLASSES read 0 (their RAM words are never written)
    if (RD_PORT)
      k.posedgeCode('logit_bank.read', clk, (c) => `
        if (!${c.v(z_rd_en)}) ${c.exit}
        const a = ${c.v(z_rd_addr)}, at = (1 - ${c.v(wb)}) * ${depth} + a, mem = ${c.ext(ram)};
        for (let j = 0; j < ${RD_LANES}; j++)
          ${c.next(z_rd_data, 'j')} = a * ${RD_LANES} + j < ${CLASSES} ? mem[j * ${2 * depth} + at] : 0;
        ${c.nbaRange(z_rd_data, RD_LANES)}`);
  }
}
