/**
 * RtlBackend on Icarus Verilog through cocotb 2.x. `CocotbBackend.start` runs
 * harness/rtl/cocotb/launch.py in the project venv (cocotb's Python runner: iverilog build, cached
 * by content, then the `headsim_bridge` cocotb test under vvp) as its own process group; the
 * test connects back to a Unix socket in outDir and serves the same binary batch protocol as
 * the Verilator driver (harness/rtl/protocol.ts, whose ProtocolClient both backends use).
 * cocotb's log (the child's stdout and stderr) goes to <outDir>/sim.log, its JUnit results to
 * <outDir>/results.xml. See harness/rtl/cocotb/README.md for the cycle scheme and limits.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RtlBackend } from '../backend.ts';
import { InputError, isErrnoException } from '../../../lib/errors.ts';
import { checkWidths, type PortBatch, type PortWidths } from '../ports.ts';
import { PeerProcess, ProtocolClient, within } from '../protocol.ts';
import { checkCocotbSetup, DEFAULT_PYTHON } from './setup.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const LAUNCH_PY = path.join(HERE, 'launch.py');
const TRACE_V = path.join(HERE, 'trace.v');
const INCLUDE_EXT = /\.(v|sv|vh|svh|vinc|inc)$/i;
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;
/** Longest VCD path the trace control register (trace.v) holds. */
const MAX_TRACE_PATH = 1023;

export interface CocotbBackendOptions {
  /** RTL directory: its *.v files (sorted, as for Verilator) are the sources unless `sources` is given; also an include dir. */
  rtlDir?: string;
  sources?: string[];
  includeDirs?: string[];
  /** Top module (default 'head'). */
  top?: string;
  /** Verilog parameters of the top, passed to iverilog as -P<top>.NAME=V. */
  params?: Record<string, number>;
  /** Must equal the DUT's port widths (checked against the bridge's hello). */
  widths: PortWidths;
  /** Simulator plusargs, e.g. '+weights=/abs/path.hex' (use absolute paths). */
  plusargs?: string[];
  /** Per-run directory: socket, launch.json, sim.log, results.xml. */
  outDir: string;
  /** Working directory of the simulation (relative plusarg and $readmemh paths). Default: this process's. */
  cwd?: string;
  /** Cache of compiled simulations (<buildRoot>/<key16>/sim.vvp). Default: out/cocotb/build. */
  buildRoot?: string;
  /** Deadline of a request = timeoutMs + perCycleUs × cycles. Defaults 60 s and 5000 µs. */
  timeoutMs?: number;
  perCycleUs?: number;
  /** Deadline of the build and startup until the bridge says hello. Default 300 s. */
  startTimeoutMs?: number;
  /** Cycles per BATCH message. Default 8192. */
  chunk?: number;
  /** Python of the venv with cocotb. Default <repo>/.venv/bin/python. */
  python?: string;
  /** 'zero' (default): X/Z bits left after the initial blocks are zeroed at time 0, as in Verilator. */
  xInit?: 'zero' | 'x';
  /** Format of the dump trace.v writes: vvp's extended argument -fst, or its default VCD. */
  waveFormat?: 'vcd' | 'fst';
}

/** The cocotb simulation failed (exit, crash, timeout, X on an output); the message ends with its log tail. */
export class CocotbBridgeError extends Error {
  override name = 'CocotbBridgeError';
}

export class CocotbBackend implements RtlBackend {
  readonly name = 'cocotb' as const;
  /** Process-group id of the launcher (python → vvp). */
  readonly pid: number;
  readonly outDir: string;
  readonly resultsXml: string;
  readonly logPath: string;
  /** The compiled simulation's cache directory. */
  readonly buildDir: string;

  private tracePath: string | undefined;
  private closed = false;

  private constructor(
    private readonly peer: PeerProcess,
    private readonly client: ProtocolClient,
    private readonly logSink: WriteStream,
    paths: { outDir: string; buildDir: string },
  ) {
    this.pid = peer.pid;
    this.outDir = paths.outDir;
    this.buildDir = paths.buildDir;
    this.resultsXml = path.join(paths.outDir, 'results.xml');
    this.logPath = path.join(paths.outDir, 'sim.log');
  }

