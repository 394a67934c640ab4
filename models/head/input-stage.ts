// input_stage: the AXI-Stream slave. Accepts KPAR lanes per beat in pass 0, applies ReLU, keeps
// the vector in a replay buffer when the class rows need several passes (PASSES > 1), and
// replays it for passes 1..PASSES-1. Its F0 register (x_*) feeds the MAC array.
// Twin of rtl/input_stage.v. Processes are generated code (sim/kernel.ts `Code`): c.v reads,
// c.nba / c.next + c.nbaRange write registers at the edge, c.set drives a wire.
import type { Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import type { HeadContext } from './context.ts';
import { add, bitsFor, each } from './context.ts';
import { checkInputs, declare, input, output, type Inputs, type Outputs } from './signals.ts';
import { valueFormats } from '../geometry.ts';

/** rtl/input_stage.v's parameters (from the head's: models/rtl-params.ts). */
export const inputStageParams = (g: Geometry, relu = true) =>
  moduleParams(g, relu, [
    'INPUTS', 'KPAR', 'IN_W', 'RELU', 'BEATS', 'PASSES',
  ]);

export function inputStageSignals(g: Geometry) {
  const { KPAR, IN_W, BEATS, PASSES } = inputStageParams(g, false);
  const x = { lanes: KPAR, signed: true, meta: valueFormats(g).input };
  return {
    clk: input(1),
    rst: input(1),
    stall: input(1),
    s_valid: input(1),
    s_ready: output(1),
    s_data: input(IN_W, x),
    beat: output(bitsFor(BEATS - 1)),
    pass: output(bitsFor(PASSES - 1)),
    /** a beat enters F0 at this edge (handshake in pass 0, replay otherwise) */
    issue: output(1),
    x_valid: output(1),
    x_bus: output(IN_W, { ...x, signal: 'x_data' }),
    x_first: output(1),
    x_last: output(1),
    x_group: output(bitsFor(PASSES - 1)),
  };
}
export type InputStageSignals = ReturnType<typeof inputStageSignals>;

export class InputStage {
  readonly out: Outputs<InputStageSignals>;
  private readonly signals: InputStageSignals;
  private readonly params: ReturnType<typeof inputStageParams>;

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
    bound: Partial<Outputs<InputStageSignals>> = {},
  ) {
    this.params = inputStageParams(ctx.g, ctx.relu);
    this.signals = inputStageSignals(ctx.g);
    this.out = declare(ctx.k, scope, this.signals, bound).out;
  }

  connect(i: Inputs<InputStageSignals>): void {
    checkInputs('input_stage', this.signals, i);
    const { k } = this.ctx;
    const { INPUTS, KPAR, BEATS, PASSES, RELU } = this.params;
    const { clk, rst, stall, s_valid, s_data } = i;
    const { s_ready, beat, pass, issue, x_valid, x_bus, x_first, x_last, x_group } = this.out;
    /** replay buffer [BEATS][KPAR], a memory (only used when PASSES > 1) */
    const buffer = new Int32Array(PASSES > 1 ? BEATS * KPAR : 0);
    const padded = BEATS * KPAR > INPUTS; // the last beat has lanes past INPUTS

    k.combCode('input_stage.s_ready', (c) => c.set(s_ready, `${c.v(pass)} === 0 && ${c.v(stall)} === 0 ? 1 : 0`), [pass, stall]);
    k.combCode('input_stage.issue', (c) => c.set(issue, `${c.v(stall)} === 0 && (${c.v(pass)} !== 0 || ${c.v(s_valid)} === 1) ? 1 : 0`), [pass, stall, s_valid]);

    k.posedgeCode('input_stage.f0', clk, (c) => {
      const buf = c.ext(buffer);
      // lane l of the beat: the port in pass 0 (also written to the replay buffer), the buffer later
      const lane = (l: number | string) => {
        const at = add('b * ' + KPAR, l);
        let x = PASSES > 1 ? `let x = ps === 0 ? ${c.v(s_data, l)} : ${buf}[${at}];\nif (ps === 0) ${buf}[${at}] = x;` : `let x = ${c.v(s_data, l)};`;
        if (RELU) x += `\nx = (x + Math.abs(x)) * 0.5;`; // ReLU, without a branch on random data (exact: x + abs(x) is even)
        if (padded) x += `\nif (${at} >= ${INPUTS}) x = 0;`; // pad lanes carry nothing
        return `{ ${x}\n${c.next(x_bus, l)} = x; }`;
      };
      return `
        if (${c.v(rst)}) { ${c.nba(beat, 0)} ${c.nba(pass, 0)} ${c.nba(x_valid, 0)} ${c.exit} }
        if (${c.v(stall)}) ${c.exit}
        const go = ${c.v(issue)} === 1;
        ${c.nba(x_valid, 'go ? 1 : 0')}
        if (!go) ${c.exit}
        const b = ${c.v(beat)};
        const ps = ${c.v(pass)};
        ${each(KPAR, 'l', lane)}
        ${c.nbaRange(x_bus, KPAR)}
        const lastBeat = b === ${BEATS - 1};
        ${c.nba(x_first, 'b === 0 ? 1 : 0')}
        ${c.nba(x_last, 'lastBeat ? 1 : 0')}
        ${c.nba(x_group, 'ps')}
        ${c.nba(beat, 'lastBeat ? 0 : b + 1')}
        if (lastBeat) ${c.nba(pass, `ps === ${PASSES - 1} ? 0 : ps + 1`)}`;
    });
  }
}
