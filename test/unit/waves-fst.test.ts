// FST: FstWriter's files read back the same through GTKWave's fst2vcd and through the native
// reader (FstSource), LZ4-packed files from vcd2fst read natively, diff finds a flipped bit in an
// FST at its exact time and signal, and bad or truncated FSTs are input errors (exit 2).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FstWriter } from '../../waves/fst-writer.ts';
import { VcdWriter } from '../../waves/vcd-writer.ts';
import { readVcd } from '../../waves/dump-reader.ts';
import { VcdSource } from '../../waves/vcd-source.ts';
import { FstSource } from '../../waves/fst-source.ts';
import { diffVcd } from '../../waves/dump-diff.ts';
import { lz4Decompress } from '../../waves/lz4.ts';
import { openWaves } from '../../waves/launch-gtkwave.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { run } from '../../cli/main.ts';
import { hasCommand } from '../helpers/cli-and-tools.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waves-fst-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const hasFstTools = hasCommand('sh', '-c', 'command -v fst2vcd && command -v vcd2fst');

interface Sig {
  name: string;
  width: number;
}
const SIGNALS: Sig[] = [
  { name: 'head.clk', width: 1 },
  { name: 'head.s_data[0]', width: 16 },
  { name: 'head.state', width: 3 },
  { name: 'head.mac_array.acc_0', width: 41 },
  { name: 'head.mac_array.prod[3]', width: 32 },
  { name: 'head.normalizer.big', width: 53 },
  { name: 'head.normalizer.z', width: 12 },
];

/** The same run into a VCD and an FST; `edit` may change one value of the FST. */
async function pair(
  name: string,
  steps: number,
  seed: number,
  blockBytes: number,
  edit?: (sig: number, t: number, v: number) => number,
): Promise<{ vcd: string; fst: string }> {
  const vcd = path.join(dir, `${name}.vcd`);
  const fst = path.join(dir, `${name}.fst`);
  const w1 = new VcdWriter(vcd, { date: 'fixed' });
  const w2 = new FstWriter(fst, { date: 'fixed', blockBytes });
  for (const w of [w1, w2]) for (const s of SIGNALS) w.declare(s.name, s.width, s.width === 1 ? 1 : 0);
  for (const w of [w1, w2]) {
    w.time(5);
    w.begin();
  }
  let x = seed >>> 0 || 1;
  for (let t = 1; t <= steps; t++) {
    for (const w of [w1, w2]) w.time(5 + t * 5);
    for (let i = 0; i < SIGNALS.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      if (x % 3 === 0) continue;
      const width = SIGNALS[i]!.width;
      // wide values: < 2^(width−1) + 2^20 ≤ 2^width, so every one fits
      const v = width === 1 ? x & 1 : width > 32 ? (x % 2 ** 20) * 2 ** (width - 21) + (x >>> 12) : x % 2 ** width;
      w1.change(i, v);
      w2.change(i, edit ? edit(i, 5 + t * 5, v) : v);
    }
  }
  for (const w of [w1, w2]) w.time(10 + steps * 5);
  await w1.close();
  await w2.close();
  return { vcd, fst };
}

describe('FstWriter', () => {
  it.skipIf(!hasFstTools)('writes what fst2vcd and the native reader read back as the VCD writer wrote it', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.nat(), fc.constantFrom(64, 1000, 1 << 20), async (steps, seed, blockBytes) => {
        const { vcd, fst } = await pair(`rt${n++}`, steps, seed, blockBytes);
        const expected = await readVcd(vcd);
        const native = await readVcd(fst); // FstSource
        expect(FstSource.open(fst)).not.toBeNull();
        const text = path.join(dir, `rt${n}.txt.vcd`);
        fs.writeFileSync(text, spawnSync('fst2vcd', ['-f', fst], { encoding: 'latin1' }).stdout, 'latin1');
        const viaTool = await readVcd(text);
        for (const d of [native, viaTool]) {
          expect(d.timescale).toBe('1ns');
          expect([...d.signals.keys()].sort()).toEqual(SIGNALS.map((s) => s.name).sort());
          for (const s of SIGNALS) expect(collapse(d.signals.get(s.name)!.changes)).toEqual(collapse(expected.signals.get(s.name)!.changes));
        }
      }),
      { numRuns: 12 },
    );
  });

  it('rejects values that do not fit, like the VCD writer', async () => {
    const w = new FstWriter(path.join(dir, 'bad-values.fst'));
    const a = w.declare('head.a', 8);
    w.begin();
    expect(() => w.change(a, 256)).toThrow(RangeError);
    expect(() => w.change(a, -129)).toThrow(RangeError);
    expect(() => w.change(a, 0.5)).toThrow(RangeError);
    w.change(a, -1);
    await w.close();
    expect((await readVcd(path.join(dir, 'bad-values.fst'))).signals.get('head.a')!.changes.at(-1)![1]).toBe(255);
  });
});

