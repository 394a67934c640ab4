/**
 * The bytes of a dump as VCD text, chunk by chunk: a VCD file as it is, an FST file through
 * GTKWave's `fst2vcd` (a child process whose output is read as it comes, so a long dump never
 * sits in memory). The format is told by the file's first bytes, not its name.
 *
 * Any file is read asynchronously (a signal is handled between reads). A pipe or a device is
 * read up to LIMITS.dumpStreamBytes and given up on when it stays silent (lib/limits.ts); an
 * FST must be a regular file (it is read at random offsets).
 */
import { InputError } from '../lib/errors.ts';
import { closeInput, LIMITS, openInput as openFile, readSome, showBytes, type OpenedInput } from '../lib/limits.ts';
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

/** Opens a dump: its text as VCD (an FST through fst2vcd, started on the first read). */
export async function openInput(path: string): Promise<DumpInput> {
  const file = await openFile(path, 'dump');
  // The first bytes tell the format; from a pipe they are kept and read again as the text's start.
  const head = Buffer.alloc(9);
  let got = 0;
  try {
    if (file.size !== null) got = (await file.fh.read(head, 0, 9, 0)).bytesRead;
    else {
      for (let n; got < 9 && (n = await readSome(file, head.subarray(got), path, 'dump')) > 0; ) got += n;
    }
  } catch (e) {
    closeInput(file);
    throw e;
  }
  if (!looksLikeFst(head.subarray(0, got))) {
    if (/\.fst$/i.test(path)) {
      closeInput(file);
      throw new InputError(`${path}: not an FST file (no FST header)`);
    }
    return new FileInput(path, file, file.size === null ? Buffer.from(head.subarray(0, got)) : Buffer.alloc(0));
  }
  closeInput(file);
  if (file.size === null) throw new InputError(`${path}: an FST is read at random offsets; a pipe or device cannot be one (save it to a file)`);
  return new FstInput(path);
}

/** Is the dump at `path` an FST (by its first bytes)? */
export async function isFst(path: string): Promise<boolean> {
  const input = await openInput(path);
  input.close();
  return input.format === 'fst';
}

class FileInput implements DumpInput {
  readonly format = 'vcd' as const;
  private total = 0;
  constructor(
    private readonly path: string,
    private readonly file: OpenedInput,
    /** bytes already read from a pipe to tell its format */
    private rest: Buffer,
  ) {}

  async read(buf: Buffer): Promise<number> {
    let n: number;
    if (this.rest.length) {
      n = this.rest.copy(buf);
      this.rest = this.rest.subarray(n);
    } else n = await readSome(this.file, buf, this.path, 'dump');
    this.total += n;
    if (this.file.size === null && this.total > LIMITS.dumpStreamBytes)
      throw new InputError(`${this.path}: more than ${showBytes(LIMITS.dumpStreamBytes)} from a pipe or device; save the dump to a file`);
    return n;
  }

  close(): void {
    closeInput(this.file);
  }
}

class FstInput implements DumpInput {
  readonly format = 'fst' as const;
  private proc: StreamedCommand | null = null;
  private rest: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly path: string) {}

  async read(buf: Buffer): Promise<number> {
    this.proc ??= streamCommand('fst2vcd', ['-f', this.path], { timeoutMs: FST2VCD_TIMEOUT_MS });
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
      r = await this.proc!.exited;
    } catch (e) {
      if (e instanceof CommandNotFoundError) throw new InputError(`fst2vcd not found (reading ${this.path}): apt-get install -y gtkwave`);
      throw e;
    }
    if (r.code === 0) return;
    const why = r.timedOut ? `timed out after ${FST2VCD_TIMEOUT_MS / 60_000} min` : (r.stderr.trim().split('\n')[0] ?? '') || `exit ${r.code ?? r.signal}`;
    throw new InputError(`${this.path}: unreadable FST (fst2vcd: ${why.replace(/, exiting\.?$/, '')})`);
  }

  close(): void {
    if (!this.ended) this.proc?.kill();
    this.ended = true;
  }
}