  /** Checks the setup, builds (or reuses) the simulation, starts it and checks the bridge's hello. */
  static async start(opts: CocotbBackendOptions): Promise<CocotbBackend> {
    checkWidths(opts.widths);
    const python = opts.python ?? DEFAULT_PYTHON;
    const setup = await checkCocotbSetup(python);
    const top = opts.top ?? 'head';
    if (!IDENT.test(top)) throw new InputError(`top module '${top}' is not a Verilog identifier`);
    const params = opts.params ?? {};
    for (const [k, v] of Object.entries(params)) {
      if (!IDENT.test(k)) throw new InputError(`RTL parameter name '${k}' is not a Verilog identifier`);
      if (!Number.isSafeInteger(v)) throw new InputError(`RTL parameter ${k}=${v} must be an integer`);
    }
    const rtlDir = opts.rtlDir && path.resolve(opts.rtlDir);
    const sources = (opts.sources ?? (rtlDir ? listVerilog(rtlDir) : [])).map((s) => path.resolve(s));
    if (sources.length === 0) throw new InputError(`no RTL sources given${rtlDir ? ` (no .v files in ${rtlDir})` : ''}`);
    const includes = [...(opts.includeDirs ?? []).map((d) => path.resolve(d)), ...(rtlDir ? [rtlDir] : [])];

    const outDir = path.resolve(opts.outDir);
    await mkdir(outDir, { recursive: true });
    const key = await buildKey({ top, params, sources, includes, setup: [setup.cocotbVersion, setup.iverilogVersion] });
    const buildDir = path.join(path.resolve(opts.buildRoot ?? 'out/cocotb/build'), key.slice(0, 16));

    const { server, sockPath, cleanup } = await listen(outDir);
    const resultsXml = path.join(outDir, 'results.xml');
    rmSync(resultsXml, { force: true });
    const config = path.join(outDir, 'launch.json');
    const xInit = opts.xInit ?? 'zero';
    await writeFile(
      config,
      JSON.stringify(
        {
          top,
          sources,
          includes,
          params,
          plusargs: opts.plusargs ?? [],
          buildDir,
          testDir: path.resolve(opts.cwd ?? '.'),
          resultsXml,
          socket: sockPath,
          xInit,
          waveFormat: opts.waveFormat ?? 'vcd',
        },
        null,
        2,
      ),
    );
    const logPath = path.join(outDir, 'sim.log');
    const logSink = createWriteStream(logPath);
    const child = spawn(python, [LAUNCH_PY, config], {
      cwd: outDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HEADSIM_SOCKET: sockPath, HEADSIM_X_INIT: xInit, PYTHONUNBUFFERED: '1' },
    });
    const peer = new PeerProcess(child, {
      label: `cocotb bridge (icarus, ${outDir})`,
      noun: 'simulation',
      logStreams: [child.stdout, child.stderr],
      logName: 'log',
      tailLines: 30, // cocotb closes with a 7-line summary table
      group: true,
      logSink,
      logPath,
      makeError: (m) => new CocotbBridgeError(m),
    });
    void peer.exited.then(() => logSink.end());

