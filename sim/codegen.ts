// The kernel's code generator: turns the generated processes (bodies written with `Code`) into
// JavaScript functions. For every clock edge it compiles one fused function: the clock's edge
// processes in declaration order, then the commit of their registers (each register's wake-up
// list built in; register arrays nobody listens to committed as block copies), then one pass
// over the combinational processes in levelized order, each run only when an input changed.
// It also gives each process its standalone form for the general scheduler in sim/kernel.ts.
// Generated code reaches the kernel only through `Runtime` (sim/runtime.ts). Design notes and
// measurements: sim/fused-edges.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BOUND, rt } from './runtime.ts';

export type Process = () => void;

export interface SignalInfo {
  name: string;
  width: number;
  signed: boolean;
  /** How a person reads the value (waveform layouts); the simulation ignores it. */
  meta?: SignalMeta;
}

/** A signal's meaning for display: a fixed-point number, or one of named states (value = index). */
export interface SignalMeta {
  fixed?: { frac: number; signed: boolean };
  states?: readonly string[];
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
  /**
   * Edge processes: register `id` (or element `idx` of the register array at `id`) as an lvalue
   * written in place: a register that no other process reads (checked at elaboration), so it
   * needs no next value and no commit. The process reads it before it writes it in the edge:
   * pipeline stages are written last stage first, as a synthesizer orders blocking assignments.
   */
  own(id: number, idx?: string | number): string;
  /** `own` for a synchronous memory read: owned registers base … base+len−1 = memory[offset …] (a statement). */
  ownFromMemory(base: number, len: number, memory: number, offset: string | number): string;
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

export type Kind = 'comb' | 'pos' | 'neg';

export interface ProcDef {
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
  /** edge processes: registers written in place (`own`) */
  owned: number[];
  /** signals the generated body reads (an array read at a computed index: the whole array) */
  reads: number[];
  /** where the process was declared (file:line of the component's code), for dumped code */
  site: string;
}

/** The elaborated design as the generator reads it (filled by Kernel.elaborate). */
export interface DesignTables {
  signals: SignalInfo[];
  procs: ProcDef[];
  edgeSensList: number[][];
  negSensList: number[][];
  /** offset of each memory in buf (after v and next), and its length */
  memOffset: number[];
  memLength: number[];
  /** CSR: processes woken by each signal (closures and non-levelized combs; levelized ones by dirty flag; edge processes) */
  combStart: Int32Array;
  combProcs: Int32Array;
  genStart: Int32Array;
  genProcs: Int32Array;
  edgeStart: Int32Array;
  negStart: Int32Array;
  /** levelized combinational processes */
  levels: number;
  /** the array a signal belongs to: [first id, length] ([id, 1] for a lone signal) */
  arrayOf(id: number): [number, number];
}

type Mode = 'analyze' | 'edge' | 'comb-standalone' | 'fused' | 'fused-fn' | 'comb-inline';

export class CodeGenerator {
  private static instances = 0;
  private readonly serial = CodeGenerator.instances++;
  private readonly exts: unknown[] = [];
  private readonly extIds = new Map<unknown, number>();
  /** register ranges of generated processes: [base, len] by range id (RW flag index in generated code) */
  readonly rangeDefs: Array<[number, number]> = [];
  private readonly rangeIds = new Map<string, number>();
  /** standalone bodies of the generated edge processes, with their source */
  private readonly bodies = new Map<number, { src: string; fn: () => void }>();

  /** functions dumped so far (their file names' order) */
  private dumped = 0;

  /** `runtime` is what generated code calls `k`. */
  constructor(
    private readonly d: DesignTables,
    private readonly runtime: object,
    /** inline the edge processes' bodies into the fused function (false: one function each) */
    private readonly inlineProcesses: boolean,
    /** a directory to write every compiled function to (HEADSIM_DUMP_CODE), or null */
    private readonly dump: string | null = null,
  ) {}

  /**
   * Writes a compiled function's source to the dump directory, as V8 sees it (so that the line
   * numbers of a stack trace or a debugger are the file's), and returns the sourceURL comment
   * that names the file as the function's script.
   */
  private dumpSource(name: string, src: string): string {
    mkdirSync(this.dump!, { recursive: true });
    const file = join(resolve(this.dump!), `k${this.serial}-${String(this.dumped++).padStart(3, '0')}-${safeName(name)}.js`);
    const tag = `\n//# sourceURL=${pathToFileURL(file).href}`;
    writeFileSync(file, `function anonymous(k,X\n) {\n${src}${tag}\n}\n`);
    return tag;
  }

