/**
 * `headsim bench`: the speed of the TypeScript model and of lockstep co-simulation against
 * Verilator, Icarus and cocotb on the same RTL and the same stimulus, in one run.
 *
 * Per scenario (bench/scenarios.ts), measured in interleaved rounds so that every ratio
 * compares numbers taken close in time on a machine shared with other jobs:
 *   model          the cycle model under its testbench (random backpressure), steady state,
 *                  CPU time of this process;
 *   model+VCD/FST  the same with every signal traced (harness/run/trace.ts) into a VCD, an FST;
 *   Verilator      bench/verilator_alone.cpp: the verilated RTL in its own C++ loop over the
 *                  model's recorded stimulus, checking every output; default build (-Os), -O2,
 *                  and -O2 tracing: --trace (VCD) and --trace-fst (FST), each dumping every signal
 *                  and only the model's signals (dumpvars of their names); CPU time of the loop;
 *   Icarus         a Verilog testbench under vvp over the same stimulus; CPU time minus the
 *                  start-up of a 0-cycle run;
 *   cocotb         the cocotb/Icarus backend (harness/rtl/cocotb) replaying the stimulus; CPU time of
 *                  the simulator process;
 *   lockstep       harness/run/lockstep.ts with the Verilator and the cocotb backend: compared
 *                  cycles per wall second (two processes; also the CPU seconds of each side).
 * The steps of one scenario: check the tools, build the scenario and record its stimulus, build
 * every simulator, start the long-lived ones, run the rounds, summarize.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../models/config.ts';
import { timing } from '../models/geometry.ts';
import type { InputVectors } from '../models/vectors.ts';
import { startHeadCocotb } from '../harness/rtl/cocotb/head.ts';
import { checkCocotbSetup } from '../harness/rtl/cocotb/setup.ts';
import { runLockstep } from '../harness/run/lockstep.ts';
import { plusargs, writeMemFiles, type MemFiles } from '../harness/rtl/memfiles.ts';
import { ModelTrace } from '../harness/run/trace.ts';
import { dumpvarsOf } from '../harness/run/scope.ts';
import { writeFileSync } from 'node:fs';
import { createModel } from '../harness/run/model.ts';
import { portWidths, PortBatch } from '../harness/rtl/ports.ts';
import { makeDir } from '../lib/files.ts';
import { runCommand } from '../lib/proc.ts';
import { buildHeadVerilator } from '../harness/rtl/build.ts';
import { buildScenario, type Scenario } from '../harness/inputs/scenario.ts';
import { STEADY_TRAFFIC, type TrafficOptions } from '../harness/run/traffic.ts';
import { startHeadVerilator } from '../harness/rtl/verilator/head.ts';
import { verilatorVersion } from '../harness/rtl/verilator/build.ts';
import { buildIcarusAlone, runIcarusAlone, writeIcarusStimulus } from './icarus-alone.ts';
import { cpuOf, findInGroup, selfCpu } from './proc-stat.ts';
import { SCENARIOS, type Cycles, type ScenarioDef } from './scenarios.ts';
import { stats, type Stats } from './stats.ts';
import { buildVerilatorAlone, runVerilatorAlone, writeStimulus, type VerilatorVariant } from './verilator-alone.ts';

export const MEASURES = ['model', 'vcd', 'fst', 'verilator', 'trace', 'trace-fst', 'icarus', 'cocotb', 'lockstep', 'lockstep-cocotb'] as const;
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
  modelFst: Stats | null;
  modelFstBytesPerCycle: number | null;
  verilator: {
    default: Stats | null;
    O2: Stats | null;
    /** --trace, every signal */
    trace: Stats | null;
    traceBytesPerCycle: number | null;
    /** --trace-fst, every signal */
    traceFst: Stats | null;
    traceFstBytesPerCycle: number | null;
    /** the same two dumping only the model's signals (the RTL twins of its names) */
    traceModel: Stats | null;
    traceModelBytesPerCycle: number | null;
    traceFstModel: Stats | null;
    traceFstModelBytesPerCycle: number | null;
  };
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

