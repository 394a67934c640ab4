// One cosim run of one mode: memory images → backend → lockstep → (on divergence) both sides
// traced around the first mismatching cycle and diffed to the first differing internal signal.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { makeDir } from '../../lib/files.ts';
import type { RtlBackend } from '../rtl/backend.ts';
import { runLockstep, type LockstepResult, type TraceWindow } from './lockstep.ts';
import { writeMemFiles, type MemFiles } from '../rtl/memfiles.ts';
import type { Divergence, RunOutcome } from './outcome.ts';
import type { Scenario } from '../inputs/scenario.ts';
import type { TrafficOptions } from './traffic.ts';
import { writeHeadLayout } from './gtkwave-layout.ts';
import { resolveScope, type ScopeSpec } from './scope.ts';
import { Head } from '../../models/head/head.ts';
import { diffVcd } from '../../waves/dump-diff.ts';
import { writeFileAtomic } from '../../lib/files.ts';
import { CLOCK_PERIOD } from './testbench.ts';

/** What the RTL side needs to dump as asked: the format its build compiles in, and its scope. */
export interface RtlWaves {
  format: 'vcd' | 'fst';
  /** A Verilator dumpvars file (harness/rtl/verilator/trace.h), or null: everything. */
  dumpvars: string | null;
}

/** Starts an RTL backend for the scenario; `dir` is the mode's run directory (its logs), `waves` what it dumps. */
export type BackendFactory = (s: Scenario, mem: MemFiles, dir: string, waves: RtlWaves) => Promise<RtlBackend>;

export type WavesFormat = 'auto' | 'vcd' | 'fst';

export interface WavesOptions {
  /** auto: VCD up to FST_ABOVE_CYCLES cycles, FST above. */
  format: WavesFormat;
  scope: ScopeSpec;
  from: number;
  /** Cycle after the window (default: from + DEFAULT_WAVES_CYCLES). */
  to?: number;
}

export interface CosimOptions {
  /** this mode's directory of the run (harness/run/run-dir.ts): memory images, dumps, logs */
  dir: string;
  /** Dump both sides over a cycle window (off when absent). */
  waves?: WavesOptions;
}

/** Cycles dumped by default (a seed-size head dumps ~19 KB per cycle in Verilator's full VCD). */
export const DEFAULT_WAVES_CYCLES = 5000;
/**
 * Above this window `auto` writes FST: a full VCD of the seed head is 2.7 KB (model) + 19 KB (RTL)
 * per cycle, 430 MB at 20,000 cycles, about what GTKWave still loads in seconds, while FST is
 * 7× (model) to 13× (RTL) smaller and GTKWave reads only the signals it shows. Small windows
 * stay VCD: any tool reads it, and it can be read while it is written.
 */
export const FST_ABOVE_CYCLES = 20_000;
/** Cycles traced before a divergence. */
const BEFORE_MISMATCH = 200;

export const formatFor = (format: WavesFormat, cycles: number): 'vcd' | 'fst' => (format === 'auto' ? (cycles > FST_ABOVE_CYCLES ? 'fst' : 'vcd') : format);

export async function cosimMode(s: Scenario, traffic: TrafficOptions, o: CosimOptions, start: BackendFactory): Promise<RunOutcome> {
  const dir = o.dir;
  makeDir(dir);
  // Dumps of an earlier run of this scenario are not this run's.
  for (const f of readdirSync(dir, { withFileTypes: true })) if (/\.(vcd|fst|gtkw|dumpvars)$/.test(f.name)) rmSync(join(dir, f.name), { force: true });
  const mem = writeMemFiles(s, join(dir, 'mem'));
  const signals = new Head(s.g, s.t, s.w, s.config.relu).k.signals;
  const window = (from: number, to: number, tag: string, format: WavesFormat, scope: ScopeSpec): { t: TraceWindow; rtl: RtlWaves } => {
    const ext = formatFor(format, to - from);
    const sc = resolveScope(scope, signals, s.g);
    let dumpvars: string | null = null;
    if (sc.dumpvars) {
      dumpvars = join(dir, `${tag}rtl.dumpvars`);
      writeFileAtomic(dumpvars, sc.dumpvars.join('\n') + '\n');
    }
    return {
      t: { modelPath: join(dir, `${tag}model.${ext}`), rtlPath: join(dir, `${tag}rtl.${ext}`), from, to, keep: sc.spec === 'all' ? undefined : sc.keep },
      rtl: { format: ext, dumpvars },
    };
  };
  const w = o.waves;
  const trace = w ? window(w.from, w.to ?? w.from + DEFAULT_WAVES_CYCLES, '', w.format, w.scope) : undefined;
  const rtlWaves: RtlWaves = trace?.rtl ?? { format: 'vcd', dumpvars: null };
  const r = await withBackend(
    () => start(s, mem, dir, rtlWaves),
    (b) => runLockstep(s, b, traffic, { trace: trace?.t }),
  );
  const waves: string[] = [];
  if (trace && trace.t.from >= r.tb.cycle) {
    for (const f of [trace.t.modelPath, trace.t.rtlPath]) rmSync(f, { force: true });
    throw new InputError(`--waves-from ${trace.t.from}: the run ended at cycle ${r.tb.cycle}, before the dump window`);
  }
  if (trace) waves.push(...writeHeadLayout(signals, trace.t));
  let divergence: Divergence | undefined;
  if (r.mismatch) {
    // Deterministic stimulus: run again from the start, dumping both sides (all signals) around
    // the cycle, and diff them; the layout marks the first divergence.
    const c = r.mismatch.cycle;
    const around = window(Math.max(0, c - BEFORE_MISMATCH), c + 2, 'mismatch-', w?.format ?? 'auto', 'all');
    await withBackend(
      () => start(s, mem, dir, around.rtl),
      (b) => runLockstep(s, b, traffic, { trace: around.t }),
    );
    // The inputs are the same on both sides by construction; outputs and registers are compared.
    const d = await diffVcd(around.t.modelPath, around.t.rtlPath, { ignore: /^(head\.)?(clk|rst|s_valid|s_data(\[\d+\])?|s_last|m_ready)$/ });
    const at = d.firstDifference?.time ?? c * CLOCK_PERIOD;
    waves.push(...writeHeadLayout(signals, around.t, { marker: at, signal: d.firstDifference?.signal }));
    divergence = {
      firstInternalDifference: d.firstDifference ?? null,
      differingSignals: d.differingSignals,
      atCycle: d.firstDifference ? Math.floor(d.firstDifference.time / CLOCK_PERIOD) : null,
    };
  }
  return {
    tb: r.tb,
    cycles: r.tb.cycle,
    seconds: r.seconds,
    backend: null,
    cyclesCompared: r.cyclesCompared,
    portMismatch: r.mismatch,
    model: r.timing.model,
    rtl: r.timing.rtl,
    waves,
    dir,
    divergence,
  };
}

async function withBackend(start: () => Promise<RtlBackend>, f: (b: RtlBackend) => Promise<LockstepResult>): Promise<LockstepResult & { backendName: string }> {
  const b = await start();
  try {
    return { ...(await f(b)), backendName: b.name };
  } finally {
    await b.close();
  }
}
