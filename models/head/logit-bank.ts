// logit_bank: F3 adds the bias and requantizes each finished dot product. select = tree: into
// z_work; a full z_work moves to z_hold, which the back end reads, as soon as z_hold is free; the
// front end stalls only when a pass ends while both banks are full; the comparator tree reads
// z_hold whole. select = stream: into the group register grp, drained one entry per cycle (d_*)
// into the stream selector and the RAM (two banks: the vector being written, wb, and the held
// one, !wb); the front end stalls while grp is still draining or its vector cannot start.
// Either way the back end reads logits through a synchronous read port (z_rd_en, z_rd_addr →
// z_rd_data one cycle later, expPar logits of group z_rd_addr per read).
import type { HeadContext, Ports } from './context.ts';
import { bitsFor } from './context.ts';
import type { MacArray } from './mac-array.ts';
import { roundShiftCode, satSCode } from '../inline.ts';
import type { Code } from '../../sim/kernel.ts';

export class LogitBank {
  readonly stall: number;
  readonly z_work: number;
  readonly z_work_full: number;
  readonly z_hold: number;
  readonly z_hold_full: number;
  /** read port: expPar logits of group z_rd_addr (0 past N), loaded when z_rd_en (softmax or emit=all) */
  readonly z_rd_data: number;
  readonly hasReadPort: boolean;
  /** stream: the group register, rows left to drain, the next row, the next entry's class */
  readonly grp: number;
  readonly grp_rows: number;
  readonly grp_pos: number;
  readonly d_idx: number;
  /** stream: comb: entry d_idx (grp[grp_pos]) drains at this edge; it is the vector's last */
  readonly d_valid: number;
  readonly d_last: number;
  /** stream: comb: the selector's ranking and the RAM bank wb become the held vector at this edge */
  readonly hold_load: number;
  /** stream: the RAM bank written (the other is read), the write position (lane, address) */
  readonly wb: number;
  readonly wr_lane: number;
  readonly wr_addr: number;
  /** stream: RAM contents, lane-major: lane j holds classes n ≡ j (mod expPar) at bank·2^GRP_W + n / expPar (not traced, as in the RTL) */
  readonly ram: Int32Array;
  private readonly ramDepth: number;

  /** `stall` is declared first: the front end is built against it before the MAC exists. */
  constructor(private readonly ctx: HeadContext) {
    const { k, g } = ctx;
    const m = 'head.logit_bank.';
    this.stall = k.signal(m + 'stall', 1);
    // stream: no logit registers (the RAM holds them); the flags say the same of the RAM's banks
    this.z_work = g.stream ? -1 : k.array(m + 'z_work', g.logitW, g.N, 0, true, ctx.fmt.logit);
    this.z_work_full = k.signal(m + 'z_work_full', 1);
    this.z_hold = g.stream ? -1 : k.array(m + 'z_hold', g.logitW, g.N, 0, true, ctx.fmt.logit);
    this.z_hold_full = k.signal(m + 'z_hold_full', 1);
    this.hasReadPort = g.mode === 'softmax' || g.emitAll;
    this.z_rd_data = k.array(m + 'z_rd_data', g.logitW, g.expPar, 0, true, ctx.fmt.logit);
    const st = g.stream;
    this.grp = st ? k.array(m + 'grp', g.logitW, g.cPar, 0, true, ctx.fmt.logit) : -1;
    this.grp_rows = st ? k.signal(m + 'grp_rows', bitsFor(g.cPar)) : -1;
    this.grp_pos = st ? k.signal(m + 'grp_pos', bitsFor(g.cPar - 1)) : -1;
    this.d_idx = st ? k.signal(m + 'd_idx', g.idxW) : -1;
    this.d_valid = st ? k.signal(m + 'd_valid', 1) : -1;
    this.d_last = st ? k.signal(m + 'd_last', 1) : -1;
    this.hold_load = st ? k.signal(m + 'hold_load', 1) : -1;
    const ram = st && this.hasReadPort;
    this.wb = ram ? k.signal(m + 'wb', 1) : -1;
    this.wr_lane = ram ? k.signal(m + 'wr_lane', bitsFor(g.expPar - 1)) : -1;
    this.wr_addr = ram ? k.signal(m + 'wr_addr', bitsFor(g.G - 1)) : -1;
    this.ramDepth = 2 ** bitsFor(g.G - 1);
    this.ram = new Int32Array(ram ? g.expPar * 2 * this.ramDepth : 0);
  }

