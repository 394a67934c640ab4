// comparator_tree: a pipelined max tree over z_hold with one registered level per pair-wise
// compare (L = ceil(log2 N) levels), ties to the left (lower index). Top-K runs R rounds: wait
// L+1 cycles for the tree to settle on the current mask, record the winner, mask it.
import type { HeadContext, Ports } from './context.ts';
import { State, bitsFor, each } from './context.ts';

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
  /** comb: round 0's winner, the max, is recorded at this edge (rank_val[0] holds it from the next cycle) */
  readonly max_rec: number;
  /** edges left until the levels reach the fixed point of the current z_hold and mask */
  private readonly propagating = new Int32Array(1);

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
      this.lvl_val.push(k.array(`${m}lvl${j}_val`, g.logitW, this.sizes[j]!, 0, true, ctx.fmt.logit));
      this.lvl_ok.push(k.array(`${m}lvl${j}_ok`, 1, this.sizes[j]!));
    }
    this.mask = k.array(m + 'mask', 1, g.N);
    this.sel_count = k.signal(m + 'sel_count', bitsFor(g.L));
    this.round = k.signal(m + 'round', bitsFor(g.R));
    this.rank_idx = k.array(m + 'rank_idx', g.idxW, g.R);
    this.rank_val = k.array(m + 'rank_val', g.logitW, g.R, 0, true, ctx.fmt.logit);
    this.sel_done = k.signal(m + 'sel_done', 1);
    this.max_rec = k.signal(m + 'max_rec', 1);
    const { sizes, lvl_idx, lvl_val, lvl_ok, mask, sel_count, round, rank_idx, rank_val, sel_done, max_rec, propagating } = this;
    const L = g.L;

    k.combCode('comparator_tree.sel_done', (c) =>
      c.set(sel_done, `${c.v(state)} === ${State.SELECT} && ${c.v(sel_count)} === ${L} && ${c.v(round)} === ${g.R - 1} ? 1 : 0`), [state, sel_count, round]);
    k.combCode('comparator_tree.max_rec', (c) =>
      c.set(max_rec, `${c.v(state)} === ${State.SELECT} && ${c.v(sel_count)} === ${L} && ${c.v(round)} === 0 ? 1 : 0`), [state, sel_count, round]);

    // The levels are a free-running pipeline: once z_hold and mask stop changing, L edges
    // later every level holds its fixed point. Evaluate only while a change is propagating.
    k.combCode('comparator_tree.inputs', (c) => `${c.ext(propagating)}[0] = ${L};`, [...range(zHold, g.N), ...range(mask, g.N)]);

    k.posedgeCode('comparator_tree', p.clk, (c) => {
      const prop = c.ext(propagating);
      // Entry i of level j from entries a = 2i and b = 2i+1 of level j−1 (level 0: z_hold, ok = !mask).
      const node = (j: number, i: number | string, hasB: boolean) => {
        const a = typeof i === 'number' ? 2 * i : `2 * ${i}`;
        const b = typeof i === 'number' ? 2 * i + 1 : `2 * ${i} + 1`;
        const ai = j === 1 ? `${a}` : c.v(lvl_idx[j - 1]!, a);
        const av = j === 1 ? c.v(zHold, a) : c.v(lvl_val[j - 1]!, a);
        const ao = j === 1 ? `1 - ${c.v(mask, a)}` : c.v(lvl_ok[j - 1]!, a);
        let s = `{ const ai = ${ai}, av = ${av}, ao = ${ao};\n`;
        if (hasB) {
          const bi = j === 1 ? `${b}` : c.v(lvl_idx[j - 1]!, b);
          const bv = j === 1 ? c.v(zHold, b) : c.v(lvl_val[j - 1]!, b);
          const bo = j === 1 ? `1 - ${c.v(mask, b)}` : c.v(lvl_ok[j - 1]!, b);
          s += `const bi = ${bi}, bv = ${bv}, bo = ${bo};
            // a wins when it is valid and b is not, or both are and a ≥ b (ties to the lower index);
            // as 0/1 arithmetic, without a branch on the logits' random order
            const t = ao * (1 - bo * +(av < bv)) + (1 - ao) * (1 - bo);
            ${c.own(lvl_idx[j]!, i)} = bi + t * (ai - bi);
            ${c.own(lvl_val[j]!, i)} = bv + t * (av - bv);
            ${c.own(lvl_ok[j]!, i)} = bo + t * (ao - bo); }`;
        } else s += `${c.own(lvl_idx[j]!, i)} = ai; ${c.own(lvl_val[j]!, i)} = av; ${c.own(lvl_ok[j]!, i)} = ao; }`;
        return s;
      };
      // The levels are the tree's own registers, written in place from the last level to the
      // first: each reads the level before it while that still holds the previous cycle's values.
      let levels = '';
      for (let j = L; j >= 1; j--) {
        const pairs = Math.floor(sizes[j - 1]! / 2); // entries with both a and b
        levels += each(pairs, 'i', (i) => node(j, i, true), 8) + '\n';
        if (pairs < sizes[j]!) levels += node(j, pairs, false) + '\n';
      }
      // The levels come last: the selection above reads the last level before it moves.
      return `
        if (${c.v(p.rst)}) { ${c.nba(sel_count, 0)} ${c.nba(round, 0)} }
        else {
          const st = ${c.v(state)};
          if (st === ${State.IDLE} && ${c.v(zHoldFull)}) {
            for (let n = 0; n < ${g.N}; n++) ${c.next(mask, 'n')} = 0;
            ${c.nbaRange(mask, g.N)}
            ${c.nba(sel_count, 0)}
            ${c.nba(round, 0)}
          } else if (st === ${State.SELECT}) {
            const cnt = ${c.v(sel_count)};
            if (cnt === ${L}) {
              const r = ${c.v(round)};
              const idx = ${c.v(lvl_idx[L]!)};
              ${c.next(rank_idx, 'r')} = idx;
              ${c.next(rank_val, 'r')} = ${c.v(lvl_val[L]!)};
              ${c.nbaRange(rank_idx, g.R)} ${c.nbaRange(rank_val, g.R)}
              ${c.next(mask, 'idx')} = 1;
              ${c.nbaRange(mask, g.N)}
              ${c.nba(sel_count, 0)}
              ${c.nba(round, 'r + 1')}
            } else ${c.nba(sel_count, 'cnt + 1')}
          }
        }
        if (${prop}[0] > 0) {
          ${levels}
          ${prop}[0]--;
        }`;
    });
  }
}

const range = (base: number, n: number) => Array.from({ length: n }, (_, i) => base + i);
