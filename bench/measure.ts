// One round of a bench scenario: every fast measurement, then (in the first slowRounds rounds)
// the slow ones, each writing its cycles per second (and mismatches, dump sizes) for the round
// into the Recorder. What each measures and how it is timed: bench/run.ts's header.
import path from 'node:path';
import { plusargs } from '../harness/rtl/memfiles.ts';
import { portWidths, PortBatch } from '../harness/rtl/ports.ts';
import { startHeadVerilator } from '../harness/rtl/verilator/head.ts';
import { startHeadCocotb } from '../harness/rtl/cocotb/head.ts';
import { runLockstep } from '../harness/run/lockstep.ts';
import { ModelTrace } from '../harness/run/trace.ts';
import { runIcarusAlone } from './icarus-alone.ts';
import { cpuOf, selfCpu } from './proc-stat.ts';
import type { Recorder } from './result.ts';
import { measured, type BenchContext, type Builds, type Started } from './simulators.ts';
import type { Stimulus } from './stimulus.ts';
import { runVerilatorAlone } from './verilator-alone.ts';

/** Everything a round measures with. */
export interface Bench {
  b: BenchContext;
  st: Stimulus;
  builds: Builds;
  started: Started;
  rec: Recorder;
}

export async function round(x: Bench, r: number): Promise<void> {
  const { b, builds, started } = x;
  const { C } = b;
  b.log(`round ${r + 1}/${b.rounds}`);
  if (measured(b, 'model')) measureModel(x, r);
  if (measured(b, 'vcd') && C.vcd > 0) await measureModelTrace(x, r, 'vcd');
  if (measured(b, 'fst') && C.vcd > 0) await measureModelTrace(x, r, 'fst');
  for (const v of ['default', 'O2'] as const) if (builds.exes[v]) await measureVerilator(x, r, v);
  for (const v of ['trace', 'trace-fst'] as const) {
    if (!builds.exes[v] || C.trace <= 0) continue;
    await measureVerilatorTrace(x, r, v, false);
    await measureVerilatorTrace(x, r, v, true);
  }
  if (builds.driverBuilds) await measureLockstep(x, r, builds.driverBuilds);
  if (r >= b.slowRounds) return;
  if (builds.icarus) await measureIcarus(x, r, builds.icarus);
  if (started.cocotb) await measureCocotb(x, r, started.cocotb);
  if (measured(b, 'lockstep-cocotb') && C.lockstepCocotb > 0) await measureLockstepCocotb(x, r);
}

function measureModel({ b, started, rec }: Bench, r: number): void {
  const c0 = selfCpu();
  const w0 = performance.now();
  started.model.tb.run(null, b.C.model);
  rec.put('model', r, b.C.model / (selfCpu() - c0));
  rec.put('modelWall', r, b.C.model / ((performance.now() - w0) / 1000));
}

/** The model traced into a VCD or an FST (its own writer, this thread): CPU time of the process. */
async function measureModelTrace({ b, started, rec }: Bench, r: number, format: 'vcd' | 'fst'): Promise<void> {
  const file = path.join(b.vcdDir, `headsim-bench-${process.pid}-model.${format}`);
  const c0 = selfCpu();
  const trace = new ModelTrace(started.model.head.k, file);
  started.model.tb.run(null, b.C.vcd);
  await trace.close();
  const k = format === 'vcd' ? 'modelVcd' : 'modelFst';
  rec.put(k, r, b.C.vcd / (selfCpu() - c0));
  rec.count(k, file, b.C.vcd);
}

async function measureVerilator({ b, st, builds, rec }: Bench, r: number, v: 'default' | 'O2'): Promise<void> {
  const x = await runVerilatorAlone(builds.exes[v]!, st.stimFile, plusargs(st.mem), { cycles: b.C.verilator });
  rec.put(`verilator-${v}`, r, x.cycles / x.cpu);
  rec.addMismatch(`verilator-${v}`, x.mismatches);
}

