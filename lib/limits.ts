// How much of an input headsim reads, and how long it waits on a pipe. Every reader checks a
// size limit (an array: its shape) before it reads a file whole, so no input, however large or
// endless (/dev/zero, a pipe), makes a reader grow past these bounds — each keeps the process
// well under 1 GiB. A pipe or a device is read asynchronously, so signals are handled while it
// is read, and given up on when it stays silent.
import { closeSync, constants, openSync, statSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InputError, isErrnoException } from './errors.ts';

const MiB = 2 ** 20;

export const LIMITS = {
  /** --config FILE */
  configBytes: 1 * MiB,
  /** a sweep spec */
  specBytes: 16 * MiB,
  /** bench --from-json, a Slurm submission record */
  reportBytes: 64 * MiB,
  /** --model FILE (a Keras .keras/.h5 or an ONNX protobuf, held whole) */
  modelBytes: 1024 * MiB,
  /** --weights W.json */
  weightsJsonBytes: 128 * MiB,
  /** a sweep cache or shard file (.jsonl) */
  sweepCacheBytes: 256 * MiB,
  /** elements of one .npy array (read as float64: 128 MiB; a Fortran-ordered one is transposed once) */
  arrayElements: 2 ** 24,
  /** a .npz archive (held whole, with one member inflated and decoded beside it) */
  archiveBytes: 256 * MiB,
  /** a dump's declarations, up to $enddefinitions */
  dumpHeaderBytes: 64 * MiB,
  /** a dump from a pipe or a device (a regular file is bounded by its size) */
  dumpStreamBytes: 16 * 1024 * MiB,
  /** a pipe that gives no byte for this long is given up */
  pipeIdleMs: 60_000,
} as const;

/** "64 MiB", "1.5 GiB": a limit as people read it. */
export function showBytes(n: number): string {
  const units: Array<[number, string]> = [[2 ** 30, 'GiB'], [MiB, 'MiB'], [1024, 'KiB']];
  for (const [u, name] of units) if (n >= u) return `${+(n / u).toFixed(1)} ${name}`;
  return `${n} bytes`;
}

/** An errno as the short reason messages give in parentheses: its code (ENOENT, EISDIR, ENOSPC). */
export function errnoText(e: unknown): string {
  return isErrnoException(e) ? (e.code ?? e.message) : String(e);
}

/** Waits for a promise at most `ms`; a pipe that stays silent is given up on. */
async function within<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

export interface OpenedInput {
  fh: FileHandle;
  /** a regular file: its size; a pipe or a device: null */
  size: number | null;
}

/**
 * Pipes being opened or read. Such a read (or the open of a FIFO without a writer) holds a
 * thread of libuv's pool, and a process that exits waits for its pool's threads: when this one
 * exits (a signal, an error), each is woken with one byte through a write end of its own, so
 * that the exit is not held up by a writer that never writes.
 */
const waiting = new Map<object, { path: string; fd: number | null }>();
process.on('exit', () => {
  for (const { path, fd } of waiting.values()) {
    try {
      const w = openSync(fd === null ? path : `/proc/self/fd/${fd}`, constants.O_WRONLY | constants.O_NONBLOCK);
      writeSync(w, Buffer.from([0]));
      closeSync(w);
    } catch {
      /* not a pipe after all, or no longer there */
    }
  }
});

/** Runs `op` on a pipe, registered to be woken should the process exit meanwhile. */
async function onPipe<T>(path: string, fd: number | null, op: Promise<T>): Promise<T> {
  const key = {};
  waiting.set(key, { path, fd });
  try {
    return await op;
  } finally {
    waiting.delete(key);
  }
}

/**
 * Opens `path` for reading, or an InputError naming it (`label` names the flag or the kind of
 * file: "sweep spec"). A FIFO with no writer blocks open() itself: that wait is bounded too.
 */
export async function openInput(path: string, label: string): Promise<OpenedInput> {
  let fh: FileHandle;
  const opening = open(path, constants.O_RDONLY);
  let fifo = false;
  try {
    fifo = statSync(path).isFIFO();
  } catch {
    /* open() says why */
  }
  try {
    fh = await within(fifo ? onPipe(path, null, opening) : opening, LIMITS.pipeIdleMs, () => new InputError(`${path}: cannot read ${label} (no writer opened the pipe in ${LIMITS.pipeIdleMs / 1000} s)`));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: cannot read ${label} (${errnoText(e)})`);
  }
  const st = await fh.stat();
  if (st.isDirectory()) {
    closeInput({ fh, size: null });
    throw new InputError(`${path}: cannot read ${label} (a directory)`);
  }
  return { fh, size: st.isFile() ? st.size : null };
}

/**
 * Reads into `buf` from the current position (a pipe: whatever comes next), waiting at most
 * LIMITS.pipeIdleMs for a byte. 0 at the end.
 */
export async function readSome(input: OpenedInput, buf: Uint8Array, path: string, label: string): Promise<number> {
  const read = input.fh.read(buf, 0, buf.length, null).then((r) => r.bytesRead);
  try {
    if (input.size !== null) return await read;
    return await within(onPipe(path, input.fh.fd, read), LIMITS.pipeIdleMs, () => new InputError(`${path}: cannot read ${label} (no data from the pipe for ${LIMITS.pipeIdleMs / 1000} s)`));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path}: cannot read ${label} (${errnoText(e)})`);
  }
}

/** Closes without waiting: FileHandle.close() waits for a pending read, which on a silent pipe never ends. */
export function closeInput(input: OpenedInput): void {
  input.fh.close().catch(() => {});
}

/**
 * A whole file of at most `maxBytes`: a regular file's size is checked before it is read; a
 * pipe or a device is read in chunks and refused at the first byte past the limit.
 */
export async function readCapped(path: string, o: { what: string; maxBytes: number }): Promise<Buffer> {
  const input = await openInput(path, o.what);
  const tooLarge = () => new InputError(`${path}: ${o.what} larger than ${showBytes(o.maxBytes)}; not a ${o.what}?`);
  try {
    if (input.size !== null && input.size > o.maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const b = Buffer.allocUnsafe(Math.min(1 * MiB, o.maxBytes + 1 - total));
      const n = await readSome(input, b, path, o.what);
      if (n === 0) break;
      chunks.push(b.subarray(0, n));
      total += n;
      if (total > o.maxBytes) throw tooLarge();
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeInput(input);
  }
}

/** A JSON file of at most `maxBytes`; an InputError naming it when it is unreadable or malformed. */
export async function readJsonCapped(path: string, o: { what: string; maxBytes: number }): Promise<unknown> {
  const text = (await readCapped(path, o)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: malformed JSON in the ${o.what} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Lets the event loop run (signals, timers) during a long synchronous-looking loop. */
export function breather(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
