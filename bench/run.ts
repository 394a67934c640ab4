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
 * The steps of one scenario, each its own file and each handing the next what it made: check
 * the tools, build the scenario and record its stimulus (stimulus.ts), build every simulator and
 * start the long-lived ones (simulators.ts), run the rounds (measure.ts), summarize (result.ts).
 */
import path from 'node:path';
import { STEADY_TRAFFIC } from '../harness/run/traffic.ts';
import { round } from './measure.ts';
import { Recorder, scenarioResult, type ScenarioResult } from './result.ts';
import { MEASURES, SCENARIOS, type Measure } from './scenarios.ts';
import { buildSimulators, checkTools, startSimulators, type BenchContext } from './simulators.ts';
import { prepareStimulus } from './stimulus.ts';

export { MEASURES, type Measure, type ScenarioResult };

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

export async function benchScenario(name: string, o: BenchOptions): Promise<ScenarioResult> {
  const def = (o.quick ? SCENARIOS[name]!.quick : SCENARIOS[name]!.full)!;
  const b: BenchContext = {
    C: def.cycles,
    rounds: o.runs,
    slowRounds: o.slowRuns ?? Math.min(o.runs, def.slowRuns),
    traffic: STEADY_TRAFFIC,
    out: o.out,
    dir: path.resolve(o.out, name),
    vcdDir: o.vcdDir,
    skip: new Set(o.skip),
    notes: [],
    log: (s) => o.log(`[${name}] ${s}`),
  };
  await checkTools(b);
  const st = prepareStimulus(def, b);
  const builds = await buildSimulators(b, st);
  const started = await startSimulators(b, st, builds);
  const rec = new Recorder(b.rounds);
  try {
    for (let r = 0; r < b.rounds; r++) await round({ b, st, builds, started, rec }, r);
  } finally {
    await started.cocotb?.close();
  }
  return scenarioResult(name, def, b, st, started.model, builds.times, rec);
}
