/**
 * Pull-style adapter over vcd-stream's wasm parser: the caller feeds the file one chunk at a
 * time (step()) and receives changes per declared variable, so two dumps can be read in
 * lockstep (vcd-diff.ts) with bounded memory.
 *
 * Naming rule: a variable's full name is its scopes and name joined with '.', with a leading
 * `TOP.` scope removed (Verilator and VcdWriter both wrap the design in `TOP`) and a
 * trailing bit range `[msb:lsb]` removed. Array elements keep their index:
 * Verilator's `$var wire 16 # logits[0] [15:0]` under `TOP.head` is `head.logits[0]`.
 *
 * Values: number (width <= 53, no x/z), bigint (wider), or a string of binary digits with
 * x/z, most significant first, leading zeros dropped. The parser does not report how many
 * digits a vector had, so a short vector such as `bx` on an 8-bit signal reads as one x digit
 * (`x`), not as eight; full-width writers (Verilator, headsim) are unaffected.
 *
 * FST: a file that starts like an FST (fstapi's header block, or its gzip wrapper) is read as the
 * VCD text GTKWave's `fst2vcd` streams from it (input.ts), so memory stays bounded just the same.
 */
import { createRequire } from 'node:module';
import { InputError } from '../lib/errors.ts';
import { breather, LIMITS, showBytes } from '../lib/limits.ts';
import { openInput, type DumpInput } from './input.ts';

export type VcdValue = number | bigint | string;

export interface VcdVar {
  /** the full name by the rule above (TOP and the instances' generate scopes dropped) */
  name: string;
  width: number;
  id: string;
  /** the name as the dump declares it (every scope, TOP too; no bit range), as GTKWave shows it */
  declared?: string;
}

interface ParserInst {
  info: { wires: WireNode; timescale?: string };
  change: { any(fn: (id: string, time: bigint, cmd: number, value?: bigint, mask?: bigint) => void): void };
  on(ev: string, fn: (...a: unknown[]) => void): void;
  write(chunk: Uint8Array): boolean;
  getTime(): bigint;
}
type WireNode =
  | { kind: 'scope'; type: string; name: string; body: WireNode[] }
  | { kind: 'var'; type: string; size: number; link: string; name: string };

// Only the wasm parts of vcd-stream: its index also loads the native addon, whose build the
// project does not run (package.json allowScripts), so a clean install has no vcd.node.
const load = createRequire(import.meta.url);
const vcdStream = {
  createVCD: load('vcd-stream/out/vcd.js') as () => Promise<unknown>,
  webVcdParser: load('vcd-stream/lib/web-vcd-parser.js') as (mod: unknown) => Promise<ParserInst>,
};

/** Bytes per write to the parser: it copies each write onto its wasm stack, which holds a few hundred KiB. */
const CHUNK = 1 << 16;
/** Chunks parsed between two turns of the event loop (signals, timers). */
const CHUNKS_PER_BREATH = 16;
const NO_TIME = 2n ** 63n - 1n; // the parser's time before the first '#'
// Scalar commands from the parser: '0' = 14, '1' = 15, then x X z Z u U w W l L h H -.
// Error codes of the parser (vcd-stream bin/build.js).
const PARSE_ERRORS: Record<number, string> = {
  1: 'expected a declaration command',
  3: 'expected a variable type',
  4: 'expected a simulation command',
  5: 'vector too long',
  6: 'malformed vector',
};
const SCALARS: VcdValue[] = [0, 1, 'x', 'x', 'z', 'z', 'x', 'x', 'x', 'x', 0, 0, 1, 1, 'x'];

/**
 * The top of the lockstep on an exported head (harness/export/shim.ts): head's ports around the
 * export's AXI4-Stream top, which holds `head`. Its scopes down to `head` are transparent.
 */
export const EXPORT_SHIM_SCOPE = 'headsim_export_shim';

/**
 * The generate scopes that hold an instance of a component: rtl/head.v's selector (`g_select`)
 * and rtl/output_stage.v's approx scaler (`g_approx`). The model names those components without
 * them (harness/rtl/names.ts puts them back in RTL paths).
 */
export const INSTANCE_SCOPES: readonly string[] = ['g_select', 'g_approx'];

/**
 * Full-name rule shared by reader and diff (see the file comment). The instances' generate
 * scopes are transparent (INSTANCE_SCOPES); so is the export shim down to `head`.
 */
export function fullName(scopes: string[], leaf: string): string {
  let path = (scopes[0] === 'TOP' ? scopes.slice(1) : scopes).filter((s) => !INSTANCE_SCOPES.includes(s));
  if (path[0] === EXPORT_SHIM_SCOPE && path.includes('head')) path = path.slice(path.indexOf('head'));
  return [...path, leaf.replace(/\[\d+:\d+\]$/, '')].join('.');
}

