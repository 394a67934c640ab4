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
import { headLayout } from './waves.ts';
import { Head } from '../../models/head/head.ts';
import { diffVcd } from '../../waves/vcd-diff.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { CLOCK_PERIOD } from './testbench.ts';

/** Starts an RTL backend for the scenario; `dir` is the mode's run directory (for its logs). */
export type BackendFactory = (s: Scenario, mem: MemFiles, dir: string) => Promise<RtlBackend>;

export interface CosimOptions {
  /** this mode's directory of the run (harness/run/run-dir.ts): memory images, dumps */
  dir: string;
  vcd: boolean;
  vcdFrom?: number;
  vcdTo?: number;
}

/** Cycles dumped by default with --vcd (a seed-size head dumps ~11 KB per cycle in Verilator). */
export const DEFAULT_VCD_CYCLES = 5000;
/** Cycles traced before a divergence. */
const BEFORE_MISMATCH = 200;

export async function cosimMode(s: Scenario, traffic: TrafficOptions, o: CosimOptions, start: BackendFactory): Promise<RunOutcome> {
  const dir = o.dir;
  makeDir(dir);
  // Dumps of an earlier run of this scenario are not this run's.
  for (const f of readdirSync(dir, { withFileTypes: true })) if (/\.(vcd|gtkw)$/.test(f.name)) rmSync(join(dir, f.name), { force: true });
  const mem = writeMemFiles(s, join(dir, 'mem'));
  const window = (from: number, to: number, tag: string): TraceWindow => ({
    modelVcd: join(dir, `${tag}model.vcd`),
    rtlVcd: join(dir, `${tag}rtl.vcd`),
    from,
    to,
  });
  const trace = o.vcd ? window(o.vcdFrom ?? 0, o.vcdTo ?? (o.vcdFrom ?? 0) + DEFAULT_VCD_CYCLES, '') : undefined;
  const r = await withBackend(() => start(s, mem, dir), (b) => runLockstep(s, b, traffic, { trace }));
  const waves: string[] = [];
  if (trace && trace.from >= r.tb.cycle) {
    for (const f of [trace.modelVcd, trace.rtlVcd]) rmSync(f, { force: true });
    throw new InputError(`--vcd-from ${trace.from}: the run ended at cycle ${r.tb.cycle}, before the dump window`);
  }
  if (trace) waves.push(...dumpsWithLayout(s, trace));
  let divergence: Divergence | undefined;
  if (r.mismatch) {
    // Deterministic stimulus: run again from the start, dumping both sides around the cycle.
    const c = r.mismatch.cycle;
    const around = window(Math.max(0, c - BEFORE_MISMATCH), c + 2, 'mismatch-');
    await withBackend(() => start(s, mem, dir), (b) => runLockstep(s, b, traffic, { trace: around }));
    waves.push(...dumpsWithLayout(s, around));
    // The inputs are the same on both sides by construction; outputs and registers are compared.
    const d = await diffVcd(around.modelVcd, around.rtlVcd, { ignore: /^(head\.)?(clk|rst|s_valid|s_data(\[\d+\])?|s_last|m_ready)$/ });
    divergence = { firstInternalDifference: d.firstDifference ?? null, differingSignals: d.differingSignals, atCycle: d.firstDifference ? Math.floor(d.firstDifference.time / CLOCK_PERIOD) : null };
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

/** A .gtkw beside each dump, laid out by stage. */
function dumpsWithLayout(s: Scenario, t: TraceWindow): string[] {
  const signals = new Head(s.g, s.t, s.w, s.config.relu).k.signals;
  const layout = headLayout(signals, t.to * CLOCK_PERIOD);
  return [t.modelVcd, t.rtlVcd].flatMap((vcd) => [vcd, writeGtkw(vcd, layout)]);
}
