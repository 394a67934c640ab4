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
//   with the helpers of `Code` (signal reads, non-blocking and blocking writes with the signal
//   ids folded in as constants). At elaboration the kernel compiles, for every clock edge, one
//   fused function: the clock's edge processes in declaration order (called as generated
//   functions, or inlined with `inlineProcesses`), then the commit of their registers (each
//   register's wake-up list built in; register arrays nobody listens to committed as block
//   copies), then one pass over the combinational processes in dependency (levelized) order,
//   each run only when one of its inputs changed. Whatever the fused path does not cover
//   (closures, other timed events at the same time, writes that wake edge processes,
//   combinational loops) goes through the general delta-cycle scheduler below,
//   which runs the same generated bodies as standalone processes.
// Clocks are kept outside the event heap; a clock edge is ordered against same-time events by
// the sequence number it would have had in the heap, and the fused function runs only when
// the edge is alone in its time step.
import { EventQueue } from './event-queue.ts';

export type Process = () => void;

export interface SignalInfo {
  name: string;
  width: number;
  signed: boolean;
}

/**
 * What a generated process body is written with. Every helper returns JavaScript source;
 * signal ids become numeric constants. Reads see the values from before the edge (edge
 * processes) or the current values (combinational processes).
 */
export interface Code {
  /** Value of signal `id`, or of element `idx` (a JS expression or number) of the array at `id`. */
  v(id: number, idx?: string | number): string;
  /** Edge processes: non-blocking write of register `id` (a statement). */
  nba(id: number, expr: string | number): string;
  /** Edge processes: the next value of element `idx` of the register array at `base` (an lvalue); commit it with nbaRange. */
  next(base: number, idx: string | number): string;
  /** Edge processes: commit next(base … base+len) at this edge, like Kernel.nbaRange (a statement). */
  nbaRange(base: number, len: number): string;
  /**
   * Edge processes: a synchronous memory read of `len` words into the register array at `base`:
   * next[base + i] = memory[offset + i], committed at this edge (a statement; `offset` is code).
   */
  nbaRangeFromMemory(base: number, len: number, memory: number, offset: string | number): string;
  /** Blocking write of signal `id` (a statement): combinational outputs, or a testbench driving inputs. */
  set(id: number, expr: string | number): string;
  /** Blocking write of element `idx` (code) of the array at `base` of length `len` (a statement). */
  setAt(base: number, len: number, idx: string, expr: string | number): string;
  /** Binds a JavaScript value (table, ROM, state object, function) into the code; returns its name. */
  ext(value: unknown): string;
  /** Leaves the process body (a statement). */
  readonly exit: string;
}

/**
 * Writes a process body. It is called several times (to record the writes, and for each form
 * the kernel compiles) and must give the same code each time: create any state it binds with
 * `c.ext` outside it. Bodies declare locals with const/let only; `c.exit` leaves the body.
 */
export type CodeGen = (c: Code) => string;

type Kind = 'comb' | 'pos' | 'neg';

interface Proc {
  name: string;
  kind: Kind;
  fn: Process | null;
  gen: CodeGen | null;
  /** generated processes, from their code: scalar registers, register ranges, combinational outputs */
  scalars: number[];
  ranges: number[];
  writes: number[];
  /** edge processes: signals written with blocking writes (a testbench driving inputs) */
  sets: number[];
}

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

export class Kernel {
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

  private inits: number[] = [];
  private procList: Proc[] = [];
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
  private qLen = 0;
  private nbaIds = new Int32Array(0);
  private nbaVals = new Float64Array(0);
  private nbaSlot = new Int32Array(0);
  private nbaLen = 0;
  /** v and next are the two halves of this buffer (block commits are copyWithin, no allocation) */
  private buf = new Float64Array(0);
  /**
   * Next values of registers. Between time steps next[i] === v[i] for every signal; a pending
   * non-blocking write of a generated process is a difference. Closures stage range writes here
   * too: fill next[base + i], then call nbaRange.
   */
  next: Float64Array = new Float64Array(0);
  private rangeBase = new Int32Array(64);
  private rangeLen = new Int32Array(64);
  private rangeN = 0;
  /** sensitive[i] = how many of signals 0..i-1 wake any process (O(1) "is this range quiet?") */
  private sensitivePrefix = new Int32Array(0);
  private readonly events = new EventQueue();
  private readonly actions: Array<() => void> = [];
  private readonly clocks: Clock[] = [];
  private readonly memories: Float64Array[] = [];
  /** offset of each memory in buf (after v and next) */
  private memOffset: number[] = [];

