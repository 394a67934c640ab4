// The event-driven simulation kernel: simulated time, signals, processes, delta cycles.
//
// Semantics follow Verilog's scheduler where it matters for a synchronous datapath:
// - `set` is a blocking write: the value changes now and wakes the processes sensitive to it
//   (combinational processes on any change, edge processes on a rising edge) in this delta;
// - `nba` is a non-blocking write: it is applied after every active process has run, so all
//   registers clocked by one edge see the values from before the edge (two registers swap);
// - a time step repeats active → NBA → active … until nothing changes (delta cycles);
// - timed events (clock edges, testbench actions) come from a heap ordered by time.
//
// Elaboration (components declaring signals and processes) happens before `elaborate()`; the
// run-time structures are then frozen into typed arrays, so a cycle allocates nothing.
import { EventQueue } from './event-queue.ts';

export type Process = () => void;

export interface SignalInfo {
  name: string;
  width: number;
  signed: boolean;
}

export class Kernel {
  time = 0;
  /** Current value of every signal, by id. Processes read it directly. */
  v: Float64Array = new Float64Array(0);
  readonly signals: SignalInfo[] = [];
  /** Called after every time step has settled (waveform tracing); null costs nothing. */
  onStep: ((time: number) => void) | null = null;
  /** Delta cycles run at the current time step; guards against combinational loops. */
  deltaLimit = 1000;

  private inits: number[] = [];
  private procs: Process[] = [];
  private procNames: string[] = [];
  private combSensList: number[][] = [];
  private edgeSensList: number[][] = [];
  private negSensList: number[][] = [];
  private edgeProcess: boolean[] = [];
  private elaborated = false;

  // Run-time structures (CSR sensitivity tables, queues), built by elaborate().
  private combStart = new Int32Array(0);
  private combProcs = new Int32Array(0);
  private edgeStart = new Int32Array(0);
  private edgeProcs = new Int32Array(0);
  private negStart = new Int32Array(0);
  private negProcs = new Int32Array(0);
  private queue = new Int32Array(0);
  private queued = new Uint8Array(0);
  private qHead = 0;
  private qLen = 0;
  private nbaIds = new Int32Array(0);
  private nbaVals = new Float64Array(0);
  private nbaSlot = new Int32Array(0);
  private nbaLen = 0;
  /** Next values for range writes: a component fills next[base + i], then calls nbaRange. */
  next: Float64Array = new Float64Array(0);
  private rangeBase = new Int32Array(64);
  private rangeLen = new Int32Array(64);
  private rangeN = 0;
  /** sensitive[i] = how many of signals 0..i-1 wake any process (O(1) "is this range quiet?") */
  private sensitivePrefix = new Int32Array(0);
  private readonly events = new EventQueue();
  private readonly actions: Array<() => void> = [];

  /** Declare a signal; returns its id. */
  signal(name: string, width: number, init = 0, signed = false): number {
    this.assertElaborating();
    this.signals.push({ name, width, signed });
    this.inits.push(init);
    this.combSensList.push([]);
    this.edgeSensList.push([]);
    this.negSensList.push([]);
    return this.signals.length - 1;
  }

  /** Declare `length` signals `name[i]`; returns the id of element 0 (ids are consecutive). */
  array(name: string, width: number, length: number, init = 0, signed = false): number {
    const base = this.signals.length;
    for (let i = 0; i < length; i++) this.signal(`${name}[${i}]`, width, init, signed);
    return base;
  }

  /** A combinational process: runs at start and whenever a signal it reads changes. */
  comb(name: string, fn: Process, sensitivity: readonly number[]): void {
    const p = this.addProcess(name, fn, false);
    for (const s of sensitivity) this.combSensList[s]!.push(p);
  }

  /** A process woken by the rising edge of `clk` (registers: write them with nba). */
  posedge(name: string, clk: number, fn: Process): void {
    const p = this.addProcess(name, fn, true);
    this.edgeSensList[clk]!.push(p);
  }

  /** A process woken by the falling edge of `clk` (a testbench driving inputs). */
  negedge(name: string, clk: number, fn: Process): void {
    const p = this.addProcess(name, fn, true);
    this.negSensList[clk]!.push(p);
  }

  /** Register an action for timed scheduling; returns its id. */
  action(fn: () => void): number {
    this.actions.push(fn);
    return this.actions.length - 1;
  }

  /** Run action `id` at time now + delay. */
  schedule(delay: number, id: number): void {
    this.events.push(this.time + delay, id);
  }

  /** A free-running clock: falls at t0 + k·period, rises half a period later. */
  clock(clk: number, period: number, t0 = 0): void {
    const half = period / 2;
    const tick = this.action(() => {
      this.set(clk, this.v[clk] === 0 ? 1 : 0);
      this.schedule(half, tick);
    });
    this.events.push(t0, tick);
  }