  /** Records what a generated process writes (before levelization). */
  analyze(p: ProcDef): void {
    this.expand(p, 'analyze', -1);
  }

  /** A combinational process that is not levelized, run by the general scheduler. */
  combStandalone(p: number): Process {
    const pr = this.d.procs[p]!;
    return this.compile(pr.name, this.expand(pr, 'comb-standalone', p).body);
  }

  /** An edge process's body for the general scheduler, and its commit (compiled on first use). */
  edgeStandalone(p: number): { body: Process; commit: () => Process } {
    const pr = this.d.procs[p]!;
    const src = this.expand(pr, 'edge', p).body;
    const body = this.compile(pr.name, src);
    this.bodies.set(p, { src, fn: body });
    return { body, commit: () => this.compile(`${pr.name} commit`, this.genericCommit(pr)) };
  }

  /** One pass over the levelized combinational processes (`order`), each run when its dirty flag is set. */
  combPass(order: number[]): Process {
    let s = '';
    order.forEach((p, j) => {
      s += `if (D[${j}] !== 0) {\nD[${j}] = 0;\n${this.expand(this.d.procs[p]!, 'comb-inline', p).body}\n}\n`;
    });
    return this.compile('combinational pass', s);
  }

  /**
   * What a fused edge can change: the clock, the registers and blocking-write targets of its edge
   * processes, and the outputs of every combinational process (any of them may run). Null when a
   * closure takes part (its writes are unknown).
   */
  edgeChanges(clk: number, value: 0 | 1): Int32Array | null {
    const list = value ? this.d.edgeSensList[clk]! : this.d.negSensList[clk]!;
    const procs = this.d.procs;
    if (procs.some((p) => p.kind === 'comb' && !p.gen)) return null;
    const ids = new Set<number>([clk]);
    for (const p of procs) if (p.kind === 'comb') p.writes.forEach((id) => ids.add(id));
    for (const q of list) {
      const p = procs[q]!;
      if (!p.gen) return null;
      p.scalars.forEach((id) => ids.add(id));
      p.sets.forEach((id) => ids.add(id));
      p.owned.forEach((id) => ids.add(id));
      for (const r of p.ranges) {
        const [base, len] = this.rangeDefs[r]!;
        for (let id = base; id < base + len; id++) ids.add(id);
      }
    }
    return Int32Array.from([...ids].sort((a, b) => a - b));
  }

