/**
 * The binary batch protocol shared by every RTL backend, and its client side.
 *
 * Wire format (little-endian u32 words). The numbers below are the definitions: driver.cpp and
 * harness/rtl/cocotb/headsim_bridge.py take them from files generated from them
 * (protocol-constants.ts; test/unit/protocol-constants.test.ts checks that those are current):
 *
 *   server → hello:    MAGIC, S_W, IDX_W, VAL_W
 *   request header:    op, arg
 *   BATCH (arg n):     flags[n] u8 padded to 4 bytes, s_data[n × SW32] u32
 *     reply:           n, outFlags[n] u8 padded to 4 bytes, m_index[n] u32, m_value[n] u32
 *   TRACE_ON (arg len): path bytes (UTF-8) padded to 4;  reply: op
 *   TRACE_OFF:         reply: op
 *   FINISH:            no reply; the server runs final blocks, closes the trace and exits 0.
 * Batches are struct-of-arrays, the layout of PortBatch, so both sides copy whole blocks.
 *
 * `ProtocolClient` speaks it over any Readable/Writable pair (the Verilator driver's
 * stdout/stdin, the cocotb bridge's socket), on `RequestChannel`, which the module driver's
 * client (module/client.ts: the same framing, batches of words) shares; `PeerProcess`
 * supervises the process on the other end (log tail, exit status, kill). Every request runs
 * under a deadline; a timeout, a crash or a protocol error kills the peer for good and rejects
 * with an error that ends with its log tail.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { PortBatch, PortWidths } from './ports.ts';
import { tail, trackGroup, untrackGroup } from '../../lib/proc.ts';
import { ExactReader, StreamClosedError } from './reader.ts';

export const HELLO_MAGIC = 0x31565348; // "HSV1"
export const OP_BATCH = 1;
export const OP_TRACE_ON = 2;
export const OP_TRACE_OFF = 3;
export const OP_FINISH = 4;
/** Largest n the driver accepts in one BATCH message. */
export const MAX_BATCH = 1 << 22;

export function pad4(n: number): number {
  return (n + 3) & ~3;
}

export function batchRequestBytes(n: number, sWords: number): number {
  return 8 + pad4(n) + 4 * n * sWords;
}

export function batchReplyBytes(n: number): number {
  return 4 + pad4(n) + 8 * n;
}

const LOG_KEEP = 64 * 1024; // bytes of log kept for error messages

export interface PeerProcessOptions {
  /** Names the peer in error messages, e.g. `verilator driver (/path/exe)`. */
  label: string;
  /** What the peer is called in short messages: `driver killed`, `simulation exited …`. */
  noun: string;
  /** Streams whose text is the peer's log (kept as a tail for error messages). */
  logStreams: Readable[];
  /** Heading of the log tail in error messages (`stderr`, `log`). */
  logName: string;
  /** The child was spawned `detached` as a process-group leader: kill the whole group. */
  group?: boolean;
  /** Lines of log tail in error messages (default 20). */
  tailLines?: number;
  /** Also append the whole log to this stream, ... */
  logSink?: Writable;
  /** ... the file it writes, named in error messages. */
  logPath?: string;
  /** Makes the error class of this backend (its message is complete). */
  makeError: (message: string) => Error;
}

/** The process at the other end of a protocol stream: its log tail, exit status, and kill. */
export class PeerProcess {
  readonly pid: number;
  /** Resolves after the process exited and its log streams were drained. */
  readonly exited: Promise<void>;
  /** `exited with status 3`, `killed by SIGKILL`, `could not start …`; empty while running. */
  status = '';
  private logText = '';
  private readonly group: boolean;

