/**
 * Round-trip speed of the Verilator bridge on the test fixture (not a test):
 *   node --import ./lib/ts-runtime/register.mjs bench/verilator-bridge-speed.ts [sW=128] [batch=10000] [seconds=3]
 * Prints build time and cycles/s of run() (stimulus written once, reused every batch).
 */
import { IN_M_READY, IN_RST, IN_S_LAST, IN_S_VALID, PortBatch } from '../harness/rtl/ports.ts';
import { VerilatorBackend } from '../harness/rtl/verilator/bridge.ts';
import { buildFixture, rng } from './fixtures/verilator/fixture.ts';

const sW = Number(process.argv[2] ?? 128);
const n = Number(process.argv[3] ?? 10_000);
const seconds = Number(process.argv[4] ?? 3);
const widths = { sW, idxW: 8, valW: 32 };

const build = await buildFixture(widths);
console.log(`build: ${build.seconds.toFixed(2)} s (${build.cached ? 'cached' : 'cold'}) ${build.dir}`);

const batch = new PortBatch(widths, n);
const next = rng(1);
for (let t = 0; t < n; t++) {
  batch.flags[t] = IN_S_VALID | IN_M_READY | (t % 64 === 63 ? IN_S_LAST : 0) | (t === 0 ? IN_RST : 0);
  for (let w = 0; w < batch.sWords; w++) batch.sData[t * batch.sWords + w] = next();
}
batch.sData[batch.sWords - 1] &= batch.sTopMask;

const b = await VerilatorBackend.start({ exe: build.exe, widths });
await b.run(batch, n); // warm-up
const t0 = performance.now();
let cycles = 0;
while (performance.now() - t0 < seconds * 1000) {
  await b.run(batch, n);
  cycles += n;
}
const s = (performance.now() - t0) / 1000;
await b.close();
console.log(`round trip: ${(cycles / s / 1e6).toFixed(2)} M cycles/s (sW=${sW}, ${n}-cycle batches, ${cycles} cycles in ${s.toFixed(2)} s)`);
