// One stage's twin test: its model alone (model.ts) and its RTL module alone as the Verilator top
// (harness/rtl/module), on the same random port traffic, every output port compared at every
// cycle. A difference is reported naming the stage, the configuration, the cycle, the port and
// the entry, with the cycle's inputs.
import { join } from 'node:path';
import { parseConfig } from '../../models/config.ts';
import { stageModule } from '../../models/head/modules.ts';
import { subSeed } from '../../models/prng.ts';
import { buildScenario } from '../inputs/scenario.ts';
import { plusargs, writeMemFiles } from '../rtl/memfiles.ts';
import { ModuleBackend } from '../rtl/module/backend.ts';
import { buildModuleVerilator } from '../rtl/module/build.ts';
import { unpackEntry, WordBatch } from '../rtl/module/words.ts';
import type { ModuleLayout } from '../rtl/module/layout.ts';
import type { SignalList } from '../../models/head/signals.ts';
import { StageModel } from './model.ts';
import { Rand } from './random.ts';
import type { StageTwin } from './stage-twin.ts';

export interface TwinMismatch {
  stage: string;
  config: string;
  cycle: number;
  port: string;
  entry: number;
  model: number;
  rtl: number;
  /** the cycle's inputs */
  inputs: string;
}

export interface TwinResult {
  stage: string;
  config: string;
  cycles: number;
  mismatch: TwinMismatch | null;
  /** cycles on which each output port changed (model = RTL up to a mismatch) */
  toggles: Record<string, number>;
  /** output ports that never changed although the configuration drives them (StageTwin.quiet): traffic too weak */
  untoggled: string[];
  build: { dir: string; cached: boolean; seconds: number };
  seconds: number;
}

export interface TwinOptions {
  cycles: number;
  seed: number;
  /** the RTL directory (default rtl/) */
  rtlDir?: string;
  outRoot?: string;
  /** where the memory images go */
  dir: string;
  /** cycles per exchange with the driver */
  batchCycles?: number;
}

export const mismatchText = (m: TwinMismatch) =>
  `${m.stage} [${m.config}]: ${m.port}[${m.entry}] differs in cycle ${m.cycle}: model ${m.model}, RTL ${m.rtl} (inputs ${m.inputs})`;

export async function runTwin(twin: StageTwin, config: string, o: TwinOptions): Promise<TwinResult> {
  const t0 = performance.now();
  const raw = twin.configs[config];
  if (!raw) throw new Error(`${twin.module}: no configuration '${config}' (${Object.keys(twin.configs).join(', ')})`);
  const s = buildScenario(parseConfig(raw), 1, o.seed);
  const stage = stageModule(twin.module);
  const list = stage.signals(s.g);
  const model = new StageModel(stage, s, twin.stimulus(s, new Rand(subSeed(o.seed, 7))));
  const { layout } = model;
  const build = await buildModuleVerilator({ layout, params: stage.params(s.g, s.config.relu), rtlDir: o.rtlDir, outRoot: o.outRoot });
  const mem = writeMemFiles(s, join(o.dir, `${twin.module}-${config.replace(/\W+/g, '_')}`));
  const rtl = await ModuleBackend.start(layout, { exe: build.exe, args: plusargs(mem) });
  const n = Math.min(o.batchCycles ?? 1024, o.cycles);
  const batch = new WordBatch(layout, n);
  const modelOut = new Uint32Array(batch.out.length);
  const last = new Uint32Array(layout.outWords);
  const toggles: Record<string, number> = Object.fromEntries(layout.outputs.map((p) => [p.name, 0]));
  let mismatch: TwinMismatch | null = null;
  try {
    while (!mismatch && model.cycle < o.cycles) {
      const first = model.cycle;
      const m = Math.min(n, o.cycles - first);
      model.run(batch, modelOut, m);
      await rtl.run(batch, m);
      for (let t = 0; t < m && !mismatch; t++) {
        const at = t * layout.outWords;
        for (const p of layout.outputs) {
          let changed = false;
          for (let w = p.word; w < p.word + p.words; w++) {
            if (modelOut[at + w] !== batch.out[at + w]) {
              const spec = list[p.name]!;
              const lanes = spec.lanes ?? 1;
              let e = 0;
              while (e < lanes - 1 && unpackEntry(modelOut, at, p, e, spec.width, spec.signed) === unpackEntry(batch.out, at, p, e, spec.width, spec.signed)) e++;
              mismatch = {
                stage: twin.module,
                config,
                cycle: first + t,
                port: p.name,
                entry: e,
                model: unpackEntry(modelOut, at, p, e, spec.width, spec.signed),
                rtl: unpackEntry(batch.out, at, p, e, spec.width, spec.signed),
                inputs: inputsText(batch, t, layout, list),
              };
              break;
            }
            if (modelOut[at + w] !== last[w]) changed = true;
          }
          if (mismatch) break;
          if (changed && first + t > 0) toggles[p.name]!++;
        }
        last.set(modelOut.subarray(at, at + layout.outWords));
      }
    }
  } finally {
    await rtl.close();
  }
  const quiet = twin.quiet?.(s.g) ?? [];
  const untoggled = Object.keys(toggles).filter((p) => toggles[p] === 0 && !quiet.includes(p));
  return { stage: twin.module, config, cycles: model.cycle, mismatch, toggles, untoggled, build: { dir: build.dir, cached: build.cached, seconds: build.seconds }, seconds: (performance.now() - t0) / 1000 };
}

/** Cycle t's inputs of a batch, port by port (entries of a bus in brackets). */
function inputsText(b: WordBatch, t: number, l: ModuleLayout, list: SignalList): string {
  const at = t * l.inWords;
  return l.inputs
    .map((p) => {
      const spec = list[p.name]!;
      const e = Array.from({ length: spec.lanes ?? 1 }, (_, i) => unpackEntry(b.in, at, p, i, spec.width, spec.signed));
      return `${p.name}=${spec.lanes === undefined ? e[0] : `[${e.join(',')}]`}`;
    })
    .join(' ');
}
