/**
 * `headsim bench`: the speed of the TypeScript model and of lockstep co-simulation against
 * Verilator, Icarus and cocotb on the same RTL and the same stimulus, in one run.
 *
 * Per scenario (seed: the default head in softmax mode; big: N = 1000, K = 1024, cPar 64,
 * kPar 16), measured in interleaved rounds so that every ratio compares numbers taken close in
 * time on a machine shared with other jobs:
 *   model          the cycle model under its testbench (random backpressure), steady state,
 *                  CPU time of this process;
 *   model+VCD      the same with every signal traced (harness/run/trace.ts);
 *   Verilator      bench/verilator_alone.cpp: the verilated RTL in its own C++ loop over the
 *                  model's recorded stimulus, checking every output; default build (-Os), -O2,
 *                  and -O2 with --trace dumping every signal; CPU time of the loop;
 *   Icarus         a Verilog testbench under vvp over the same stimulus; CPU time minus the
 *                  start-up of a 0-cycle run;
 *   cocotb         the cocotb/Icarus backend (harness/rtl/cocotb) replaying the stimulus; CPU time of
 *                  the simulator process;
 *   lockstep       harness/run/lockstep.ts with the Verilator and the cocotb backend: compared
 *                  cycles per wall second (two processes; also the CPU seconds of each side).
 * Slow simulators run fewer cycles and rounds (stated in the report).
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, type ConfigInput } from '../models/config.ts';
import { timing } from '../models/geometry.ts';
import type { InputVectors } from '../models/vectors.ts';
import { startHeadCocotb } from '../harness/rtl/cocotb/head.ts';
import { checkCocotbSetup } from '../harness/rtl/cocotb/setup.ts';
import { runLockstep } from '../harness/run/lockstep.ts';
import { plusargs, writeMemFiles } from '../harness/rtl/memfiles.ts';
import { ModelTrace } from '../harness/run/trace.ts';
import { createModel } from '../harness/run/model.ts';
import { portWidths, PortBatch } from '../harness/rtl/ports.ts';
import { runCommand } from '../lib/proc.ts';
import { buildHeadVerilator } from '../harness/rtl/build.ts';
import { buildScenario, type Scenario } from '../harness/inputs/scenario.ts';
import { DEFAULT_TRAFFIC, type TrafficOptions } from '../harness/run/testbench.ts';
import { VerilatorBackend } from '../harness/rtl/verilator/bridge.ts';
import { verilatorVersion } from '../harness/rtl/verilator/build.ts';
import { buildIcarusAlone, runIcarusAlone, writeIcarusStimulus } from './icarus-alone.ts';
import { cpuModel, cpuOf, findInGroup, selfCpu } from './proc-stat.ts';
import { buildVerilatorAlone, runVerilatorAlone, writeStimulus, type VerilatorVariant } from './verilator-alone.ts';

export const MEASURES = ['model', 'vcd', 'verilator', 'trace', 'icarus', 'cocotb', 'lockstep', 'lockstep-cocotb'] as const;
export type Measure = (typeof MEASURES)[number];

export interface BenchOptions {
  quick: boolean;
  /** rounds of the fast measurements */
  runs: number;
  /** rounds of Icarus, cocotb and cocotb lockstep (default: min(runs, 3), 1 on the big head) */
  slowRuns: number | null;
  skip: Set<Measure>;
  /** builds, stimulus, memory images */
  out: string;
  /** where the VCDs of the trace measurements go (deleted after measuring) */
  vcdDir: string;
  log: (line: string) => void;
}

/** Cycles per round of each measurement. */
interface Cycles {
  modelWarmup: number;
  model: number;
  vcd: number;
  verilator: number;
  trace: number;
  icarus: number;
  cocotb: number;
  lockstep: number;
  lockstepCocotb: number;
}

