// Lockstep co-simulation: the model runs a batch of cycles under the testbench, the same
// per-cycle inputs go to the RTL backend, and every output port is compared at every cycle.
// The RTL simulates batch i in its own process while the model computes batch i+1.
import type { RtlBackend } from '../rtl/backend.ts';
import { createModel, cycleBudget } from './model.ts';
import { IN_M_READY, IN_S_VALID, OUT_M_LAST, OUT_M_VALID, OUT_S_READY, PortBatch, portWidths } from '../rtl/ports.ts';
import { PortTimer } from './port-timer.ts';
import type { Scenario } from '../inputs/scenario.ts';
import type { Testbench } from './testbench.ts';
import type { TrafficOptions } from './traffic.ts';
import { ModelTrace } from './trace.ts';

export interface PortMismatch {
  cycle: number;
  ports: { port: string; model: number; rtl: number }[];
  /** what was in flight: input beats accepted and output entries accepted before this cycle */
  inFlight: { inputVector: number; inputBeat: number; outputVector: number; outputEntry: number };
}

/** Dump both sides over the cycle window [from, to) (.vcd or .fst, by the paths' names). */
export interface TraceWindow {
  modelPath: string;
  rtlPath: string;
  from: number;
  to: number;
  /** The model signals dumped (default: all); the RTL side's scope is its backend's. */
  keep?: (name: string) => boolean;
}

export interface LockstepResult {
  tb: Testbench;
  cyclesCompared: number;
  mismatch: PortMismatch | null;
  timing: { model: { latency: number; ii: number }; rtl: { latency: number; ii: number } };
  seconds: number;
}

const OUT_PORTS = [
  ['s_ready', OUT_S_READY],
  ['m_valid', OUT_M_VALID],
  ['m_last', OUT_M_LAST],
] as const;

export async function runLockstep(
  s: Scenario,
  backend: RtlBackend,
  traffic: TrafficOptions,
  opts: { batchCycles?: number; trace?: TraceWindow } = {},
): Promise<LockstepResult> {
  const { tb, head } = createModel(s, traffic);
  const tr = opts.trace;
  const modelTrace = tr ? new ModelTrace(head.k, tr.modelPath, { from: tr.from, to: tr.to, keep: tr.keep }) : null;
  let rtlTracing = false;
  const n = opts.batchCycles ?? 8192;
  const widths = portWidths(s.g);
  const model = [new PortBatch(widths, n), new PortBatch(widths, n)];
  const rtl = [new PortBatch(widths, n), new PortBatch(widths, n)];
  const timers = { model: new PortTimer(traffic.probe), rtl: new PortTimer(traffic.probe) };
  const flight = { beats: 0, entries: 0 };
  const budget = cycleBudget(s, traffic);
  let compared = 0;
  let mismatch: PortMismatch | null = null;
  let pending: { i: number; first: number; n: number; run: Promise<void> } | null = null;
  const t0 = performance.now();

  const check = async () => {
    if (!pending) return;
    const { i, first, n: m, run } = pending;
    pending = null;
    await run;
    timers.model.feed(model[i]!, m);
    timers.rtl.feed(rtl[i]!, m);
    mismatch = comparePorts(model[i]!, rtl[i]!, m, first, s, flight);
    compared += mismatch ? mismatch.cycle - first + 1 : m;
  };

  for (let cur = 0; !mismatch && !(tb.finished && !pending) && tb.cycle < budget; cur ^= 1) {
    if (tb.finished) {
      await check();
      break;
    }
    const first = tb.cycle;
    // Batches end at the trace window's edges, where the RTL starts or stops dumping.
    let m = n;
    if (tr) {
      for (const edge of [tr.from, tr.to]) if (edge > first) m = Math.min(m, edge - first);
      if (first === tr.from || (first === tr.to && rtlTracing)) {
        await check();
        if (mismatch) break;
        if (rtlTracing) await backend.traceStop();
        else await backend.traceStart(tr.rtlPath);
        rtlTracing = !rtlTracing;
      }
    }
    tb.run(model[cur]!, m);
    rtl[cur]!.flags.set(model[cur]!.flags.subarray(0, m));
    rtl[cur]!.sData.set(model[cur]!.sData.subarray(0, m * model[cur]!.sWords));
    await check();
    if (mismatch) break;
    pending = { i: cur, first, n: m, run: backend.run(rtl[cur]!, m) };
  }
  await check();
  if (rtlTracing) await backend.traceStop();
  await modelTrace?.close();
  return {
    tb,
    cyclesCompared: compared,
    mismatch,
    timing: { model: timers.model.result(), rtl: timers.rtl.result() },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** First cycle whose outputs differ, with what was in flight; updates the flight counters. */
export function comparePorts(
  m: PortBatch,
  r: PortBatch,
  n: number,
  first: number,
  s: Scenario,
  flight: { beats: number; entries: number },
): PortMismatch | null {
  for (let i = 0; i < n; i++) {
    const mo = m.outFlags[i]!;
    if (mo !== r.outFlags[i] || m.mIndex[i] !== r.mIndex[i] || m.mValue[i] !== r.mValue[i]) {
      const ports: PortMismatch['ports'] = [];
      for (const [name, bit] of OUT_PORTS)
        if ((mo & bit) !== (r.outFlags[i]! & bit)) ports.push({ port: name, model: +!!(mo & bit), rtl: +!!(r.outFlags[i]! & bit) });
      if (m.mIndex[i] !== r.mIndex[i]) ports.push({ port: 'm_index', model: m.mIndex[i]!, rtl: r.mIndex[i]! });
      if (m.mValue[i] !== r.mValue[i]) ports.push({ port: 'm_value', model: m.mValue[i]!, rtl: r.mValue[i]! });
      const { B, E } = s.g;
      return {
        cycle: first + i,
        ports,
        inFlight: {
          inputVector: Math.floor(flight.beats / B),
          inputBeat: flight.beats % B,
          outputVector: Math.floor(flight.entries / E),
          outputEntry: flight.entries % E,
        },
      };
    }
    const f = m.flags[i]!;
    if (f & IN_S_VALID && mo & OUT_S_READY) flight.beats++;
    if (f & IN_M_READY && mo & OUT_M_VALID) flight.entries++;
  }
  return null;
}
