/**
 * The bytes of a dump as VCD text, chunk by chunk: a VCD file as it is, an FST file through
 * GTKWave's `fst2vcd` (a child process whose output is read as it comes, so a long dump never
 * sits in memory). The format is told by the file's first bytes, not its name.
 */
import * as fs from 'node:fs';
import { InputError, isErrnoException } from '../lib/errors.ts';
import { CommandNotFoundError, streamCommand, type StreamedCommand } from '../lib/proc.ts';

export interface DumpInput {
  readonly format: 'vcd' | 'fst';
  /** Fills buf from the start; 0 at the end. Throws an InputError when the dump is unreadable. */
  read(buf: Buffer): Promise<number>;
  close(): void;
}

/** fst2vcd of a long window takes minutes; this bounds a converter that hangs. */
const FST2VCD_TIMEOUT_MS = 60 * 60_000;

/** fstapi's header block (type 0, length 329) or its gzip wrapper (type 254). */
export function looksLikeFst(head: Uint8Array): boolean {
  if (head.length >= 9 && head[0] === 0) {
    let len = 0;
    for (let i = 1; i < 9; i++) len = len * 256 + head[i]!;
    return len === 329;
  }
  return head.length >= 1 && head[0] === 254;
}

export function openInput(path: string): DumpInput {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    if (isErrnoException(e)) throw new InputError(`cannot read dump ${path}: ${e.code}`);
    throw e;
  }
  const head = Buffer.alloc(9);
  const got = fs.readSync(fd, head, 0, 9, 0);
  if (!looksLikeFst(head.subarray(0, got))) {
    if (/\.fst$/i.test(path)) {
      fs.closeSync(fd);
      throw new InputError(`${path}: not an FST file (no FST header)`);
    }
    return new FileInput(fd);
  }
  fs.closeSync(fd);
  return new FstInput(path);
}

class FileInput implements DumpInput {
  readonly format = 'vcd' as const;
  constructor(private readonly fd: number) {}
  async read(buf: Buffer): Promise<number> {
    return fs.readSync(this.fd, buf, 0, buf.length, null);
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

class FstInput implements DumpInput {
  readonly format = 'fst' as const;
  private readonly proc: StreamedCommand;
  private rest: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly path: string) {
    this.proc = streamCommand('fst2vcd', ['-f', path], { timeoutMs: FST2VCD_TIMEOUT_MS });
  }

  async read(buf: Buffer): Promise<number> {
    while (this.rest.length === 0 && !this.ended) {
      const next = await this.proc.read();
      if (next === null) {
        this.ended = true;
        await this.check();
      } else this.rest = next;
    }
    const n = Math.min(buf.length, this.rest.length);
    this.rest.copy(buf, 0, 0, n);
    this.rest = this.rest.subarray(n);
    return n;
  }

  /** At the end of fst2vcd's output: an unreadable or truncated FST is an input error. */
  private async check(): Promise<void> {
    let r: Awaited<StreamedCommand['exited']>;
    try {
      r = await this.proc.exited;
    } catch (e) {
      if (e instanceof CommandNotFoundError) throw new InputError(`fst2vcd not found (reading ${this.path}): apt-get install -y gtkwave`);
      throw e;
    }
    if (r.code === 0) return;
    const why = r.timedOut ? `timed out after ${FST2VCD_TIMEOUT_MS / 60_000} min` : (r.stderr.trim().split('\n')[0] ?? '') || `exit ${r.code ?? r.signal}`;
    throw new InputError(`${this.path}: unreadable FST (fst2vcd: ${why.replace(/, exiting\.?$/, '')})`);
  }

  close(): void {
    if (!this.ended) this.proc.kill();
    this.ended = true;
  }
}
