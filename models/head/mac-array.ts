// mac_array: CPAR class rows × KPAR lanes. F0 reads the weight ROM word of (pass, beat) in step
// with the input register; F1 registers the products; F2 accumulates one beat per cycle and
// flags the end of a pass (a_valid) for the logit bank. w_data and prod are the array's own
// (no other module reads them): written in place, the stages in reverse order.
// Twin of rtl/mac_array.v.
import type { HeadContext } from './context.ts';
import { add, bitsFor, each } from './context.ts';
import { satSCode } from '../inline.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import type { HeadWeights } from '../weights.ts';
import { checkInputs, declare, input, output, reg, type Inputs, type Internals, type Outputs } from './signals.ts';

/** rtl/mac_array.v's parameters (from the head's: models/rtl-params.ts). */
export const macArrayParams = (g: Geometry, relu = true) =>
  moduleParams(g, relu, [
    'KPAR', 'CPAR', 'IN_W', 'W_W', 'ACC_W', 'ACC_SAT', 'BEATS', 'PASSES',
  ]);

export function macArraySignals(g: Geometry) {
  const { KPAR, CPAR, IN_W, W_W, ACC_W, BEATS, PASSES } = macArrayParams(g);
  const f = valueFormats(g);
  const PASS_W = bitsFor(PASSES - 1);
  return {
    clk: input(1),
    rst: input(1),
    stall: input(1),
    issue: input(1),
    beat: input(bitsFor(BEATS - 1)),
    pass: input(PASS_W),
    x_valid: input(1),
    x_bus: input(IN_W, { lanes: KPAR, signed: true }),
    x_first: input(1),
    x_last: input(1),
    x_group: input(PASS_W),
    w_data: reg(W_W, { lanes: CPAR * KPAR, signed: true, meta: f.weight }),
    p_valid: reg(1),
    prod: reg(IN_W + W_W, { lanes: CPAR * KPAR, signed: true, meta: f.acc }),
    p_first: reg(1),
    p_last: reg(1),
    p_group: reg(PASS_W),
    acc_bus: output(ACC_W, { lanes: CPAR, signed: true, meta: f.acc, signal: 'acc' }),
    a_valid: output(1),
    a_group: output(PASS_W),
  };
}
export type MacArraySignals = ReturnType<typeof macArraySignals>;

export class MacArray {
  readonly out: Outputs<MacArraySignals>;
  readonly internal: Internals<MacArraySignals>;
  private readonly signals: MacArraySignals;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
  ) {
    this.signals = macArraySignals(ctx.g);
    ({ out: this.out, internal: this.internal } = declare(ctx.k, scope, this.signals));
  }

  connect(i: Inputs<MacArraySignals>): void {
    checkInputs('mac_array', this.signals, i);
    const { k, g } = this.ctx;
    const { KPAR, CPAR, BEATS, ACC_W, ACC_SAT } = macArrayParams(g);
    const { clk, rst, stall, issue, beat, pass, x_valid, x_bus, x_first, x_last, x_group } = i;
    const { w_data, p_valid, prod, p_first, p_last, p_group } = this.internal;
    const { acc_bus: acc, a_valid, a_group } = this.out;
    const lanes = CPAR * KPAR;
    // Rows are unrolled up to 128 lanes in all, else a loop over c; the KPAR lanes of a row are
    // unrolled up to 16 (with the input lanes in locals).
    const rows = (body: (c: number | string) => string) => each(CPAR, 'c', body, lanes <= 128 ? CPAR : 0);
    const row = (c: number | string) => (typeof c === 'number' ? c * KPAR : `c * ${KPAR}`);

    /** weight ROM [PASSES·BEATS][CPAR·KPAR] */
    const romMem = k.memory(weightRom(g, this.ctx.w));

    k.posedgeCode('mac_array', clk, (c) => {
      // Stages last first: prod and w_data are written in place (own), after F2 and F1 read them.
      return `
        if (${c.v(rst)}) { ${c.nba(p_valid, 0)} ${c.nba(a_valid, 0)} ${c.exit} }
        if (${c.v(stall)}) ${c.exit}
        // F2: accumulate
        const pv = ${c.v(p_valid)};
        ${c.nba(a_valid, `pv && ${c.v(p_last)} ? 1 : 0`)}
        if (pv) {
          const first = ${c.v(p_first)} === 1;
          ${rows((r) => `{ const o = ${row(r)};\nlet sum = first ? 0 : ${c.v(acc, r)};\n${each(KPAR, 'l', (l) => `sum += ${c.v(prod, add('o', l))};`, 16)}\n${c.next(acc, r)} = ${ACC_SAT ? satSCode('sum', ACC_W) : 'sum'}; }`)}
          ${c.nbaRange(acc, CPAR)}
          ${c.nba(a_group, c.v(p_group))}
        }
        // F1: products
        const xv = ${c.v(x_valid)};
        ${c.nba(p_valid, 'xv')}
        if (xv) {
          ${KPAR <= 16 ? each(KPAR, 'l', (l) => `const x${l} = ${c.v(x_bus, l)};`) : ''}
          ${rows((r) => `{ const o = ${row(r)};\n${each(KPAR, 'l', (l) => `${c.own(prod, add('o', l))} = ${KPAR <= 16 ? `x${l}` : c.v(x_bus, l)} * ${c.v(w_data, add('o', l))};`, 16)} }`)}
          ${c.nba(p_first, c.v(x_first))}
          ${c.nba(p_last, c.v(x_last))}
          ${c.nba(p_group, c.v(x_group))}
        }
        // F0: weight word for the beat entering the input register
        if (${c.v(issue)}) {
          ${c.ownFromMemory(w_data, lanes, romMem, `(${c.v(pass)} * ${BEATS} + ${c.v(beat)}) * ${lanes}`)}
        }`;
    });
  }
}

/** The weight ROM: word (group, beat), lane (c, l) = W[group·cPar + c][beat·kPar + l] (0 past N, K). */
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
