// The cocotb bridge (Icarus under cocotb, harness/rtl/cocotb/) on the test fixture and on rtl/:
// bit-true against the reference and Verilator, errors, timeouts, X/Z, traces, missing tools.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CocotbBackend, CocotbBridgeError, type CocotbBackendOptions } from '../../../harness/rtl/cocotb/bridge.ts';
import { checkCocotbSetup, CocotbSetupError, DEFAULT_PYTHON } from '../../../harness/rtl/cocotb/setup.ts';
import { InputError } from '../../../lib/errors.ts';
import { IN_M_READY, IN_RST, IN_S_LAST, IN_S_VALID, PortBatch, type PortWidths } from '../../../harness/rtl/ports.ts';
import { VerilatorBackend } from '../../../harness/rtl/verilator/bridge.ts';
import { FixtureModel } from '../../fixtures/verilator/fixture-model.ts';
import { buildFixture, FIXTURE_RTL, randomStimulus, rng } from '../../fixtures/verilator/fixture.ts';
import { hasIcarus, hasVerilator } from '../../helpers/cli-and-tools.ts';

const OUT = path.resolve('out/test-cocotb');
const BUILD_ROOT = path.join(OUT, 'build');
const hasVenv = spawnSync(DEFAULT_PYTHON, ['-c', 'import cocotb, cocotb_tools.runner']).status === 0;
const RTL_HEAD = path.resolve('rtl/head.v');

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close().catch(() => {});
});

let runId = 0;
async function start(widths: PortWidths, o: Partial<CocotbBackendOptions> = {}): Promise<CocotbBackend> {
  const b = await CocotbBackend.start({
    sources: [FIXTURE_RTL],
    params: { S_W: widths.sW, IDX_W: widths.idxW, VAL_W: widths.valW },
    widths,
    outDir: path.join(OUT, `run-${process.pid}-${runId++}`),
    buildRoot: BUILD_ROOT,
    ...o,
  });
  open.push(b);
  return b;
}