const sliceVectors = (v: InputVectors, count: number, K: number): InputVectors => ({
  count,
  xFloat: v.xFloat.subarray(0, count * K),
  xQ: v.xQ.subarray(0, count * K),
  saturated: v.saturated,
});

export async function benchScenario(name: string, o: BenchOptions): Promise<ScenarioResult> {
  const b = new ScenarioBench(name, o);
  await b.checkTools();
  b.prepare();
  await b.build();
  await b.start();
  try {
    for (let r = 0; r < b.rounds; r++) await b.round(r);
  } finally {
    await b.stop();
  }
  return b.result();
}

/** One scenario's measurements, step by step (see benchScenario). */
class ScenarioBench {
  readonly def: ScenarioDef;
  private readonly C: Cycles;
  readonly rounds: number;
  private readonly slowRounds: number;
  private readonly skip: Set<Measure>;
  private readonly log: (s: string) => void;
  private readonly notes: string[] = [];
  private readonly traffic: TrafficOptions = STEADY_TRAFFIC;
  private readonly dir: string;
  // prepare()
  private s!: Scenario;
  private mem!: MemFiles;
  private stim!: PortBatch;
  private stimFile = '';
  private lock!: Scenario;
  private coco!: Scenario;
  // build()
  private readonly builds: ScenarioResult['builds'] = {};
  private readonly exes: Partial<Record<VerilatorVariant, string>> = {};
  private lockstepBuilt = false;
  private readonly driverBuilds: string;
  private icarus: { vvp: string; files: { stim: string; expect: string }; startup: number } | null = null;
  // start()
  private model!: ReturnType<typeof createModel>;
  private cocotb: Awaited<ReturnType<typeof startHeadCocotb>> | null = null;
  private cocotbVvp: number | null = null;
  // the rounds
  private readonly series: Record<string, Series> = {};
  private readonly mismatches: Record<string, number> = {};
  /** bytes and cycles dumped, per trace series */
  private dumped: Record<string, { bytes: number; cycles: number }> = {};
  /** the model's names as a Verilator dumpvars file (the "same signals" traces) */
  private dumpvars = '';

  constructor(
    readonly name: string,
    private readonly o: BenchOptions,
  ) {
    this.def = (o.quick ? SCENARIOS[name]!.quick : SCENARIOS[name]!.full)!;
    this.C = this.def.cycles;
    this.rounds = o.runs;
    this.slowRounds = o.slowRuns ?? Math.min(o.runs, this.def.slowRuns);
    this.skip = new Set(o.skip);
    this.log = (s) => o.log(`[${name}] ${s}`);
    this.dir = path.resolve(o.out, name);
    this.driverBuilds = path.join(o.out, 'verilator-driver');
  }

  private on = (m: Measure) => !this.skip.has(m);

  /** Measurements whose tool is missing are skipped with a note. */
  async checkTools(): Promise<void> {
    const missing = async (what: string, check: () => Promise<unknown>, measures: Measure[]) => {
      if (!measures.some(this.on)) return;
      try {
        await check();
      } catch (e) {
        for (const m of measures) this.skip.add(m);
        this.notes.push(`${what} not available (${(e as Error).message.split('\n')[0]}): ${measures.join(', ')} not measured`);
      }
    };
    await missing('Verilator', () => verilatorVersion(), ['verilator', 'trace', 'trace-fst', 'lockstep']);
    await missing('Icarus', () => runCommand('iverilog', ['-V'], { timeoutMs: 30_000, check: true }), ['icarus']);
    await missing('cocotb', () => checkCocotbSetup(), ['cocotb', 'lockstep-cocotb']);
  }

