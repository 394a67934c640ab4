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
//
// Processes come in two forms with the same semantics:
// - closures (`comb`, `posedge`, `negedge`): called by the scheduler;
// - generated (`combCode`, `posedgeCode`, `negedgeCode`): the body is JavaScript source written
//   with the helpers of `Code`; sim/codegen.ts compiles, for every clock edge, one fused function
//   of the clock's edge processes, their commit and the levelized combinational pass. Whatever
//   the fused path does not cover (closures, other timed events at the same time, writes that
//   wake edge processes, combinational loops) goes through the general delta-cycle scheduler
//   below, which runs the same generated bodies as standalone processes.
// Clocks are kept outside the event heap; a clock edge is ordered against same-time events by
// the sequence number it would have had in the heap, and the fused function runs only when
// the edge is alone in its time step.
import { CodeGenerator, type CodeGen, type DesignTables, type Kind, type Process, type ProcDef, type SignalInfo, type SignalMeta } from './codegen.ts';
import { relative } from 'node:path';
import { EventQueue } from './event-queue.ts';
import type { Runtime } from './runtime.ts';

export type { Code, CodeGen, Process, SignalInfo, SignalMeta } from './codegen.ts';

interface Clock {
  clk: number;
  half: number;
  next: number;
  seq: number;
  /** fused functions for the falling (0) and rising (1) edge */
  fused: [Process, Process] | null;
  /** signals each fused edge can change (sorted), or null when a closure takes part */
  changes: [Int32Array | null, Int32Array | null];
}

export class Kernel implements Runtime {
  time = 0;
  /** Current value of every signal, by id. Processes read it directly. */
  v: Float64Array = new Float64Array(0);
  readonly signals: SignalInfo[] = [];
  /** Called after every time step has settled (waveform tracing); null costs nothing. */
  onStep: ((time: number) => void) | null = null;
  /**
   * During onStep: the signals the time step can have changed (sorted ids, a superset), when the
   * step was a fused clock edge of generated processes only; null means any signal.
   */
  stepSignals: Int32Array | null = null;
  /** Delta cycles run at the current time step; guards against combinational loops. */
  deltaLimit = 1000;
  /** Use the fused per-edge functions (false: every time step goes through the general scheduler). */
  fused = true;
  /** Inline the edge processes' bodies into the fused function (false: one function each, called in order). */
  inlineProcesses = false;
  /**
   * Write every generated function to this directory, named as its script (stack traces and
   * debuggers point into the files; each process block names its component's source line).
   */
  dumpCode: string | null = process.env.HEADSIM_DUMP_CODE || null;

  private inits: number[] = [];
  /** the arrays' extents, by element id */
  private readonly arrays: Array<[number, number]> = [];
  private procList: ProcDef[] = [];
  private procs: Process[] = [];
  private combSensList: number[][] = [];
  private edgeSensList: number[][] = [];
  private negSensList: number[][] = [];
  private elaborated = false;

  // Run-time structures (CSR sensitivity tables, queues), built by elaborate().
  private combStart = new Int32Array(0);
  private combProcs = new Int32Array(0);
  /** levelized generated combinational processes woken by each signal (their dirty-flag index) */
  private genStart = new Int32Array(0);
  private genProcs = new Int32Array(0);
  private edgeStart = new Int32Array(0);
  private edgeProcs = new Int32Array(0);
  private negStart = new Int32Array(0);
  private negProcs = new Int32Array(0);
  private queue = new Int32Array(0);
  private queued = new Uint8Array(0);
  private qHead = 0;
  qLen = 0;
  private nbaIds = new Int32Array(0);
  private nbaVals = new Float64Array(0);
  private nbaSlot = new Int32Array(0);
  nbaLen = 0;
  /** v and next are the two halves of this buffer (block commits are copyWithin, no allocation) */
  buf = new Float64Array(0);
  /**
   * Next values of registers. Between time steps next[i] === v[i] for every signal; a pending
   * non-blocking write of a generated process is a difference. Closures stage range writes here
   * too: fill next[base + i], then call nbaRange.
   */
  next: Float64Array = new Float64Array(0);
  private rangeBase = new Int32Array(64);
  private rangeLen = new Int32Array(64);
  rangeN = 0;
  /** sensitive[i] = how many of signals 0..i-1 wake any process (O(1) "is this range quiet?") */
  private sensitivePrefix = new Int32Array(0);
  private readonly events = new EventQueue();
  private readonly actions: Array<() => void> = [];
  private readonly clocks: Clock[] = [];
  private readonly memories: Float64Array[] = [];

