// head: the top level. Declares the ports, instantiates the components in data order and runs
// the back-end sequencer (IDLE → SELECT → [EXP → NORM] → EMIT). Mirrors rtl/head.v.
import { Kernel } from '../../sim/kernel.ts';
import { valueFormats, type Geometry } from '../geometry.ts';
import type { Tables } from '../tables-set.ts';
import type { HeadWeights } from '../weights.ts';
import type { HeadContext, Ports } from './context.ts';
import { State } from './context.ts';
import { ComparatorTree } from './comparator-tree.ts';
import { Divider } from './divider.ts';
import { InputStage } from './input-stage.ts';
import { LogitBank } from './logit-bank.ts';
import { MacArray } from './mac-array.ts';
import { Normalizer } from './normalizer.ts';
import { OutputStage } from './output-stage.ts';

/** The sequencer states a head of this geometry passes through for every vector. */
export function sequencerStates(g: Geometry): (keyof typeof State)[] {
  if (g.mode !== 'softmax') return ['IDLE', 'SELECT', 'EMIT'];
  return g.serial ? ['IDLE', 'SELECT', 'EXP', 'EMIT'] : ['IDLE', 'SELECT', 'EXP', 'NORM', 'EMIT'];
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
  readonly tree: ComparatorTree;
  readonly norm: Normalizer;
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
    const state = (this.state = k.signal(h + 'state', 3, 0, false, { states: stateNames() }));

    this.bank = new LogitBank(ctx);
    this.input = new InputStage(ctx, p, this.bank.stall);
    this.mac = new MacArray(ctx, p, this.input, this.bank.stall);
    this.tree = new ComparatorTree(ctx, p, state, this.bank.z_hold, this.bank.z_hold_full);
    this.norm = new Normalizer(ctx, p, state, this.bank.z_hold, this.tree.rank_val);
    this.div = new Divider(ctx);
    this.out = new OutputStage(ctx);
    this.out.connect(p, state, this.bank.z_hold, this.tree, this.norm, this.div);
    this.div.connect(p, this.out.em_full, this.out.em_e, this.out.fetch, this.norm.sum);
    this.bank.connect(p, this.mac, this.out.vector_done);

    const { tree, norm, out, bank } = this;
    k.posedgeCode('head.sequencer', p.clk, (c) => `
      if (${c.v(p.rst)}) { ${c.nba(state, State.IDLE)} ${c.exit} }
      switch (${c.v(state)}) {
        case ${State.IDLE}:
          if (${c.v(bank.z_hold_full)}) ${c.nba(state, State.SELECT)}
          break;
        case ${State.SELECT}:
          if (${c.v(tree.sel_done)}) ${c.nba(state, g.mode === 'softmax' ? State.EXP : State.EMIT)}
          break;
        case ${State.EXP}:
          if (${c.v(norm.exp_done)}) ${c.nba(state, g.serial ? State.EMIT : State.NORM)}
          break;
        case ${State.NORM}:
          ${c.nba(state, State.EMIT)}
          break;
        case ${State.EMIT}:
          if (${c.v(out.vector_done)}) ${c.nba(state, State.IDLE)}
          break;
      }`);
  }
}