/** The name as declared: every scope and the leaf, without its bit range. */
export const declaredName = (scopes: string[], leaf: string): string => [...scopes, leaf.replace(/\s*\[\d+:\d+\]$/, '')].join('.');

export class VcdSource {
  /** Declared variables; aliases (one id, several names) appear once per name. */
  vars: VcdVar[] = [];
  timescale = '';
  done = false;

  private byId = new Map<string, number[]>();
  private early: Array<[string, bigint, number, bigint | undefined, bigint | undefined]> = [];
  private defined = false;
  private listening = false;
  private onChange: (v: number, time: number, value: VcdValue) => void = () => {};
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private offset = 0;
  /**
   * Declaration bytes not yet given to the parser. The parser loses a name split across two
   * writes, so the declarations go in pieces that end just after a `$end`.
   */
  private header: Buffer = Buffer.alloc(0);
  private headerFed = false;
  private chunks = 0;
  /** The end of the text read so far: a dump cut off mid-line is truncated, not short. */
  private tail = '';

  private constructor(private readonly path: string, private readonly input: DumpInput, private readonly inst: ParserInst) {}

  /** Opens a dump (VCD, or FST through fst2vcd) and reads up to $enddefinitions. */
  static async open(path: string, input?: DumpInput): Promise<VcdSource> {
    input ??= await openInput(path);
    let inst: ParserInst;
    try {
      inst = await vcdStream.webVcdParser(await vcdStream.createVCD());
    } catch (e) {
      input.close();
      throw e;
    }
    const src = new VcdSource(path, input, inst);
    inst.change.any((id, time, cmd, value, mask) => {
      if (src.listening) src.dispatch(id, time, cmd, value, mask);
      else src.early.push([id, time, cmd, value, mask]);
    });
    inst.on('$enddefinitions', () => src.define());
    try {
      while (!src.defined && (await src.step()));
    } catch (e) {
      src.close();
      throw e;
    }
    if (!src.defined) {
      src.close();
      throw new InputError(`${path}: not a ${input.format === 'fst' ? 'readable FST' : 'VCD'} file (no $enddefinitions)`);
    }
    return src;
  }

  /** Time up to which all changes have been delivered (exclusive); Infinity at end of file. */
  frontier(): number {
    if (this.done) return Infinity;
    const t = this.inst.getTime();
    return t === NO_TIME ? -1 : Number(t);
  }

  /** Feeds one chunk to the parser; returns false at end of file. */
  async step(): Promise<boolean> {
    if (this.done) return false;
    if (++this.chunks % CHUNKS_PER_BREATH === 0) await breather();
    let n: number;
    try {
      n = await this.input.read(this.buf);
    } catch (e) {
      this.close();
      throw e;
    }
    if (n === 0) {
      this.feedHeader(true);
      this.checkEnd();
      this.feed(Buffer.from('\n')); // completes a last line that lacks its newline
      this.close();
      return false;
    }
    const chunk = this.buf.subarray(0, n);
    this.tail = (this.tail + chunk.toString('latin1', Math.max(0, n - 256))).slice(-256);
    if (this.headerFed) this.feed(chunk);
    else {
      this.header = Buffer.concat([this.header, chunk]);
      this.feedHeader(false);
    }
    return true;
  }

  /**
   * Gives the parser the declarations read so far, in pieces of at most CHUNK bytes that end
   * after a `$end`; after $enddefinitions the rest as data. `atEnd`: the file has ended.
   */
  private feedHeader(atEnd: boolean): void {
    while (!this.headerFed && this.header.length) {
      const text = this.header.toString('latin1', 0, Math.min(this.header.length, CHUNK));
      let cut = -1;
      for (let at = text.lastIndexOf('$end'); at >= 0; at = text.lastIndexOf('$end', at - 1)) {
        if (at + 4 < text.length && /\s/.test(text[at + 4]!)) {
          cut = at + 5;
          break;
        }
      }
      if (cut < 0) {
        if (atEnd && this.header.length <= CHUNK) cut = this.header.length;
        else if (this.header.length >= CHUNK) throw this.fail(`not a VCD file (no $end in ${CHUNK / 1024} KiB after byte ${this.offset})`);
        else return; // wait for more bytes
      }
      const piece = this.header.subarray(0, cut);
      this.header = this.header.subarray(cut);
      this.feed(piece);
      if (/\$enddefinitions\s+\$end\s/.test(piece.toString('latin1'))) {
        this.headerFed = true;
        for (let p = 0; p < this.header.length; p += CHUNK) this.feed(this.header.subarray(p, p + CHUNK));
        this.header = Buffer.alloc(0);
      }
    }
    if (!this.headerFed && this.offset + this.header.length > LIMITS.dumpHeaderBytes)
      throw this.fail(`not a VCD file (no $enddefinitions in its first ${showBytes(LIMITS.dumpHeaderBytes)})`);
  }