  /** stream: grp[grp_pos], the entry that drains (a value, as code). */
  dVal(c: Code): string {
    return c.v(this.grp, c.v(this.grp_pos));
  }

  /** The read port, driven by the head (`en`, `addr`: signals). */
  readPort(p: Ports, en: number, addr: number): void {
    const { k, g } = this.ctx;
    if (!this.hasReadPort) return;
    const { z_hold, z_rd_data } = this;
    if (g.stream) {
      const { ram, wb, ramDepth } = this;
      // the held vector is in bank !wb; lanes past N read 0 (their RAM words are never written)
      k.posedgeCode('logit_bank.read', p.clk, (c) => `
        if (!${c.v(en)}) ${c.exit}
        const a = ${c.v(addr)}, at = (1 - ${c.v(wb)}) * ${ramDepth} + a, mem = ${c.ext(ram)};
        for (let j = 0; j < ${g.expPar}; j++)
          ${c.next(z_rd_data, 'j')} = a * ${g.expPar} + j < ${g.N} ? mem[j * ${2 * ramDepth} + at] : 0;
        ${c.nbaRange(z_rd_data, g.expPar)}`);
      return;
    }
    k.posedgeCode('logit_bank.read', p.clk, (c) => `
      if (!${c.v(en)}) ${c.exit}
      const first = ${c.v(addr)} * ${g.expPar};
      for (let j = 0; j < ${g.expPar}; j++) ${c.next(z_rd_data, 'j')} = first + j < ${g.N} ? ${c.v(z_hold, 'first + j')} : 0;
      ${c.nbaRange(z_rd_data, g.expPar)}`);
  }

  /** `release`: comb, the back end has emitted the vector in z_hold. */
  connect(p: Ports, mac: MacArray, release: number): void {
    if (this.ctx.g.stream) return this.connectStream(p, mac, release);
    const { k, g, w } = this.ctx;
    const { stall, z_work, z_work_full, z_hold, z_hold_full } = this;
    k.combCode('logit_bank.stall', (c) => c.set(stall, `${c.v(mac.a_valid)} && ${c.v(z_work_full)} && ${c.v(z_hold_full)} ? 1 : 0`), [mac.a_valid, z_work_full, z_hold_full]);

    k.posedgeCode('logit_bank', p.clk, (c) => {
      const bQ = c.ext(w.bQ);
      return `
        if (${c.v(p.rst)}) { ${c.nba(z_work_full, 0)} ${c.nba(z_hold_full, 0)} ${c.exit} }
        const transfer = ${c.v(z_work_full)} === 1 && ${c.v(z_hold_full)} === 0;
        if (transfer) {
          for (let i = 0; i < ${g.N}; i++) ${c.next(z_hold, 'i')} = ${c.v(z_work, 'i')};
          ${c.nbaRange(z_hold, g.N)}
        }
        const write = ${c.v(mac.a_valid)} === 1 && ${c.v(stall)} === 0;
        if (write) {
          const first = ${c.v(mac.a_group)} * ${g.cPar};
          const rows = Math.min(${g.cPar}, ${g.N} - first);
          for (let c = 0; c < rows; c++) {
            const x = ${c.v(mac.acc, 'c')} + ${bQ}[first + c] * ${2 ** g.biasShift};
            ${c.next(z_work, 'first + c')} = ${satSCode(roundShiftCode('x', g.requantShift), g.logitW)};
          }
          ${c.nbaRange(z_work, g.N)}
        }
        const complete = write && ${c.v(mac.a_group)} === ${g.P - 1};
        ${c.nba(z_work_full, `complete ? 1 : transfer ? 0 : ${c.v(z_work_full)}`)}
        ${c.nba(z_hold_full, `transfer ? 1 : ${c.v(release)} ? 0 : ${c.v(z_hold_full)}`)}`;
    });
  }

