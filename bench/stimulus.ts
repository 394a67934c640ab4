// The first step of benching a scenario: its head with enough vectors for the longest consumer,
// its memory images, and the stimulus every simulator replays, recorded from the model's
// testbench from cycle 0 (with its outputs, which the replays check); and the shorter vector
// sets of the two lockstep measurements.
import path from 'node:path';
import { parseConfig } from '../models/config.ts';
import { timing } from '../models/geometry.ts';
import type { InputVectors } from '../models/vectors.ts';
import { buildScenario, type Scenario } from '../harness/inputs/scenario.ts';
import { writeMemFiles, type MemFiles } from '../harness/rtl/memfiles.ts';
import { portWidths, PortBatch } from '../harness/rtl/ports.ts';
import { createModel } from '../harness/run/model.ts';
import type { TrafficOptions } from '../harness/run/traffic.ts';
import { makeDir } from '../lib/files.ts';
import type { ScenarioDef } from './scenarios.ts';
import { writeStimulus } from './verilator-alone.ts';

export interface Stimulus {
  s: Scenario;
  mem: MemFiles;
  /** the recorded ports of the model's testbench, cycle 0 on */
  stim: PortBatch;
  /** the same, as verilator_alone.cpp reads it */
  stimFile: string;
  /** the vectors of the Verilator lockstep, and of the cocotb lockstep */
  lock: Scenario;
  coco: Scenario;
}

const sliceVectors = (v: InputVectors, count: number, K: number): InputVectors => ({
  count,
  xFloat: v.xFloat.subarray(0, count * K),
  xQ: v.xQ.subarray(0, count * K),
  saturated: v.saturated,
});

export function prepareStimulus(def: ScenarioDef, o: { rounds: number; slowRounds: number; traffic: TrafficOptions; dir: string; vcdDir: string; log: (s: string) => void }): Stimulus {
  const { traffic, rounds, slowRounds } = o;
  const C = def.cycles;
  makeDir(o.dir);
  makeDir(o.vcdDir);
  const config = parseConfig(def.config);
  // A vector takes at least II cycles (the head's initiation interval); with random gaps about
  // II / validRate. Enough vectors that no measured window runs idle:
  const ii = timing(buildScenario(config, 1, 1).g).ii;
  const perVector = Math.ceil(ii / traffic.validRate) + 2;
  const modelCycles = C.modelWarmup + rounds * (C.model + 2 * C.vcd) + 1000;
  const stimCycles = Math.max(C.verilator, C.trace, C.icarus * slowRounds, C.cocotb * slowRounds, 1);
  const need = Math.max(modelCycles, stimCycles, C.lockstep) / ii + traffic.probe + 4;
  o.log(`building scenario: ${Math.ceil(need)} vectors`);
  const s = buildScenario(config, Math.ceil(need), 1);
  const mem = writeMemFiles(s, path.join(o.dir, 'mem'));
  o.log(`recording ${stimCycles} cycles of stimulus from the model`);
  const stim = new PortBatch(portWidths(s.g), stimCycles);
  createModel(s, traffic).tb.run(stim, stimCycles);
  const stimFile = path.join(o.dir, 'stimulus.bin');
  writeStimulus(stimFile, stim, stimCycles);
  const slice = (cycles: number, min: number) => {
    const count = Math.min(Math.max(min, Math.ceil(cycles / perVector)), s.vectors.count);
    return { ...s, vectors: sliceVectors(s.vectors, count, s.g.K) };
  };
  return { s, mem, stim, stimFile, lock: slice(C.lockstep, traffic.probe + 2), coco: slice(C.lockstepCocotb, 1) };
}
