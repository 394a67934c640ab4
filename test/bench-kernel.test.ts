// The kernel's fast path (generated processes, fused clock edges) keeps the scheduler's
// semantics: the same cases as test/kernel.test.ts written as generated processes, each run
// with the fused edges and with the general delta-cycle scheduler alone, plus mixes with
// closures, same-time events, memories and combinational loops.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../sim/kernel.ts';

/** fused edges calling each process, fused edges with the processes inlined, delta cycles only */
const modes = [
  ['fused edges', 'call'],
  ['fused edges, processes inlined', 'inline'],
  ['general scheduler', 'general'],
] as const;
type Mode = (typeof modes)[number][1] | boolean;

function kernel(mode: Mode): Kernel {
  const k = new Kernel();
  k.fused = mode !== 'general' && mode !== false;
  k.inlineProcesses = mode === 'inline';
  return k;
}

function clocked(mode: Mode) {
  const k = kernel(mode);
  const clk = k.signal('clk', 1, 1);
  return { k, clk };
}

describe.each(modes)('generated processes (%s)', (_name, fused: Mode) => {
  it('swaps two registers clocked by the same edge (non-blocking semantics)', () => {
    const { k, clk } = clocked(fused);
    const a = k.signal('a', 8, 1);
    const b = k.signal('b', 8, 2);
    k.posedgeCode('a', clk, (c) => c.nba(a, c.v(b)));
    k.posedgeCode('b', clk, (c) => c.nba(b, c.v(a)));
    k.clock(clk, 10);
    k.elaborate();
    k.run(5);
    expect([k.v[a], k.v[b]]).toEqual([2, 1]);
    k.run(15);
    expect([k.v[a], k.v[b]]).toEqual([1, 2]);
  });

  it('settles a chain of combinational processes once each, in any declaration order', () => {
    const { k, clk } = clocked(fused);
    const r = k.signal('r', 8);
    const y = k.signal('y', 8);
    const z = k.signal('z', 8);
    const runs = new Int32Array(1);
    k.combCode('z=y+1', (c) => `${c.ext(runs)}[0]++; ${c.set(z, `${c.v(y)} + 1`)}`, [y]);
    k.combCode('y=2r', (c) => c.set(y, `${c.v(r)} * 2`), [r]);
    k.posedgeCode('r++', clk, (c) => c.nba(r, `${c.v(r)} + 1`));
    k.clock(clk, 10);
    k.elaborate();
    expect(k.v[z]).toBe(1);
    const r0 = runs[0]!;
    k.run(5);
    expect([k.v[r], k.v[y], k.v[z]]).toEqual([1, 2, 3]);
    expect(runs[0]! - r0).toBe(1); // woken once by y's change
    k.run(10); // a falling edge: nothing changes, nothing runs
    expect(runs[0]! - r0).toBe(1);
    k.run(35);
    expect([k.v[r], k.v[z]]).toEqual([4, 9]);
  });

  it('register arrays: nbaRange commits, quiet ones as a block, listened ones wake their readers', () => {
    const { k, clk } = clocked(fused);
    const q = k.array('q', 8, 20); // nobody listens: block copy
    const w = k.array('w', 8, 3); // a combinational process listens
    const sum = k.signal('sum', 10);
    k.posedgeCode('shift', clk, (c) => `
      for (let i = 19; i > 0; i--) ${c.next(q, 'i')} = ${c.v(q, 'i - 1')};
      ${c.next(q, 0)} = ${c.v(q, 0)} + 1;
      ${c.nbaRange(q, 20)}
      ${c.next(w, `${c.v(q, 0)} % 3`)} = ${c.v(q, 0)};
      ${c.nbaRange(w, 3)}`);
    k.combCode('sum', (c) => c.set(sum, `${c.v(w, 0)} + ${c.v(w, 1)} + ${c.v(w, 2)}`), [w, w + 1, w + 2]);
    k.clock(clk, 10);
    k.elaborate();
    k.run(5 + 10 * 24); // 25 rising edges
    expect(Array.from(k.v.subarray(q, q + 4))).toEqual([25, 24, 23, 22]);
    expect(Array.from(k.v.subarray(w, w + 3))).toEqual([24, 22, 23]);
    expect(k.v[sum]).toBe(69);
  });

  it('a memory read is a registered block copy', () => {
    const { k, clk } = clocked(fused);
    const mem = k.memory([10, 11, 12, 20, 21, 22]);
    const addr = k.signal('addr', 1);
    const word = k.array('word', 8, 3);
    k.posedgeCode('rom', clk, (c) => `${c.nbaRangeFromMemory(word, 3, mem, `${c.v(addr)} * 3`)} ${c.nba(addr, `1 - ${c.v(addr)}`)}`);
    k.clock(clk, 10);
    k.elaborate();
    k.run(5);
    expect(Array.from(k.v.subarray(word, word + 3))).toEqual([10, 11, 12]);
    k.run(15);
    expect(Array.from(k.v.subarray(word, word + 3))).toEqual([20, 21, 22]);
  });

  it('a testbench at the falling edge drives inputs with blocking writes; the registers see them at the rising edge', () => {
    const { k, clk } = clocked(fused);
    const x = k.signal('x', 8);
    const nx = k.signal('not_x', 8);
    const r = k.signal('r', 8);
    const t = new Int32Array(1);
    k.negedgeCode('drive', clk, (c) => `${c.ext(t)}[0]++; ${c.set(x, `${c.ext(t)}[0] * 3`)}`);
    k.combCode('not', (c) => c.set(nx, `255 - ${c.v(x)}`), [x]);
    k.posedgeCode('reg', clk, (c) => c.nba(r, `${c.v(nx)}`));
    k.clock(clk, 10);
    k.elaborate();
    k.run(24); // falls at 0, 10, 20 (x = 3, 6, 9); rises at 5, 15
    expect([k.v[x], k.v[nx], k.v[r]]).toEqual([9, 246, 249]);
  });

  it('mixes with closures: a closure register feeds generated logic and back', () => {
    const { k, clk } = clocked(fused);
    const a = k.signal('a', 8);
    const b = k.signal('b', 8);
    const sum = k.signal('sum', 9);
    k.posedge('a (closure)', clk, () => k.nba(a, (k.v[b]! + 1) & 255));
    k.posedgeCode('b (generated)', clk, (c) => c.nba(b, `(${c.v(a)} + 2) & 255`));
    k.comb('sum (closure)', () => k.set(sum, k.v[a]! + k.v[b]!), [a, b]);
    k.clock(clk, 10);
    k.elaborate();
    k.run(5 + 10 * 3);
    // a' = b + 1, b' = a + 2 from (0,0): (1,2) (3,3) (4,5) (6,6)
    expect([k.v[a], k.v[b], k.v[sum]]).toEqual([6, 6, 12]);
  });

  it('a timed action at the time of a clock edge: the edge processes see it, whichever was scheduled first', () => {
    const { k, clk } = clocked(fused);
    const x = k.signal('x', 8);
    const r = k.signal('r', 8);
    k.posedgeCode('r', clk, (c) => c.nba(r, c.v(x)));
    k.clock(clk, 10);
    k.elaborate();
    k.schedule(15, k.action(() => k.set(x, 7))); // ordered before the clock's edge at 15
    k.run(15);
    expect(k.v[r]).toBe(7);
    k.run(20); // after the falling edge at 20 the clock holds its place for 25
    k.schedule(5, k.action(() => k.set(x, 9))); // ordered after the clock's edge at 25
    k.run(25);
    expect(k.v[r]).toBe(9); // all same-time events run before the step settles
  });

  it('reports a combinational loop of generated processes instead of hanging', () => {
    const k = kernel(fused);
    const a = k.signal('a', 1);
    k.combCode('not a', (c) => c.set(a, `${c.v(a)} ? 0 : 1`), [a]);
    expect(() => k.elaborate()).toThrow(/combinational loop|convergence/);
  });

  it('rejects writes of the wrong kind at elaboration', () => {
    const { k, clk } = clocked(fused);
    const a = k.signal('a', 1);
    k.combCode('nba in comb', (c) => c.nba(a, 1), [clk]);
    expect(() => k.elaborate()).toThrow(/nba in a combinational process/);
  });
});

