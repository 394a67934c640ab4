// input_stage: the AXI-Stream slave. Accepts KPAR lanes per beat in pass 0, applies ReLU, keeps
// the vector in a replay buffer when the class rows need several passes (cPar < N), and
// replays it for passes 1..P-1. Its F0 register (x_*) feeds the MAC array.
// Processes are generated code (sim/kernel.ts `Code`): c.v reads, c.nba / c.next + c.nbaRange
// write registers at the edge, c.set drives a wire.
import type { HeadContext, Ports } from './context.ts';
import { add, bitsFor, each } from './context.ts';

export class InputStage {
  readonly beat: number;
  readonly pass: number;
  /** comb: a beat enters F0 at this edge (handshake in pass 0, replay otherwise) */
  readonly issue: number;
  readonly x_valid: number;
  readonly x_data: number;
  readonly x_first: number;
  readonly x_last: number;
  readonly x_group: number;
  /** replay buffer [B][kPar], a memory (only used when P > 1) */
  private readonly buffer: Int32Array;

  constructor(ctx: HeadContext, p: Ports, stall: number) {
    const { k, g } = ctx;
    const m = 'head.input_stage.';
    this.beat = k.signal(m + 'beat', bitsFor(g.B - 1));
    this.pass = k.signal(m + 'pass', bitsFor(g.P - 1));
    this.issue = k.signal(m + 'issue', 1);
    this.x_valid = k.signal(m + 'x_valid', 1);
    this.x_data = k.array(m + 'x_data', g.inW, g.kPar, 0, true, ctx.fmt.input);
    this.x_first = k.signal(m + 'x_first', 1);
    this.x_last = k.signal(m + 'x_last', 1);
    this.x_group = k.signal(m + 'x_group', bitsFor(g.P - 1));
    this.buffer = new Int32Array(g.P > 1 ? g.B * g.kPar : 0);
    const { beat, pass, issue, x_valid, x_data, x_first, x_last, x_group, buffer } = this;
    const padded = g.B * g.kPar > g.K; // the last beat has lanes past K

    k.combCode('input_stage.s_ready', (c) => c.set(p.s_ready, `${c.v(pass)} === 0 && ${c.v(stall)} === 0 ? 1 : 0`), [pass, stall]);
    k.combCode('input_stage.issue', (c) => c.set(issue, `${c.v(stall)} === 0 && (${c.v(pass)} !== 0 || ${c.v(p.s_valid)} === 1) ? 1 : 0`), [pass, stall, p.s_valid]);

    k.posedgeCode('input_stage.f0', p.clk, (c) => {
      const buf = c.ext(buffer);
      // lane l of the beat: the port in pass 0 (also written to the replay buffer), the buffer later
      const lane = (l: number | string) => {
        const at = add('b * ' + g.kPar, l);
        let x = g.P > 1 ? `let x = ps === 0 ? ${c.v(p.s_data, l)} : ${buf}[${at}];\nif (ps === 0) ${buf}[${at}] = x;` : `let x = ${c.v(p.s_data, l)};`;
        if (ctx.relu) x += `\nx = (x + Math.abs(x)) * 0.5;`; // ReLU, without a branch on random data (exact: x + abs(x) is even)
        if (padded) x += `\nif (${at} >= ${g.K}) x = 0;`; // pad lanes carry nothing
        return `{ ${x}\n${c.next(x_data, l)} = x; }`;
      };
      return `
        if (${c.v(p.rst)}) { ${c.nba(beat, 0)} ${c.nba(pass, 0)} ${c.nba(x_valid, 0)} ${c.exit} }
        if (${c.v(stall)}) ${c.exit}
        const go = ${c.v(issue)} === 1;
        ${c.nba(x_valid, 'go ? 1 : 0')}
        if (!go) ${c.exit}
        const b = ${c.v(beat)};
        const ps = ${c.v(pass)};
        ${each(g.kPar, 'l', lane)}
        ${c.nbaRange(x_data, g.kPar)}
        const lastBeat = b === ${g.B - 1};
        ${c.nba(x_first, 'b === 0 ? 1 : 0')}
        ${c.nba(x_last, 'lastBeat ? 1 : 0')}
        ${c.nba(x_group, 'ps')}
        ${c.nba(beat, 'lastBeat ? 0 : b + 1')}
        if (lastBeat) ${c.nba(pass, `ps === ${g.P - 1} ? 0 : ps + 1`)}`;
    });
  }
}