  // Generated processes (Runtime: what their code touches).
  /** written flags of the register ranges of generated processes, by range id */
  rw = new Uint8Array(0);
  /** dirty flags of the levelized combinational processes, in level order */
  dirty = new Uint8Array(0);
  dirtyAny = false;
  combPass: () => void = () => {};
  /** generated edge processes that ran in the general scheduler this delta (their commits are due) */
  private ran = new Int32Array(0);
  private ranFlag = new Uint8Array(0);
  ranN = 0;
  private commits: Array<(() => void) | null> = [];

  /** Declare a signal; returns its id. `meta` says how to display it (fixed point, state names). */
  signal(name: string, width: number, init = 0, signed = false, meta?: SignalMeta): number {
    this.assertElaborating();
    this.signals.push(meta ? { name, width, signed, meta } : { name, width, signed });
    this.inits.push(init);
    this.combSensList.push([]);
    this.edgeSensList.push([]);
    this.negSensList.push([]);
    return this.signals.length - 1;
  }

  /** Declare `length` signals `name[i]`; returns the id of element 0 (ids are consecutive). */
  array(name: string, width: number, length: number, init = 0, signed = false, meta?: SignalMeta): number {
    const base = this.signals.length;
    for (let i = 0; i < length; i++) this.signal(`${name}[${i}]`, width, init, signed, meta);
    for (let i = 0; i < length; i++) this.arrays[base + i] = [base, length];
    return base;
  }

  /** The array signal `id` belongs to: [first id, length] ([id, 1] for a lone signal). */
  arrayOf(id: number): [number, number] {
    return this.arrays[id] ?? [id, 1];
  }

  /** A combinational process: runs at start and whenever a signal it reads changes. */
  comb(name: string, fn: Process, sensitivity: readonly number[]): void {
    this.addProcess(name, 'comb', fn, null, sensitivity);
  }

  /** A process woken by the rising edge of `clk` (registers: write them with nba). */
  posedge(name: string, clk: number, fn: Process): void {
    this.addProcess(name, 'pos', fn, null, [clk]);
  }

  /** A process woken by the falling edge of `clk` (a testbench driving inputs). */
  negedge(name: string, clk: number, fn: Process): void {
    this.addProcess(name, 'neg', fn, null, [clk]);
  }

  /** `comb` with a generated body: writes with `c.set`. */
  combCode(name: string, gen: CodeGen, sensitivity: readonly number[]): void {
    this.addProcess(name, 'comb', null, gen, sensitivity);
  }

  /** `posedge` with a generated body: registers written with `c.nba` / `c.next` + `c.nbaRange`. */
  posedgeCode(name: string, clk: number, gen: CodeGen): void {
    this.addProcess(name, 'pos', null, gen, [clk]);
  }

  /** `negedge` with a generated body (a testbench drives inputs with `c.set`). */
  negedgeCode(name: string, clk: number, gen: CodeGen): void {
    this.addProcess(name, 'neg', null, gen, [clk]);
  }