/** True while any process of group pgid exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasIcarus || !hasVenv)('cocotb bridge (Icarus) on the fixture DUT', () => {
  it('matches the TypeScript reference and the Verilator backend bit for bit, S_W = 128', async () => {
    const widths = { sW: 128, idxW: 8, valW: 32 };
    const cocotb = await start(widths, { plusargs: ['+offset=3'] });
    const verilator = hasVerilator ? await VerilatorBackend.start({ exe: (await buildFixture(widths)).exe, widths, plusargs: { offset: 3 } }) : null;
    if (verilator) open.push(verilator);
    const model = new FixtureModel(widths.idxW, widths.valW, 3);
    const n = 1500;
    const [c, v, m] = [new PortBatch(widths, n), new PortBatch(widths, n), new PortBatch(widths, n)];
    const next = rng(11);
    let compared = 0;
    for (let k = 0; k < 3; k++) {
      const len = n - 101 * k; // odd lengths too (padded flag blocks)
      randomStimulus(c, len, next, k === 0);
      for (const b of [v, m]) {
        b.flags.set(c.flags);
        b.sData.set(c.sData);
      }
      await Promise.all([cocotb.run(c, len), verilator?.run(v, len)]);
      model.run(m, len);
      // From cycle 0: X/Z left after the initial blocks start at 0, as under Verilator.
      for (let t = 0; t < len; t++) {
        if (!c.sameOutputs(t, m)) throw new Error(`batch ${k} cycle ${t}: cocotb ${JSON.stringify(c.getOutputs(t))} model ${JSON.stringify(m.getOutputs(t))}`);
        if (verilator && !c.sameOutputs(t, v))
          throw new Error(`batch ${k} cycle ${t}: cocotb ${JSON.stringify(c.getOutputs(t))} verilator ${JSON.stringify(v.getOutputs(t))}`);
        compared++;
      }
    }
    expect(compared).toBe(1500 + 1399 + 1298);
    expect(cocotb.cycles).toBe(compared);
    await cocotb.close();
    const xml = readFileSync(cocotb.resultsXml, 'utf8');
    expect(xml).toContain('headsim_bridge');
    expect(xml).not.toContain('<failure');
  });

  it('matches with narrow ports (S_W = 16, IDX_W = 3, VAL_W = 12)', async () => {
    const widths = { sW: 16, idxW: 3, valW: 12 };
    const b = await start(widths);
    const model = new FixtureModel(widths.idxW, widths.valW);
    const n = 800;
    const [c, m] = [new PortBatch(widths, n), new PortBatch(widths, n)];
    randomStimulus(c, n, rng(5), true);
    m.flags.set(c.flags);
    m.sData.set(c.sData);
    await b.run(c, n);
    model.run(m, n);
    for (let t = 0; t < n; t++) expect(c.getOutputs(t), `cycle ${t}`).toEqual(m.getOutputs(t));
  });

  it('rejects with the log tail when the RTL calls $fatal, and leaves no process behind', async () => {
    const widths = { sW: 32, idxW: 8, valW: 32 };
    const b = await start(widths, { timeoutMs: 10_000 });
    const batch = new PortBatch(widths, 100);
    batch.flags.fill(IN_S_VALID | IN_M_READY);
    batch.flags[0] |= IN_RST;
    batch.setData(50, [0xdeaddead]);
    const err = await b.run(batch, 100).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CocotbBridgeError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/simulation exited with status \d+ during batch of 100 cycles/);
    expect(msg).toMatch(/magic fatal beat/);
    expect(msg).toMatch(/the simulation ended .* in cycle 50/);
    expect(groupAlive(b.pid)).toBe(false);
    await expect(b.run(batch, 1)).rejects.toThrow(/magic fatal beat/); // stays failed
  });

  it('kills a simulation that does not answer within the timeout (the whole process group)', async () => {
    const widths = { sW: 32, idxW: 8, valW: 32 };
    const b = await start(widths, { timeoutMs: 500 });
    const batch = new PortBatch(widths, 10);
    process.kill(-b.pid, 'SIGSTOP'); // a hung simulation (python launcher and vvp): without the timeout, run() would wait forever
    await expect(b.run(batch, 10)).rejects.toThrow(/timed out after \d+ ms; simulation killed[\s\S]*--- log tail ---/);
    expect(groupAlive(b.pid)).toBe(false);
  });

  it('reports X/Z on an output after reset as an error; before reset (or zeroed at time 0) it reads 0', async () => {
    // Same ports; m_value shows a register that is never reset nor written.
    const file = path.join(OUT, 'x_fixture.v');
    mkdirSync(OUT, { recursive: true });
    writeFileSync(
      file,
      `module head #(parameter integer S_W = 32, parameter integer IDX_W = 8, parameter integer VAL_W = 32) (
  input wire clk, input wire rst, input wire s_valid, output wire s_ready, input wire [S_W-1:0] s_data,
  input wire s_last, output wire m_valid, input wire m_ready, output wire [IDX_W-1:0] m_index,
  output wire [VAL_W-1:0] m_value, output wire m_last);
  reg [VAL_W-1:0] junk;
  reg full;
  always @(posedge clk) if (rst) full <= 1'b0; else if (s_valid) full <= 1'b1;
  assign s_ready = 1'b1;
  assign m_valid = full;
  assign m_index = 0;
  assign m_last = 1'b0;
  assign m_value = full ? junk : {VAL_W{1'b0}};
endmodule
`,
    );
    const widths = { sW: 32, idxW: 8, valW: 32 };
    const batch = new PortBatch(widths, 6);
    batch.flags.set([IN_RST, 0, 0, IN_S_VALID, 0, 0]);

    const zeroed = await start(widths, { sources: [file], timeoutMs: 10_000 });
    await zeroed.run(batch, 6);
    expect(Array.from(batch.mValue)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(batch.getOutputs(4).mValid).toBe(true);

    const fourState = await start(widths, { sources: [file], timeoutMs: 10_000, xInit: 'x' });
    const pre = new PortBatch(widths, 1);
    await fourState.run(pre, 1); // cycle 0, before any reset: X reads as 0
    expect(pre.getOutputs(0)).toEqual({ sReady: true, mValid: false, mLast: false, mIndex: 0, mValue: 0 });
    await expect(fourState.run(batch, 6)).rejects.toThrow(/X\/Z on output m_value = X+ in cycle 5 \(after reset\)/);
    expect(groupAlive(fourState.pid)).toBe(false);
  });

  it('traces from traceStart to traceStop into one VCD, and resumes into the same file only', async () => {
    const widths = { sW: 32, idxW: 8, valW: 32 };
    const b = await start(widths);
    const batch = new PortBatch(widths, 100);
    batch.flags.fill(IN_S_VALID | IN_M_READY);
    batch.flags[0] |= IN_RST;
    batch.flags[99] |= IN_S_LAST;
    const vcd = path.join(OUT, `trace-${process.pid}.vcd`);
    rmSync(vcd, { force: true });
    await b.run(batch, 100); // cycles 0..99, untraced
    await b.traceStart(vcd);
    await b.run(batch, 50); // cycles 100..149
    await b.traceStop();
    await expect(b.traceStart(path.join(OUT, 'other.vcd'))).rejects.toThrow(/one VCD per simulation/);
    await b.run(batch, 100);
    await b.close();
    const text = readFileSync(vcd, 'utf8');
    expect(text).toContain('$enddefinitions');
    expect(text).toMatch(/\$var wire\s+32\s+\S+\s+s_data/);
    // Times in the file's unit: the fixture's `timescale 1ns/1ps makes it 1ps.
    const unit = { '1ps': 1e-3, '1ns': 1 }[/\$timescale\s+(\S+)\s+\$end/.exec(text)![1]!]!;
    const times = [...text.matchAll(/^#(\d+)$/gm)].map((m) => Number(m[1]) * unit);
    expect(times[0]).toBe(1000); // cycle 100 at 10t
    expect(times).toContain(1495); // the rising edge of cycle 149
    expect(times.at(-1)).toBe(1496); // $dumpoff just after it
    expect(times.filter((t) => t < 1496).length).toBe(100); // 10t and 10t+5 for 50 cycles
  });

  it('fails to start with the build log when the RTL does not compile', async () => {
    const file = path.join(OUT, 'broken.v');
    mkdirSync(OUT, { recursive: true });
    writeFileSync(file, 'module head(input wire clk); this is not verilog; endmodule\n');
    const err = await start({ sW: 32, idxW: 8, valW: 32 }, { sources: [file] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CocotbBridgeError);
    expect((err as Error).message).toMatch(/exited with status 3 before the bridge connected[\s\S]*broken\.v:1: syntax error/);
  });
});

describe.skipIf(!hasIcarus)('cocotb backend setup errors', () => {
  it('a missing venv is a one-line InputError naming `make venv`', async () => {
    const python = path.join(OUT, 'no-such-venv', 'bin', 'python');
    const err = await CocotbBackend.start({ sources: [FIXTURE_RTL], widths: { sW: 32, idxW: 8, valW: 32 }, outDir: path.join(OUT, 'nv'), python }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect(err).toBeInstanceOf(CocotbSetupError);
    expect((err as Error).message).not.toContain('\n');
    expect((err as Error).message).toMatch(/Python venv not found .*make venv/);
  });

  it('a venv without cocotb is an InputError naming `make venv`', async (ctx) => {
    const venv = path.join(OUT, `bare-venv-${process.pid}`);
    rmSync(venv, { recursive: true, force: true });
    if (spawnSync('python3', ['-m', 'venv', '--without-pip', venv]).status !== 0) return ctx.skip('python3 has no venv module here');
    try {
      await expect(checkCocotbSetup(path.join(venv, 'bin', 'python'))).rejects.toThrow(/cocotb is not installed in .*make venv/);
    } finally {
      rmSync(venv, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasVenv)('a missing iverilog is an InputError naming the apt package', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(checkCocotbSetup()).rejects.toThrow(/^iverilog not found: apt-get install -y iverilog$/);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe.skipIf(!hasIcarus || !hasVenv || !existsSync(RTL_HEAD))('headsim cosim --backend cocotb on rtl/', () => {
  it('runs the lockstep on the cocotb backend and reports it', async () => {
    const { run } = await import('../../../cli/main.ts');
    const out = path.join(OUT, 'cosim');
    const json = path.join(out, 'report.json');
    rmSync(out, { recursive: true, force: true });
    const code = await run(['cosim', '--backend', 'cocotb', '--mode', 'argmax', '--vectors', '4', '--out', out, '--json', json]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { runs: { backend: string; mismatches: number; cyclesCompared: number; dir: string }[] };
    expect(report.runs[0]!.backend).toBe('cocotb');
    expect(report.runs[0]!.cyclesCompared).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(report.runs[0]!.dir.startsWith(path.join(out, 'cosim'))).toBe(true);
    expect(readFileSync(path.join(report.runs[0]!.dir, 'cocotb', 'results.xml'), 'utf8')).not.toContain('<failure');
    expect(await run(['cosim', '--backend', 'questa', '--mode', 'argmax', '--vectors', '1', '--out', out])).toBe(2);
  });
});