interface ScenarioDef {
  title: string;
  config: ConfigInput;
  cycles: Cycles;
  /** rounds of the slow measurements unless --slow-runs */
  slowRuns: number;
  /** the before/after comparison against a baseline revision: warm-up, then per round */
  baseline: { warmup: number; model: number; vcd: number };
}

const SCENARIOS: Record<string, { full: ScenarioDef; quick: ScenarioDef }> = {
  seed: {
    full: {
      title: 'seed scenario, softmax (N 10, K 512, kPar 8, cPar 10)',
      config: { mode: 'softmax' },
      cycles: { modelWarmup: 500_000, model: 400_000, vcd: 40_000, verilator: 1_000_000, trace: 10_000, icarus: 2_000, cocotb: 2_000, lockstep: 1_000_000, lockstepCocotb: 1_500 },
      slowRuns: 3,
      baseline: { warmup: 500_000, model: 300_000, vcd: 20_000 },
    },
    quick: {
      title: 'tiny seed-like head, softmax (N 6, K 32, kPar 4)',
      config: { classes: 6, inputs: 32, kPar: 4, mode: 'softmax' },
      cycles: { modelWarmup: 5_000, model: 20_000, vcd: 2_000, verilator: 20_000, trace: 500, icarus: 300, cocotb: 300, lockstep: 20_000, lockstepCocotb: 300 },
      slowRuns: 1,
      baseline: { warmup: 5_000, model: 20_000, vcd: 2_000 },
    },
  },
  big: {
    full: {
      title: 'large head, softmax (N 1000, K 1024, cPar 64, kPar 16)',
      config: { classes: 1000, inputs: 1024, cPar: 64, kPar: 16, mode: 'softmax' },
      cycles: { modelWarmup: 150_000, model: 150_000, vcd: 3_000, verilator: 20_000, trace: 500, icarus: 100, cocotb: 100, lockstep: 20_000, lockstepCocotb: 1 },
      slowRuns: 1,
      baseline: { warmup: 150_000, model: 60_000, vcd: 1_000 },
    },
    quick: {
      title: 'small multi-pass head, softmax (N 40, K 64, cPar 8, kPar 8)',
      config: { classes: 40, inputs: 64, cPar: 8, kPar: 8, mode: 'softmax' },
      cycles: { modelWarmup: 5_000, model: 20_000, vcd: 1_000, verilator: 20_000, trace: 300, icarus: 200, cocotb: 200, lockstep: 10_000, lockstepCocotb: 200 },
      slowRuns: 1,
      baseline: { warmup: 5_000, model: 20_000, vcd: 1_000 },
    },
  },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);

/** Cycles of a scenario's before/after comparison. */
export const baselineCycles = (name: string, quick: boolean) => SCENARIOS[name]![quick ? 'quick' : 'full'].baseline;

export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function stats(xs: number[]): Stats | null {
  const v = xs.filter((x) => Number.isFinite(x));
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s[s.length - 1]!, runs: v };
}

/** Per-round values of one measurement (NaN where a round did not measure it). */
type Series = number[];

export interface ScenarioResult {
  name: string;
  title: string;
  config: Record<string, unknown>;
  geometry: { N: number; K: number; kPar: number; cPar: number; B: number; P: number; ii: number; signals: number };
  cycles: Record<string, number>;
  rounds: { fast: number; slow: number };
  /** cycles per second; CPU-time based unless named wall */
  model: Stats | null;
  modelWall: Stats | null;
  modelVcd: Stats | null;
  modelVcdBytesPerCycle: number | null;
  verilator: { default: Stats | null; O2: Stats | null; trace: Stats | null; traceBytesPerCycle: number | null };
  icarus: Stats | null;
  cocotb: Stats | null;
  lockstep: {
    verilator: Stats | null;
    /** compared cycles per CPU second of the busier side (node or driver): the rate on two idle cores */
    verilatorCpuBound: Stats | null;
    verilatorNodeCpu: Stats | null;
    verilatorDriverCpu: Stats | null;
    cocotb: Stats | null;
  };
  ratios: Record<string, Stats | null>;
  mismatches: Record<string, number>;
  builds: Record<string, { seconds: number; cached: boolean }>;
  notes: string[];
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  verilator: string | null;
  iverilog: string | null;
  cocotb: string | null;
  loadAverage: { start: number[]; end: number[] };
}

