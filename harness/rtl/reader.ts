/**
 * Exact-length reads from a byte stream (the driver's stdout): incoming chunks are queued and
 * copied straight into the caller's buffer, so a reply needs no intermediate allocation.
 */
import type { Readable } from 'node:stream';

export class StreamClosedError extends Error {
  override name = 'StreamClosedError';
}

export class ExactReader {
  private chunks: Buffer[] = [];
  private head = 0; // bytes of chunks[0] already consumed
  private closed: Error | undefined;
  private want: { dst: Uint8Array; done: number; resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(stream: Readable) {
    stream.on('data', (b: Buffer) => {
      this.chunks.push(b);
      this.pump();
    });
    stream.on('end', () => this.close(new StreamClosedError('stream ended')));
    stream.on('error', (e) => this.close(e));
  }

  /** Fills dst completely; rejects if the stream ends first. */
  readInto(dst: Uint8Array): Promise<void> {
    if (this.want) return Promise.reject(new Error('ExactReader: concurrent reads'));
    return new Promise((resolve, reject) => {
      this.want = { dst, done: 0, resolve, reject };
      this.pump();
    });
  }

  private pump(): void {
    const w = this.want;
    if (!w) return;
    while (w.done < w.dst.length && this.chunks.length > 0) {
      const c = this.chunks[0];
      const k = Math.min(c.length - this.head, w.dst.length - w.done);
      w.dst.set(c.subarray(this.head, this.head + k), w.done);
      w.done += k;
      this.head += k;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    if (w.done === w.dst.length) {
      this.want = undefined;
      w.resolve();
    } else if (this.closed) {
      this.want = undefined;
      w.reject(this.closed);
    }
  }

  private close(e: Error): void {
    this.closed ??= e;
    this.pump();
  }
}
