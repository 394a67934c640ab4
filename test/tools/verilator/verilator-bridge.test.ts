// The Verilator bridge (harness/rtl/verilator/bridge.ts) on the test fixture: bit-true against
// its TypeScript reference, plusargs, $fatal and $finish, a driver that does not answer, traces.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { IN_M_READY, IN_S_LAST, IN_S_VALID, PortBatch, type PortWidths } from '../../../harness/rtl/ports.ts';
import { VerilatorBackend, VerilatorDriverError } from '../../../harness/rtl/verilator/bridge.ts';
import { FixtureModel } from '../../fixtures/verilator/fixture-model.ts';
import { buildFixture, randomStimulus, rng } from '../../fixtures/verilator/fixture.ts';
import { hasVerilator } from '../../helpers/cli-and-tools.ts';

const open: VerilatorBackend[] = [];
afterEach(async () => {
  for (const b of open.splice(0)) await b.close().catch(() => {});
});

async function start(widths: PortWidths, plusargs?: Record<string, string | number>, timeoutMs?: number): Promise<VerilatorBackend> {
  const { exe } = await buildFixture(widths);
  const b = await VerilatorBackend.start({ exe, widths, plusargs, timeoutMs });
  open.push(b);
  return b;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `batches` random batches through RTL and model; returns the cycles compared. */
async function roundTrip(widths: PortWidths, seed: number, batches: number, n: number, offset = 0): Promise<number> {
  const b = await start(widths, offset ? { offset } : undefined);
  const model = new FixtureModel(widths.idxW, widths.valW, offset);
  const rtl = new PortBatch(widths, n);
  const ref = new PortBatch(widths, n);
  const next = rng(seed);
  let compared = 0;
  for (let k = 0; k < batches; k++) {
    const len = n - k * 7; // vary the length, including odd (padded) counts
    randomStimulus(rtl, len, next, k === 0);
    ref.flags.set(rtl.flags);
    ref.sData.set(rtl.sData);
    await b.run(rtl, len);
    model.run(ref, len);
    // Cycle 0 of the first batch shows pre-reset register contents; compare from the reset edge on.
    for (let t = k === 0 ? 1 : 0; t < len; t++) {
      if (!rtl.sameOutputs(t, ref)) {
        throw new Error(`batch ${k} cycle ${t}: rtl ${JSON.stringify(rtl.getOutputs(t))} model ${JSON.stringify(ref.getOutputs(t))}`);
      }
      compared++;
    }
  }
  expect(b.cycles).toBe(Array.from({ length: batches }, (_, k) => n - 7 * k).reduce((a, c) => a + c, 0));
  return compared;
}

describe.skipIf(!hasVerilator)('verilator bridge on the fixture DUT', () => {
  it('matches the TypeScript reference bit for bit, S_W = 128 (VlWide)', async () => {
    expect(await roundTrip({ sW: 128, idxW: 8, valW: 32 }, 1, 4, 5001)).toBeGreaterThan(19000);
  });

  it('matches the TypeScript reference bit for bit, S_W = 16, narrow outputs', async () => {
    expect(await roundTrip({ sW: 16, idxW: 3, valW: 12 }, 2, 3, 3000)).toBeGreaterThan(8900);
  });

  it('matches across the 16k chunking of a long run, S_W = 40', async () => {
    expect(await roundTrip({ sW: 40, idxW: 8, valW: 32 }, 3, 2, 40_000)).toBeGreaterThan(79_000);
  });

  it('passes plusargs to $value$plusargs', async () => {
    const widths = { sW: 16, idxW: 3, valW: 12 };
    expect(await roundTrip(widths, 4, 2, 500, 5)).toBeGreaterThan(900);
    // And directly: one vector of one beat of value 7 → m_value 7 + 5.
    const b = await start(widths, { offset: 5 });
    const batch = new PortBatch(widths, 3);
    batch.setInputs(0, { rst: true, sValid: false, sLast: false, mReady: false });
    batch.setInputs(1, { rst: false, sValid: true, sLast: true, mReady: false });
    batch.setData(1, [7]);
    batch.setInputs(2, { rst: false, sValid: false, sLast: false, mReady: true });
    await b.run(batch, 3);
    expect(batch.getOutputs(2)).toEqual({ sReady: true, mValid: true, mLast: false, mIndex: 0, mValue: 12 });
  });

  it('rejects with the stderr tail when the RTL calls $fatal, and the driver is gone', async () => {
    const widths = { sW: 32, idxW: 8, valW: 32 };
    const b = await start(widths, undefined, 5000);
    const batch = new PortBatch(widths, 100);
    batch.flags.fill(IN_S_VALID | IN_M_READY);
    batch.flags[0] |= 1; // reset
    batch.setData(50, [0xdeaddead]);
    const err = await b.run(batch, 100).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VerilatorDriverError);
    expect((err as Error).message).toMatch(/magic fatal beat/);
    expect(isAlive(b.pid)).toBe(false);
    await expect(b.run(batch, 1)).rejects.toThrow(/magic fatal beat/); // stays failed
  });

  it('reports an RTL $finish with the cycle it happened in', async () => {
    const widths = { sW: 32, idxW: 8, valW: 32 };
    const b = await start(widths);
    const batch = new PortBatch(widths, 10);
    batch.flags.fill(IN_S_VALID | IN_M_READY | IN_S_LAST);
    batch.setData(6, [0xf1f1f1f1]);
    await expect(b.run(batch, 10)).rejects.toThrow(/\$finish in cycle 6[\s\S]*status 3|status 3[\s\S]*\$finish in cycle 6/);
    expect(isAlive(b.pid)).toBe(false);
  });

  it('kills a driver that does not answer within the timeout', async () => {
    const widths = { sW: 32, idxW: 8, valW: 32 };
    const b = await start(widths, undefined, 300);
    const batch = new PortBatch(widths, 10);
    process.kill(b.pid, 'SIGSTOP'); // a hung simulation: without the timeout, run() would wait forever
    await expect(b.run(batch, 10)).rejects.toThrow(/timed out after \d+ ms; driver killed/);
    expect(isAlive(b.pid)).toBe(false);
  });

  it('traces only the cycles between traceStart and traceStop', async () => {
    const widths = { sW: 32, idxW: 8, valW: 32 };
    const b = await start(widths);
    const batch = new PortBatch(widths, 100);
    batch.flags.fill(IN_S_VALID | IN_M_READY);
    batch.flags[0] |= 1;
    batch.flags[99] |= IN_S_LAST;
    const vcd = 'out/test-verilator/trace/window.vcd';
    rmSync(vcd, { force: true });
    await b.run(batch, 100); // cycles 0..99, untraced
    await b.traceStart(vcd);
    await b.run(batch, 50); // cycles 100..149
    await b.traceStop();
    await b.run(batch, 100);
    await b.close();
    expect(existsSync(vcd)).toBe(true);
    const text = readFileSync(vcd, 'utf8');
    expect(text).toContain('$enddefinitions');
    expect(text).toMatch(/\$timescale\s+1ns\s+\$end/);
    expect(text).toMatch(/\$var wire\s+32\s+\S+\s+s_data/);
    const times = [...text.matchAll(/^#(\d+)$/gm)].map((m) => Number(m[1]));
    expect(times[0]).toBe(1000);
    expect(times.at(-1)).toBe(1495);
    expect(times.length).toBe(100);
  });
});