  /** One time step of a clock edge alone at its time: edge processes, commit, combinational pass. */
  edge(clk: number, value: 0 | 1): Process {
    const d = this.d;
    const list = value ? d.edgeSensList[clk]! : d.negSensList[clk]!;
    const dirtyAny = rt('dirtyAny');
    const pending = `${rt('nbaLen')} !== 0 || ${rt('rangeN')} !== 0 || ${rt('ranN')} !== 0`;
    let s = `v[${clk}] = ${value}; next[${clk}] = ${value};\n`;
    for (let i = d.combStart[clk]!; i < d.combStart[clk + 1]!; i++) s += `${rt('enqueue')}(${d.combProcs[i]});\n`;
    if (d.genStart[clk] !== d.genStart[clk + 1]) s += `${this.wakeFlags(clk)} ${dirtyAny} = true;\n`;
    // edge processes sensitive to the opposite edge of the same clock are not woken
    const scalars = new Set<number>();
    const ranges = new Set<number>();
    for (const p of list) {
      const pr = d.procs[p]!;
      if (pr.gen && !this.inlineProcesses) {
        // its own function (smaller units for the optimizing compiler, which also warm up
        // sooner), called in order; the standalone one when the code is the same (no blocking writes)
        const src = this.expand(pr, 'fused-fn', p).body;
        const same = this.bodies.get(p);
        s += `${this.extName(same && same.src === src ? same.fn : this.compile(`${pr.name} at ${d.signals[clk]!.name}`, src))}();\n`;
      } else if (pr.gen) s += this.expand(pr, 'fused', p).body + '\n';
      else s += `${this.extName(pr.fn)}();\n`;
      if (pr.gen) {
        pr.scalars.forEach((r) => scalars.add(r));
        pr.ranges.forEach((r) => ranges.add(r));
      }
    }
    s += `if (${rt('qLen')} !== 0 || ${dirtyAny}) ${rt('activeRegion')}();\n`;
    s += this.commitCode([...scalars].sort((a, b) => a - b), [...ranges].sort((a, b) => a - b));
    s += `if (${pending}) ${rt('commitPending')}();\n`;
    if (d.levels) s += `${dirtyAny} = false;\n${rt('combPass')}();\n`;
    s += `if (${rt('qLen')} !== 0 || ${dirtyAny} || ${pending}) ${rt('settle')}();\n`;
    return this.compile(`${d.signals[clk]!.name} ${value ? 'rising' : 'falling'} edge`, s);
  }

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
  private expand(p: ProcDef, mode: Mode, label: number): { body: string } {
    const analyze = mode === 'analyze';
    const edge = p.kind !== 'comb';
    const n = this.d.signals.length;
    const check = (id: number, what: string) => {
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new Error(`${p.name}: ${what} of an unknown signal id ${id}`);
    };
    const idx = (base: number, i: string | number | undefined) => (i === undefined ? `${base}` : typeof i === 'number' ? `${base + i}` : `${base} + (${i})`);
    const record = (list: number[], id: number) => {
      if (analyze && !list.includes(id)) list.push(id);
    };
    const c: Code = {
      v: (id, i) => {
        check(id, 'read');
        if (analyze) {
          if (typeof i === 'string') {
            const [base, len] = this.d.arrayOf(id);
            for (let j = base; j < base + len; j++) record(p.reads, j);
          } else record(p.reads, id + (i ?? 0));
        }
        return `v[${idx(id, i)}]`;
      },
      own: (id, i) => {
        if (!edge) throw new Error(`${p.name}: own in a combinational process`);
        check(id, 'own');
        if (analyze) {
          const [base, len] = typeof i === 'string' ? this.d.arrayOf(id) : [id + (i ?? 0), 1];
          for (let j = base; j < base + len; j++) record(p.owned, j);
        }
        return `v[${idx(id, i)}]`;
      },
      ownFromMemory: (base, len, memory, offset) => {
        if (!edge) throw new Error(`${p.name}: memory read in a combinational process`);
        if (this.d.memLength[memory] === undefined) throw new Error(`${p.name}: unknown memory ${memory}`);
        check(base, 'memory read');
        check(base + len - 1, 'memory read');
        for (let j = base; j < base + len; j++) record(p.owned, j);
        return `{ const o_ = ${this.d.memOffset[memory]} + (${offset}); B.copyWithin(${base}, o_, o_ + ${len}); }`;
      },
      nba: (id, expr) => {
        if (!edge) throw new Error(`${p.name}: nba in a combinational process`);
        check(id, 'nba');
        record(p.scalars, id);
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
        record(p.ranges, r);
        return `RW[${r}] = 1;`;
      },
      nbaRangeFromMemory: (base, len, memory, offset) => {
        if (!edge) throw new Error(`${p.name}: memory read in a combinational process`);
        if (this.d.memLength[memory] === undefined) throw new Error(`${p.name}: unknown memory ${memory}`);
        check(base, 'memory read');
        check(base + len - 1, 'memory read');
        const r = this.rangeId(base, len);
        record(p.ranges, r);
        return `{ const o_ = ${this.d.memOffset[memory]} + (${offset}); B.copyWithin(${n + base}, o_, o_ + ${len}); RW[${r}] = 1; }`;
      },
      setAt: (base, len, i, expr) => {
        check(base, 'set');
        check(base + len - 1, 'set');
        for (let id = base; id < base + len; id++) record(edge ? p.sets : p.writes, id);
        return `${rt('set')}(${base} + (${i}), ${expr});`;
      },
      set: (id, expr) => {
        check(id, 'set');
        record(edge ? p.sets : p.writes, id);
        // In a fused edge, a blocking write (a testbench driving inputs) wakes the active region.
        if (mode === 'comb-inline' || mode === 'fused' || mode === 'fused-fn') return this.inlineSet(id, `${expr}`, mode !== 'comb-inline');
        return `${rt('set')}(${id}, ${expr});`;
      },
      ext: (value) => this.extName(value),
      exit: mode === 'fused' || mode === 'comb-inline' ? `break L${label};` : 'return;',
    };
    // the process's name and where its component declares it, for a reader of dumped code
    const body = `// ${p.name} (${p.site})\n${p.gen!(c)}`;
    return { body: mode === 'fused' || mode === 'comb-inline' ? `L${label}: {\n${body}\n}` : body };
  }

