// head: the top level, twin of rtl/head.v. Declares the ports, instantiates the components in
// data order (the selector: a comparator tree, SELECT = 0, or a stream selector, SELECT = 1),
// then connects their ports as head.v does; drives the logit bank's read port from its two
// requesters (the normalizer's EXP pass, then the output stage) and runs the back-end sequencer
// (IDLE → [SELECT] → [NORM] → EMIT; stream has no SELECT: the ranking is done when the vector is).
import { Kernel } from '../../sim/kernel.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import type { Tables } from '../tables-set.ts';
import type { HeadWeights } from '../weights.ts';
import type { HeadContext } from './context.ts';
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
import { declareTop, input, output, reg, wire, type Internals, type Ports } from './signals.ts';

/** The sequencer states a head of this geometry passes through for every vector. */
export function sequencerStates(g: Geometry): (keyof typeof State)[] {
  const select: (keyof typeof State)[] = g.stream ? [] : ['SELECT']; // stream: the ranking is ready when the vector is
  return ['IDLE', ...select, ...(g.mode === 'softmax' ? (['NORM'] as const) : []), 'EMIT'];
}

/** The sequencer's state names by value (for waveform layouts). */
const stateNames = (): string[] => Object.entries(State).sort((a, b) => a[1] - b[1]).map(([name]) => name);

/** rtl/head.v's ports, and the head's own signals. */
export function headSignals(g: Geometry) {
  const f = valueFormats(g);
  return {
    clk: input(1, { init: 1 }),
    rst: input(1),
    s_valid: input(1),
    s_ready: output(1),
    s_data: input(g.inW, { lanes: g.kPar, signed: true, meta: f.input }),
    s_last: input(1),
    m_valid: output(1),
    m_ready: input(1),
    m_index: output(g.idxW),
    m_value: output(g.valW, { meta: f.output }),
    m_last: output(1),
    state: reg(2, { meta: { states: stateNames() } }),
    /** the logit bank's read port: the normalizer's EXP pass, or the output stage */
    z_rd_en: wire(1),
    z_rd_addr: wire(bitsFor(g.G - 1)),
    /** stream: the EXP pass may start (the tree's comes from the comparator tree) */
    max_rec: wire(1, { absent: !g.stream }),
  };
}
export type HeadSignals = ReturnType<typeof headSignals>;

export class Head {
  readonly k: Kernel;
  /** the ports, by their RTL names */
  readonly ports: Ports<HeadSignals>;
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
    const list = headSignals(g);
    // The ports (the testbench drives the inputs) and the head's own signals.
    const own = declareTop(k, 'head.', list);
    const p: Ports<HeadSignals> = (this.ports = { ...own.in, ...own.out });
    const { state, z_rd_en, z_rd_addr, max_rec: streamMaxRec }: Internals<HeadSignals> = own.internal;
    this.state = state;

    // Declare: the components, as head.v instantiates them.
    const m = 'head.';
    const input = (this.input = new InputStage(ctx, m + 'input_stage.', { s_ready: p.s_ready }));
    const mac = (this.mac = new MacArray(ctx, m + 'mac_array.'));
    const bank = (this.bank = new LogitBank(ctx, m + 'logit_bank.'));
    const tree = (this.tree = g.stream ? null : new ComparatorTree(ctx, m + 'comparator_tree.'));
    const stream = (this.stream = g.stream ? new StreamSelector(ctx, m + 'stream_selector.') : null);
    const exp = (this.exp = new ExpUnit(ctx, m + 'exp_unit.'));
    const norm = (this.norm = new Normalizer(ctx, m + 'normalizer.'));
    const recip = (this.recip = new Reciprocal(ctx, m + 'reciprocal.'));
    const div = (this.div = new Divider(ctx, m + 'divider.'));
    const out = (this.out = new OutputStage(ctx, m + 'output_stage.', { m_valid: p.m_valid, m_index: p.m_index, m_value: p.m_value, m_last: p.m_last }));

