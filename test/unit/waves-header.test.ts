// A header larger than the reader's 64 KiB chunks: every scope keeps its name, wherever a
// `$scope` line falls relative to a chunk boundary.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVcd } from '../../waves/dump-reader.ts';
import { VcdWriter } from '../../waves/vcd-writer.ts';

describe('VCD reader', () => {
  it.each([0, 7, 23, 41])('keeps scope names across chunk boundaries (offset %i)', async (pad) => {
    const path = join(mkdtempSync(join(tmpdir(), 'vcd-hdr-')), 'big.vcd');
    const w = new VcdWriter(path, { date: 'x'.repeat(pad + 1) });
    const names: string[] = [];
    for (let m = 0; m < 60; m++) for (let r = 0; r < 40; r++) names.push(`head.module_with_a_long_name_${m}.g_block[${m}].register_${r}`);
    const h = names.map((n) => w.declare(n, 8));
    w.begin();
    w.time(10);
    h.forEach((id, i) => w.change(id, i & 255));
    await w.close();
    const d = await readVcd(path);
    expect([...d.signals.keys()].sort()).toEqual([...names].sort());
    expect(d.signals.get(names[1234]!)!.changes.at(-1)![1]).toBe(1234 & 255);
  });
});
