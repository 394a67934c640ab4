// diffVcd and the `waves diff` command.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { VcdWriter } from '../../waves/vcd-writer.ts';
import { diffVcd } from '../../waves/dump-diff.ts';
import { run } from '../../cli/main.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waves-diff-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const SIGNALS: Array<[string, number]> = [
  ['head.clk', 1],
  ['head.s_valid', 1],
  ['head.s_data', 16],
  ['head.mac_array.acc_0', 41],
  ['head.mac_array.acc_1', 41],
  ['head.m_index', 4],
];

/** A deterministic run of `cycles` clock periods; `edit` may alter a value before it is written. */
async function dump(
  name: string,
  opts: { cycles?: number; extra?: boolean; scale?: number; timescale?: string; edit?: (sig: string, t: number, v: number) => number } = {},
): Promise<string> {
  const file = path.join(dir, name);
  const w = new VcdWriter(file, { date: 'fixed', timescale: opts.timescale ?? '1ns' });
  const sigs = SIGNALS.map(([n, width]) => ({ n, width, h: w.declare(n, width) }));
  const extra = opts.extra ? w.declare('head.debug_only', 8) : -1;
  w.begin();
  const scale = opts.scale ?? 1;
  for (let c = 1; c <= (opts.cycles ?? 50); c++) {
    for (const [i, s] of sigs.entries()) {
      const t = c * 10;
      let v = s.width === 1 ? (c + i) & 1 : ((c * 2654435761 + i * 97) >>> 0) % 2 ** Math.min(s.width, 32);
      if (opts.edit) v = opts.edit(s.n, t, v);
      w.time(t * scale);
      w.change(s.h, v);
    }
    if (extra >= 0) w.change(extra, c & 0xff);
  }
  await w.close();
  return file;
}

describe('diffVcd', () => {
  it('finds identical dumps identical', async () => {
    const a = await dump('a.vcd');
    const b = await dump('b.vcd');
    const d = await diffVcd(a, b);
    expect(d).toMatchObject({ identical: true, shared: SIGNALS.length, onlyInA: [], onlyInB: [], differingSignals: 0 });
    expect(d.firstDifference).toBeUndefined();
  });

  it('locates a single flipped bit at its exact time and signal', async () => {
    const a = await dump('base.vcd');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50 }), fc.nat(SIGNALS.length - 1), fc.nat(40), async (cycle, s, bit) => {
        const [sig, width] = SIGNALS[s];
        const t = cycle * 10;
        const flip = bit % width;
        const b = await dump(`flip${run++}.vcd`, { edit: (n, tt, v) => (n === sig && tt === t ? Number(BigInt(v) ^ (1n << BigInt(flip))) : v) });
        const d = await diffVcd(a, b);
        expect(d.identical).toBe(false);
        expect(d.differingSignals).toBe(1);
        expect(d.firstDifference).toMatchObject({ time: t, signal: sig });
        fs.rmSync(b);
      }),
      { numRuns: 25 },
    );
  });

  it('lists signals only in one dump and still compares the shared ones', async () => {
    const a = await dump('plain.vcd');
    const b = await dump('extra.vcd', { extra: true });
    expect(await diffVcd(a, b)).toMatchObject({ identical: true, shared: SIGNALS.length, onlyInA: [], onlyInB: ['head.debug_only'] });
    expect(await diffVcd(b, a)).toMatchObject({ identical: true, onlyInA: ['head.debug_only'], onlyInB: [] });
  });

  it('compares dumps with different timescales in common time', async () => {
    const a = await dump('ns.vcd');
    const b = await dump('ps.vcd', { timescale: '1ps', scale: 1000 });
    expect((await diffVcd(a, b)).identical).toBe(true);
    const c = await dump('ps-late.vcd', { timescale: '1ps', scale: 1000, edit: (n, t, v) => (n === 'head.m_index' && t === 300 ? v ^ 1 : v) });
    const d = await diffVcd(a, c);
    expect(d.firstDifference).toMatchObject({ time: 300, signal: 'head.m_index' });
    expect(d.timescale).toBe('1ns');
  });

  it('reads large dumps of different density in lockstep, chunk by chunk', async () => {
    const a = await dump('big-a.vcd', { cycles: 8000 });
    const b = await dump('big-b.vcd', {
      cycles: 8000,
      extra: true,
      timescale: '1ps',
      scale: 1000,
      edit: (n, t, v) => (n === 'head.mac_array.acc_1' && t >= 61_230 && t <= 70_000 ? v ^ 4 : v),
    });
    expect(fs.statSync(a).size).toBeGreaterThan(4 * 65536); // several parser chunks
    const d = await diffVcd(a, b);
    expect(d).toMatchObject({ differingSignals: 1, onlyInB: ['head.debug_only'] });
    expect(d.firstDifference).toMatchObject({ time: 61_230, signal: 'head.mac_array.acc_1' });
    expect(await diffVcd(b, a)).toMatchObject({ firstDifference: { time: 61_230_000 } });
  });

  it('breaks ties at one time by name, and honours signals/ignore filters', async () => {
    const a = await dump('tie-a.vcd');
    const b = await dump('tie-b.vcd', { edit: (n, t, v) => (t === 200 && (n === 'head.s_data' || n === 'head.m_index') ? v ^ 1 : v) });
    const d = await diffVcd(a, b);
    expect(d.differingSignals).toBe(2);
    expect(d.firstDifference).toMatchObject({ time: 200, signal: 'head.m_index' });
    expect(await diffVcd(a, b, { ignore: /m_index/ })).toMatchObject({ differingSignals: 1, firstDifference: { signal: 'head.s_data' } });
    expect(await diffVcd(a, b, { signals: ['head.clk', 'head.m_index'] })).toMatchObject({ shared: 2, differingSignals: 1 });
  });

  it('compares values numerically, and x differs from 0', async () => {
    const head =
      '$timescale 1ns $end\n$scope module TOP $end\n$scope module head $end\n$var wire 8 ! v [7:0] $end\n$var wire 1 " f $end\n$upscope $end\n$upscope $end\n$enddefinitions $end\n';
    const a = path.join(dir, 'num-a.vcd');
    const b = path.join(dir, 'num-b.vcd');
    const c = path.join(dir, 'num-c.vcd');
    fs.writeFileSync(a, head + '#0\nb00000101 !\n0"\n#7\nb0 !\n');
    fs.writeFileSync(b, head + '#0\nb101 !\n0"\n#7\nb00000000 !\n');
    fs.writeFileSync(c, head + '#0\nb101 !\n0"\n#7\nbx !\n');
    expect((await diffVcd(a, b)).identical).toBe(true);
    expect((await diffVcd(a, c)).firstDifference).toEqual({ time: 7, signal: 'head.v', a: '0', b: 'bx' });
  });
});

