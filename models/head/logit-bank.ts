// logit_bank: F3 adds the bias and requantizes each finished dot product into z_work; a full
// z_work moves to z_hold, which the back end reads, as soon as z_hold is free. The front end
// stalls only when a pass ends while both banks are full. The back end reads z_hold through a
// synchronous read port (z_rd_en, z_rd_addr → z_rd_data one cycle later, expPar logits per read),
// so the bank can become a RAM without touching its readers; the comparator tree reads z_hold whole.
import type { HeadContext, Ports } from './context.ts';
import type { MacArray } from './mac-array.ts';
import { roundShift, satS } from '../numerics.ts';

export class LogitBank {
  readonly stall: number;
  readonly z_work: number;
  readonly z_work_full: number;
  readonly z_hold: number;
  readonly z_hold_full: number;
  /** read port: expPar logits of group z_rd_addr (0 past N), loaded when z_rd_en (softmax or emit=all) */
  readonly z_rd_data: number;
  readonly hasReadPort: boolean;

  /** `stall` is declared first: the front end is built against it before the MAC exists. */
  constructor(private readonly ctx: HeadContext) {
    const { k, g } = ctx;
    const m = 'head.logit_bank.';
    this.stall = k.signal(m + 'stall', 1);
    this.z_work = k.array(m + 'z_work', g.logitW, g.N, 0, true, ctx.fmt.logit);
    this.z_work_full = k.signal(m + 'z_work_full', 1);
    this.z_hold = k.array(m + 'z_hold', g.logitW, g.N, 0, true, ctx.fmt.logit);
    this.z_hold_full = k.signal(m + 'z_hold_full', 1);
    this.hasReadPort = g.mode === 'softmax' || g.emitAll;
    this.z_rd_data = k.array(m + 'z_rd_data', g.logitW, g.expPar, 0, true, ctx.fmt.logit);
  }

  /** The read port, driven by the head (`en`, `addr`: signals). */
  readPort(p: Ports, en: number, addr: number): void {
    const { k, g } = this.ctx;
    if (!this.hasReadPort) return;
    const { z_hold, z_rd_data } = this;
    k.posedgeCode('logit_bank.read', p.clk, (c) => `
      if (!${c.v(en)}) ${c.exit}
      const first = ${c.v(addr)} * ${g.expPar};
      for (let j = 0; j < ${g.expPar}; j++) ${c.next(z_rd_data, 'j')} = first + j < ${g.N} ? ${c.v(z_hold, 'first + j')} : 0;
      ${c.nbaRange(z_rd_data, g.expPar)}`);
  }

  /** `release`: comb, the back end has emitted the vector in z_hold. */
  connect(p: Ports, mac: MacArray, release: number): void {
    const { k, g, w } = this.ctx;
    const { stall, z_work, z_work_full, z_hold, z_hold_full } = this;
    k.combCode('logit_bank.stall', (c) => c.set(stall, `${c.v(mac.a_valid)} && ${c.v(z_work_full)} && ${c.v(z_hold_full)} ? 1 : 0`), [mac.a_valid, z_work_full, z_hold_full]);

    k.posedgeCode('logit_bank', p.clk, (c) => {
      const bQ = c.ext(w.bQ);
      const rs = c.ext(roundShift);
      const sat = c.ext(satS);
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
            ${c.next(z_work, 'first + c')} = ${sat}(${rs}(x, ${g.requantShift}), ${g.logitW});
          }
          ${c.nbaRange(z_work, g.N)}
        }
        const complete = write && ${c.v(mac.a_group)} === ${g.P - 1};
        ${c.nba(z_work_full, `complete ? 1 : transfer ? 0 : ${c.v(z_work_full)}`)}
        ${c.nba(z_hold_full, `transfer ? 1 : ${c.v(release)} ? 0 : ${c.v(z_hold_full)}`)}`;
    });
  }
}
