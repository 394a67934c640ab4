// Long runs: the writer streams to disk (bounded heap); diff streams too. Its speed is the
// bench's (model with VCD tracing), not asserted here: the machine is shared.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VcdWriter } from '../../waves/vcd-writer.ts';
import { diffVcd } from '../../waves/dump-diff.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waves-mem-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('VcdWriter on long runs', () => {
  it('writes 2,000,000 changes with bounded heap', async () => {
    const file = path.join(dir, 'long.vcd');
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    let peak = heap0;
    const w = new VcdWriter(file);
    const widths = Array.from({ length: 100 }, (_, i) => (i % 5 === 0 ? 1 : [8, 16, 41, 53][i % 4]));
    const hs = widths.map((width, i) => w.declare(`head.unit${i % 7}.sig_${i}`, width));
    w.begin();
    const total = 2_000_000;
    let n = 0;
    let x = 12345;
    for (let t = 1; n < total; t++) {
      w.time(t);
      for (let i = 0; i < hs.length && n < total; i++, n++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        w.change(hs[i], widths[i] === 1 ? x & 1 : x % 2 ** Math.min(widths[i], 31));
      }
      if (t % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    await w.close();
    expect(peak - heap0).toBeLessThan(50e6);
    expect(fs.statSync(file).size).toBeGreaterThan(total * 8); // every change reached the file

    const d = await diffVcd(file, file);
    expect(d).toMatchObject({ identical: true, shared: 100 });
  });
});