  constructor(
    readonly child: ChildProcess,
    private readonly opts: PeerProcessOptions,
  ) {
    this.pid = child.pid ?? -1;
    this.group = !!opts.group && child.pid !== undefined;
    // killed with this process (lib/proc.ts's registry): a detached group does not get the
    // terminal's Ctrl-C; the CLI's signal handlers call process.exit so that the registry runs
    if (this.group) trackGroup(this.pid);
    for (const s of opts.logStreams) {
      s.setEncoding('utf8');
      s.on('data', (t: string) => {
        this.logText = (this.logText + t).slice(-LOG_KEEP);
        opts.logSink?.write(t);
      });
    }
    child.stdin?.on('error', () => {}); // EPIPE after a crash; the reader reports the failure
    // 'close' comes after exit and after stdio drained: the log tail is then complete.
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.status = `could not start: ${e.message}`;
        void this.reaped().then(resolve);
      });
      child.on('close', (code, signal) => {
        this.status ||= signal ? `killed by ${signal}` : `exited with status ${code}`;
        void this.reaped().then(resolve);
      });
    });
  }

  get label(): string {
    return this.opts.label;
  }

  get noun(): string {
    return this.opts.noun;
  }

  /** Exit status once exited normally, else null. */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && !this.status;
  }

  /** The last lines of the peer's log. */
  logTail(lines = 20): string {
    return tail(this.logText, lines);
  }

  /** SIGKILL (the whole group when detached) and wait until reaped. */
  async kill(): Promise<void> {
    if (this.running) {
      try {
        if (this.group) process.kill(-this.pid, 'SIGKILL');
        else this.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await this.exited;
  }

  /** An error of this backend's class: `<label>: <what> (log: <file>)` on one line, then the log tail. */
  failure(what: string): Error {
    const t = this.logTail(this.opts.tailLines);
    const where = this.opts.logPath ? ` (log: ${this.opts.logPath})` : '';
    return this.opts.makeError(`${this.opts.label}: ${what}${where}${t ? `\n--- ${this.opts.logName} tail ---\n${t}` : ''}`);
  }

  /**
   * The leader is gone; anything it left behind in its group goes too (no orphans), and we wait
   * (at most 3 s) until init has reaped them, so that no process of the group is left.
   */
  private async reaped(): Promise<void> {
    if (!this.group) return;
    untrackGroup(this.pid);
    const t0 = Date.now();
    for (;;) {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        return; // group empty
      }
      if (Date.now() - t0 > 3000) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

class Timeout extends Error {}

/** Marks an error raised by the protocol logic itself (bad hello, out of sync). */
class ProtocolViolation extends Error {}

/**
 * A Verilator driver's deadline per request: a hang guard, not a speed check. Generous, since a
 * large head built at -O0 on a loaded 2-core machine runs a 8192-cycle batch in well over 30 s
 * (N = 1000, K = 1024 at load ≈ 7); a driver that hangs is still killed within about a minute.
 */
export const DRIVER_DEADLINE = { timeoutMs: 60_000, perCycleUs: 500 };

export interface ChannelOptions {
  /** Deadline of a request = timeoutMs + perCycleUs × cycles. */
  timeoutMs: number;
  perCycleUs: number;
  /** Cycles per BATCH message; larger runs are split. */
  chunk: number;
  /** After the stream closed, how long the peer gets to exit (so its log is complete). */
  exitGraceMs?: number;
}

export interface ProtocolClientOptions extends ChannelOptions {
  /** Must equal the widths the server reports in its hello. */
  widths: PortWidths;
}

/**
 * The request/reply channel under every batch protocol (the head's PortBatch here, a module's
 * words in harness/rtl/module/client.ts): deadlines, the trace and finish requests, and the
 * rule that any failure kills the peer and makes every later call reject with the same error.
 * One request at a time (callers await each call).
 */
export class RequestChannel {
  /** Cycles simulated so far (cycle numbering of the whole simulation). */
  cycles = 0;

  protected readonly reader: ExactReader;
  private dead: Error | undefined;
  protected readonly hdr = new Uint8Array(16);
  protected readonly hdrView = new DataView(this.hdr.buffer);

  constructor(
    input: Readable,
    protected readonly output: Writable,
    readonly peer: PeerProcess,
    private readonly channel: ChannelOptions,
  ) {
    this.reader = new ExactReader(input);
    output.on('error', () => {}); // EPIPE after a crash; the reader reports the failure
  }

  /** Reads the server's hello (MAGIC and `want`, u32 each); a mismatch names the fields. */
  protected async helloWords(magic: number, fields: string, want: number[], timeoutMs: number): Promise<void> {
    await this.guard('startup', timeoutMs, async () => {
      const bytes = this.hdr.subarray(0, 4 * (1 + want.length));
      await this.reader.readInto(bytes);
      const v = this.hdrView;
      const got = want.map((_, i) => v.getUint32(4 * (i + 1), true));
      if (v.getUint32(0, true) !== magic) throw new ProtocolViolation(`not a headsim ${this.peer.noun} (bad hello)`);
      if (got.join() !== want.join()) throw new ProtocolViolation(`${this.peer.noun} built for ${fields}=${got.join()} but ${want.join()} requested`);
    });
  }

  /** Runs n cycles in chunks, each under its deadline: `chunk(t0, m)` sends cycles t0 … t0+m−1 and reads their reply. */
  protected async chunked(n: number, chunk: (t0: number, m: number) => Promise<void>): Promise<void> {
    for (let t0 = 0; t0 < n; t0 += this.channel.chunk) {
      const m = Math.min(this.channel.chunk, n - t0);
      await this.guard(`batch of ${m} cycles from cycle ${this.cycles}`, this.deadline(m), () => chunk(t0, m));
      this.cycles += m;
    }
  }

  private deadline(cycles: number): number {
    return this.channel.timeoutMs + (this.channel.perCycleUs * cycles) / 1000;
  }

  /** Reads a batch reply's cycle count and checks it. */
  protected async replyCount(m: number): Promise<void> {
    await this.reader.readInto(this.hdr.subarray(0, 4));
    if (this.hdrView.getUint32(0, true) !== m) throw new ProtocolViolation('protocol out of sync (bad batch reply)');
  }

  /** TRACE_ON with an absolute path; the server dumps from the next cycle on. */
  async traceOn(absPath: string): Promise<void> {
    const p = Buffer.from(absPath, 'utf8');
    const msg = Buffer.alloc(8 + pad4(p.length));
    msg.writeUInt32LE(OP_TRACE_ON, 0);
    msg.writeUInt32LE(p.length, 4);
    p.copy(msg, 8);
    await this.ackRequest('trace start', OP_TRACE_ON, msg);
  }

  async traceOff(): Promise<void> {
    const msg = Buffer.alloc(8);
    msg.writeUInt32LE(OP_TRACE_OFF, 0);
    await this.ackRequest('trace stop', OP_TRACE_OFF, msg);
  }

  private ackRequest(what: string, op: number, msg: Buffer): Promise<void> {
    return this.guard(what, this.channel.timeoutMs, async () => {
      this.output.write(msg);
      await this.reader.readInto(this.hdr.subarray(0, 4));
      if (this.hdrView.getUint32(0, true) !== op) throw new ProtocolViolation(`protocol out of sync (bad ${what} reply)`);
    });
  }

  /**
   * Sends FINISH (final blocks run, trace closed), ends the output and waits for the peer to exit
   * with status 0; SIGKILL after timeoutMs. After a failure it only makes sure the peer is gone.
   */
  async finish(timeoutMs: number): Promise<void> {
    if (this.dead) {
      await this.peer.kill();
      return;
    }
    this.dead = this.peer.failure(`${this.peer.noun} closed`);
    const msg = Buffer.alloc(8);
    msg.writeUInt32LE(OP_FINISH, 0);
    this.output.end(msg);
    if (!(await within(this.peer.exited, timeoutMs))) {
      await this.peer.kill();
      throw this.peer.failure(`finish timed out after ${timeoutMs} ms; ${this.peer.noun} killed`);
    }
    if (this.peer.exitCode !== 0) throw this.peer.failure(`${this.peer.noun} ${this.peer.status} at finish`);
  }

  /**
   * Runs one exchange under a deadline. Any failure kills the peer for good: a timeout, the
   * stream closing (the peer died: its exit status and log tail are reported), a protocol error.
   */
  async guard(what: string, ms: number, body: () => Promise<void>): Promise<void> {
    if (this.dead) throw this.dead;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([body(), new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Timeout()), ms)))]);
    } catch (e) {
      let err: Error;
      if (e instanceof Timeout) {
        await this.peer.kill();
        err = this.peer.failure(`${what} timed out after ${Math.round(ms)} ms; ${this.peer.noun} killed`);
      } else if (e instanceof StreamClosedError || isConnectionError(e)) {
        // The peer died; give it a moment to be reaped so its log is complete.
        if (!(await within(this.peer.exited, this.channel.exitGraceMs ?? 2000))) await this.peer.kill();
        err = this.peer.failure(`${this.peer.noun} ${this.peer.status} during ${what}`);
      } else {
        await this.peer.kill();
        err = e instanceof ProtocolViolation ? this.peer.failure(e.message) : (e as Error);
      }
      this.dead = err;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The head's batches: PortBatch (flags, s_data; outFlags, m_index, m_value). */
export class ProtocolClient extends RequestChannel {
  private readonly req: Uint8Array;
  private readonly reqView: DataView;

  constructor(
    input: Readable,
    output: Writable,
    peer: PeerProcess,
    private readonly opts: ProtocolClientOptions,
  ) {
    super(input, output, peer, opts);
    const sWords = Math.ceil(opts.widths.sW / 32);
    this.req = new Uint8Array(batchRequestBytes(opts.chunk, sWords));
    this.reqView = new DataView(this.req.buffer);
  }

  /** Reads the server's hello and checks the protocol version and port widths. */
  hello(timeoutMs = this.opts.timeoutMs): Promise<void> {
    const w = this.opts.widths;
    return this.helloWords(HELLO_MAGIC, 'widths sW,idxW,valW', [w.sW, w.idxW, w.valW], timeoutMs);
  }

  async run(batch: PortBatch, n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0 || n > batch.capacity) throw new RangeError(`run: n=${n} outside 0..${batch.capacity}`);
    if (batch.widths.sW !== this.opts.widths.sW) throw new RangeError(`run: batch sW=${batch.widths.sW}, ${this.peer.noun} sW=${this.opts.widths.sW}`);
    await this.chunked(n, (t0, m) => this.batchChunk(batch, t0, m));
  }

  private async batchChunk(b: PortBatch, t0: number, m: number): Promise<void> {
    const w = b.sWords;
    const req = this.req;
    this.reqView.setUint32(0, OP_BATCH, true);
    this.reqView.setUint32(4, m, true);
    req.set(b.flags.subarray(t0, t0 + m), 8);
    req.fill(0, 8 + m, 8 + pad4(m));
    req.set(bytes(b.sData, t0 * w, m * w), 8 + pad4(m));
    this.output.write(req.subarray(0, batchRequestBytes(m, w)));

    // Reply blocks go straight into the batch's output arrays.
    await this.replyCount(m);
    await this.reader.readInto(b.outFlags.subarray(t0, t0 + m));
    await this.reader.readInto(this.hdr.subarray(0, pad4(m) - m));
    await this.reader.readInto(bytes(b.mIndex, t0, m));
    await this.reader.readInto(bytes(b.mValue, t0, m));
  }
}

/** Socket errors that mean the peer went away (ECONNRESET, EPIPE). */
function isConnectionError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** True when p settled within ms. */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([p.then(() => true), new Promise<boolean>((res) => (timer = setTimeout(() => res(false), ms)))]);
  clearTimeout(timer);
  return r;
}

/** Byte view of `count` u32 elements starting at element `start`. */
export function bytes(a: Uint32Array, start: number, count: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset + 4 * start, 4 * count);
}
