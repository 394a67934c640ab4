// The sweep's work queue (harness/sweep/work-queue.ts): the highest rank first, ties in the
// order queued, tasks queued while others run are taken, every slot waits until nothing runs,
// and a slot whose worker died opens another.
import { describe, expect, it } from 'vitest';
import { WorkQueue, type SlotWorker } from '../harness/sweep/work-queue.ts';

class Worker implements SlotWorker {
  static opened = 0;
  dead = false;
  closed = false;
  constructor() {
    Worker.opened++;
  }
  async close() {
    this.closed = true;
  }
}

describe('sweep work queue', () => {
  it('one slot: by rank, ties first-queued; work queued by a task is done too', async () => {
    const q = new WorkQueue<{ name: string; rank: number; then?: { name: string; rank: number } }>((t) => t.rank);
    for (const [name, rank] of [['a', 3], ['b', 5], ['c', 5], ['d', 1], ['e', 4], ['f', 5]] as const) q.push({ name, rank, then: name === 'e' ? { name: 'g', rank: 2 } : undefined });
    const order: string[] = [];
    await q.drain(1, () => new Worker(), async (_w, t) => {
      order.push(t.name);
      if (t.then) q.push(t.then);
    });
    expect(order).toEqual(['b', 'c', 'f', 'e', 'a', 'g', 'd']);
    expect(q.length).toBe(0);
  });

  it('two slots: a slot with nothing to take waits for the other, whose task queues more; a dead worker is replaced, all are closed', async () => {
    const q = new WorkQueue<number>((t) => t);
    q.push(10);
    const seen: number[] = [];
    const workers: Worker[] = [];
    Worker.opened = 0;
    await q.drain(2, () => {
      const w = new Worker();
      workers.push(w);
      return w;
    }, async (w, t) => {
      seen.push(t);
      await new Promise((r) => setTimeout(r, 5));
      if (t === 10) {
        w.dead = true; // the next task of this slot needs a new worker
        q.push(7);
        q.push(8);
      }
    });
    expect(seen.sort((a, b) => a - b)).toEqual([7, 8, 10]);
    expect(Worker.opened).toBe(3);
    expect(workers.every((w) => w.closed)).toBe(true);
  });
});
