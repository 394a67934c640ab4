/**
 * RtlBackend over a Verilator driver process (driver.cpp built by build.ts), talking the binary
 * protocol of protocol.ts over its stdin/stdout. Every request has a deadline; on a timeout or a
 * crash the process is SIGKILLed and reaped, and the error carries the tail of its stderr.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RtlBackend } from '../backend.ts';
import { tail } from '../proc.ts';
import type { PortBatch, PortWidths } from '../ports.ts';
import { ExactReader, StreamClosedError } from './reader.ts';
import { HELLO_MAGIC, OP_BATCH, OP_FINISH, OP_TRACE_OFF, OP_TRACE_ON, pad4 } from './protocol.ts';

export interface VerilatorBackendOptions {
  exe: string;
  /** Must equal the widths the exe was built with (checked against the driver's hello). */
  widths: PortWidths;
  /** Passed as `+key=value` (`+key` for true), read by the RTL's $value$plusargs / $test$plusargs. */
  plusargs?: Record<string, string | number | boolean>;
  /** Further raw arguments for the driver (e.g. `+verilator+seed+7`). */
  args?: string[];
  /** Working directory of the driver: relative paths in plusargs and $readmemh resolve here. */
  cwd?: string;
  /** Deadline of a request = timeoutMs + perCycleUs × cycles. Defaults 30 s and 50 µs. */
  timeoutMs?: number;
  perCycleUs?: number;
  /** Cycles per BATCH message; larger runs are split. Default 16384. */
  chunk?: number;
}

/** The driver failed (exit, crash, timeout, protocol error); the message ends with its stderr tail. */
export class VerilatorDriverError extends Error {
  override name = 'VerilatorDriverError';
}

class Timeout extends Error {}

const STDERR_KEEP = 64 * 1024; // bytes of stderr kept for error messages

export class VerilatorBackend implements RtlBackend {
  readonly name = 'verilator' as const;
  readonly pid: number;
  /** Cycles simulated so far (cycle numbering of the whole simulation). */
  cycles = 0;

  private readonly child: ChildProcessWithoutNullStreams;
  private readonly reader: ExactReader;
  private readonly exited: Promise<void>;
  private exitStatus = '';
  private stderrText = '';
  private dead: Error | undefined;
  private readonly timeoutMs: number;
  private readonly perCycleUs: number;
  private readonly chunk: number;
  private readonly req: Uint8Array;
  private readonly reqView: DataView;
  private readonly hdr = new Uint8Array(16);
  private readonly hdrView = new DataView(this.hdr.buffer);

  private constructor(private readonly opts: VerilatorBackendOptions) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.perCycleUs = opts.perCycleUs ?? 50;
    this.chunk = opts.chunk ?? 16384;
    const sWords = Math.ceil(opts.widths.sW / 32);
    this.req = new Uint8Array(8 + pad4(this.chunk) + 4 * this.chunk * sWords);
    this.reqView = new DataView(this.req.buffer);

