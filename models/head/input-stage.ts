// input_stage: the AXI-Stream slave. Accepts KPAR lanes per beat in pass 0, applies ReLU, keeps
// the vector in a replay buffer when the class rows need several passes (cPar < N), and
// replays it for passes 1..P-1. Its F0 register (x_*) feeds the MAC array.
import type { HeadContext, Ports } from './context.ts';
import { bitsFor } from './context.ts';

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
    this.x_data = k.array(m + 'x_data', g.inW, g.kPar, 0, true);
    this.x_first = k.signal(m + 'x_first', 1);
    this.x_last = k.signal(m + 'x_last', 1);
    this.x_group = k.signal(m + 'x_group', bitsFor(g.P - 1));
    this.buffer = new Int32Array(g.P > 1 ? g.B * g.kPar : 0);
    const { beat, pass, issue, x_valid, x_data, x_first, x_last, x_group, buffer } = this;
    const v = () => k.v;

    k.comb('input_stage.s_ready', () => k.set(p.s_ready, v()[pass] === 0 && v()[stall] === 0 ? 1 : 0), [pass, stall]);
    k.comb('input_stage.issue', () => {
      const s = v();
      k.set(issue, s[stall] === 0 && (s[pass] !== 0 || s[p.s_valid] === 1) ? 1 : 0);
    }, [pass, stall, p.s_valid]);

    k.posedge('input_stage.f0', p.clk, () => {
      const s = v();
      if (s[p.rst]) {
        k.nba(beat, 0);
        k.nba(pass, 0);
        k.nba(x_valid, 0);
        return;
      }
      if (s[stall]) return;
      const go = s[issue] === 1;
      k.nba(x_valid, go ? 1 : 0);
      if (!go) return;
      const b = s[beat]!;
      const ps = s[pass]!;
      for (let l = 0; l < g.kPar; l++) {
        let x: number;
        if (ps === 0) {
          x = s[p.s_data + l]!;
          if (buffer.length) buffer[b * g.kPar + l] = x;
        } else x = buffer[b * g.kPar + l]!;
        if ((ctx.relu && x < 0) || b * g.kPar + l >= g.K) x = 0; // ReLU; pad lanes carry nothing
        k.next[x_data + l] = x;
      }
      k.nbaRange(x_data, g.kPar);
      const lastBeat = b === g.B - 1;
      k.nba(x_first, b === 0 ? 1 : 0);
      k.nba(x_last, lastBeat ? 1 : 0);
      k.nba(x_group, ps);
      k.nba(beat, lastBeat ? 0 : b + 1);
      if (lastBeat) k.nba(pass, ps === g.P - 1 ? 0 : ps + 1);
    });
  }
}