  elaborate(): void {
    this.assertElaborating();
    this.elaborated = true;
    const n = this.signals.length;
    this.v = Float64Array.from(this.inits);
    [this.combStart, this.combProcs] = csr(this.combSensList);
    [this.edgeStart, this.edgeProcs] = csr(this.edgeSensList);
    [this.negStart, this.negProcs] = csr(this.negSensList);
    const np = this.procs.length;
    this.queue = new Int32Array(np);
    this.queued = new Uint8Array(np);
    this.nbaIds = new Int32Array(n);
    this.nbaVals = new Float64Array(n);
    this.nbaSlot = new Int32Array(n).fill(-1);
    this.next = new Float64Array(n);
    this.sensitivePrefix = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const waking = this.combSensList[i]!.length + this.edgeSensList[i]!.length + this.negSensList[i]!.length;
      this.sensitivePrefix[i + 1] = this.sensitivePrefix[i]! + (waking ? 1 : 0);
    }
    // Like `always @*`, every combinational process evaluates once at time 0.
    for (let p = 0; p < np; p++) if (!this.edgeProcess[p]) this.enqueue(p);
    this.settle();
  }

  /** Blocking write: takes effect now and wakes sensitive processes. */
  set(id: number, value: number): void {
    const old = this.v[id]!;
    if (old === value) return;
    this.v[id] = value;
    for (let i = this.combStart[id]!, e = this.combStart[id + 1]!; i < e; i++) this.enqueue(this.combProcs[i]!);
    if (old === 0 && value === 1) for (let i = this.edgeStart[id]!, e = this.edgeStart[id + 1]!; i < e; i++) this.enqueue(this.edgeProcs[i]!);
    else if (old === 1 && value === 0) for (let i = this.negStart[id]!, e = this.negStart[id + 1]!; i < e; i++) this.enqueue(this.negProcs[i]!);
  }

  /** Non-blocking write: applied when the active processes of this delta have run. */
  nba(id: number, value: number): void {
    let slot = this.nbaSlot[id]!;
    if (slot < 0) {
      slot = this.nbaLen++;
      this.nbaSlot[id] = slot;
      this.nbaIds[slot] = id;
    }
    this.nbaVals[slot] = value;
  }

  /**
   * Non-blocking write of n consecutive signals from next[base..base+n): one call instead of n.
   * Registers that wake no process (most of a data path) are committed as one block copy.
   * Do not mix with nba() on the same signals in one delta.
   */
  nbaRange(base: number, n: number): void {
    if (this.rangeN === this.rangeBase.length) {
      const b = new Int32Array(this.rangeN * 2);
      const l = new Int32Array(this.rangeN * 2);
      b.set(this.rangeBase);
      l.set(this.rangeLen);
      this.rangeBase = b;
      this.rangeLen = l;
    }
    this.rangeBase[this.rangeN] = base;
    this.rangeLen[this.rangeN++] = n;
  }

  /** Run delta cycles at the current time until nothing changes. */
  settle(): void {
    // Blocking writes can wake processes within one delta; bound the evaluations as well.
    let budget = this.deltaLimit * (this.procs.length + 1);
    for (let delta = 0; ; delta++) {
      if (delta > this.deltaLimit) throw new Error(`no convergence after ${this.deltaLimit} delta cycles at t=${this.time} (combinational loop?)`);
      while (this.qLen > 0) {
        if (--budget < 0) throw new Error(`no convergence at t=${this.time}: process ${this.procNames[this.queue[this.qHead]!]} keeps waking (combinational loop?)`);
        const p = this.queue[this.qHead]!;
        this.qHead = this.qHead + 1 === this.queue.length ? 0 : this.qHead + 1;
        this.qLen--;
        this.queued[p] = 0;
        this.procs[p]!();
      }
      if (this.nbaLen === 0 && this.rangeN === 0) return;
      const len = this.nbaLen;
      this.nbaLen = 0;
      for (let i = 0; i < len; i++) {
        const id = this.nbaIds[i]!;
        this.nbaSlot[id] = -1;
        this.set(id, this.nbaVals[i]!);
      }
      const ranges = this.rangeN;
      this.rangeN = 0;
      for (let r = 0; r < ranges; r++) {
        const base = this.rangeBase[r]!;
        const end = base + this.rangeLen[r]!;
        if (this.sensitivePrefix[end] === this.sensitivePrefix[base]) this.v.set(this.next.subarray(base, end), base);
        else for (let id = base; id < end; id++) this.set(id, this.next[id]!);
      }
    }
  }

  /** Advance time, running every event up to and including `until`. */
  run(until: number): void {
    while (this.events.peekTime() <= until) {
      this.time = this.events.peekTime();
      while (this.events.peekTime() === this.time) this.actions[this.events.pop()]!();
      this.settle();
      if (this.onStep) this.onStep(this.time);
    }
    this.time = until;
  }

  id(name: string): number {
    const i = this.signals.findIndex((s) => s.name === name);
    if (i < 0) throw new Error(`no signal named ${name}`);
    return i;
  }

  processName(p: number): string {
    return this.procNames[p]!;
  }

  private enqueue(p: number): void {
    if (this.queued[p]) return;
    this.queued[p] = 1;
    let tail = this.qHead + this.qLen;
    if (tail >= this.queue.length) tail -= this.queue.length;
    this.queue[tail] = p;
    this.qLen++;
  }

  private addProcess(name: string, fn: Process, edge: boolean): number {
    this.assertElaborating();
    this.procs.push(fn);
    this.edgeProcess.push(edge);
    this.procNames.push(name);
    return this.procs.length - 1;
  }

  private assertElaborating(): void {
    if (this.elaborated) throw new Error('the design is elaborated; declare signals and processes before elaborate()');
  }
}

/** Compressed sparse rows: start[i]..start[i+1] index the processes of signal i. */
function csr(lists: number[][]): [Int32Array<ArrayBuffer>, Int32Array<ArrayBuffer>] {
  const start = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) start[i + 1] = start[i]! + lists[i]!.length;
  const flat = new Int32Array(start[lists.length]!);
  lists.forEach((l, i) => flat.set(l, start[i]!));
  return [start, flat];
}