  /**
   * A memory (ROM contents, not a signal: not traced, read only by generated processes with
   * nbaRangeFromMemory). Returns its handle. Kept beside the signal values, so a read of a word
   * into a register array is one block copy.
   */
  memory(values: ArrayLike<number>): number {
    this.assertElaborating();
    this.memories.push(Float64Array.from(values));
    return this.memories.length - 1;
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

  /** A free-running clock: toggles at t0 and every half period after (from init 1: falls at t0 + k·period). */
  clock(clk: number, period: number, t0 = 0): void {
    this.clocks.push({ clk, half: period / 2, next: this.time + t0, seq: this.events.takeSeq(), fused: null, changes: [null, null] });
  }

  elaborate(): void {
    this.assertElaborating();
    this.elaborated = true;
    const n = this.signals.length;
    const memOffset: number[] = [];
    let words = 2 * n;
    for (const m of this.memories) {
      memOffset.push(words);
      words += m.length;
    }
    this.buf = new Float64Array(words);
    this.memories.forEach((m, i) => this.buf.set(m, memOffset[i]!));
    this.v = this.buf.subarray(0, n);
    this.next = this.buf.subarray(n, 2 * n);
    this.v.set(this.inits);
    this.next.set(this.inits);

    const procs = this.procList;
    const empty = new Int32Array(0);
    const d: DesignTables = {
      signals: this.signals,
      procs,
      edgeSensList: this.edgeSensList,
      negSensList: this.negSensList,
      memOffset,
      memLength: this.memories.map((m) => m.length),
      combStart: empty, combProcs: empty, genStart: empty, genProcs: empty, edgeStart: empty, negStart: empty,
      levels: 0,
      arrayOf: (id) => this.arrayOf(id),
    };
    const gen = new CodeGenerator(d, this, this.inlineProcesses, this.dumpCode);
    // What the generated processes write (one expansion records it).
    for (const p of procs) if (p.gen) gen.analyze(p);
    this.checkOwned(procs);
    this.rw = new Uint8Array(gen.rangeDefs.length);

    // Levelize the generated combinational processes: a process comes after every generated
    // process that writes one of its inputs. A cycle leaves them to the delta loop.
    const combs = procs.map((_, i) => i).filter((i) => procs[i]!.kind === 'comb' && procs[i]!.gen);
    const order = levelize(combs, procs, this.combSensList);
    const level = new Int32Array(procs.length).fill(-1);
    if (order) order.forEach((p, j) => (level[p] = j));
    const genSens: number[][] = this.combSensList.map((l) => l.filter((p) => level[p] >= 0).map((p) => level[p]!));
    const combSens = this.combSensList.map((l) => l.filter((p) => level[p]! < 0));
    [this.genStart, this.genProcs] = csr(genSens);
    [this.combStart, this.combProcs] = csr(combSens);
    [this.edgeStart, this.edgeProcs] = csr(this.edgeSensList);
    [this.negStart, this.negProcs] = csr(this.negSensList);
    this.dirty = new Uint8Array(order?.length ?? 0);
    Object.assign(d, { combStart: this.combStart, combProcs: this.combProcs, genStart: this.genStart, genProcs: this.genProcs, edgeStart: this.edgeStart, negStart: this.negStart, levels: this.dirty.length });

    const np = procs.length;
    this.queue = new Int32Array(np);
    this.queued = new Uint8Array(np);
    this.ran = new Int32Array(np);
    this.ranFlag = new Uint8Array(np);
    this.nbaIds = new Int32Array(n);
    this.nbaVals = new Float64Array(n);
    this.nbaSlot = new Int32Array(n).fill(-1);
    this.sensitivePrefix = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const waking = this.combSensList[i]!.length + this.edgeSensList[i]!.length + this.negSensList[i]!.length;
      this.sensitivePrefix[i + 1] = this.sensitivePrefix[i]! + (waking ? 1 : 0);
    }

    // Standalone forms of the generated processes, for the general scheduler.
    this.commits = procs.map(() => null);
    for (let p = 0; p < np; p++) {
      const pr = procs[p]!;
      if (!pr.gen) {
        this.procs.push(pr.fn!);
        continue;
      }
      if (pr.kind === 'comb') {
        this.procs.push(level[p]! >= 0 ? () => this.markDirty(level[p]!) : gen.combStandalone(p));
        continue;
      }
      const { body, commit } = gen.edgeStandalone(p);
      this.procs.push(() => {
        body();
        if (!this.ranFlag[p]) {
          this.ranFlag[p] = 1;
          this.ran[this.ranN++] = p;
        }
      });
      // compiled on first use: only the general scheduler needs it
      this.commits[p] = () => (this.commits[p] = commit())();
    }
    if (order) this.combPass = gen.combPass(order);
    for (const c of this.clocks) {
      c.fused = [gen.edge(c.clk, 0), gen.edge(c.clk, 1)];
      c.changes = [gen.edgeChanges(c.clk, 0), gen.edgeChanges(c.clk, 1)];
    }

    // Like `always @*`, every combinational process evaluates once at time 0.
    for (let p = 0; p < np; p++) if (procs[p]!.kind === 'comb' && level[p]! < 0) this.enqueue(p);
    this.dirty.fill(1);
    this.dirtyAny = this.dirty.length > 0;
    this.settle();
  }

