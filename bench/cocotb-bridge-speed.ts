/**
 * Raw round-trip speed of the RTL backends on the same stimulus (not a test):
 *   node --import ./lib/ts-runtime/register.mjs bench/cocotb-bridge-speed.ts fixture [sW=128] [cycles=20000]
 *   node --import ./lib/ts-runtime/register.mjs bench/cocotb-bridge-speed.ts seed [mode=argmax] [cycles=16384]
 * `fixture`: head_fixture.v with random stimulus. `seed`: rtl/ on the seed scenario, stimulus
 * recorded from the model's testbench (random valid/ready backpressure). Prints cycles/s of
 * run() for the cocotb (Icarus) backend and the Verilator backend; startup and build excluded.
 */
import { parseConfig, type Mode } from '../models/config.ts';
import { buildFixture, FIXTURE_RTL, randomStimulus, rng } from './fixtures/verilator/fixture.ts';
import type { RtlBackend } from '../harness/rtl/backend.ts';
import { writeMemFiles } from '../harness/rtl/memfiles.ts';
import { createModel } from '../harness/run/model.ts';
import { portWidths, PortBatch } from '../harness/rtl/ports.ts';
import { buildScenario } from '../harness/inputs/scenario.ts';
import { STEADY_TRAFFIC } from '../harness/run/traffic.ts';
import { VerilatorBackend } from '../harness/rtl/verilator/bridge.ts';
import { CocotbBackend } from '../harness/rtl/cocotb/bridge.ts';
import { startHeadCocotb } from '../harness/rtl/cocotb/head.ts';
import { startHeadVerilator } from '../harness/rtl/verilator/head.ts';

const what = process.argv[2] ?? 'fixture';

async function time(label: string, b: RtlBackend, batch: PortBatch, n: number): Promise<void> {
  const t0 = performance.now();
  await b.run(batch, n);
  const s = (performance.now() - t0) / 1000;
  await b.close();
  console.log(`${label.padEnd(9)} ${Math.round(n / s).toLocaleString('en-US').padStart(11)} cycles/s  (${n} cycles in ${s.toFixed(2)} s)`);
}

if (what === 'fixture') {
  const sW = Number(process.argv[3] ?? 128);
  const n = Number(process.argv[4] ?? 20_000);
  const widths = { sW, idxW: 8, valW: 32 };
  const batch = new PortBatch(widths, n);
  randomStimulus(batch, n, rng(1), true);
  const params = { S_W: sW, IDX_W: 8, VAL_W: 32 };
  const c = await CocotbBackend.start({ sources: [FIXTURE_RTL], params, widths, outDir: 'out/speed/cocotb-fixture' });
  await time('cocotb', c, batch, n);
  const v = await VerilatorBackend.start({ exe: (await buildFixture(widths)).exe, widths });
  await time('verilator', v, batch, n);
} else if (what === 'seed') {
  const mode = (process.argv[3] ?? 'argmax') as Mode;
  const n = Number(process.argv[4] ?? 16_384);
  const s = buildScenario(parseConfig({ mode }), 1000, 1);
  const batch = new PortBatch(portWidths(s.g), n);
  createModel(s, STEADY_TRAFFIC).tb.run(batch, n); // the model's stimulus (and outputs, unused)
  const mem = writeMemFiles(s, 'out/speed/mem');
  const c = await startHeadCocotb(s, { dir: 'out/speed/cocotb', buildRoot: 'out/cocotb/build', mem });
  await time('cocotb', c, batch, n);
  const v = await startHeadVerilator(s, { mem, outRoot: 'out/verilator', optimize: 'run' });
  await time('verilator', v, batch, n);
} else {
  console.error('usage: speed.ts fixture [sW] [cycles] | seed [mode] [cycles]');
  process.exit(2);
}
