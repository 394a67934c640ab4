// The sweep's queue of tasks and the pool's slots that drain it. Each slot holds one worker (the
// sweep's: a worker thread, harness/sweep/pool.ts; a new one after a crash) and takes the
// highest-ranked task next (ties: the earliest queued), or waits while tasks still running may
// queue more. A binary heap: taking and queuing cost log(tasks), not a scan of the queue.

/** What a slot holds: a worker that may die (then the slot opens another) and is closed at the end. */
export interface SlotWorker {
  readonly dead: boolean;
  close(): Promise<void>;
}

interface Entry<T> {
  task: T;
  rank: number;
  seq: number;
}

export class WorkQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;
  private running = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly rank: (t: T) => number) {}

  get length(): number {
    return this.heap.length;
  }

  push(task: T): void {
    this.heap.push({ task, rank: this.rank(task), seq: this.seq++ });
    this.up(this.heap.length - 1);
  }

  /** Runs `slots` slots until the queue is empty and nothing runs; `execute` may push more tasks. */
  async drain<W extends SlotWorker>(slots: number, open: () => W, execute: (w: W, t: T) => Promise<void>): Promise<void> {
    await Promise.all(Array.from({ length: slots }, () => this.slot(open, execute)));
  }

  private async slot<W extends SlotWorker>(open: () => W, execute: (w: W, t: T) => Promise<void>): Promise<void> {
    let w: W | null = null;
    try {
      for (;;) {
        const t = this.pop();
        if (t === undefined) {
          if (this.running === 0) break;
          await new Promise<void>((r) => this.waiters.push(r));
          continue;
        }
        this.running++; // from the moment it is taken: a slot finding the queue empty waits for it
        try {
          if (!w || w.dead) {
            await w?.close(); // a dead worker's leftovers (a crashed thread's handle)
            w = open();
          }
          await execute(w, t);
        } finally {
          this.running--;
        }
        this.notify();
      }
    } finally {
      this.notify();
      await w?.close();
    }
  }

  private notify(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    return a.rank > b.rank || (a.rank === b.rank && a.seq < b.seq);
  }

  private pop(): T | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      this.down(0);
    }
    return top.task;
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) return;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && this.before(h[l]!, h[best]!)) best = l;
      if (r < h.length && this.before(h[r]!, h[best]!)) best = r;
      if (best === i) return;
      [h[i], h[best]] = [h[best]!, h[i]!];
      i = best;
    }
  }
}