  /** Blocking write: takes effect now and wakes sensitive processes. */
  set(id: number, value: number): void {
    const old = this.v[id]!;
    if (old === value) return;
    this.v[id] = value;
    this.next[id] = value;
    for (let i = this.combStart[id]!, e = this.combStart[id + 1]!; i < e; i++) this.enqueue(this.combProcs[i]!);
    const gs = this.genStart[id]!, ge = this.genStart[id + 1]!;
    if (gs < ge) {
      for (let i = gs; i < ge; i++) this.dirty[this.genProcs[i]!] = 1;
      this.dirtyAny = true;
    }
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
      budget = this.activeRegion(budget);
      if (this.nbaLen === 0 && this.rangeN === 0 && this.ranN === 0) return;
      this.commitPending();
    }
  }

  /** Advance time, running every event up to and including `until`. */
  run(until: number): void {
    const clocks = this.clocks;
    const one = clocks.length === 1 && this.fused ? clocks[0]! : null;
    const events = this.events;
    for (;;) {
      if (one !== null && this.qLen === 0 && this.nbaLen === 0 && this.rangeN === 0 && this.ranN === 0 && !this.dirtyAny) {
        // Clock edges alone in their time steps: the fused functions do the whole steps (each
        // ends settled, so the scheduler stays quiet while only the clock runs).
        const [fall, rise] = one.fused!;
        const [fallChanges, riseChanges] = one.changes;
        const v = this.v;
        const clk = one.clk;
        let t = one.next;
        const half = one.half;
        if (this.onStep === null) {
          // Untraced: whole cycles, falling then rising edge, while no other event comes first.
          if (v[clk] === 0 && t <= until && t < events.peekTime()) {
            this.time = t;
            one.seq = events.takeSeq();
            rise();
            t += half;
          }
          while (t + half <= until && t + half < events.peekTime()) {
            this.time = t;
            one.seq = events.takeSeq();
            fall();
            t += half;
            if (!(t < events.peekTime())) break; // the falling edge scheduled something first
            this.time = t;
            one.seq = events.takeSeq();
            rise();
            t += half;
          }
          one.next = t;
        }
        while (t <= until && t < events.peekTime()) {
          this.time = t;
          one.next = t + half;
          one.seq = events.takeSeq();
          if (v[clk] === 0) {
            rise();
            this.stepSignals = riseChanges;
          } else {
            fall();
            this.stepSignals = fallChanges;
          }
          if (this.onStep !== null) this.onStep(t);
          t = one.next;
        }
        this.stepSignals = null;
      }
      // Anything else (timed actions, several clocks, pending work) takes the general path.
      let t = events.peekTime();
      for (let i = 0; i < clocks.length; i++) if (clocks[i]!.next < t) t = clocks[i]!.next;
      if (!(t <= until)) break;
      this.time = t;
      this.runEvents(t);
      this.settle();
      if (this.onStep) this.onStep(t);
    }
    this.time = until;
  }

  id(name: string): number {
    const i = this.signals.findIndex((s) => s.name === name);
    if (i < 0) throw new Error(`no signal named ${name}`);
    return i;
  }

  get processCount(): number {
    return this.procList.length;
  }

  processName(p: number): string {
    return this.procList[p]!.name;
  }

  /** Every event at time t (heap actions and clock edges), in scheduling order. */
  private runEvents(t: number): void {
    for (;;) {
      let clk: Clock | null = null;
      let seq = this.events.peekTime() === t ? this.events.peekSeq() : Infinity;
      for (const c of this.clocks) if (c.next === t && c.seq < seq) (clk = c), (seq = c.seq);
      if (seq === Infinity) return;
      if (clk) {
        clk.next += clk.half;
        clk.seq = this.events.takeSeq();
        this.set(clk.clk, this.v[clk.clk] === 0 ? 1 : 0);
      } else this.actions[this.events.pop()]!();
    }
  }

  /** The NBA region of the general scheduler: nba(), nbaRange() and generated processes that ran. */
  commitPending(): void {
    const len = this.nbaLen;
    this.nbaLen = 0;
    for (let i = 0; i < len; i++) {
      const id = this.nbaIds[i]!;
      this.nbaSlot[id] = -1;
      this.set(id, this.nbaVals[i]!);
    }
    const ranges = this.rangeN;
    this.rangeN = 0;
    const n = this.v.length;
    for (let r = 0; r < ranges; r++) {
      const base = this.rangeBase[r]!;
      const end = base + this.rangeLen[r]!;
      if (this.sensitivePrefix[end] === this.sensitivePrefix[base]) this.buf.copyWithin(base, n + base, n + end);
      else for (let id = base; id < end; id++) this.set(id, this.next[id]!);
    }
    const ran = this.ranN;
    this.ranN = 0;
    for (let i = 0; i < ran; i++) {
      const p = this.ran[i]!;
      this.ranFlag[p] = 0;
      this.commits[p]!();
    }
  }

  /**
   * Runs the active region: queued processes and the levelized combinational pass, until both
   * are quiet, within `budget` evaluations; returns what is left of it. `settle` runs it once per
   * delta; generated fused edges call it (`k.activeRegion()`) for the blocking writes they make
   * before their commit, which is why it is not private.
   */
  activeRegion(budget = this.deltaLimit * (this.procs.length + 1)): number {
    for (;;) {
      while (this.qLen > 0) {
        if (--budget < 0) throw new Error(`no convergence at t=${this.time}: process ${this.procList[this.queue[this.qHead]!]!.name} keeps waking (combinational loop?)`);
        const p = this.queue[this.qHead]!;
        this.qHead = this.qHead + 1 === this.queue.length ? 0 : this.qHead + 1;
        this.qLen--;
        this.queued[p] = 0;
        this.procs[p]!();
      }
      if (!this.dirtyAny) return budget;
      if (--budget < 0) throw new Error(`no convergence at t=${this.time}: combinational processes keep waking (combinational loop?)`);
      this.dirtyAny = false;
      this.combPass();
    }
  }

  private markDirty(j: number): void {
    this.dirty[j] = 1;
    this.dirtyAny = true;
  }

  enqueue(p: number): void {
    if (this.queued[p]) return;
    this.queued[p] = 1;
    let tail = this.qHead + this.qLen;
    if (tail >= this.queue.length) tail -= this.queue.length;
    this.queue[tail] = p;
    this.qLen++;
  }

  /** Declares a process (a closure `fn` or a generated body `gen`) and wakes it on `sens`: the signals it reads (comb) or its clock (edges). */
  private addProcess(name: string, kind: Kind, fn: Process | null, gen: CodeGen | null, sens: readonly number[]): void {
    this.assertElaborating();
    const p = this.procList.length;
    this.procList.push({ name, kind, fn, gen, scalars: [], ranges: [], writes: [], sets: [], owned: [], reads: [], site: declarationSite() });
    const lists = kind === 'comb' ? this.combSensList : kind === 'pos' ? this.edgeSensList : this.negSensList;
    for (const s of sens) lists[s]!.push(p);
  }

  /** A register written in place (`own`) is read by its writer alone, and wakes no process. */
  private checkOwned(procs: ProcDef[]): void {
    const owner = new Map<number, ProcDef>();
    for (const p of procs) for (const id of p.owned) owner.set(id, p);
    if (owner.size === 0) return;
    const name = (id: number) => this.signals[id]!.name;
    for (const [id, p] of owner) {
      if (p.scalars.includes(id) || p.sets.includes(id)) throw new Error(`${p.name}: ${name(id)} is written both in place (own) and as a next value`);
      const waking = this.combSensList[id]!.length + this.edgeSensList[id]!.length + this.negSensList[id]!.length;
      if (waking) throw new Error(`${p.name}: ${name(id)} is written in place (own) but wakes ${this.procList[[...this.combSensList[id]!, ...this.edgeSensList[id]!, ...this.negSensList[id]!][0]!]!.name}`);
    }
    for (const q of procs)
      for (const id of q.reads) {
        const p = owner.get(id);
        if (p && p !== q) throw new Error(`${p.name}: ${name(id)} is written in place (own) but ${q.name} reads it`);
      }
  }

  private assertElaborating(): void {
    if (this.elaborated) throw new Error('the design is elaborated; declare signals and processes before elaborate()');
  }
}


