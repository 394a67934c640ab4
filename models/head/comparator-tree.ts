// comparator_tree (SELECT = 0): a pipelined max tree over z_hold with one registered level per
// pair-wise compare (LEVELS = ceil(log2 CLASSES) levels), ties to the left (lower index). Top-K
// runs ROUNDS rounds: wait LEVELS+1 cycles for the tree to settle on the current mask, record
// the winner, mask it. Twin of rtl/comparator_tree.v.
import type { HeadContext } from './context.ts';
import { State, bitsFor, each, range } from './context.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import { moduleParams } from '../rtl-params.ts';
import { checkInputs, declare, input, output, reg, type Inputs, type Internals, type Outputs, type SignalSpec } from './signals.ts';

/** rtl/comparator_tree.v's parameters (from the head's: models/rtl-params.ts). */
export const comparatorTreeParams = (g: Geometry, relu = true) =>
  moduleParams(g, relu, [
    'CLASSES', 'LEVELS', 'ROUNDS', 'IDX_W', 'LOGIT_W',
  ]);

/** Entries of each level: level 0 is z_hold (CLASSES), level j has ⌈CLASSES / 2^j⌉. */
export function levelSizes(g: Geometry): number[] {
  const { CLASSES, LEVELS } = comparatorTreeParams(g);
  const sizes = [CLASSES];
  for (let j = 1; j <= LEVELS; j++) sizes.push(Math.ceil(sizes[j - 1]! / 2));
  return sizes;
}

type Level = `lvl${number}_${'idx' | 'val' | 'ok'}`;

export function comparatorTreeSignals(g: Geometry) {
  const { CLASSES, LEVELS, ROUNDS, IDX_W, LOGIT_W } = comparatorTreeParams(g);
  const logit = { signed: true, meta: valueFormats(g).logit };
  const sizes = levelSizes(g);
  const levels = {} as Record<Level, SignalSpec & { kind: 'reg' }>;
  for (let j = 1; j <= LEVELS; j++) {
    levels[`lvl${j}_idx`] = reg(IDX_W, { lanes: sizes[j] });
    levels[`lvl${j}_val`] = reg(LOGIT_W, { ...logit, lanes: sizes[j] });
    levels[`lvl${j}_ok`] = reg(1, { lanes: sizes[j] });
  }
  return {
    clk: input(1),
    rst: input(1),
    state: input(2),
    z_hold_bus: input(LOGIT_W, { lanes: CLASSES, signed: true }),
    z_hold_full: input(1),
    ...levels,
    mask: reg(1, { lanes: CLASSES }),
    sel_count: reg(bitsFor(LEVELS)),
    round: reg(bitsFor(ROUNDS)),
    rank_idx_bus: output(IDX_W, { lanes: ROUNDS, signal: 'rank_idx' }),
    rank_val_bus: output(LOGIT_W, { ...logit, lanes: ROUNDS, signal: 'rank_val' }),
    /** the last round's winner is recorded at this edge */
    sel_done: output(1),
    /** round 0's winner, the max, is recorded at this edge (rank_val[0] holds it from the next cycle) */
    max_rec: output(1),
  };
}
export type ComparatorTreeSignals = ReturnType<typeof comparatorTreeSignals>;

export class ComparatorTree {
  readonly out: Outputs<ComparatorTreeSignals>;
  readonly internal: Internals<ComparatorTreeSignals>;
  private readonly signals: ComparatorTreeSignals;
  /** edges left until the levels reach the fixed point of the current z_hold and mask */
  private readonly propagating = new Int32Array(1);

  constructor(
    private readonly ctx: HeadContext,
    scope: string,
  ) {
    this.signals = comparatorTreeSignals(ctx.g);
    ({ out: this.out, internal: this.internal } = declare(ctx.k, scope, this.signals));
  }

