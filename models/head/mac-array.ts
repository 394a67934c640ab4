// mac_array: cPar class rows × kPar lanes. F0 reads the weight ROM word of (pass, beat) in step
// with the input register; F1 registers the products; F2 accumulates one beat per cycle and
// flags the end of a pass (a_valid) for the logit bank. w_data and prod are the array's own
// (no other module reads them): written in place, the stages in reverse order.
import type { HeadContext, Ports } from './context.ts';
import { add, bitsFor, each } from './context.ts';
import type { InputStage } from './input-stage.ts';
import { satSCode } from '../inline.ts';
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

  constructor(ctx: HeadContext, p: Ports, inp: InputStage, stall: number) {
    const { k, g } = ctx;
    const m = 'head.mac_array.';
    const lanes = g.cPar * g.kPar;
    this.w_data = k.array(m + 'w_data', g.wW, lanes, 0, true, ctx.fmt.weight);
    this.p_valid = k.signal(m + 'p_valid', 1);
    this.prod = k.array(m + 'prod', g.inW + g.wW, lanes, 0, true, ctx.fmt.acc);
    this.p_first = k.signal(m + 'p_first', 1);
    this.p_last = k.signal(m + 'p_last', 1);
    this.p_group = k.signal(m + 'p_group', bitsFor(g.P - 1));
    this.acc = k.array(m + 'acc', g.accW, g.cPar, 0, true, ctx.fmt.acc);
    this.a_valid = k.signal(m + 'a_valid', 1);
    this.a_group = k.signal(m + 'a_group', bitsFor(g.P - 1));
    const { w_data, p_valid, prod, p_first, p_last, p_group, acc, a_valid, a_group } = this;
    const K = g.kPar;
    // Rows are unrolled up to 128 lanes in all, else a loop over c; the kPar lanes of a row are
    // unrolled up to 16 (with the input lanes in locals).
    const rows = (body: (c: number | string) => string) => each(g.cPar, 'c', body, lanes <= 128 ? g.cPar : 0);
    const row = (c: number | string) => (typeof c === 'number' ? c * K : `c * ${K}`);

    const romMem = k.memory(weightRom(g, ctx.w));

    k.posedgeCode('mac_array', p.clk, (c) => {
      // Stages last first: prod and w_data are written in place (own), after F2 and F1 read them.
      return `
        if (${c.v(p.rst)}) { ${c.nba(p_valid, 0)} ${c.nba(a_valid, 0)} ${c.exit} }
        if (${c.v(stall)}) ${c.exit}
        // F2: accumulate
        const pv = ${c.v(p_valid)};
        ${c.nba(a_valid, `pv && ${c.v(p_last)} ? 1 : 0`)}
        if (pv) {
          const first = ${c.v(p_first)} === 1;
          ${rows((r) => `{ const o = ${row(r)};\nlet sum = first ? 0 : ${c.v(acc, r)};\n${each(K, 'l', (l) => `sum += ${c.v(prod, add('o', l))};`, 16)}\n${c.next(acc, r)} = ${g.accSat ? satSCode('sum', g.accW) : 'sum'}; }`)}
          ${c.nbaRange(acc, g.cPar)}
          ${c.nba(a_group, c.v(p_group))}
        }
        // F1: products
        const xv = ${c.v(inp.x_valid)};
        ${c.nba(p_valid, 'xv')}
        if (xv) {
          ${K <= 16 ? each(K, 'l', (l) => `const x${l} = ${c.v(inp.x_data, l)};`) : ''}
          ${rows((r) => `{ const o = ${row(r)};\n${each(K, 'l', (l) => `${c.own(prod, add('o', l))} = ${K <= 16 ? `x${l}` : c.v(inp.x_data, l)} * ${c.v(w_data, add('o', l))};`, 16)} }`)}
          ${c.nba(p_first, c.v(inp.x_first))}
          ${c.nba(p_last, c.v(inp.x_last))}
          ${c.nba(p_group, c.v(inp.x_group))}
        }
        // F0: weight word for the beat entering the input register
        if (${c.v(inp.issue)}) {
          ${c.ownFromMemory(w_data, lanes, romMem, `(${c.v(inp.pass)} * ${g.B} + ${c.v(inp.beat)}) * ${lanes}`)}
        }`;
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
