// Timed events: a binary min-heap on (time, insertion order) kept in typed arrays, so that
// scheduling the clock's next edge allocates nothing.

export class EventQueue {
  private times = new Float64Array(64);
  private seqs = new Float64Array(64);
  private actions = new Int32Array(64);
  private n = 0;
  private seq = 0;

  get size(): number {
    return this.n;
  }

  peekTime(): number {
    return this.n > 0 ? this.times[0]! : Infinity;
  }

  /** Insertion number of the earliest event (Infinity when empty). */
  peekSeq(): number {
    return this.n > 0 ? this.seqs[0]! : Infinity;
  }

  /**
   * Takes an insertion number without queueing anything: an event kept outside the heap (a
   * clock edge) is ordered against same-time events exactly as if it had been pushed now.
   */
  takeSeq(): number {
    return this.seq++;
  }

  push(time: number, action: number): void {
    if (this.n === this.times.length) this.grow();
    let i = this.n++;
    const s = this.seq++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(time, s, p)) break;
      this.move(p, i);
      i = p;
    }
    this.times[i] = time;
    this.seqs[i] = s;
    this.actions[i] = action;
  }

  /** Removes the earliest event and returns its action id. */
  pop(): number {
    const top = this.actions[0]!;
    const last = --this.n;
    const t = this.times[last]!;
    const s = this.seqs[last]!;
    const a = this.actions[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && this.before(this.times[c + 1]!, this.seqs[c + 1]!, c)) c++;
      if (this.before(t, s, c)) break; // the moved element already precedes its smaller child
      this.move(c, i);
      i = c;
    }
    this.times[i] = t;
    this.seqs[i] = s;
    this.actions[i] = a;
    return top;
  }

  private before(time: number, seq: number, j: number): boolean {
    return time < this.times[j]! || (time === this.times[j] && seq < this.seqs[j]!);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.actions[to] = this.actions[from]!;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    const s = new Float64Array(cap);
    const a = new Int32Array(cap);
    t.set(this.times);
    s.set(this.seqs);
    a.set(this.actions);
    this.times = t;
    this.seqs = s;
    this.actions = a;
  }
}
