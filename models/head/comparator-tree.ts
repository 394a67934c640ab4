// comparator_tree: a pipelined max tree over z_hold with one registered level per pair-wise
// compare (L = ceil(log2 N) levels), ties to the left (lower index). Top-K runs R rounds: wait
// L+1 cycles for the tree to settle on the current mask, record the winner, mask it.
import type { HeadContext, Ports } from './context.ts';
import { State, bitsFor } from './context.ts';

export class ComparatorTree {
  /** level j (1..L) has sizes[j] entries; ids of level j entry i: lvl_*[j] + i */
  readonly sizes: number[];
  readonly lvl_idx: number[];
  readonly lvl_val: number[];
  readonly lvl_ok: number[];
  readonly mask: number;
  readonly sel_count: number;
  readonly round: number;
  readonly rank_idx: number;
  readonly rank_val: number;
  /** comb: the last round's winner is recorded at this edge */
  readonly sel_done: number;

  constructor(ctx: HeadContext, p: Ports, state: number, zHold: number, zHoldFull: number) {
    const { k, g } = ctx;
    const m = 'head.comparator_tree.';
    this.sizes = [g.N];
    for (let j = 1; j <= g.L; j++) this.sizes.push(Math.ceil(this.sizes[j - 1]! / 2));
    this.lvl_idx = [-1];
    this.lvl_val = [-1];
    this.lvl_ok = [-1];
    for (let j = 1; j <= g.L; j++) {
      this.lvl_idx.push(k.array(`${m}lvl${j}_idx`, g.idxW, this.sizes[j]!));
      this.lvl_val.push(k.array(`${m}lvl${j}_val`, g.logitW, this.sizes[j]!, 0, true));
      this.lvl_ok.push(k.array(`${m}lvl${j}_ok`, 1, this.sizes[j]!));
    }
    this.mask = k.array(m + 'mask', 1, g.N);
    this.sel_count = k.signal(m + 'sel_count', bitsFor(g.L));
    this.round = k.signal(m + 'round', bitsFor(g.R));
    this.rank_idx = k.array(m + 'rank_idx', g.idxW, g.R);
    this.rank_val = k.array(m + 'rank_val', g.logitW, g.R, 0, true);
    this.sel_done = k.signal(m + 'sel_done', 1);
    const { sizes, lvl_idx, lvl_val, lvl_ok, mask, sel_count, round, rank_idx, rank_val, sel_done } = this;
    const L = g.L;

    k.comb('comparator_tree.sel_done', () => {
      const s = k.v;
      k.set(sel_done, s[state] === State.SELECT && s[sel_count] === L && s[round] === g.R - 1 ? 1 : 0);
    }, [state, sel_count, round]);

    // The levels are a free-running pipeline: once z_hold and mask stop changing, L edges
    // later every level holds its fixed point. Evaluate only while a change is propagating.
    let propagating = 0;
    k.comb('comparator_tree.inputs', () => {
      propagating = L;
    }, [...range(zHold, g.N), ...range(mask, g.N)]);

    k.posedge('comparator_tree', p.clk, () => {
      const s = k.v;
      const nx = k.next;
      for (let j = 1; propagating > 0 && j <= L; j++) {
        for (let i = 0; i < sizes[j]!; i++) {
          const a = 2 * i;
          const b = a + 1;
          let ai: number, av: number, ao: number, bi = 0, bv = 0, bo = 0;
          const hasB = b < sizes[j - 1]!;
          if (j === 1) {
            ai = a; av = s[zHold + a]!; ao = 1 - s[mask + a]!;
            if (hasB) { bi = b; bv = s[zHold + b]!; bo = 1 - s[mask + b]!; }
          } else {
            ai = s[lvl_idx[j - 1]! + a]!; av = s[lvl_val[j - 1]! + a]!; ao = s[lvl_ok[j - 1]! + a]!;
            if (hasB) { bi = s[lvl_idx[j - 1]! + b]!; bv = s[lvl_val[j - 1]! + b]!; bo = s[lvl_ok[j - 1]! + b]!; }
          }
          const takeA = !hasB || (ao === 1 ? bo === 0 || av >= bv : bo === 0);
          nx[lvl_idx[j]! + i] = takeA ? ai : bi;
          nx[lvl_val[j]! + i] = takeA ? av : bv;
          nx[lvl_ok[j]! + i] = takeA ? ao : bo;
        }
        k.nbaRange(lvl_idx[j]!, sizes[j]!);
        k.nbaRange(lvl_val[j]!, sizes[j]!);
        k.nbaRange(lvl_ok[j]!, sizes[j]!);
      }
      if (propagating > 0) propagating--;
      if (s[p.rst]) {
        k.nba(sel_count, 0);
        k.nba(round, 0);
        return;
      }
      const st = s[state];
      if (st === State.IDLE && s[zHoldFull]) {
        for (let n = 0; n < g.N; n++) k.nba(mask + n, 0);
        k.nba(sel_count, 0);
        k.nba(round, 0);
      } else if (st === State.SELECT) {
        const cnt = s[sel_count]!;
        if (cnt === L) {
          const r = s[round]!;
          const idx = s[lvl_idx[L]!]!;
          k.nba(rank_idx + r, idx);
          k.nba(rank_val + r, s[lvl_val[L]!]!);
          k.nba(mask + idx, 1);
          k.nba(sel_count, 0);
          k.nba(round, r + 1);
        } else k.nba(sel_count, cnt + 1);
      }
    });
  }
}

const range = (base: number, n: number) => Array.from({ length: n }, (_, i) => base + i);