describe('fused edges and the general scheduler agree', () => {
  it('on a pipeline with handshakes, cycle by cycle', () => {
    const trace = (fused: Mode) => {
      const { k, clk } = clocked(fused);
      const valid = k.signal('valid', 1);
      const ready = k.signal('ready', 1);
      const data = k.array('data', 16, 4);
      const fire = k.signal('fire', 1);
      const acc = k.signal('acc', 32);
      const n = new Int32Array(1);
      k.negedgeCode('tb', clk, (c) => `const t = ++${c.ext(n)}[0]; ${c.set(valid, 't % 3 !== 0 ? 1 : 0')} ${c.set(ready, 't % 5 !== 1 ? 1 : 0')}`);
      k.combCode('fire', (c) => c.set(fire, `${c.v(valid)} && ${c.v(ready)} ? 1 : 0`), [valid, ready]);
      k.posedgeCode('pipe', clk, (c) => `
        if (${c.v(fire)}) {
          for (let i = 3; i > 0; i--) ${c.next(data, 'i')} = ${c.v(data, 'i - 1')};
          ${c.next(data, 0)} = (${c.v(acc)} * 7 + 1) & 65535;
          ${c.nbaRange(data, 4)}
        }
        ${c.nba(acc, `${c.v(acc)} + ${c.v(data, 3)}`)}`);
      k.clock(clk, 10);
      k.elaborate();
      const rows: number[][] = [];
      k.onStep = () => rows.push(Array.from(k.v));
      k.run(2000);
      return rows;
    };
    const general = trace('general');
    expect(trace('call')).toEqual(general);
    expect(trace('inline')).toEqual(general);
  });
});