  connect(i: Inputs<ComparatorTreeSignals>): void {
    checkInputs('comparator_tree', this.signals, i);
    const { k, g } = this.ctx;
    const { CLASSES, LEVELS: L, ROUNDS } = comparatorTreeParams(g);
    const { clk, rst, state, z_hold_bus: zHold, z_hold_full } = i;
    const { rank_idx_bus: rank_idx, rank_val_bus: rank_val, sel_done, max_rec } = this.out;
    const { mask, sel_count, round } = this.internal;
    // the levels' keys are made at elaboration (their count is LEVELS), outside the list's type
    const levels = this.internal as unknown as Record<Level, number>;
    const level = (j: number, what: 'idx' | 'val' | 'ok') => levels[`lvl${j}_${what}`];
    const sizes = levelSizes(g);
    const propagating = this.propagating;

    k.combCode('comparator_tree.sel_done', (c) =>
      c.set(sel_done, `${c.v(state)} === ${State.SELECT} && ${c.v(sel_count)} === ${L} && ${c.v(round)} === ${ROUNDS - 1} ? 1 : 0`), [state, sel_count, round]);
    k.combCode('comparator_tree.max_rec', (c) =>
      c.set(max_rec, `${c.v(state)} === ${State.SELECT} && ${c.v(sel_count)} === ${L} && ${c.v(round)} === 0 ? 1 : 0`), [state, sel_count, round]);

    // The levels are a free-running pipeline: once z_hold and mask stop changing, L edges
    // later every level holds its fixed point. Evaluate only while a change is propagating.
    k.combCode('comparator_tree.inputs', (c) => `${c.ext(propagating)}[0] = ${L};`, [...range(zHold, CLASSES), ...range(mask, CLASSES)]);

    k.posedgeCode('comparator_tree', clk, (c) => {
      const prop = c.ext(propagating);
      // Entry i of level j from entries a = 2i and b = 2i+1 of level j−1 (level 0: z_hold, ok = !mask).
      const node = (j: number, i: number | string, hasB: boolean) => {
        const a = typeof i === 'number' ? 2 * i : `2 * ${i}`;
        const b = typeof i === 'number' ? 2 * i + 1 : `2 * ${i} + 1`;
        const ai = j === 1 ? `${a}` : c.v(level(j - 1, 'idx'), a);
        const av = j === 1 ? c.v(zHold, a) : c.v(level(j - 1, 'val'), a);
        const ao = j === 1 ? `1 - ${c.v(mask, a)}` : c.v(level(j - 1, 'ok'), a);
        let s = `{ const ai = ${ai}, av = ${av}, ao = ${ao};\n`;
        if (hasB) {
          const bi = j === 1 ? `${b}` : c.v(level(j - 1, 'idx'), b);
          const bv = j === 1 ? c.v(zHold, b) : c.v(level(j - 1, 'val'), b);
          const bo = j === 1 ? `1 - ${c.v(mask, b)}` : c.v(level(j - 1, 'ok'), b);
          s += `const bi = ${bi}, bv = ${bv}, bo = ${bo};
            // a wins when it is valid and b is not, or both are and a ≥ b (ties to the lower index);
            // as 0/1 arithmetic, without a branch on the logits' random order
            const t = ao * (1 - bo * +(av < bv)) + (1 - ao) * (1 - bo);
            ${c.own(level(j, 'idx'), i)} = bi + t * (ai - bi);
            ${c.own(level(j, 'val'), i)} = bv + t * (av - bv);
            ${c.own(level(j, 'ok'), i)} = bo + t * (ao - bo); }`;
        } else s += `${c.own(level(j, 'idx'), i)} = ai; ${c.own(level(j, 'val'), i)} = av; ${c.own(level(j, 'ok'), i)} = ao; }`;
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
        if (${c.v(rst)}) { ${c.nba(sel_count, 0)} ${c.nba(round, 0)} }
        else {
          const st = ${c.v(state)};
          if (st === ${State.IDLE} && ${c.v(z_hold_full)}) {
            for (let n = 0; n < ${CLASSES}; n++) ${c.next(mask, 'n')} = 0;
            ${c.nbaRange(mask, CLASSES)}
            ${c.nba(sel_count, 0)}
            ${c.nba(round, 0)}
          } else if (st === ${State.SELECT}) {
            const cnt = ${c.v(sel_count)};
            if (cnt === ${L}) {
              const r = ${c.v(round)};
              const idx = ${c.v(level(L, 'idx'))};
              ${c.next(rank_idx, 'r')} = idx;
              ${c.next(rank_val, 'r')} = ${c.v(level(L, 'val'))};
              ${c.nbaRange(rank_idx, ROUNDS)} ${c.nbaRange(rank_val, ROUNDS)}
              ${c.next(mask, 'idx')} = 1;
              ${c.nbaRange(mask, CLASSES)}
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
