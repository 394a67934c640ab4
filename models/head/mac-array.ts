// mac_array: cPar class rows × kPar lanes. F0 reads the weight ROM word of (pass, beat) in step
// with the input register; F1 registers the products; F2 accumulates one beat per cycle and
// flags the end of a pass (a_valid) for the logit bank.
import type { HeadContext, Ports } from './context.ts';
import { bitsFor } from './context.ts';
import type { InputStage } from './input-stage.ts';
import { satS } from '../numerics.ts';
import type { Geometry } from '../geometry.ts';
import type { HeadWeights } from '../weights.ts';

export class MacArray {
  readonly w_data: number;
  readonly p_valid: number;
  readonly prod: number;
  readonly p_first: number;
  readonly p_last: number;
  readonly p_group: number;
  readonly acc: number;
  readonly a_valid: number;
  readonly a_group: number;
  /** weight ROM [P·B][cPar·kPar]: word (group, beat), lane (c, l) = W[group·cPar + c][beat·kPar + l] */
  readonly rom: Int32Array;

  constructor(ctx: HeadContext, p: Ports, inp: InputStage, stall: number) {
    const { k, g } = ctx;
    const m = 'head.mac_array.';
    const lanes = g.cPar * g.kPar;
    this.rom = weightRom(g, ctx.w);
    this.w_data = k.array(m + 'w_data', g.wW, lanes, 0, true);
    this.p_valid = k.signal(m + 'p_valid', 1);
    this.prod = k.array(m + 'prod', g.inW + g.wW, lanes, 0, true);
    this.p_first = k.signal(m + 'p_first', 1);
    this.p_last = k.signal(m + 'p_last', 1);
    this.p_group = k.signal(m + 'p_group', bitsFor(g.P - 1));
    this.acc = k.array(m + 'acc', g.accW, g.cPar, 0, true);
    this.a_valid = k.signal(m + 'a_valid', 1);
    this.a_group = k.signal(m + 'a_group', bitsFor(g.P - 1));
    const { rom, w_data, p_valid, prod, p_first, p_last, p_group, acc, a_valid, a_group } = this;

    k.posedge('mac_array', p.clk, () => {
      const s = k.v;
      if (s[p.rst]) {
        k.nba(p_valid, 0);
        k.nba(a_valid, 0);
        return;
      }
      if (s[stall]) return;
      // F0: weight word for the beat entering the input register
      const nx = k.next;
      if (s[inp.issue]) {
        const base = (s[inp.pass]! * g.B + s[inp.beat]!) * lanes;
        for (let i = 0; i < lanes; i++) nx[w_data + i] = rom[base + i]!;
        k.nbaRange(w_data, lanes);
      }
      // F1: products
      const xv = s[inp.x_valid]!;
      k.nba(p_valid, xv);
      if (xv) {
        for (let c = 0; c < g.cPar; c++)
          for (let l = 0; l < g.kPar; l++) nx[prod + c * g.kPar + l] = s[inp.x_data + l]! * s[w_data + c * g.kPar + l]!;
        k.nbaRange(prod, lanes);
        k.nba(p_first, s[inp.x_first]!);
        k.nba(p_last, s[inp.x_last]!);
        k.nba(p_group, s[inp.x_group]!);
      }
      // F2: accumulate
      const pv = s[p_valid]!;
      k.nba(a_valid, pv && s[p_last] ? 1 : 0);
      if (pv) {
        const first = s[p_first] === 1;
        for (let c = 0; c < g.cPar; c++) {
          let sum = first ? 0 : s[acc + c]!;
          for (let l = 0; l < g.kPar; l++) sum += s[prod + c * g.kPar + l]!;
          nx[acc + c] = g.accSat ? satS(sum, g.accW) : sum;
        }
        k.nbaRange(acc, g.cPar);
        k.nba(a_group, s[p_group]!);
      }
    });
  }
}

export function weightRom(g: Geometry, w: HeadWeights): Int32Array {
  const lanes = g.cPar * g.kPar;
  const rom = new Int32Array(g.P * g.B * lanes);
  for (let grp = 0; grp < g.P; grp++)
    for (let b = 0; b < g.B; b++)
      for (let c = 0; c < g.cPar; c++)
        for (let l = 0; l < g.kPar; l++) {
          const n = grp * g.cPar + c;
          const kk = b * g.kPar + l;
          if (n < g.N && kk < g.K) rom[(grp * g.B + b) * lanes + c * g.kPar + l] = w.wQ[n * g.K + kk]!;
        }
  return rom;
}