describe('headsim waves diff', () => {
  it('exits 0 on identical, 1 on different, 2 on bad input, and writes --json', async () => {
    const a = await dump('cli-a.vcd');
    const b = await dump('cli-b.vcd', { edit: (n, t, v) => (n === 'head.s_valid' && t === 100 ? v ^ 1 : v) });
    const json = path.join(dir, 'diff.json');
    expect(await run(['waves', 'diff', a, a])).toBe(0);
    expect(await run(['waves', 'diff', a, b, '--json', json])).toBe(1);
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report).toMatchObject({ a, b, identical: false, firstDifference: { time: 100, signal: 'head.s_valid' } });
    expect(await run(['waves', 'diff', a, path.join(dir, 'missing.vcd')])).toBe(2);
    expect(await run(['waves', 'diff', a])).toBe(2);
    expect(await run(['waves', 'diff', a, b, '--ignore', '('])).toBe(2);
  });
});

describe('bad dumps', () => {
  it('reports syntax errors as input errors instead of stopping silently', async () => {
    const good = await dump('good.vcd');
    const bad = path.join(dir, 'bad.vcd');
    fs.writeFileSync(
      bad,
      '$timescale 1ns $end\n$scope module TOP $end\n$var wire 8 ! v [7:0] $end\n$upscope $end\n$enddefinitions $end\n#0\nb1 !\n#5\n%garbage\n#7\nb11 !\n',
    );
    await expect(diffVcd(good, bad)).rejects.toThrow(/bad\.vcd: VCD syntax error 4/);
    fs.writeFileSync(bad, 'not a dump\n');
    await expect(diffVcd(bad, good)).rejects.toThrow(/bad\.vcd: VCD syntax error 1/);
    expect(await run(['waves', 'diff', good, bad])).toBe(2);
  });
});