  /** select = stream: the group register and its drain, the RAM's write side, the two banks' flags. */
  private connectStream(p: Ports, mac: MacArray, release: number): void {
    const { k, g, w } = this.ctx;
    const { stall, z_work_full, z_hold_full, grp, grp_rows, grp_pos, d_idx, d_valid, d_last, hold_load, wb, wr_lane, wr_addr, ram, ramDepth } = this;
    const ramOn = this.hasReadPort;
    k.combCode('logit_bank.drain', (c) => `
      const drain = ${c.v(grp_rows)} > 0 && ${c.v(z_work_full)} === 0;
      const last = drain && ${c.v(d_idx)} === ${g.N - 1};
      ${c.set(d_valid, 'drain ? 1 : 0')}
      ${c.set(d_last, 'last ? 1 : 0')}
      ${c.set(hold_load, `${c.v(z_hold_full)} === 0 && (last || ${c.v(z_work_full)} === 1) ? 1 : 0`)}
      // grp takes the next group once its last row drains at this edge
      const free = ${c.v(grp_rows)} === 0 || (${c.v(grp_rows)} === 1 && drain);
      ${c.set(stall, `${c.v(mac.a_valid)} && !free ? 1 : 0`)}`,
      [grp_rows, z_work_full, z_hold_full, d_idx, mac.a_valid]);

    k.posedgeCode('logit_bank', p.clk, (c) => {
      const bQ = c.ext(w.bQ);
      return `
        if (${c.v(p.rst)}) {
          ${c.nba(z_work_full, 0)} ${c.nba(z_hold_full, 0)} ${c.nba(grp_rows, 0)} ${c.nba(grp_pos, 0)} ${c.nba(d_idx, 0)}
          ${ramOn ? `${c.nba(wb, 0)} ${c.nba(wr_lane, 0)} ${c.nba(wr_addr, 0)}` : ''}
          ${c.exit}
        }
        const drain = ${c.v(d_valid)} === 1, last = ${c.v(d_last)} === 1;
        if (drain) {
          ${ramOn ? `${c.ext(ram)}[${c.v(wr_lane)} * ${2 * ramDepth} + ${c.v(wb)} * ${ramDepth} + ${c.v(wr_addr)}] = ${this.dVal(c)};
          const lane = ${c.v(wr_lane)};
          ${c.nba(wr_lane, `last || lane === ${g.expPar - 1} ? 0 : lane + 1`)}
          ${c.nba(wr_addr, `last ? 0 : lane === ${g.expPar - 1} ? ${c.v(wr_addr)} + 1 : ${c.v(wr_addr)}`)}` : ''}
          ${c.nba(d_idx, `last ? 0 : ${c.v(d_idx)} + 1`)}
          ${c.nba(grp_pos, `${c.v(grp_pos)} + 1`)}
          ${c.nba(grp_rows, `${c.v(grp_rows)} - 1`)}
        }
        if (${c.v(mac.a_valid)} === 1 && ${c.v(stall)} === 0) {
          const group = ${c.v(mac.a_group)};
          const rows = group === ${g.P - 1} ? ${g.rowsLast} : ${g.cPar};
          for (let c = 0; c < rows; c++) {
            const x = ${c.v(mac.acc, 'c')} + ${bQ}[group * ${g.cPar} + c] * ${2 ** g.biasShift};
            ${c.next(grp, 'c')} = ${satSCode(roundShiftCode('x', g.requantShift), g.logitW)};
          }
          ${c.nbaRange(grp, g.cPar)}
          ${c.nba(grp_rows, 'rows')}
          ${c.nba(grp_pos, 0)}
        }
        const load = ${c.v(hold_load)} === 1;
        if (load) ${ramOn ? c.nba(wb, `1 - ${c.v(wb)}`) : ''};
        ${c.nba(z_work_full, `last && !load ? 1 : load ? 0 : ${c.v(z_work_full)}`)}
        ${c.nba(z_hold_full, `load ? 1 : ${c.v(release)} ? 0 : ${c.v(z_hold_full)}`)}`;
    });
  }

}