    const startMs = opts.startTimeoutMs ?? 300_000;
    let socket: Socket;
    try {
      socket = await accept(server, peer, startMs);
    } finally {
      cleanup();
    }
    const client = new ProtocolClient(socket, socket, peer, {
      widths: opts.widths,
      timeoutMs: opts.timeoutMs ?? 60_000,
      perCycleUs: opts.perCycleUs ?? 5000,
      chunk: opts.chunk ?? 8192,
      exitGraceMs: 10_000,
    });
    await client.hello(startMs);
    return new CocotbBackend(peer, client, logSink, { outDir, buildDir });
  }

  /** Cycles simulated so far (cycle numbering of the whole simulation). */
  get cycles(): number {
    return this.client.cycles;
  }

  run(batch: PortBatch, n: number): Promise<void> {
    return this.client.run(batch, n);
  }

  /**
   * Dumps from the next cycle on (VCD, or FST when started with waveFormat 'fst'). Icarus opens
   * one dump file per simulation: every traceStart of one backend must name the same path
   * (after traceStop it resumes, $dumpon).
   */
  async traceStart(vcdPath: string): Promise<void> {
    const abs = path.resolve(vcdPath);
    if (this.tracePath !== undefined && this.tracePath !== abs)
      throw new CocotbBridgeError(`cocotb backend: Icarus writes one VCD per simulation; already tracing to ${this.tracePath}, cannot switch to ${abs}`);
    if (Buffer.byteLength(abs) > MAX_TRACE_PATH) throw new InputError(`VCD path longer than ${MAX_TRACE_PATH} bytes: ${abs}`);
    await mkdir(path.dirname(abs), { recursive: true });
    await this.client.traceOn(abs);
    this.tracePath = abs;
  }

  traceStop(): Promise<void> {
    return this.client.traceOff();
  }

  /** Sends FINISH: the cocotb test returns, results.xml is written, the simulation exits. */
  async close(timeoutMs = 30_000): Promise<void> {
    if (this.closed) return this.peer.kill();
    this.closed = true;
    try {
      await this.client.finish(timeoutMs);
    } finally {
      await within(new Promise((r) => this.logSink.end(r)), 2000);
    }
  }
}

function listVerilog(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.v'))
      .sort()
      .map((f) => path.join(dir, f));
  } catch (e) {
    if (isErrnoException(e) && e.code === 'ENOENT') throw new InputError(`RTL directory not found: ${dir}`);
    throw e;
  }
}

/** Hash of everything sim.vvp depends on (not paths): tool versions, top, params, file contents. */
async function buildKey(o: { top: string; params: Record<string, number>; sources: string[]; includes: string[]; setup: string[] }): Promise<string> {
  const h = createHash('sha256');
  const part = (label: string, data: string | Buffer) => {
    h.update(`${label}\0${data.length}\0`);
    h.update(data);
  };
  part('tools', JSON.stringify(o.setup));
  part('top', o.top);
  part(
    'params',
    JSON.stringify(
      Object.keys(o.params)
        .sort()
        .map((k) => [k, o.params[k]]),
    ),
  );
  part('launch', await readFile(LAUNCH_PY));
  part('trace', await readFile(TRACE_V));
  for (const s of o.sources) {
    try {
      part('source', await readFile(s));
    } catch (e) {
      if (isErrnoException(e) && e.code === 'ENOENT') throw new InputError(`RTL source not found: ${s}`);
      throw e;
    }
  }
  for (const d of o.includes) {
    const names = (await readdir(d).catch(() => [] as string[])).filter((n) => INCLUDE_EXT.test(n)).sort();
    for (const n of names) part(`include ${n}`, await readFile(path.join(d, n)));
  }
  return h.digest('hex');
}

/** A Unix socket server in outDir (or a private temp dir when that path is too long for sun_path). */
async function listen(outDir: string): Promise<{ server: Server; sockPath: string; cleanup: () => void }> {
  let dir = outDir;
  let tmp: string | undefined;
  if (Buffer.byteLength(path.join(outDir, 'bridge.sock')) > 100) dir = tmp = mkdtempSync(path.join(os.tmpdir(), 'headsim-'));
  const sockPath = path.join(dir, 'bridge.sock');
  if (existsSync(sockPath)) unlinkSync(sockPath);
  const server = createServer({ allowHalfOpen: false });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(sockPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const cleanup = () => {
    server.close();
    rmSync(sockPath, { force: true });
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
  return { server, sockPath, cleanup };
}

/** Waits for the bridge's connection; fails with the log tail when the child exits or time runs out. */
function accept(server: Server, peer: PeerProcess, ms: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const timer = setTimeout(() => {
      done();
      void peer.kill().then(() => reject(peer.failure(`build and startup timed out after ${ms} ms; simulation killed`)));
    }, ms);
    const onConn = (s: Socket) => {
      done();
      s.setNoDelay?.(true);
      resolve(s);
    };
    const done = () => {
      clearTimeout(timer);
      server.off('connection', onConn);
    };
    server.on('connection', onConn);
    void peer.exited.then(() => {
      done();
      reject(peer.failure(`simulation ${peer.status} before the bridge connected`));
    });
  });
}
