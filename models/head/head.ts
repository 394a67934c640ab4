// head: the top level. Declares the ports, instantiates the components in data order (the
// selector: a comparator tree or a stream selector), shares the logit bank's read port (the
// normalizer's EXP pass, then the output stage with emit=all) and runs the back-end sequencer
// (IDLE → [SELECT] → [NORM] → EMIT; stream has no SELECT: the ranking is done when the vector
// is). Mirrors rtl/head.v.
import { Kernel } from '../../sim/kernel.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import type { Tables } from '../tables-set.ts';
import type { HeadWeights } from '../weights.ts';
import type { HeadContext, Ports, Ranking } from './context.ts';
import { State, bitsFor } from './context.ts';
import { ComparatorTree } from './comparator-tree.ts';
import { Divider } from './divider.ts';
import { ExpUnit } from './exp-unit.ts';
import { InputStage } from './input-stage.ts';
import { LogitBank } from './logit-bank.ts';
import { MacArray } from './mac-array.ts';
import { Normalizer } from './normalizer.ts';
import { OutputStage } from './output-stage.ts';
import { Reciprocal } from './reciprocal.ts';
import { StreamSelector } from './stream-selector.ts';

/** The sequencer states a head of this geometry passes through for every vector. */
export function sequencerStates(g: Geometry): (keyof typeof State)[] {
  const select: (keyof typeof State)[] = g.stream ? [] : ['SELECT']; // stream: the ranking is ready when the vector is
  return ['IDLE', ...select, ...(g.mode === 'softmax' ? (['NORM'] as const) : []), 'EMIT'];
}

/** The sequencer's state names by value (for waveform layouts). */
const stateNames = (): string[] => Object.entries(State).sort((a, b) => a[1] - b[1]).map(([name]) => name);

export class Head {
  readonly k: Kernel;
  readonly ports: Ports;
  readonly state: number;
  readonly input: InputStage;
  readonly mac: MacArray;
  readonly bank: LogitBank;
  /** the selector: a comparator tree (select = tree) or a stream selector (select = stream) */
  readonly tree: ComparatorTree | null;
  readonly stream: StreamSelector | null;
  readonly exp: ExpUnit;
  readonly norm: Normalizer;
  readonly recip: Reciprocal;
  readonly div: Divider;
  readonly out: OutputStage;

  constructor(g: Geometry, t: Tables, w: HeadWeights, relu: boolean, k = new Kernel()) {
    this.k = k;
    const ctx: HeadContext = { k, g, t, w, relu, fmt: valueFormats(g) };
    const h = 'head.';
    const p: Ports = {
      clk: k.signal(h + 'clk', 1, 1),
      rst: k.signal(h + 'rst', 1),
      s_valid: k.signal(h + 's_valid', 1),
      s_ready: k.signal(h + 's_ready', 1),
      s_data: k.array(h + 's_data', g.inW, g.kPar, 0, true, ctx.fmt.input),
      s_last: k.signal(h + 's_last', 1),
      m_valid: k.signal(h + 'm_valid', 1),
      m_ready: k.signal(h + 'm_ready', 1),
      m_index: k.signal(h + 'm_index', g.idxW),
      m_value: k.signal(h + 'm_value', g.valW, 0, false, ctx.fmt.output),
      m_last: k.signal(h + 'm_last', 1),
    };
    this.ports = p;
    const state = (this.state = k.signal(h + 'state', 2, 0, false, { states: stateNames() }));
    const z_rd_en = k.signal(h + 'z_rd_en', 1);
    const z_rd_addr = k.signal(h + 'z_rd_addr', bitsFor(g.G - 1));

    this.bank = new LogitBank(ctx);
    this.input = new InputStage(ctx, p, this.bank.stall);
    this.mac = new MacArray(ctx, p, this.input, this.bank.stall);
    this.tree = g.stream ? null : new ComparatorTree(ctx, p, state, this.bank.z_hold, this.bank.z_hold_full);
    this.stream = g.stream ? new StreamSelector(ctx, p, this.bank) : null;
    const ranking: Ranking = (this.tree ?? this.stream)!;
    this.exp = new ExpUnit(ctx);
    this.norm = new Normalizer(ctx);
    this.recip = new Reciprocal(ctx);
    this.div = new Divider(ctx);
    this.out = new OutputStage(ctx);
    const { tree, norm, recip, out, bank, exp } = this;
    const zRd = bank.z_rd_data;
    // The EXP pass may start: tree, at the edge that records the max; stream, from the first NORM cycle
    // (rank_val[0] and the RAM's read bank hold the vector then).
    let maxRec = tree?.max_rec ?? -1;
    if (!tree) {
      maxRec = k.signal(h + 'max_rec', 1);
      k.combCode('head.max_rec', (c) => c.set(maxRec, `${c.v(state)} === ${State.NORM} ? 1 : 0`), [state]);
    }
    norm.connect(p, state, maxRec, exp);
    exp.connect(p, {
      base: g.mode === 'softmax' ? ranking.rank_val : null, // rank_val[0]: the max
      rdData: zRd,
      nEn1: norm.rd_valid,
      nEn2: norm.t_valid,
      nLast: norm.rd_last,
      lane0ToOutput: (c) => `${c.v(norm.sum_done)} === 1`,
      ...out.expInputs(ranking, zRd),
    });
    recip.connect(p, state, norm.sum, norm.sum_done);
    out.connect(p, state, zRd, ranking, norm.sum_done, exp, recip, this.div);
    this.div.connect(p, out.em_full, exp.e_q, out.em_load, norm.sum);
    bank.connect(p, this.mac, out.vector_done);
    bank.readPort(p, z_rd_en, z_rd_addr);

    // The read port: the normalizer's EXP pass, or the output stage (emit=all) once Σe is complete.
    if (bank.hasReadPort)
      k.combCode('head.z_rd', (c) => {
        const o = out.readRequest(c, ranking);
        return `
          const n = ${g.mode === 'softmax' ? c.v(norm.exp_issue) : 0};
          ${c.set(z_rd_en, `n || ${o.en} ? 1 : 0`)}
          ${c.set(z_rd_addr, `n ? ${c.v(norm.exp_group)} : ${o.addr}`)}`;
      }, [norm.exp_issue, norm.exp_group, out.fetch, out.em_k, out.em_grp, ...Array.from({ length: g.R }, (_, r) => ranking.rank_idx + r)]);

    const afterSelect = g.mode === 'softmax' ? State.NORM : State.EMIT;
    k.posedgeCode('head.sequencer', p.clk, (c) => `
      if (${c.v(p.rst)}) { ${c.nba(state, State.IDLE)} ${c.exit} }
      switch (${c.v(state)}) {
        case ${State.IDLE}:
          ${tree ? `if (${c.v(bank.z_hold_full)}) ${c.nba(state, State.SELECT)}` : `if (${c.v(bank.hold_load)}) ${c.nba(state, afterSelect)}`}
          break;
        case ${State.SELECT}:
          ${tree ? `if (${c.v(tree.sel_done)}) ${c.nba(state, afterSelect)}` : ''}
          break;
        case ${State.NORM}:
          if (${c.v(recip.norm_done)}) ${c.nba(state, State.EMIT)}
          break;
        case ${State.EMIT}:
          if (${c.v(out.vector_done)}) ${c.nba(state, State.IDLE)}
          break;
      }`);
  }
}