export async function machineInfo(): Promise<MachineInfo> {
  const tool = async (cmd: string, args: string[]) => {
    try {
      const r = await runCommand(cmd, args, { timeoutMs: 30_000 });
      return r.code === 0 ? (r.stdout || r.stderr).split('\n')[0]!.trim() : null;
    } catch {
      return null;
    }
  };
  let cocotb: string | null = null;
  try {
    cocotb = (await checkCocotbSetup()).cocotbVersion;
  } catch {
    /* no venv */
  }
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    verilator: await verilatorVersion().catch(() => null),
    iverilog: await tool('iverilog', ['-V']),
    cocotb,
    loadAverage: { start: os.loadavg(), end: [] },
  };
}

const sliceVectors = (v: InputVectors, count: number, K: number): InputVectors => ({
  count,
  xFloat: v.xFloat.subarray(0, count * K),
  xQ: v.xQ.subarray(0, count * K),
  saturated: v.saturated,
});

export async function benchScenario(name: string, o: BenchOptions): Promise<ScenarioResult> {
  const def = (o.quick ? SCENARIOS[name]!.quick : SCENARIOS[name]!.full)!;
  const C = def.cycles;
  const R = o.runs;
  const RS = o.slowRuns ?? Math.min(R, def.slowRuns);
  const skip = new Set(o.skip);
  const on = (m: Measure) => !skip.has(m);
  const log = (s: string) => o.log(`[${name}] ${s}`);
  const notes: string[] = [];
  // Measurements whose tool is missing are skipped with a note.
  const missing = async (what: string, check: () => Promise<unknown>, measures: Measure[]) => {
    if (!measures.some(on)) return;
    try {
      await check();
    } catch (e) {
      for (const m of measures) skip.add(m);
      notes.push(`${what} not available (${(e as Error).message.split('\n')[0]}): ${measures.join(', ')} not measured`);
    }
  };
  await missing('Verilator', () => verilatorVersion(), ['verilator', 'trace', 'lockstep']);
  await missing('Icarus', () => runCommand('iverilog', ['-V'], { timeoutMs: 30_000, check: true }), ['icarus']);
  await missing('cocotb', () => checkCocotbSetup(), ['cocotb', 'lockstep-cocotb']);
  const dir = path.resolve(o.out, name);
  mkdirSync(dir, { recursive: true });
  mkdirSync(o.vcdDir, { recursive: true });
  const traffic: TrafficOptions = DEFAULT_TRAFFIC;

  // Vectors for the longest consumer: the model windows run on one instance.
  const config = parseConfig(def.config);
  const probe = buildScenario(config, 1, 1);
  // A vector takes at least II cycles (the head's initiation interval); with random gaps about
  // II / validRate. Enough vectors that no measured window runs idle:
  const ii = timing(probe.g).ii;
  const perVector = Math.ceil(ii / traffic.validRate) + 2;
  const modelCycles = C.modelWarmup + R * (C.model + C.vcd) + 1000;
  const stimCycles = Math.max(C.verilator, C.trace, C.icarus * RS, C.cocotb * RS, 1);
  const need = Math.max(modelCycles, stimCycles, C.lockstep) / ii + traffic.probe + 4;
  log(`building scenario: ${Math.ceil(need)} vectors`);
  const s = buildScenario(config, Math.ceil(need), 1);
  const g = s.g;
  const mem = writeMemFiles(s, path.join(dir, 'mem'));
  const widths = portWidths(s.g);

  // The stimulus every simulator replays: the model's testbench from cycle 0, with its outputs.
  log(`recording ${stimCycles} cycles of stimulus from the model`);
  const stim = new PortBatch(widths, stimCycles);
  createModel(s, traffic).tb.run(stim, stimCycles);
  const stimFile = path.join(dir, 'stimulus.bin');
  writeStimulus(stimFile, stim, stimCycles);

  // Builds (content-cached).
  const builds: ScenarioResult['builds'] = {};
  const exes: Partial<Record<VerilatorVariant, string>> = {};
  const variants: VerilatorVariant[] = [...(on('verilator') ? (['default', 'O2'] as const) : []), ...(on('trace') ? (['trace'] as const) : [])];
  for (const v of variants) {
    log(`verilator build (${v})…`);
    const b = await buildVerilatorAlone(s, v, path.join(o.out, 'verilator'));
    builds[`verilator-${v}`] = { seconds: b.seconds, cached: b.cached };
    exes[v] = b.exe;
  }
  let lockstepExe: string | null = null;
  if (on('lockstep')) {
    log('verilator build (lockstep driver)…');
    const b = await buildHeadVerilator(s, { outRoot: path.join(o.out, 'verilator-driver') });
    builds['verilator-driver'] = { seconds: b.seconds, cached: b.cached };
    lockstepExe = b.exe;
  }
  let icarus: { vvp: string; files: { stim: string; expect: string }; startup: number } | null = null;
  if (on('icarus') && C.icarus > 0) {
    log('iverilog build…');
    const b = await buildIcarusAlone(s, C.icarus, path.join(o.out, 'icarus'));
    builds.icarus = { seconds: b.seconds, cached: b.cached };
    const files = writeIcarusStimulus(path.join(dir, 'icarus'), stim, C.icarus);
    const r0 = await runIcarusAlone(b.vvp, files, plusargs(mem), 0);
    icarus = { vvp: b.vvp, files, startup: r0.cpu };
    log(`vvp start-up ${r0.cpu.toFixed(2)} s CPU`);
  }

  // Model instance for the model windows, warmed up (the JIT compiles the generated edges).
  const model = createModel(s, traffic);
  if (on('model') || on('vcd')) {
    log(`model warm-up ${C.modelWarmup} cycles`);
    model.tb.run(null, C.modelWarmup);
  }

  // cocotb alone: one simulation, one segment of the stimulus per round.
  let cocotb: Awaited<ReturnType<typeof startHeadCocotb>> | null = null;
  let cocotbVvp: number | null = null;
  if (on('cocotb') && C.cocotb > 0) {
    log('cocotb start (build on first use)…');
    const t0 = performance.now();
    cocotb = await startHeadCocotb(s, { out: path.join(dir, 'cocotb-alone'), mem });
    builds.cocotb = { seconds: (performance.now() - t0) / 1000, cached: true };
    cocotbVvp = findInGroup(cocotb.pid, 'vvp');
    if (cocotbVvp === null) notes.push('cocotb: simulator process not found in /proc; wall time used');
  }

  const series: Record<string, Series> = {};
  const put = (k: string, r: number, x: number) => ((series[k] ??= Array<number>(R).fill(NaN))[r] = x);
  const mismatches: Record<string, number> = {};
  const addMismatch = (k: string, n: number) => (mismatches[k] = (mismatches[k] ?? 0) + n);
  let vcdBytes = 0;
  let vcdCycles = 0;
  let traceBytes = 0;
  let traceCycles = 0;
  const lockVectors = Math.max(traffic.probe + 2, Math.ceil(C.lockstep / perVector));
  const lockScenario: Scenario = { ...s, vectors: sliceVectors(s.vectors, Math.min(lockVectors, s.vectors.count), g.K) };
  const cocoVectors = Math.max(1, Math.ceil(C.lockstepCocotb / perVector));
  const cocoScenario: Scenario = { ...s, vectors: sliceVectors(s.vectors, Math.min(cocoVectors, s.vectors.count), g.K) };

  try {
    for (let r = 0; r < R; r++) {
      const slow = r < RS;
      log(`round ${r + 1}/${R}`);
      if (on('model')) {
        const c0 = selfCpu();
        const w0 = performance.now();
        model.tb.run(null, C.model);
        put('model', r, C.model / (selfCpu() - c0));
        put('modelWall', r, C.model / ((performance.now() - w0) / 1000));
      }
      if (on('vcd') && C.vcd > 0) {
        const file = path.join(o.vcdDir, `headsim-bench-${process.pid}-model.vcd`);
        const c0 = selfCpu();
        const trace = new ModelTrace(model.head.k, file);
        model.tb.run(null, C.vcd);
        await trace.close();
        put('modelVcd', r, C.vcd / (selfCpu() - c0));
        vcdBytes += statSync(file).size;
        vcdCycles += C.vcd;
        rmSync(file, { force: true });
      }
      for (const v of ['default', 'O2'] as const) {
        if (!exes[v]) continue;
        const x = await runVerilatorAlone(exes[v]!, stimFile, plusargs(mem), { cycles: C.verilator });
        put(`verilator-${v}`, r, x.cycles / x.cpu);
        addMismatch(`verilator-${v}`, x.mismatches);
      }
      if (exes.trace && C.trace > 0) {
        const file = path.join(o.vcdDir, `headsim-bench-${process.pid}-verilator.vcd`);
        const x = await runVerilatorAlone(exes.trace, stimFile, plusargs(mem), { cycles: C.trace, trace: file });
        put('verilator-trace', r, x.cycles / x.cpu);
        addMismatch('verilator-trace', x.mismatches);
        traceBytes += existsSync(file) ? statSync(file).size : 0;
        traceCycles += C.trace;
        rmSync(file, { force: true });
      }
      if (lockstepExe) {
        const b = await VerilatorBackend.start({ exe: lockstepExe, widths, args: plusargs(mem) });
        const d0 = cpuOf(b.pid);
        const c0 = selfCpu();
        let res, d1;
        try {
          res = await runLockstep(lockScenario, b, traffic);
        } finally {
          d1 = cpuOf(b.pid);
          await b.close();
        }
        const node = res.cyclesCompared / (selfCpu() - c0);
        const driver = d0 !== null && d1 !== null ? res.cyclesCompared / Math.max(d1 - d0, 0.01) : NaN;
        put('lockstep-verilator', r, res.cyclesCompared / res.seconds);
        put('lockstep-node-cpu', r, node);
        if (!Number.isNaN(driver)) put('lockstep-driver-cpu', r, driver);
        put('lockstep-cpu-bound', r, Math.min(node, driver));
        addMismatch('lockstep-verilator', res.mismatch ? 1 : 0);
        if (r === 0) notes.push(`lockstep (Verilator): ${res.cyclesCompared} cycles compared per round (${lockScenario.vectors.count} vectors)`);
      }
      if (!slow) continue;
      if (icarus) {
        const x = await runIcarusAlone(icarus.vvp, icarus.files, plusargs(mem), C.icarus);
        put('icarus', r, C.icarus / Math.max(x.cpu - icarus.startup, 1e-3));
        addMismatch('icarus', x.mismatches);
      }
      if (cocotb) {
        const seg = new PortBatch(widths, C.cocotb);
        const from = r * C.cocotb;
        seg.flags.set(stim.flags.subarray(from, from + C.cocotb));
        seg.sData.set(stim.sData.subarray(from * stim.sWords, (from + C.cocotb) * stim.sWords));
        const v0 = cocotbVvp !== null ? cpuOf(cocotbVvp) : null;
        const w0 = performance.now();
        await cocotb.run(seg, C.cocotb);
        const wall = (performance.now() - w0) / 1000;
        const v1 = cocotbVvp !== null ? cpuOf(cocotbVvp) : null;
        put('cocotb', r, C.cocotb / (v0 !== null && v1 !== null ? Math.max(v1 - v0, 0.01) : wall));
        let bad = 0;
        for (let i = 0; i < C.cocotb; i++) if (!seg.sameOutputs(i, stim, from + i)) bad++;
        addMismatch('cocotb', bad);
      }
      if (on('lockstep-cocotb') && C.lockstepCocotb > 0) {
        const b = await startHeadCocotb(s, { out: path.join(dir, 'cocotb-lockstep'), mem });
        let res;
        try {
          // small batches: the run ends soon after the last vector (idle cycles are cheaper under cocotb)
          res = await runLockstep(cocoScenario, b, traffic, { batchCycles: 256 });
        } finally {
          await b.close();
        }
        put('lockstep-cocotb', r, res.cyclesCompared / res.seconds);
        addMismatch('lockstep-cocotb', res.mismatch ? 1 : 0);
        if (r === 0) notes.push(`lockstep (cocotb): ${res.cyclesCompared} cycles compared per round (${cocoScenario.vectors.count} vectors)`);
      }
    }
  } finally {
    await cocotb?.close();
  }
  if (model.tb.finished) notes.push('model ran out of vectors during the windows (idle cycles counted)');

  const st = (k: string) => stats(series[k] ?? []);
  const ratio = (a: string, b: string) => {
    const xa = series[a] ?? [];
    const xb = series[b] ?? [];
    return stats(xa.map((x, i) => x / (xb[i] ?? NaN)));
  };
  const lockNode = st('lockstep-node-cpu');
  return {
    name,
    title: def.title,
    config: def.config as Record<string, unknown>,
    geometry: { N: g.N, K: g.K, kPar: g.kPar, cPar: g.cPar, B: g.B, P: g.P, ii: timing(g).ii, signals: model.head.k.signals.length },
    cycles: {
      modelWarmup: C.modelWarmup,
      model: C.model,
      modelVcd: C.vcd,
      verilator: C.verilator,
      verilatorTrace: C.trace,
      icarus: C.icarus,
      cocotb: C.cocotb,
      lockstepVerilator: lockScenario.vectors.count,
      lockstepCocotb: cocoScenario.vectors.count,
    },
    rounds: { fast: R, slow: RS },
    model: st('model'),
    modelWall: st('modelWall'),
    modelVcd: st('modelVcd'),
    modelVcdBytesPerCycle: vcdCycles ? vcdBytes / vcdCycles : null,
    verilator: { default: st('verilator-default'), O2: st('verilator-O2'), trace: st('verilator-trace'), traceBytesPerCycle: traceCycles ? traceBytes / traceCycles : null },
    icarus: st('icarus'),
    cocotb: st('cocotb'),
    lockstep: {
      verilator: st('lockstep-verilator'),
      verilatorCpuBound: st('lockstep-cpu-bound'),
      verilatorNodeCpu: lockNode,
      verilatorDriverCpu: st('lockstep-driver-cpu'),
      cocotb: st('lockstep-cocotb'),
    },
    ratios: {
      modelVsVerilator: ratio('model', 'verilator-default'),
      modelVsVerilatorO2: ratio('model', 'verilator-O2'),
      lockstepVsVerilator: ratio('lockstep-verilator', 'verilator-default'),
      verilatorLockstepVsCocotbLockstep: ratio('lockstep-verilator', 'lockstep-cocotb'),
      modelVcdVsVerilatorTrace: ratio('modelVcd', 'verilator-trace'),
      verilatorO2VsDefault: ratio('verilator-O2', 'verilator-default'),
      modelVsIcarus: ratio('model', 'icarus'),
      modelVsCocotb: ratio('model', 'cocotb'),
    },
    mismatches,
    builds,
    notes,
  };
}