  /** The scenario with enough vectors for its longest consumer, its memory images and the stimulus every simulator replays. */
  prepare(): void {
    const { C, traffic } = this;
    makeDir(this.dir);
    makeDir(this.o.vcdDir);
    const config = parseConfig(this.def.config);
    // A vector takes at least II cycles (the head's initiation interval); with random gaps about
    // II / validRate. Enough vectors that no measured window runs idle:
    const ii = timing(buildScenario(config, 1, 1).g).ii;
    const perVector = Math.ceil(ii / traffic.validRate) + 2;
    const modelCycles = C.modelWarmup + this.rounds * (C.model + 2 * C.vcd) + 1000;
    const stimCycles = Math.max(C.verilator, C.trace, C.icarus * this.slowRounds, C.cocotb * this.slowRounds, 1);
    const need = Math.max(modelCycles, stimCycles, C.lockstep) / ii + traffic.probe + 4;
    this.log(`building scenario: ${Math.ceil(need)} vectors`);
    const s = (this.s = buildScenario(config, Math.ceil(need), 1));
    this.mem = writeMemFiles(s, path.join(this.dir, 'mem'));
    // The model's testbench from cycle 0, with its outputs.
    this.log(`recording ${stimCycles} cycles of stimulus from the model`);
    this.stim = new PortBatch(portWidths(s.g), stimCycles);
    createModel(s, traffic).tb.run(this.stim, stimCycles);
    this.stimFile = path.join(this.dir, 'stimulus.bin');
    writeStimulus(this.stimFile, this.stim, stimCycles);
    const slice = (cycles: number, min: number) => {
      const count = Math.min(Math.max(min, Math.ceil(cycles / perVector)), s.vectors.count);
      return { ...s, vectors: sliceVectors(s.vectors, count, s.g.K) };
    };
    this.lock = slice(C.lockstep, traffic.probe + 2);
    this.coco = slice(C.lockstepCocotb, 1);
  }

  /** Every simulator's build (content-cached). */
  async build(): Promise<void> {
    const { s, C, o } = this;
    const variants: VerilatorVariant[] = [
      ...(this.on('verilator') ? (['default', 'O2'] as const) : []),
      ...(this.on('trace') ? (['trace'] as const) : []),
      ...(this.on('trace-fst') ? (['trace-fst'] as const) : []),
    ];
    for (const v of variants) {
      this.log(`verilator build (${v})…`);
      const b = await buildVerilatorAlone(s, v, path.join(o.out, 'verilator'));
      this.builds[`verilator-${v}`] = { seconds: b.seconds, cached: b.cached };
      this.exes[v] = b.exe;
    }
    if (this.on('lockstep')) {
      this.log('verilator build (lockstep driver)…');
      const b = await buildHeadVerilator(s, { outRoot: this.driverBuilds });
      this.builds['verilator-driver'] = { seconds: b.seconds, cached: b.cached };
      this.lockstepBuilt = true;
    }
    if (this.on('icarus') && C.icarus > 0) {
      this.log('iverilog build…');
      const b = await buildIcarusAlone(s, C.icarus, path.join(o.out, 'icarus'));
      this.builds.icarus = { seconds: b.seconds, cached: b.cached };
      const files = writeIcarusStimulus(path.join(this.dir, 'icarus'), this.stim, C.icarus);
      const r0 = await runIcarusAlone(b.vvp, files, plusargs(this.mem), 0);
      this.icarus = { vvp: b.vvp, files, startup: r0.cpu };
      this.log(`vvp start-up ${r0.cpu.toFixed(2)} s CPU`);
    }
  }

  /** The long-lived simulators: the model (warmed up: the JIT compiles the generated edges) and cocotb (one simulation, one segment of the stimulus per round). */
  async start(): Promise<void> {
    const { s, C } = this;
    this.model = createModel(s, this.traffic);
    this.dumpvars = path.join(this.dir, 'model-signals.dumpvars');
    writeFileSync(this.dumpvars, dumpvarsOf(this.model.head.k.signals.map((x) => x.name)).join('\n') + '\n');
    if (this.on('model') || this.on('vcd') || this.on('fst')) {
      this.log(`model warm-up ${C.modelWarmup} cycles`);
      this.model.tb.run(null, C.modelWarmup);
    }
    if (this.on('cocotb') && C.cocotb > 0) {
      this.log('cocotb start (build on first use)…');
      const t0 = performance.now();
      this.cocotb = await startHeadCocotb(s, { dir: path.join(this.dir, 'cocotb-alone'), buildRoot: path.join(this.o.out, 'cocotb', 'build'), mem: this.mem });
      this.builds.cocotb = { seconds: (performance.now() - t0) / 1000, cached: true };
      this.cocotbVvp = findInGroup(this.cocotb.pid, 'vvp');
      if (this.cocotbVvp === null) this.notes.push('cocotb: simulator process not found in /proc; wall time used');
    }
  }

