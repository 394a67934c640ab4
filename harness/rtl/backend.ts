/**
 * The interface every RTL simulator bridge implements (Verilator driver, cocotb/Icarus), so the
 * lockstep compare, benchmarks and reports above it are shared.
 *
 * Cycle convention (the contract, also followed by the TypeScript model): cycle t runs from
 * time 10t (timescale 1 ns, period 10). At 10t clk=0, the cycle's inputs are applied and the
 * design evaluated; the outputs are then sampled — they are the values the handshake uses at
 * the coming edge. At 10t+5 clk=1 and the design is evaluated again. Traces dump at 10t and
 * 10t+5. Cycle numbering continues across run() calls: a backend is one continuous simulation.
 */
import type { PortBatch } from './ports.ts';

export type BackendName = 'verilator' | 'cocotb';

export interface RtlBackend {
  readonly name: BackendName;
  /** Applies batch inputs for the next n cycles (batch indices 0..n-1) and fills its outputs. */
  run(batch: PortBatch, n: number): Promise<void>;
  /** Starts dumping to the path from the next cycle on (VCD or FST, and the scope, as the backend was started with). */
  traceStart(vcdPath: string): Promise<void>;
  /** Stops dumping and closes the file (a no-op when not tracing). */
  traceStop(): Promise<void>;
  /** Finishes the simulation gracefully (final blocks run, traces flushed); kills it on timeout. */
  close(): Promise<void>;
}