/** Last value per time, then only real changes. */
function collapse(h: Array<[number, unknown]>): Array<[number, unknown]> {
  const out: Array<[number, unknown]> = [];
  for (const [t, v] of h) {
    if (out.length && out[out.length - 1]![0] === t) out.pop();
    if (out.length && out[out.length - 1]![1] === v) continue;
    out.push([t, v]);
  }
  return out;
}

describe('reading FST', () => {
  it.skipIf(!hasFstTools)('reads vcd2fst output (LZ4 chunks and hierarchy) natively', async () => {
    const { vcd } = await pair('lz4', 3000, 7, 1 << 20);
    const fst = path.join(dir, 'lz4-from-vcd2fst.fst');
    expect(spawnSync('vcd2fst', ['-v', vcd, '-f', fst]).status).toBe(0);
    expect(FstSource.open(fst)).not.toBeNull();
    expect(await diffVcd(vcd, fst)).toMatchObject({ identical: true, shared: SIGNALS.length, onlyInA: [], onlyInB: [] });
    // and the fst2vcd path agrees
    const src = await VcdSource.open(fst);
    expect(src.vars.length).toBe(SIGNALS.length);
    src.close();
  });

  it('decompresses LZ4 blocks with overlapping matches', () => {
    // "abcabcabcabc" + "xyz": literals abc, match offset 3 length 9, literals xyz
    const block = Uint8Array.from([0x35, 97, 98, 99, 3, 0, 0x30, 120, 121, 122]);
    expect(Buffer.from(lz4Decompress(block, 15)).toString()).toBe('abcabcabcabcxyz');
    expect(() => lz4Decompress(block, 20)).toThrow(RangeError);
  });

  it('finds a single changed value in an FST at its exact time and signal', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.nat(SIGNALS.length - 1), async (step, sig) => {
        const t = 5 + step * 5;
        const base = await pair(`base${n}`, 300, 11, 2000);
        const { fst } = await pair(`edit${n++}`, 300, 11, 2000, (i, tt, v) =>
          i === sig && tt === t ? (SIGNALS[i]!.width === 1 ? v ^ 1 : v === 0 ? 1 : v - 1) : v,
        );
        const d = await diffVcd(base.fst, fst);
        // the edited value may equal the one it replaced only if the signal had no change there
        if (d.identical) return;
        expect(d.differingSignals).toBe(1);
        expect(d.firstDifference).toMatchObject({ time: t, signal: SIGNALS[sig]!.name });
        expect((await diffVcd(base.vcd, fst)).firstDifference).toEqual(d.firstDifference);
      }),
      { numRuns: 15 },
    );
  });

  it('headsim waves FILE.fst opens GTKWave with the layout beside it (the command, without a display)', async () => {
    const { fst } = await pair('open', 50, 5, 1 << 20);
    const save = writeGtkw(fst, { endTime: 260, groups: [{ name: 'g', signals: [{ name: 'head.state', width: 3, names: ['IDLE', 'SELECT'] }] }] });
    expect(save).toBe(fst.replace(/\.fst$/, '.gtkw'));
    const display = process.env.DISPLAY;
    delete process.env.DISPLAY;
    try {
      expect(openWaves(fst)).toMatchObject({ launched: false, command: `gtkwave -a ${save} ${fst}`, gtkwPath: save });
      expect(await run(['waves', fst])).toBe(0);
    } finally {
      if (display !== undefined) process.env.DISPLAY = display;
    }
  });

  it('reports bad and truncated FSTs as input errors, and the CLI exits 2 with one line', async () => {
    const { vcd, fst } = await pair('whole', 500, 3, 1000);
    const bytes = fs.readFileSync(fst);
    const cut = path.join(dir, 'cut.fst');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const junk = path.join(dir, 'junk.fst');
    fs.writeFileSync(junk, 'not an fst at all\n');
    await expect(diffVcd(vcd, cut)).rejects.toThrow(/cut\.fst: truncated FST/);
    await expect(diffVcd(junk, vcd)).rejects.toThrow(/junk\.fst: not an FST file/);
    const err: string[] = [];
    const log = console.error;
    console.error = (m: unknown) => void err.push(String(m));
    try {
      expect(await run(['waves', 'diff', vcd, cut])).toBe(2);
      expect(await run(['waves', cut])).toBe(2);
    } finally {
      console.error = log;
    }
    expect(err.join('\n').trim().split('\n').length).toBe(2);
  });
});