  async stop(): Promise<void> {
    await this.cocotb?.close();
  }

  /** Round r: every fast measurement, then (in the first slowRounds rounds) the slow ones. */
  async round(r: number): Promise<void> {
    this.log(`round ${r + 1}/${this.rounds}`);
    if (this.on('model')) this.measureModel(r);
    if (this.on('vcd') && this.C.vcd > 0) await this.measureModelTrace(r, 'vcd');
    if (this.on('fst') && this.C.vcd > 0) await this.measureModelTrace(r, 'fst');
    for (const v of ['default', 'O2'] as const) if (this.exes[v]) await this.measureVerilator(r, v);
    for (const v of ['trace', 'trace-fst'] as const) {
      if (!this.exes[v] || this.C.trace <= 0) continue;
      await this.measureVerilatorTrace(r, v, false);
      await this.measureVerilatorTrace(r, v, true);
    }
    if (this.lockstepBuilt) await this.measureLockstep(r);
    if (r >= this.slowRounds) return;
    if (this.icarus) await this.measureIcarus(r, this.icarus);
    if (this.cocotb) await this.measureCocotb(r, this.cocotb);
    if (this.on('lockstep-cocotb') && this.C.lockstepCocotb > 0) await this.measureLockstepCocotb(r);
  }

  private put(k: string, r: number, x: number): void {
    (this.series[k] ??= Array<number>(this.rounds).fill(NaN))[r] = x;
  }

  private addMismatch(k: string, n: number): void {
    this.mismatches[k] = (this.mismatches[k] ?? 0) + n;
  }

  private measureModel(r: number): void {
    const c0 = selfCpu();
    const w0 = performance.now();
    this.model.tb.run(null, this.C.model);
    this.put('model', r, this.C.model / (selfCpu() - c0));
    this.put('modelWall', r, this.C.model / ((performance.now() - w0) / 1000));
  }

  private count(k: string, file: string, cycles: number): void {
    const d = (this.dumped[k] ??= { bytes: 0, cycles: 0 });
    d.bytes += existsSync(file) ? statSync(file).size : 0;
    d.cycles += cycles;
    rmSync(file, { force: true });
  }

  private bytesPerCycle(k: string): number | null {
    const d = this.dumped[k];
    return d && d.cycles ? d.bytes / d.cycles : null;
  }

  /** The model traced into a VCD or an FST (its own writer, this thread): CPU time of the process. */
  private async measureModelTrace(r: number, format: 'vcd' | 'fst'): Promise<void> {
    const file = path.join(this.o.vcdDir, `headsim-bench-${process.pid}-model.${format}`);
    const c0 = selfCpu();
    const trace = new ModelTrace(this.model.head.k, file);
    this.model.tb.run(null, this.C.vcd);
    await trace.close();
    const k = format === 'vcd' ? 'modelVcd' : 'modelFst';
    this.put(k, r, this.C.vcd / (selfCpu() - c0));
    this.count(k, file, this.C.vcd);
  }

  private async measureVerilator(r: number, v: 'default' | 'O2'): Promise<void> {
    const x = await runVerilatorAlone(this.exes[v]!, this.stimFile, plusargs(this.mem), { cycles: this.C.verilator });
    this.put(`verilator-${v}`, r, x.cycles / x.cpu);
    this.addMismatch(`verilator-${v}`, x.mismatches);
  }

