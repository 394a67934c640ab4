// The simulators a bench scenario measures, before the rounds: which tools are here (a missing
// one skips its measurements with a note), every build (content-cached; the time each took),
// and the long-lived ones started: the model (warmed up, so the JIT has compiled the generated
// edges) and cocotb (one simulation; each round replays the next segment of the stimulus).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHeadCocotb } from '../harness/rtl/cocotb/head.ts';
import { checkCocotbSetup } from '../harness/rtl/cocotb/setup.ts';
import { buildHeadVerilator } from '../harness/rtl/build.ts';
import { plusargs } from '../harness/rtl/memfiles.ts';
import { verilatorVersion } from '../harness/rtl/verilator/build.ts';
import { createModel } from '../harness/run/model.ts';
import { dumpvarsOf } from '../harness/run/scope.ts';
import type { TrafficOptions } from '../harness/run/traffic.ts';
import { runCommand } from '../lib/proc.ts';
import { buildIcarusAlone, runIcarusAlone, writeIcarusStimulus } from './icarus-alone.ts';
import { findInGroup } from './proc-stat.ts';
import type { Cycles, Measure } from './scenarios.ts';
import type { Stimulus } from './stimulus.ts';
import { buildVerilatorAlone, type VerilatorVariant } from './verilator-alone.ts';

/** What every step of a scenario's bench knows: its cycles, rounds, traffic and places, what it skips, its notes. */
export interface BenchContext {
  C: Cycles;
  rounds: number;
  slowRounds: number;
  traffic: TrafficOptions;
  /** builds (shared), and this scenario's directory */
  out: string;
  dir: string;
  vcdDir: string;
  skip: Set<Measure>;
  notes: string[];
  log: (s: string) => void;
}

export const measured = (b: BenchContext, m: Measure) => !b.skip.has(m);

/** Measurements whose tool is missing are skipped with a note. */
export async function checkTools(b: BenchContext): Promise<void> {
  const missing = async (what: string, check: () => Promise<unknown>, measures: Measure[]) => {
    if (!measures.some((m) => measured(b, m))) return;
    try {
      await check();
    } catch (e) {
      for (const m of measures) b.skip.add(m);
      b.notes.push(`${what} not available (${(e as Error).message.split('\n')[0]}): ${measures.join(', ')} not measured`);
    }
  };
  await missing('Verilator', () => verilatorVersion(), ['verilator', 'trace', 'trace-fst', 'lockstep']);
  await missing('Icarus', () => runCommand('iverilog', ['-V'], { timeoutMs: 30_000, check: true }), ['icarus']);
  await missing('cocotb', () => checkCocotbSetup(), ['cocotb', 'lockstep-cocotb']);
}

export interface Builds {
  /** seconds and cache hit of each build, for the report */
  times: Record<string, { seconds: number; cached: boolean }>;
  /** verilator_alone.cpp, per variant */
  exes: Partial<Record<VerilatorVariant, string>>;
  /** the lockstep driver's build cache (it is built): null when lockstep is skipped */
  driverBuilds: string | null;
  icarus: { vvp: string; files: { stim: string; expect: string }; startup: number } | null;
}

export async function buildSimulators(b: BenchContext, st: Stimulus): Promise<Builds> {
  const { s } = st;
  const { C } = b;
  const builds: Builds = { times: {}, exes: {}, driverBuilds: null, icarus: null };
  const variants: VerilatorVariant[] = [
    ...(measured(b, 'verilator') ? (['default', 'O2'] as const) : []),
    ...(measured(b, 'trace') ? (['trace'] as const) : []),
    ...(measured(b, 'trace-fst') ? (['trace-fst'] as const) : []),
  ];
  for (const v of variants) {
    b.log(`verilator build (${v})…`);
    const r = await buildVerilatorAlone(s, v, path.join(b.out, 'verilator'));
    builds.times[`verilator-${v}`] = { seconds: r.seconds, cached: r.cached };
    builds.exes[v] = r.exe;
  }
  if (measured(b, 'lockstep')) {
    b.log('verilator build (lockstep driver)…');
    const driverBuilds = path.join(b.out, 'verilator-driver');
    const r = await buildHeadVerilator(s, { outRoot: driverBuilds, optimize: 'run' });
    builds.times['verilator-driver'] = { seconds: r.seconds, cached: r.cached };
    builds.driverBuilds = driverBuilds;
  }
  if (measured(b, 'icarus') && C.icarus > 0) {
    b.log('iverilog build…');
    const r = await buildIcarusAlone(s, C.icarus, path.join(b.out, 'icarus'));
    builds.times.icarus = { seconds: r.seconds, cached: r.cached };
    const files = writeIcarusStimulus(path.join(b.dir, 'icarus'), st.stim, C.icarus);
    const r0 = await runIcarusAlone(r.vvp, files, plusargs(st.mem), 0);
    builds.icarus = { vvp: r.vvp, files, startup: r0.cpu };
    b.log(`vvp start-up ${r0.cpu.toFixed(2)} s CPU`);
  }
  return builds;
}

export interface Started {
  model: ReturnType<typeof createModel>;
  cocotb: Awaited<ReturnType<typeof startHeadCocotb>> | null;
  /** the cocotb simulation's vvp process (its CPU time), null: not found */
  cocotbVvp: number | null;
  /** the model's names as a Verilator dumpvars file (the "same signals" traces) */
  dumpvars: string;
}

export async function startSimulators(b: BenchContext, st: Stimulus, builds: Builds): Promise<Started> {
  const { C } = b;
  const model = createModel(st.s, b.traffic);
  const dumpvars = path.join(b.dir, 'model-signals.dumpvars');
  writeFileSync(dumpvars, dumpvarsOf(model.head.k.signals.map((x) => x.name)).join('\n') + '\n');
  if (measured(b, 'model') || measured(b, 'vcd') || measured(b, 'fst')) {
    b.log(`model warm-up ${C.modelWarmup} cycles`);
    model.tb.run(null, C.modelWarmup);
  }
  const started: Started = { model, cocotb: null, cocotbVvp: null, dumpvars };
  if (measured(b, 'cocotb') && C.cocotb > 0) {
    b.log('cocotb start (build on first use)…');
    const t0 = performance.now();
    started.cocotb = await startHeadCocotb(st.s, { dir: path.join(b.dir, 'cocotb-alone'), buildRoot: path.join(b.out, 'cocotb', 'build'), mem: st.mem });
    builds.times.cocotb = { seconds: (performance.now() - t0) / 1000, cached: true };
    started.cocotbVvp = findInGroup(started.cocotb.pid, 'vvp');
    if (started.cocotbVvp === null) b.notes.push('cocotb: simulator process not found in /proc; wall time used');
  }
  return started;
}
