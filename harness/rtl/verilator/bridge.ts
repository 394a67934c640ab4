/**
 * RtlBackend over a Verilator driver process (driver.cpp built by verilate.ts), talking the binary
 * protocol of protocol.ts over its stdin/stdout. Every request has a deadline; on a timeout or a
 * crash the process is SIGKILLed and reaped, and the error carries the tail of its stderr.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RtlBackend } from '../backend.ts';
import type { PortBatch, PortWidths } from '../ports.ts';
import { DRIVER_DEADLINE, PeerProcess, ProtocolClient } from '../protocol.ts';

/** How to start a driver executable (the head's, or a module's: harness/rtl/module/backend.ts). */
export interface DriverOptions {
  exe: string;
  /** Passed as `+key=value` (`+key` for true), read by the RTL's $value$plusargs / $test$plusargs. */
  plusargs?: Record<string, string | number | boolean>;
  /** Further raw arguments for the driver (e.g. `+verilator+seed+7`). */
  args?: string[];
  /** Working directory of the driver: relative paths in plusargs and $readmemh resolve here. */
  cwd?: string;
  /** Deadline of a request = timeoutMs + perCycleUs × cycles. Defaults: DRIVER_DEADLINE. */
  timeoutMs?: number;
  perCycleUs?: number;
  /** Cycles per BATCH message; larger runs are split. Default 16384. */
  chunk?: number;
  /** Write the driver's stderr to this file too (named in error messages). */
  logPath?: string;
}

export interface VerilatorBackendOptions extends DriverOptions {
  /** Must equal the widths the exe was built with (checked against the driver's hello). */
  widths: PortWidths;
}

/** Spawns a driver with its plusargs; its stderr is the log (and `logPath`'s file). */
export function spawnDriver(opts: DriverOptions): PeerProcess {
  const plus = Object.entries(opts.plusargs ?? {})
    .filter(([, v]) => v !== false)
    .map(([k, v]) => (v === true ? `+${k}` : `+${k}=${v}`));
  const child = spawn(opts.exe, [...plus, ...(opts.args ?? [])], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const logSink = opts.logPath ? createWriteStream(opts.logPath) : undefined;
  const peer = new PeerProcess(child, {
    label: `verilator driver (${opts.exe})`,
    noun: 'driver',
    logStreams: [child.stderr],
    logName: 'stderr',
    logSink,
    logPath: opts.logPath,
    makeError: (m) => new VerilatorDriverError(m),
  });
  void peer.exited.then(() => logSink?.end());
  return peer;
}

/** The driver failed (exit, crash, timeout, protocol error); the message ends with its stderr tail. */
export class VerilatorDriverError extends Error {
  override name = 'VerilatorDriverError';
}

export class VerilatorBackend implements RtlBackend {
  readonly name = 'verilator' as const;
  readonly pid: number;

  private readonly peer: PeerProcess;
  private readonly client: ProtocolClient;

  private constructor(opts: VerilatorBackendOptions) {
    this.peer = spawnDriver(opts);
    this.pid = this.peer.pid;
    this.client = new ProtocolClient(this.peer.child.stdout!, this.peer.child.stdin!, this.peer, {
      widths: opts.widths,
      timeoutMs: opts.timeoutMs ?? DRIVER_DEADLINE.timeoutMs,
      perCycleUs: opts.perCycleUs ?? DRIVER_DEADLINE.perCycleUs,
      chunk: opts.chunk ?? 16384,
    });
  }

  /** Spawns the driver and checks its hello (protocol version and port widths). */
  static async start(opts: VerilatorBackendOptions): Promise<VerilatorBackend> {
    const b = new VerilatorBackend(opts);
    await b.client.hello();
    return b;
  }

  /** Cycles simulated so far (cycle numbering of the whole simulation). */
  get cycles(): number {
    return this.client.cycles;
  }

  run(batch: PortBatch, n: number): Promise<void> {
    return this.client.run(batch, n);
  }

  async traceStart(vcdPath: string): Promise<void> {
    const abs = path.resolve(vcdPath);
    await mkdir(path.dirname(abs), { recursive: true });
    await this.client.traceOn(abs);
  }

  traceStop(): Promise<void> {
    return this.client.traceOff();
  }

  /** Sends FINISH (final blocks run, trace closed) and waits for exit; SIGKILL after timeoutMs. */
  close(timeoutMs = 10_000): Promise<void> {
    return this.client.finish(timeoutMs);
  }
}