  /** Verilator tracing every signal, or (sameSignals) only the model's, in the variant's format. */
  private async measureVerilatorTrace(r: number, v: 'trace' | 'trace-fst', sameSignals: boolean): Promise<void> {
    const k = `verilator-${v}${sameSignals ? '-model' : ''}`;
    const file = path.join(this.o.vcdDir, `headsim-bench-${process.pid}-${k}.${v === 'trace' ? 'vcd' : 'fst'}`);
    const x = await runVerilatorAlone(this.exes[v]!, this.stimFile, plusargs(this.mem), { cycles: this.C.trace, trace: file, dumpvars: sameSignals ? this.dumpvars : undefined });
    this.put(k, r, x.cycles / x.cpu);
    this.addMismatch(k, x.mismatches);
    this.count(k, file, this.C.trace);
  }

  /** The build() step built the driver: this start finds it in the cache. */
  private async measureLockstep(r: number): Promise<void> {
    const b = await startHeadVerilator(this.s, { mem: this.mem, outRoot: this.driverBuilds });
    const d0 = cpuOf(b.pid);
    const c0 = selfCpu();
    let res, d1;
    try {
      res = await runLockstep(this.lock, b, this.traffic);
    } finally {
      d1 = cpuOf(b.pid);
      await b.close();
    }
    const node = res.cyclesCompared / (selfCpu() - c0);
    const driver = d0 !== null && d1 !== null ? res.cyclesCompared / Math.max(d1 - d0, 0.01) : NaN;
    this.put('lockstep-verilator', r, res.cyclesCompared / res.seconds);
    this.put('lockstep-node-cpu', r, node);
    if (!Number.isNaN(driver)) this.put('lockstep-driver-cpu', r, driver);
    this.put('lockstep-cpu-bound', r, Math.min(node, driver));
    this.addMismatch('lockstep-verilator', res.mismatch ? 1 : 0);
    if (r === 0) this.notes.push(`lockstep (Verilator): ${res.cyclesCompared} cycles compared per round (${this.lock.vectors.count} vectors)`);
  }

  private async measureIcarus(r: number, ic: NonNullable<ScenarioBench['icarus']>): Promise<void> {
    const x = await runIcarusAlone(ic.vvp, ic.files, plusargs(this.mem), this.C.icarus);
    this.put('icarus', r, this.C.icarus / Math.max(x.cpu - ic.startup, 1e-3));
    this.addMismatch('icarus', x.mismatches);
  }

  private async measureCocotb(r: number, cocotb: NonNullable<ScenarioBench['cocotb']>): Promise<void> {
    const { stim } = this;
    const n = this.C.cocotb;
    const seg = new PortBatch(portWidths(this.s.g), n);
    const from = r * n;
    seg.flags.set(stim.flags.subarray(from, from + n));
    seg.sData.set(stim.sData.subarray(from * stim.sWords, (from + n) * stim.sWords));
    const vvp = this.cocotbVvp;
    const v0 = vvp !== null ? cpuOf(vvp) : null;
    const w0 = performance.now();
    await cocotb.run(seg, n);
    const wall = (performance.now() - w0) / 1000;
    const v1 = vvp !== null ? cpuOf(vvp) : null;
    this.put('cocotb', r, n / (v0 !== null && v1 !== null ? Math.max(v1 - v0, 0.01) : wall));
    let bad = 0;
    for (let i = 0; i < n; i++) if (!seg.sameOutputs(i, stim, from + i)) bad++;
    this.addMismatch('cocotb', bad);
  }

  private async measureLockstepCocotb(r: number): Promise<void> {
    const b = await startHeadCocotb(this.s, { dir: path.join(this.dir, 'cocotb-lockstep'), buildRoot: path.join(this.o.out, 'cocotb', 'build'), mem: this.mem });
    let res;
    try {
      // small batches: the run ends soon after the last vector (idle cycles are cheaper under cocotb)
      res = await runLockstep(this.coco, b, this.traffic, { batchCycles: 256 });
    } finally {
      await b.close();
    }
    this.put('lockstep-cocotb', r, res.cyclesCompared / res.seconds);
    this.addMismatch('lockstep-cocotb', res.mismatch ? 1 : 0);
    if (r === 0) this.notes.push(`lockstep (cocotb): ${res.cyclesCompared} cycles compared per round (${this.coco.vectors.count} vectors)`);
  }