    // Connect: their ports, as head.v does.
    const { clk, rst } = p;
    const { rank_idx_bus, rank_val_bus } = (tree ?? stream)!.out;
    const { stall, z_hold_bus, z_hold_full, z_rd_data_bus, d_valid, d_idx, d_val, hold_load } = bank.out;
    const max_rec = tree ? tree.out.max_rec : streamMaxRec;
    input.connect({ clk, rst, stall, s_valid: p.s_valid, s_data: p.s_data });
    const x = input.out;
    mac.connect({ clk, rst, stall, issue: x.issue, beat: x.beat, pass: x.pass, x_valid: x.x_valid, x_bus: x.x_bus, x_first: x.x_first, x_last: x.x_last, x_group: x.x_group });
    const a = mac.out;
    bank.connect({ clk, rst, a_valid: a.a_valid, a_group: a.a_group, acc_bus: a.acc_bus, vector_done: out.out.vector_done, z_rd_en, z_rd_addr });
    tree?.connect({ clk, rst, state, z_hold_bus, z_hold_full });
    stream?.connect({ clk, rst, d_valid, d_idx, d_val, hold_load });
    const n = norm.out;
    const o = out.out;
    // base: rank_val[0], the max
    exp.connect({ clk, base: rank_val_bus, rd_data_bus: z_rd_data_bus, n_en1: n.rd_valid, n_en2: n.t_valid, n_last: n.rd_last, own: n.sum_done, o_en1: o.o_en1, o_en2: o.o_en2, o_z: o.o_z });
    const e_bus = exp.out.e_bus;
    norm.connect({ clk, rst, state, max_rec, e_bus });
    recip.connect({ clk, rst, state, sum: n.sum, sum_done: n.sum_done });
    // em_e: lane 0 of the exp unit
    div.connect({ clk, rst, load: o.em_load, em_full: o.em_full, em_e: e_bus, sum: n.sum, recip_q: recip.out.recip_q, msb_q: recip.out.msb_q });
    out.connect({
      clk, rst, state, sum_done: n.sum_done, z_rd_data_bus, rank_idx_bus, rank_val_bus, em_e: e_bus,
      div_ready: div.out.ready, div_prob: div.out.prob, m_ready: p.m_ready,
    });

    // stream: the EXP pass starts with NORM (rank_val[0] and the RAM's read bank hold the vector then)
    if (stream) k.combCode('head.max_rec', (c) => c.set(max_rec, `${c.v(state)} === ${State.NORM} ? 1 : 0`), [state]);

    // The read port: the normalizer's EXP pass, or the output stage once Σe is complete.
    if (bank.params.RD_PORT)
      k.combCode('head.z_rd', (c) => `
        const n = ${c.v(n.exp_issue)};
        ${c.set(z_rd_en, `n || ${c.v(o.o_rd_en)} ? 1 : 0`)}
        ${c.set(z_rd_addr, `n ? ${c.v(n.exp_group)} : ${c.v(o.o_rd_addr)}`)}`, [n.exp_issue, n.exp_group, o.o_rd_en, o.o_rd_addr]);

    const afterSelect = g.mode === 'softmax' ? State.NORM : State.EMIT;
    k.posedgeCode('head.sequencer', clk, (c) => `
      if (${c.v(rst)}) { ${c.nba(state, State.IDLE)} ${c.exit} }
      switch (${c.v(state)}) {
        case ${State.IDLE}:
          ${tree ? `if (${c.v(z_hold_full)}) ${c.nba(state, State.SELECT)}` : `if (${c.v(hold_load)}) ${c.nba(state, afterSelect)}`}
          break;
        case ${State.SELECT}:
          ${tree ? `if (${c.v(tree.out.sel_done)}) ${c.nba(state, afterSelect)}` : ''}
          break;
        case ${State.NORM}:
          if (${c.v(recip.out.norm_done)}) ${c.nba(state, State.EMIT)}
          break;
        case ${State.EMIT}:
          if (${c.v(o.vector_done)}) ${c.nba(state, State.IDLE)}
          break;
      }`);
  }
}