  // Generated processes.
  /** register ranges of generated processes: [base, len] by range id, and their written flags (RW in generated code) */
  private rangeDefs: Array<[number, number]> = [];
  private rangeIds = new Map<string, number>();
  rw = new Uint8Array(0);
  /** dirty flags of the levelized combinational processes, in level order */
  private dirty = new Uint8Array(0);
  private dirtyAny = false;
  private combPass: () => void = () => {};
  /** generated edge processes that ran in the general scheduler this delta (their commits are due) */
  private ran = new Int32Array(0);
  private ranFlag = new Uint8Array(0);
  private ranN = 0;
  private commits: Array<(() => void) | null> = [];
  /** standalone bodies of the generated edge processes, with their source */
  private bodies = new Map<number, { src: string; fn: () => void }>();

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
    let words = 2 * n;
    for (const m of this.memories) {
      this.memOffset.push(words);
      words += m.length;
    }
    this.buf = new Float64Array(words);
    this.memories.forEach((m, i) => this.buf.set(m, this.memOffset[i]!));
    this.v = this.buf.subarray(0, n);
    this.next = this.buf.subarray(n, 2 * n);
    this.v.set(this.inits);
    this.next.set(this.inits);

    // What the generated processes write (one expansion records it).
    const procs = this.procList;
    for (const p of procs) if (p.gen) this.expand(p, 'analyze', -1);
    this.rw = new Uint8Array(this.rangeDefs.length);

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
        this.procs.push(level[p]! >= 0 ? () => this.markDirty(level[p]!) : this.compile(pr.name, this.expand(pr, 'comb-standalone', p).body));
        continue;
      }
      const src = this.expand(pr, 'edge', p).body;
      const body = this.compile(pr.name, src);
      this.bodies.set(p, { src, fn: body });
      this.procs.push(() => {
        body();
        if (!this.ranFlag[p]) {
          this.ranFlag[p] = 1;
          this.ran[this.ranN++] = p;
        }
      });
      // compiled on first use: only the general scheduler needs it
      this.commits[p] = () => (this.commits[p] = this.compile(`${pr.name} commit`, this.genericCommit(pr)))();
    }
    if (order) this.combPass = this.compileCombPass(order);
    for (const c of this.clocks) {
      c.fused = [this.compileEdge(c.clk, 0), this.compileEdge(c.clk, 1)];
      c.changes = [this.edgeChanges(c.clk, 0), this.edgeChanges(c.clk, 1)];
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
        while (t <= until && t < events.peekTime()) {
          this.time = t;
          one.next = t + one.half;
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
  private commitPending(): void {
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

  private enqueue(p: number): void {
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
    this.procList.push({ name, kind, fn, gen, scalars: [], ranges: [], writes: [], sets: [] });
    const lists = kind === 'comb' ? this.combSensList : kind === 'pos' ? this.edgeSensList : this.negSensList;
    for (const s of sens) lists[s]!.push(p);
  }

  private assertElaborating(): void {
    if (this.elaborated) throw new Error('the design is elaborated; declare signals and processes before elaborate()');
  }

  // ---- code generation -------------------------------------------------------------------

  private static instances = 0;
  private readonly serial = Kernel.instances++;
  private exts: unknown[] = [];
  private extIds = new Map<unknown, number>();

  private extName(value: unknown): string {
    let i = this.extIds.get(value);
    if (i === undefined) {
      i = this.exts.length;
      this.exts.push(value);
      this.extIds.set(value, i);
    }
    return `$x${i}`;
  }

  private rangeId(base: number, len: number): number {
    const key = `${base}:${len}`;
    let r = this.rangeIds.get(key);
    if (r === undefined) {
      r = this.rangeDefs.length;
      this.rangeDefs.push([base, len]);
      this.rangeIds.set(key, r);
    }
    return r;
  }

  /**
   * Expands a generated body. 'analyze' records the process's writes; 'edge' and
   * 'comb-standalone' give the standalone body (exit = return); 'fused' and 'comb-inline' give
   * a labeled block for inlining (exit = break).
   */
  private expand(p: Proc, mode: 'analyze' | 'edge' | 'comb-standalone' | 'fused' | 'fused-fn' | 'comb-inline', label: number): { body: string } {
    const analyze = mode === 'analyze';
    const edge = p.kind !== 'comb';
    const n = this.signals.length;
    const check = (id: number, what: string) => {
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new Error(`${p.name}: ${what} of an unknown signal id ${id}`);
    };
    const idx = (base: number, i: string | number | undefined) => (i === undefined ? `${base}` : typeof i === 'number' ? `${base + i}` : `${base} + (${i})`);
    const c: Code = {
      v: (id, i) => {
        check(id, 'read');
        return `v[${idx(id, i)}]`;
      },
      nba: (id, expr) => {
        if (!edge) throw new Error(`${p.name}: nba in a combinational process`);
        check(id, 'nba');
        if (analyze && !p.scalars.includes(id)) p.scalars.push(id);
        return `next[${id}] = ${expr};`;
      },
      next: (base, i) => {
        if (!edge) throw new Error(`${p.name}: next in a combinational process`);
        check(base, 'next');
        return `next[${idx(base, i)}]`;
      },
      nbaRange: (base, len) => {
        if (!edge) throw new Error(`${p.name}: nbaRange in a combinational process`);
        check(base, 'nbaRange');
        check(base + len - 1, 'nbaRange');
        const r = this.rangeId(base, len);
        if (analyze && !p.ranges.includes(r)) p.ranges.push(r);
        return `RW[${r}] = 1;`;
      },
      nbaRangeFromMemory: (base, len, memory, offset) => {
        if (!edge) throw new Error(`${p.name}: memory read in a combinational process`);
        const m = this.memories[memory];
        if (!m) throw new Error(`${p.name}: unknown memory ${memory}`);
        check(base, 'memory read');
        check(base + len - 1, 'memory read');
        const r = this.rangeId(base, len);
        if (analyze && !p.ranges.includes(r)) p.ranges.push(r);
        // offsets are resolved after elaboration; `M${memory}` is bound in compile()
        return `{ const o_ = M${memory} + (${offset}); B.copyWithin(${n + base}, o_, o_ + ${len}); RW[${r}] = 1; }`;
      },
      setAt: (base, len, i, expr) => {
        check(base, 'set');
        check(base + len - 1, 'set');
        if (analyze) for (let id = base; id < base + len; id++) if (!(edge ? p.sets : p.writes).includes(id)) (edge ? p.sets : p.writes).push(id);
        return `k.set(${base} + (${i}), ${expr});`;
      },
      set: (id, expr) => {
        check(id, 'set');
        if (analyze && !(edge ? p.sets : p.writes).includes(id)) (edge ? p.sets : p.writes).push(id);
        // In a fused edge, a blocking write (a testbench driving inputs) wakes the active region.
        if (mode === 'comb-inline' || mode === 'fused' || mode === 'fused-fn') return this.inlineSet(id, `${expr}`, mode !== 'comb-inline');
        return `k.set(${id}, ${expr});`;
      },
      ext: (value) => this.extName(value),
      exit: mode === 'fused' || mode === 'comb-inline' ? `break L${label};` : 'return;',
    };
    const body = p.gen!(c);
    return { body: mode === 'fused' || mode === 'comb-inline' ? `L${label}: {\n${body}\n}` : body };
  }

  /** Blocking write inside the levelized pass: wakes later passes' flags directly. */
  private inlineSet(id: number, expr: string, active: boolean): string {
    if (!this.plainRegister(id)) return `k.set(${id}, ${expr});`;
    const wake = this.wakeFlags(id);
    return `{ const x_ = ${expr}; if (v[${id}] !== x_) { v[${id}] = x_; next[${id}] = x_;${wake}${wake && active ? ' k.dirtyAny = true;' : ''} } }`;
  }

  private wakeFlags(id: number): string {
    let s = '';
    for (let i = this.genStart[id]!; i < this.genStart[id + 1]!; i++) s += ` D[${this.genProcs[i]}] = 1;`;
    return s;
  }

  /** Whether a register's change wakes only levelized combinational processes (or nothing). */
  private plainRegister(id: number): boolean {
    return this.combStart[id] === this.combStart[id + 1] && this.edgeStart[id] === this.edgeStart[id + 1] && this.negStart[id] === this.negStart[id + 1];
  }

  /** Commit code of registers: inline compare-and-wake, block copies for quiet ranges. */
  private commitCode(scalars: Iterable<number>, ranges: Iterable<number>): string {
    const n = this.signals.length;
    let s = '';
    for (const id of scalars) {
      if (!this.plainRegister(id)) s += `if (next[${id}] !== v[${id}]) k.set(${id}, next[${id}]);\n`;
      else if (this.genStart[id] === this.genStart[id + 1]) s += `v[${id}] = next[${id}];\n`;
      else s += `if (next[${id}] !== v[${id}]) { v[${id}] = next[${id}];${this.wakeFlags(id)} }\n`;
    }
    for (const r of ranges) {
      const [base, len] = this.rangeDefs[r]!;
      const end = base + len;
      let body: string;
      let quiet = true;
      let plain = true;
      let sameWake = true;
      const wake0 = this.wakeFlags(base);
      for (let id = base; id < end; id++) {
        if (!this.plainRegister(id)) plain = false;
        if (this.genStart[id] !== this.genStart[id + 1]) quiet = false;
        if (this.wakeFlags(id) !== wake0) sameWake = false;
      }
      if (plain && quiet) body = len <= 32 ? Array.from({ length: len }, (_, i) => `v[${base + i}] = next[${base + i}];`).join(' ') : `B.copyWithin(${base}, ${n + base}, ${n + end});`;
      else if (plain && sameWake) body = `let w_ = false; for (let i = ${base}; i < ${end}; i++) if (next[i] !== v[i]) { v[i] = next[i]; w_ = true; } if (w_) {${wake0} }`;
      else body = `for (let i = ${base}; i < ${end}; i++) if (next[i] !== v[i]) k.set(i, next[i]);`;
      s += `if (RW[${r}]) { RW[${r}] = 0; ${body} }\n`;
    }
    return s;
  }

  private genericCommit(p: Proc): string {
    let s = '';
    for (const id of p.scalars) s += `if (next[${id}] !== v[${id}]) k.set(${id}, next[${id}]);\n`;
    for (const r of p.ranges) {
      const [base, len] = this.rangeDefs[r]!;
      s += `if (RW[${r}]) { RW[${r}] = 0; for (let i = ${base}; i < ${base + len}; i++) if (next[i] !== v[i]) k.set(i, next[i]); }\n`;
    }
    return s;
  }

  private compileCombPass(order: number[]): () => void {
    let s = '';
    order.forEach((p, j) => {
      s += `if (D[${j}] !== 0) {\nD[${j}] = 0;\n${this.expand(this.procList[p]!, 'comb-inline', p).body}\n}\n`;
    });
    return this.compile('combinational pass', s);
  }

  /**
   * What a fused edge can change: the clock, the registers and blocking-write targets of its edge
   * processes, and the outputs of every combinational process (any of them may run). Null when a
   * closure takes part (its writes are unknown).
   */
  private edgeChanges(clk: number, value: 0 | 1): Int32Array | null {
    const list = value ? this.edgeSensList[clk]! : this.negSensList[clk]!;
    if (this.procList.some((p) => p.kind === 'comb' && !p.gen)) return null;
    const ids = new Set<number>([clk]);
    for (const p of this.procList) if (p.kind === 'comb') p.writes.forEach((id) => ids.add(id));
    for (const q of list) {
      const p = this.procList[q]!;
      if (!p.gen) return null;
      p.scalars.forEach((id) => ids.add(id));
      p.sets.forEach((id) => ids.add(id));
      for (const r of p.ranges) {
        const [base, len] = this.rangeDefs[r]!;
        for (let id = base; id < base + len; id++) ids.add(id);
      }
    }
    return Int32Array.from([...ids].sort((a, b) => a - b));
  }

  /** One time step of a clock edge alone at its time: edge processes, commit, combinational pass. */
  private compileEdge(clk: number, value: 0 | 1): Process {
    const list = value ? this.edgeSensList[clk]! : this.negSensList[clk]!;
    let s = `v[${clk}] = ${value}; next[${clk}] = ${value};\n`;
    for (let i = this.combStart[clk]!; i < this.combStart[clk + 1]!; i++) s += `k.enqueue(${this.combProcs[i]});\n`;
    if (this.genStart[clk] !== this.genStart[clk + 1]) s += `${this.wakeFlags(clk)} k.dirtyAny = true;\n`;
    // edge processes sensitive to the opposite edge of the same clock are not woken
    const scalars = new Set<number>();
    const ranges = new Set<number>();
    for (const p of list) {
      const pr = this.procList[p]!;
      if (pr.gen && !this.inlineProcesses) {
        // its own function (smaller units for the optimizing compiler, which also warm up
        // sooner), called in order; the standalone one when the code is the same (no blocking writes)
        const src = this.expand(pr, 'fused-fn', p).body;
        const same = this.bodies.get(p);
        s += `${this.extName(same && same.src === src ? same.fn : this.compile(`${pr.name} at ${this.signals[clk]!.name}`, src))}();\n`;
        pr.scalars.forEach((r) => scalars.add(r));
        pr.ranges.forEach((r) => ranges.add(r));
      } else if (pr.gen) {
        s += this.expand(pr, 'fused', p).body + '\n';
        pr.scalars.forEach((r) => scalars.add(r));
        pr.ranges.forEach((r) => ranges.add(r));
      } else s += `${this.extName(pr.fn)}();\n`;
    }
    s += 'if (k.qLen !== 0 || k.dirtyAny) k.activeRegion();\n';
    s += this.commitCode([...scalars].sort((a, b) => a - b), [...ranges].sort((a, b) => a - b));
    s += 'if (k.nbaLen !== 0 || k.rangeN !== 0 || k.ranN !== 0) k.commitPending();\n';
    if (this.dirty.length) s += 'k.dirtyAny = false;\nk.combPass();\n';
    s += 'if (k.qLen !== 0 || k.dirtyAny || k.nbaLen !== 0 || k.rangeN !== 0 || k.ranN !== 0) k.settle();\n';
    return this.compile(`${this.signals[clk]!.name} ${value ? 'rising' : 'falling'} edge`, s);
  }

  /** Compiles a body into a function over the kernel's arrays and the bound values. */
  private compile(name: string, body: string): () => void {
    const binds = [...this.exts.map((_, i) => `$x${i} = X[${i}]`), ...this.memOffset.map((o, i) => `M${i} = ${o}`)].join(', ');
    // The arrays are copied into locals of the function (registers, not context slots).
    // The instance number keeps V8 from sharing the compiled function between kernels with the
    // same design (its compilation cache): shared code cannot be specialized to one kernel's
    // arrays and runs ~1.6× slower.
    const src = `"use strict";\n// kernel ${this.serial}\nconst v_ = k.v, next_ = k.next, B_ = k.buf, D_ = k.dirty, RW_ = k.rw${binds ? ', ' + binds : ''};\nreturn function ${safeName(name)}() {\nconst v = v_, next = next_, B = B_, D = D_, RW = RW_;\n${body}\n};`;
    try {
      return new Function('k', 'X', src)(this, this.exts) as () => void;
    } catch (e) {
      throw new Error(`generated process '${name}' does not compile: ${(e as Error).message}\n${src}`);
    }
  }
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9_$]/g, '_').replace(/^(\d)/, '_$1');

/** Topological order of the generated combinational processes, or null on a cycle. */
function levelize(combs: number[], procs: Proc[], combSens: number[][]): number[] | null {
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