  /** Blocking write inside the levelized pass: wakes later passes' flags directly. */
  private inlineSet(id: number, expr: string, active: boolean): string {
    if (!this.plainRegister(id)) return `${rt('set')}(${id}, ${expr});`;
    const wake = this.wakeFlags(id);
    // a signal that wakes nothing needs no change test
    if (!wake) return `{ const x_ = ${expr}; v[${id}] = x_; next[${id}] = x_; }`;
    return `{ const x_ = ${expr}; if (v[${id}] !== x_) { v[${id}] = x_; next[${id}] = x_;${wake}${active ? ` ${rt('dirtyAny')} = true;` : ''} } }`;
  }

  private wakeFlags(id: number): string {
    let s = '';
    for (let i = this.d.genStart[id]!; i < this.d.genStart[id + 1]!; i++) s += ` D[${this.d.genProcs[i]}] = 1;`;
    return s;
  }

  /** Whether a register's change wakes only levelized combinational processes (or nothing). */
  private plainRegister(id: number): boolean {
    const d = this.d;
    return d.combStart[id] === d.combStart[id + 1] && d.edgeStart[id] === d.edgeStart[id + 1] && d.negStart[id] === d.negStart[id + 1];
  }

  /** Commit code of registers: inline compare-and-wake, block copies for quiet ranges. */
  private commitCode(scalars: Iterable<number>, ranges: Iterable<number>): string {
    const d = this.d;
    const n = d.signals.length;
    const set = rt('set');
    let s = '';
    for (const id of scalars) {
      if (!this.plainRegister(id)) s += `if (next[${id}] !== v[${id}]) ${set}(${id}, next[${id}]);\n`;
      else if (d.genStart[id] === d.genStart[id + 1]) s += `v[${id}] = next[${id}];\n`;
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
        if (d.genStart[id] !== d.genStart[id + 1]) quiet = false;
        if (this.wakeFlags(id) !== wake0) sameWake = false;
      }
      if (plain && quiet) body = len <= 32 ? Array.from({ length: len }, (_, i) => `v[${base + i}] = next[${base + i}];`).join(' ') : `B.copyWithin(${base}, ${n + base}, ${n + end});`;
      else if (plain && sameWake) body = `let w_ = false; for (let i = ${base}; i < ${end}; i++) if (next[i] !== v[i]) { v[i] = next[i]; w_ = true; } if (w_) {${wake0} }`;
      else body = `for (let i = ${base}; i < ${end}; i++) if (next[i] !== v[i]) ${set}(i, next[i]);`;
      s += `if (RW[${r}]) { RW[${r}] = 0; ${body} }\n`;
    }
    return s;
  }

  private genericCommit(p: ProcDef): string {
    const set = rt('set');
    let s = '';
    for (const id of p.scalars) s += `if (next[${id}] !== v[${id}]) ${set}(${id}, next[${id}]);\n`;
    for (const r of p.ranges) {
      const [base, len] = this.rangeDefs[r]!;
      s += `if (RW[${r}]) { RW[${r}] = 0; for (let i = ${base}; i < ${base + len}; i++) if (next[i] !== v[i]) ${set}(i, next[i]); }\n`;
    }
    return s;
  }

  /** Compiles a body into a function over the runtime's arrays and the bound values. */
  private compile(name: string, body: string): () => void {
    const binds = this.exts.map((_, i) => `$x${i} = X[${i}]`).join(', ');
    const arrays = Object.entries(BOUND);
    // The arrays are copied into locals of the function (registers, not context slots).
    // The generator number keeps V8 from sharing the compiled function between kernels with the
    // same design (its compilation cache): shared code cannot be specialized to one kernel's
    // arrays and runs ~1.6× slower.
    const src =
      `"use strict";\n// kernel ${this.serial}\n` +
      `const ${arrays.map(([m, local]) => `${local}_ = k.${m}`).join(', ')}${binds ? ', ' + binds : ''};\n` +
      `return function ${safeName(name)}() {\nconst ${arrays.map(([, local]) => `${local} = ${local}_`).join(', ')};\n${body}\n};`;
    try {
      const dumped = this.dump ? this.dumpSource(name, src) : '';
      return new Function('k', 'X', src + dumped)(this.runtime, this.exts) as () => void;
    } catch (e) {
      throw new Error(`generated process '${name}' does not compile: ${(e as Error).message}\n${src}`);
    }
  }
}

/** The name a generated function gets for a process or edge name (a JavaScript identifier). */
export const safeName = (s: string) => s.replace(/[^A-Za-z0-9_$]/g, '_').replace(/^(\d)/, '_$1');