  /** Medians, ranges and ratios of the rounds (ratios per round, then their median). */
  result(): ScenarioResult {
    const { C, s, model, series } = this;
    const g = s.g;
    if (model.tb.finished) this.notes.push('model ran out of vectors during the windows (idle cycles counted)');
    const st = (k: string) => stats(series[k] ?? []);
    const ratio = (a: string, b: string) => {
      const xa = series[a] ?? [];
      const xb = series[b] ?? [];
      return stats(xa.map((x, i) => x / (xb[i] ?? NaN)));
    };
    return {
      name: this.name,
      title: this.def.title,
      config: this.def.config as Record<string, unknown>,
      geometry: { N: g.N, K: g.K, kPar: g.kPar, cPar: g.cPar, B: g.B, P: g.P, ii: timing(g).ii, signals: model.head.k.signals.length },
      cycles: {
        modelWarmup: C.modelWarmup,
        model: C.model,
        modelVcd: C.vcd,
        verilator: C.verilator,
        verilatorTrace: C.trace,
        icarus: C.icarus,
        cocotb: C.cocotb,
        lockstepVerilator: this.lock.vectors.count,
        lockstepCocotb: this.coco.vectors.count,
      },
      rounds: { fast: this.rounds, slow: this.slowRounds },
      model: st('model'),
      modelWall: st('modelWall'),
      modelVcd: st('modelVcd'),
      modelVcdBytesPerCycle: this.bytesPerCycle('modelVcd'),
      modelFst: st('modelFst'),
      modelFstBytesPerCycle: this.bytesPerCycle('modelFst'),
      verilator: {
        default: st('verilator-default'),
        O2: st('verilator-O2'),
        trace: st('verilator-trace'),
        traceBytesPerCycle: this.bytesPerCycle('verilator-trace'),
        traceFst: st('verilator-trace-fst'),
        traceFstBytesPerCycle: this.bytesPerCycle('verilator-trace-fst'),
        traceModel: st('verilator-trace-model'),
        traceModelBytesPerCycle: this.bytesPerCycle('verilator-trace-model'),
        traceFstModel: st('verilator-trace-fst-model'),
        traceFstModelBytesPerCycle: this.bytesPerCycle('verilator-trace-fst-model'),
      },
      icarus: st('icarus'),
      cocotb: st('cocotb'),
      lockstep: {
        verilator: st('lockstep-verilator'),
        verilatorCpuBound: st('lockstep-cpu-bound'),
        verilatorNodeCpu: st('lockstep-node-cpu'),
        verilatorDriverCpu: st('lockstep-driver-cpu'),
        cocotb: st('lockstep-cocotb'),
      },
      ratios: {
        modelVsVerilator: ratio('model', 'verilator-default'),
        modelVsVerilatorO2: ratio('model', 'verilator-O2'),
        lockstepVsVerilator: ratio('lockstep-verilator', 'verilator-default'),
        verilatorLockstepVsCocotbLockstep: ratio('lockstep-verilator', 'lockstep-cocotb'),
        modelVcdVsVerilatorTrace: ratio('modelVcd', 'verilator-trace'),
        modelFstVsVerilatorTraceFst: ratio('modelFst', 'verilator-trace-fst'),
        modelVcdVsVerilatorTraceSameSignals: ratio('modelVcd', 'verilator-trace-model'),
        modelFstVsVerilatorTraceFstSameSignals: ratio('modelFst', 'verilator-trace-fst-model'),
        verilatorO2VsDefault: ratio('verilator-O2', 'verilator-default'),
        modelVsIcarus: ratio('model', 'icarus'),
        modelVsCocotb: ratio('model', 'cocotb'),
      },
      mismatches: this.mismatches,
      builds: this.builds,
      notes: this.notes,
    };
  }
}
