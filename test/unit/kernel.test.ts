// The event-driven kernel's semantics (sim/kernel.ts): non-blocking registers, delta cycles in
// any declaration order, timed events in order, combinational loops reported, edge kinds.
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../sim/kernel.ts';

function clocked() {
  const k = new Kernel();
  const clk = k.signal('clk', 1, 1);
  return { k, clk };
}

describe('event-driven kernel', () => {
  it('swaps two registers clocked by the same edge (non-blocking semantics)', () => {
    const { k, clk } = clocked();
    const a = k.signal('a', 8, 1);
    const b = k.signal('b', 8, 2);
    k.posedge('a', clk, () => k.nba(a, k.v[b]!));
    k.posedge('b', clk, () => k.nba(b, k.v[a]!));
    k.clock(clk, 10);
    k.elaborate();
    k.run(5); // first rising edge
    expect([k.v[a], k.v[b]]).toEqual([2, 1]);
    k.run(15);
    expect([k.v[a], k.v[b]]).toEqual([1, 2]);
  });

  it('settles a chain of combinational processes in delta cycles, in any declaration order', () => {
    const k = new Kernel();
    const x = k.signal('x', 8);
    const y = k.signal('y', 8);
    const z = k.signal('z', 8);
    let zRuns = 0;
    // declared consumer-first on purpose
    k.comb(
      'z=y+1',
      () => {
        zRuns++;
        k.set(z, k.v[y]! + 1);
      },
      [y],
    );
    k.comb('y=2x', () => k.set(y, k.v[x]! * 2), [x]);
    const poke = k.action(() => k.set(x, 5));
    k.elaborate();
    expect(k.v[z]).toBe(1);
    const before = zRuns;
    k.schedule(3, poke);
    k.run(3);
    expect(k.v[z]).toBe(11);
    expect(zRuns - before).toBe(1); // woken once by y's change, not on every delta
    k.run(100);
    expect(zRuns - before).toBe(1); // nothing changed, nothing ran
  });

  it('runs timed events in time order, same-time events in scheduling order', () => {
    const k = new Kernel();
    const log: string[] = [];
    const a = k.action(() => log.push(`a@${k.time}`));
    const b = k.action(() => log.push(`b@${k.time}`));
    const c = k.action(() => log.push(`c@${k.time}`));
    k.elaborate();
    k.schedule(7, c);
    k.schedule(3, a);
    k.schedule(7, b);
    k.schedule(3, b);
    k.run(10);
    expect(log).toEqual(['a@3', 'b@3', 'c@7', 'b@7']);
  });

  it('last non-blocking write in a delta wins and an unchanged value wakes nobody', () => {
    const { k, clk } = clocked();
    const r = k.signal('r', 8);
    let wakes = 0;
    k.comb('watch', () => wakes++, [r]);
    k.posedge('w', clk, () => {
      k.nba(r, 3);
      k.nba(r, 4);
    });
    k.clock(clk, 10);
    k.elaborate();
    const w0 = wakes;
    k.run(5);
    expect(k.v[r]).toBe(4);
    expect(wakes - w0).toBe(1);
    k.run(15);
    expect(wakes - w0).toBe(1);
  });

  it('reports a combinational loop instead of hanging', () => {
    const k = new Kernel();
    const a = k.signal('a', 1);
    const kick = k.action(() => k.set(a, 1));
    k.comb('not a', () => k.set(a, k.v[a] ? 0 : 1), [a]);
    expect(() => k.elaborate()).toThrow(/combinational loop/);
    void kick;
  });

  it('wakes falling-edge processes only on 1 → 0', () => {
    const { k, clk } = clocked();
    const edges: number[] = [];
    k.negedge('n', clk, () => edges.push(k.time));
    k.clock(clk, 10);
    k.elaborate();
    k.run(31);
    expect(edges).toEqual([0, 10, 20, 30]);
  });
});