/** The file:line (relative to the working directory) of the first caller outside sim/: the component declaring a process. */
function declarationSite(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    const m = /\(?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?$/.exec(f.trim());
    if (m && !/\/sim\/[^/]+$/.test(m[1]!) && !m[1]!.startsWith('node:')) return `${relative(process.cwd(), m[1]!)}:${m[2]}`;
  }
  return 'unknown';
}

/** Topological order of the generated combinational processes, or null on a cycle. */
function levelize(combs: number[], procs: ProcDef[], combSens: number[][]): number[] | null {
  const set = new Set(combs);
  const succ = new Map<number, number[]>(combs.map((p) => [p, []]));
  const indeg = new Map<number, number>(combs.map((p) => [p, 0]));
  for (const p of combs) {
    const outs = new Set<number>();
    for (const id of procs[p]!.writes) for (const q of combSens[id]!) if (set.has(q)) outs.add(q);
    for (const q of outs) {
      succ.get(p)!.push(q);
      indeg.set(q, indeg.get(q)! + 1);
    }
  }
  const order: number[] = [];
  const ready = combs.filter((p) => indeg.get(p) === 0);
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const p = ready.shift()!;
    order.push(p);
    for (const q of succ.get(p)!) {
      indeg.set(q, indeg.get(q)! - 1);
      if (indeg.get(q) === 0) ready.push(q);
    }
  }
  return order.length === combs.length ? order : null;
}

/** Compressed sparse rows: start[i]..start[i+1] index the processes of signal i. */
function csr(lists: number[][]): [Int32Array<ArrayBuffer>, Int32Array<ArrayBuffer>] {
  const start = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) start[i + 1] = start[i]! + lists[i]!.length;
  const flat = new Int32Array(start[lists.length]!);
  lists.forEach((l, i) => flat.set(l, start[i]!));
  return [start, flat];
}
