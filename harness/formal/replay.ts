// A counterexample's stimulus through lockstep: the cycle model (driven by a replay process
// instead of the random testbench) and the RTL under Verilator get the same inputs cycle by
// cycle, from the witness (witness.ts), and their outputs are compared as lockstep compares them.
// For a mutant this shows lockstep catching it on the prover's trace; for the real RTL, that the
// model agrees (or where it does not). The data the trace carries are the witness's s_data;
// the datapath values inside the head are the real ones here (the proof cut them).
import { join } from 'node:path';
import { Head } from '../../models/head/head.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { CLOCK_PERIOD } from '../run/testbench.ts';
import { comparePorts, type PortMismatch } from '../run/lockstep.ts';
import { IN_M_READY, IN_RST, IN_S_LAST, IN_S_VALID, OUT_M_LAST, OUT_M_VALID, OUT_S_READY, PortBatch, portWidths } from '../rtl/ports.ts';
import type { MemFiles } from '../rtl/memfiles.ts';
import { startHeadVerilator } from '../rtl/verilator/head.ts';
import type { Stimulus } from './witness.ts';

export interface ReplayResult {
  cycles: number;
  /** the first cycle where model and RTL differ (null: they agree on the whole trace) */
  mismatch: PortMismatch | null;
}

/** The stimulus as a port batch (inputs only). */
export function stimulusBatch(s: Scenario, st: Stimulus): PortBatch {
  const b = new PortBatch(portWidths(s.g), Math.max(1, st.cycles));
  for (let t = 0; t < st.cycles; t++) {
    b.flags[t] = (st.rst[t] ? IN_RST : 0) | (st.sValid[t] ? IN_S_VALID : 0) | (st.sLast[t] ? IN_S_LAST : 0) | (st.mReady[t] ? IN_M_READY : 0);
    for (let w = 0; w < b.sWords; w++) b.sData[t * b.sWords + w] = Number((st.sData[t]! >> BigInt(32 * w)) & 0xffffffffn);
  }
  return b;
}

/** The model's outputs for the stimulus: a Head whose inputs a replay process sets at each falling edge. */
export function runModelOnStimulus(s: Scenario, st: Stimulus, batch: PortBatch): void {
  const { g } = s;
  const head = new Head(g, s.t, s.w, s.config.relu);
  const { k, ports: p } = head;
  let t = 0;
  const lane = (x: bigint, l: number) => {
    const u = Number((x >> BigInt(l * g.inW)) & ((1n << BigInt(g.inW)) - 1n));
    return u >= 2 ** (g.inW - 1) ? u - 2 ** g.inW : u; // s_data lanes are signed in the model
  };
  k.negedge('replay.driver', p.clk, () => {
    if (t >= st.cycles) return;
    k.set(p.rst, st.rst[t]!);
    k.set(p.s_valid, st.sValid[t]!);
    k.set(p.s_last, st.sLast[t]!);
    k.set(p.m_ready, st.mReady[t]!);
    for (let l = 0; l < g.kPar; l++) k.set(p.s_data + l, lane(st.sData[t]!, l));
  });
  k.posedge('replay.monitor', p.clk, () => {
    if (t >= st.cycles) return;
    batch.outFlags[t] = (k.v[p.s_ready] ? OUT_S_READY : 0) | (k.v[p.m_valid] ? OUT_M_VALID : 0) | (k.v[p.m_last] ? OUT_M_LAST : 0);
    batch.mIndex[t] = k.v[p.m_index]!;
    batch.mValue[t] = k.v[p.m_value]!;
    t++;
  });
  k.clock(p.clk, CLOCK_PERIOD);
  k.elaborate();
  k.run((st.cycles - 1) * CLOCK_PERIOD + CLOCK_PERIOD / 2);
}

/** Replays the stimulus on the model and on the RTL in `rtlDir` (Verilator), compares every cycle. */
export async function replayThroughLockstep(s: Scenario, st: Stimulus, mem: MemFiles, opts: { rtlDir?: string; outRoot: string }): Promise<ReplayResult> {
  const model = stimulusBatch(s, st);
  const rtl = stimulusBatch(s, st);
  runModelOnStimulus(s, st, model);
  const backend = await startHeadVerilator(s, { mem, rtlDir: opts.rtlDir, outRoot: join(opts.outRoot, 'verilator') });
  try {
    await backend.run(rtl, st.cycles);
  } finally {
    await backend.close();
  }
  return { cycles: st.cycles, mismatch: comparePorts(model, rtl, st.cycles, 0, s, { beats: 0, entries: 0 }) };
}