    const plus = Object.entries(opts.plusargs ?? {})
      .filter(([, v]) => v !== false)
      .map(([k, v]) => (v === true ? `+${k}` : `+${k}=${v}`));
    this.child = spawn(opts.exe, [...plus, ...(opts.args ?? [])], { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.pid = this.child.pid ?? -1;
    this.child.stdin.on('error', () => {}); // EPIPE after a crash; the reader reports the failure
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (s: string) => {
      this.stderrText = (this.stderrText + s).slice(-STDERR_KEEP);
    });
    this.reader = new ExactReader(this.child.stdout);
    // 'close' comes after exit and after stdio drained: the stderr tail is then complete.
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.exitStatus = `could not start ${opts.exe}: ${e.message}`;
        resolve();
      });
      this.child.on('close', (code, signal) => {
        this.exitStatus ||= signal ? `killed by ${signal}` : `exited with status ${code}`;
        resolve();
      });
    });
  }

  /** Spawns the driver and checks its hello (protocol version and port widths). */
  static async start(opts: VerilatorBackendOptions): Promise<VerilatorBackend> {
    const b = new VerilatorBackend(opts);
    await b.request('startup', 0, async () => {
      await b.reader.readInto(b.hdr);
      const v = b.hdrView;
      const got = [v.getUint32(4, true), v.getUint32(8, true), v.getUint32(12, true)];
      const want = [opts.widths.sW, opts.widths.idxW, opts.widths.valW];
      if (v.getUint32(0, true) !== HELLO_MAGIC) throw new VerilatorDriverError(`${opts.exe} is not a headsim driver (bad hello)`);
      if (got.join() !== want.join())
        throw new VerilatorDriverError(`driver built for widths sW,idxW,valW=${got.join()} but ${want.join()} requested`);
    });
    return b;
  }

  async run(batch: PortBatch, n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0 || n > batch.capacity) throw new RangeError(`run: n=${n} outside 0..${batch.capacity}`);
    if (batch.widths.sW !== this.opts.widths.sW) throw new RangeError(`run: batch sW=${batch.widths.sW}, driver sW=${this.opts.widths.sW}`);
    for (let t0 = 0; t0 < n; t0 += this.chunk) {
      const m = Math.min(this.chunk, n - t0);
      await this.request(`batch of ${m} cycles from cycle ${this.cycles}`, m, () => this.batchChunk(batch, t0, m));
      this.cycles += m;
    }
  }

  private async batchChunk(b: PortBatch, t0: number, m: number): Promise<void> {
    const w = b.sWords;
    const req = this.req;
    this.reqView.setUint32(0, OP_BATCH, true);
    this.reqView.setUint32(4, m, true);
    req.set(b.flags.subarray(t0, t0 + m), 8);
    req.set(bytes(b.sData, t0 * w, m * w), 8 + pad4(m));
    this.child.stdin.write(req.subarray(0, 8 + pad4(m) + 4 * m * w));

    // Reply blocks go straight into the batch's output arrays.
    await this.reader.readInto(this.hdr.subarray(0, 4));
    if (this.hdrView.getUint32(0, true) !== m) throw new VerilatorDriverError('protocol out of sync (bad batch reply)');
    await this.reader.readInto(b.outFlags.subarray(t0, t0 + m));
    await this.reader.readInto(this.hdr.subarray(0, pad4(m) - m));
    await this.reader.readInto(bytes(b.mIndex, t0, m));
    await this.reader.readInto(bytes(b.mValue, t0, m));
  }

  async traceStart(vcdPath: string): Promise<void> {
    const abs = path.resolve(vcdPath);
    await mkdir(path.dirname(abs), { recursive: true });
    const p = Buffer.from(abs, 'utf8');
    const msg = Buffer.alloc(8 + pad4(p.length));
    msg.writeUInt32LE(OP_TRACE_ON, 0);
    msg.writeUInt32LE(p.length, 4);
    p.copy(msg, 8);
    await this.ackRequest('trace start', OP_TRACE_ON, msg);
  }

  async traceStop(): Promise<void> {
    const msg = Buffer.alloc(8);
    msg.writeUInt32LE(OP_TRACE_OFF, 0);
    await this.ackRequest('trace stop', OP_TRACE_OFF, msg);
  }

  private ackRequest(what: string, op: number, msg: Buffer): Promise<void> {
    return this.request(what, 0, async () => {
      this.child.stdin.write(msg);
      await this.reader.readInto(this.hdr.subarray(0, 4));
      if (this.hdrView.getUint32(0, true) !== op) throw new VerilatorDriverError(`protocol out of sync (bad ${what} reply)`);
    });
  }

  /** Sends FINISH (final blocks run, trace closed) and waits for exit; SIGKILL after timeoutMs. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.dead) {
      await this.kill();
      return;
    }
    const msg = Buffer.alloc(8);
    msg.writeUInt32LE(OP_FINISH, 0);
    this.child.stdin.end(msg);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    this.dead = new VerilatorDriverError('driver closed');
    if (timedOut) {
      await this.kill();
      throw this.failure(`finish timed out after ${timeoutMs} ms; driver killed`);
    }
    if (this.child.exitCode !== 0) throw this.failure(`driver ${this.exitStatus} at finish`);
  }

  /** SIGKILL and reap. */
  private async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  private failure(what: string): VerilatorDriverError {
    const t = tail(this.stderrText);
    return new VerilatorDriverError(`verilator driver (${this.opts.exe}): ${what}${t ? `\n--- stderr tail ---\n${t}` : ''}`);
  }

  /** Runs one request/reply exchange under a deadline; any failure kills the driver for good. */
  private async request(what: string, cycles: number, body: () => Promise<void>): Promise<void> {
    if (this.dead) throw this.dead;
    const ms = this.timeoutMs + (this.perCycleUs * cycles) / 1000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([body(), new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Timeout()), ms)))]);
    } catch (e) {
      let err: Error;
      if (e instanceof Timeout) {
        await this.kill();
        err = this.failure(`${what} timed out after ${Math.round(ms)} ms; driver killed`);
      } else if (e instanceof StreamClosedError) {
        // The driver died; give it a moment to be reaped so its stderr is complete.
        const reaped = await Promise.race([this.exited.then(() => true), sleep(2000).then(() => false)]);
        if (!reaped) await this.kill();
        err = this.failure(`driver ${this.exitStatus} during ${what}`);
      } else {
        await this.kill();
        err = e instanceof VerilatorDriverError ? this.failure(e.message) : (e as Error);
      }
      this.dead = err;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Byte view of `count` u32 elements starting at element `start`. */
function bytes(a: Uint32Array, start: number, count: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset + 4 * start, 4 * count);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