/** Verilator tracing every signal, or (sameSignals) only the model's, in the variant's format. */
async function measureVerilatorTrace({ b, st, builds, started, rec }: Bench, r: number, v: 'trace' | 'trace-fst', sameSignals: boolean): Promise<void> {
  const k = `verilator-${v}${sameSignals ? '-model' : ''}`;
  const file = path.join(b.vcdDir, `headsim-bench-${process.pid}-${k}.${v === 'trace' ? 'vcd' : 'fst'}`);
  const x = await runVerilatorAlone(builds.exes[v]!, st.stimFile, plusargs(st.mem), { cycles: b.C.trace, trace: file, dumpvars: sameSignals ? started.dumpvars : undefined });
  rec.put(k, r, x.cycles / x.cpu);
  rec.addMismatch(k, x.mismatches);
  rec.count(k, file, b.C.trace);
}

/** The build step built the driver: this start finds it in the cache. */
async function measureLockstep({ b, st, rec }: Bench, r: number, driverBuilds: string): Promise<void> {
  const backend = await startHeadVerilator(st.s, { mem: st.mem, outRoot: driverBuilds, optimize: 'run' });
  const d0 = cpuOf(backend.pid);
  const c0 = selfCpu();
  let res, d1;
  try {
    res = await runLockstep(st.lock, backend, b.traffic);
  } finally {
    d1 = cpuOf(backend.pid);
    await backend.close();
  }
  const node = res.cyclesCompared / (selfCpu() - c0);
  const driver = d0 !== null && d1 !== null ? res.cyclesCompared / Math.max(d1 - d0, 0.01) : NaN;
  rec.put('lockstep-verilator', r, res.cyclesCompared / res.seconds);
  rec.put('lockstep-node-cpu', r, node);
  if (!Number.isNaN(driver)) rec.put('lockstep-driver-cpu', r, driver);
  rec.put('lockstep-cpu-bound', r, Math.min(node, driver));
  rec.addMismatch('lockstep-verilator', res.mismatch ? 1 : 0);
  if (r === 0) b.notes.push(`lockstep (Verilator): ${res.cyclesCompared} cycles compared per round (${st.lock.vectors.count} vectors)`);
}

async function measureIcarus({ b, st, rec }: Bench, r: number, ic: NonNullable<Builds['icarus']>): Promise<void> {
  const x = await runIcarusAlone(ic.vvp, ic.files, plusargs(st.mem), b.C.icarus);
  rec.put('icarus', r, b.C.icarus / Math.max(x.cpu - ic.startup, 1e-3));
  rec.addMismatch('icarus', x.mismatches);
}

async function measureCocotb({ b, st, started, rec }: Bench, r: number, cocotb: NonNullable<Started['cocotb']>): Promise<void> {
  const { stim } = st;
  const n = b.C.cocotb;
  const seg = new PortBatch(portWidths(st.s.g), n);
  const from = r * n;
  seg.flags.set(stim.flags.subarray(from, from + n));
  seg.sData.set(stim.sData.subarray(from * stim.sWords, (from + n) * stim.sWords));
  const vvp = started.cocotbVvp;
  const v0 = vvp !== null ? cpuOf(vvp) : null;
  const w0 = performance.now();
  await cocotb.run(seg, n);
  const wall = (performance.now() - w0) / 1000;
  const v1 = vvp !== null ? cpuOf(vvp) : null;
  rec.put('cocotb', r, n / (v0 !== null && v1 !== null ? Math.max(v1 - v0, 0.01) : wall));
  let bad = 0;
  for (let i = 0; i < n; i++) if (!seg.sameOutputs(i, stim, from + i)) bad++;
  rec.addMismatch('cocotb', bad);
}

async function measureLockstepCocotb({ b, st, rec }: Bench, r: number): Promise<void> {
  const backend = await startHeadCocotb(st.s, { dir: path.join(b.dir, 'cocotb-lockstep'), buildRoot: path.join(b.out, 'cocotb', 'build'), mem: st.mem });
  let res;
  try {
    // small batches: the run ends soon after the last vector (idle cycles are cheaper under cocotb)
    res = await runLockstep(st.coco, backend, b.traffic, { batchCycles: 256 });
  } finally {
    await backend.close();
  }
  rec.put('lockstep-cocotb', r, res.cyclesCompared / res.seconds);
  rec.addMismatch('lockstep-cocotb', res.mismatch ? 1 : 0);
  if (r === 0) b.notes.push(`lockstep (cocotb): ${res.cyclesCompared} cycles compared per round (${st.coco.vectors.count} vectors)`);
}