  /**
   * At the end of the text: a dump whose last line is cut off (a writer that was stopped, a
   * copy that did not finish) is truncated. A last line without its newline is fine when it is
   * whole: a time, or a change with its identifier.
   */
  private checkEnd(): void {
    if (!this.headerFed || this.tail === '' || /\s$/.test(this.tail)) return;
    const last = this.tail.slice(this.tail.search(/[^\s]*$/));
    const line = this.tail.slice(this.tail.lastIndexOf('\n') + 1).trim();
    const whole = /^#\d+$/.test(line) || /^[01xXzZuUwWlLhH-][!-~]+$/.test(line) || /^[bBrR]\S+\s+[!-~]+$/.test(line) || /\$end$/.test(line);
    if (!whole) throw this.fail(`truncated VCD (it ends in the middle of a line: '${(line || last).slice(-40)}'); the writer did not finish`);
  }

  private fail(why: string): InputError {
    this.close();
    return new InputError(`${this.path}: ${why}`);
  }

  /**
   * The wasm parser consumes a chunk synchronously; on a syntax error it only console.logs
   * llparse's error code and ignores the rest of the file, so the log is caught here. Anything
   * else it throws (its own limits) is the file's fault too.
   */
  private feed(chunk: Uint8Array): void {
    const log = console.log;
    let code: unknown;
    console.log = (c: unknown) => void (code ??= c);
    try {
      this.inst.write(chunk);
    } catch (e) {
      throw this.fail(`not a readable VCD (the parser stopped before byte ${this.offset + chunk.length}: ${(e as Error).message})`);
    } finally {
      console.log = log;
    }
    if (code !== undefined) {
      const at = this.offset + chunk.length;
      throw this.fail(`VCD syntax error ${code} (${PARSE_ERRORS[Number(code)] ?? 'unknown'}) before byte ${at}`);
    }
    this.offset += chunk.length;
  }

  /** Starts delivering to onChange, first replaying changes parsed along with the header. */
  listen(onChange: (v: number, time: number, value: VcdValue) => void): void {
    this.onChange = onChange;
    this.listening = true;
    for (const e of this.early) this.dispatch(...e);
    this.early = [];
  }

  close(): void {
    if (!this.done) this.input.close();
    this.done = true;
  }

  private define(): void {
    this.timescale = this.inst.info.timescale ?? '1s';
    const walk = (node: WireNode, scopes: string[]): void => {
      if (node.kind === 'var') {
        const i = this.vars.length;
        this.vars.push({ name: fullName(scopes, node.name), width: node.size, id: node.link, declared: declaredName(scopes, node.name) });
        const list = this.byId.get(node.link);
        if (list) list.push(i);
        else this.byId.set(node.link, [i]);
      } else {
        const inner = node.name === '.' ? scopes : [...scopes, node.name];
        for (const child of node.body) walk(child, inner);
      }
    };
    walk(this.inst.info.wires, []);
    this.defined = true;
  }

  private dispatch(id: string, time: bigint, cmd: number, value?: bigint, mask?: bigint): void {
    const list = this.byId.get(id);
    if (!list) return;
    const t = Number(time);
    for (const i of list) {
      let v: VcdValue;
      if (cmd >= 14 && cmd <= 28) v = SCALARS[cmd - 14];
      else if (cmd >= 30 && cmd <= 31 && value !== undefined) v = vectorValue(value, mask ?? 0n, this.vars[i].width);
      else throw new InputError(`${this.path}: unsupported value (real?) for ${this.vars[i].name}`);
      this.onChange(i, t, v);
    }
  }
}

function vectorValue(value: bigint, mask: bigint, width: number): VcdValue {
  if (mask === 0n) return value <= 0x1fffffffffffffn ? Number(value) : value;
  let s = '';
  const top = Math.max(width, value.toString(2).length, mask.toString(2).length);
  for (let b = top - 1; b >= 0; b--) {
    const bit = BigInt(b);
    const m = (mask >> bit) & 1n;
    const v = (value >> bit) & 1n;
    s += m ? (v ? 'z' : 'x') : v ? '1' : '0';
  }
  return s.replace(/^0+(?=.)/, '');
}