describe('registers written in place (own)', () => {
  /** A pipeline out <= s[1]; s[1] <= s[0] + r; s[0] <= r · 3 (s at a computed index), r <= r + 1: in place or as next values. */
  const pipeline = (mode: Mode, own: boolean) => {
    const { k, clk } = clocked(mode);
    const r = k.signal('r', 16);
    const s = k.array('s', 16, 2);
    const out = k.signal('out', 16);
    k.posedgeCode('stages', clk, (c) => {
      const w = (i: number | string) => (own ? c.own(s, i) : c.next(s, i));
      // last stage first: each register is read before it is written
      return `${c.nba(out, c.v(s, 1))}
        ${w(1)} = ${c.v(s, 0)} + ${c.v(r)};
        const j = ${c.v(r)} & 0;
        ${w('j')} = ${c.v(r)} * 3;
        ${own ? '' : c.nbaRange(s, 2)}`;
    });
    k.posedgeCode('count', clk, (c) => c.nba(r, `${c.v(r)} + 1`));
    k.clock(clk, 10);
    k.elaborate();
    const rows: number[][] = [];
    k.onStep = () => rows.push(Array.from(k.v));
    k.run(400);
    return rows;
  };

  it.each(modes)('gives the values of next-value registers, every step (%s)', (_n, mode) => {
    expect(pipeline(mode, true)).toEqual(pipeline('general', false));
  });

  it('is listed among the signals a fused edge can change (traces compare only those)', () => {
    const { k, clk } = clocked('call');
    const r = k.signal('r', 8);
    const x = k.signal('x', 8);
    k.posedgeCode('p', clk, (c) => `${c.own(x)} = ${c.v(x)} + 2; ${c.nba(r, `${c.v(r)} + 1`)}`);
    k.clock(clk, 10);
    k.elaborate();
    const seen: number[][] = [];
    k.onStep = () => seen.push(k.stepSignals ? Array.from(k.stepSignals) : []);
    k.run(6);
    expect(seen.at(-1)).toContain(x);
    expect(k.v[x]).toBe(2);
  });

  it('is refused when another process reads it, or when it also has a next value', () => {
    const read = clocked('call');
    const a = read.k.signal('a', 8);
    const b = read.k.signal('b', 8);
    read.k.posedgeCode('writer', read.clk, (c) => `${c.own(a)} = ${c.v(a)} + 1;`);
    read.k.posedgeCode('reader', read.clk, (c) => c.nba(b, c.v(a)));
    expect(() => read.k.elaborate()).toThrow(/writer: a is written in place \(own\) but reader reads it/);

    const both = clocked('call');
    const m = both.k.array('m', 8, 4);
    // a computed index owns the whole array, m[2] included
    both.k.posedgeCode('p', both.clk, (c) => `const i = 0; ${c.own(m, 'i')} = 1; ${c.nba(m + 2, 3)}`);
    expect(() => both.k.elaborate()).toThrow(/p: m\[2\] is written both in place \(own\) and as a next value/);
  });
});

describe('untraced runs step whole cycles', () => {
  it('a run in uneven pieces, with timed actions between edges and at edges, gives the steps of one traced run', () => {
    const run = (pieces: number[], traced: boolean) => {
      const { k, clk } = clocked('call');
      const r = k.signal('r', 16);
      const poke = k.signal('poke', 16);
      const log: number[] = [];
      const act = k.action(() => k.set(poke, k.v[poke]! + 100));
      k.posedgeCode('r', clk, (c) => c.nba(r, `${c.v(r)} * 3 + ${c.v(poke)} & 65535`));
      k.clock(clk, 10);
      k.elaborate();
      if (traced) k.onStep = () => {};
      for (const until of pieces) {
        k.run(until);
        log.push(k.time, k.v[r]!);
        k.schedule(until % 10 === 0 ? 5 : 3, act); // at the next rising edge, or between edges
      }
      return log;
    };
    const pieces = [7, 15, 33, 40, 41, 97, 100, 155, 160];
    expect(run(pieces, false)).toEqual(run(pieces, true));
  });
});

describe('generated code written out (HEADSIM_DUMP_CODE)', () => {
  it('writes every compiled function, names its process and component line, and stack traces point into the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'headsim-dump-'));
    try {
      const { k, clk } = clocked('call');
      k.dumpCode = dir;
      const r = k.signal('r', 8);
      const boom = k.signal('boom', 1);
      k.posedgeCode('counter', clk, (c) => `${c.nba(r, `${c.v(r)} + 1`)} if (${c.v(r)} === 3 && ${c.v(boom)}) throw new Error('stop at 3');`);
      k.clock(clk, 10);
      k.elaborate();
      const files = readdirSync(dir);
      expect(files.some((f) => f.includes('counter'))).toBe(true);
      expect(files.some((f) => f.endsWith('_rising_edge.js'))).toBe(true);
      const src = readFileSync(join(dir, files.find((f) => f.includes('counter'))!), 'utf8');
      expect(src).toMatch(/\/\/ counter \(test\/bench-kernel\.test\.ts:\d+\)/);
      k.set(boom, 1);
      let stack = '';
      try {
        k.run(100);
      } catch (e) {
        stack = (e as Error).stack ?? '';
      }
      expect(stack).toContain('stop at 3');
      expect(stack).toContain(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
