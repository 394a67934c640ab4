// The module driver's batches (harness/rtl/verilator/module_driver.cpp) over the request
// channel every backend shares (harness/rtl/protocol.ts): the hello checks the words per cycle
// and the port list's signature; a batch sends n cycles of input words and reads their outputs.
import type { Readable, Writable } from 'node:stream';
import { bytes, OP_BATCH, RequestChannel, type ChannelOptions, type PeerProcess } from '../protocol.ts';
import type { ModuleLayout } from './layout.ts';
import type { WordBatch } from './words.ts';

export const MODULE_HELLO_MAGIC = 0x314d5348; // "HSM1"

export class ModuleClient extends RequestChannel {
  private readonly head = new Uint32Array(2);

  constructor(
    input: Readable,
    output: Writable,
    peer: PeerProcess,
    private readonly layout: ModuleLayout,
    private readonly opts: ChannelOptions,
  ) {
    super(input, output, peer, opts);
  }

  hello(timeoutMs = this.opts.timeoutMs): Promise<void> {
    const l = this.layout;
    return this.helloWords(MODULE_HELLO_MAGIC, `${l.module}: inWords,outWords,signature`, [l.inWords, l.outWords, l.signature], timeoutMs);
  }

  async run(batch: WordBatch, n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0 || n > batch.capacity) throw new RangeError(`run: n=${n} outside 0..${batch.capacity}`);
    if (batch.layout.signature !== this.layout.signature) throw new RangeError(`run: a batch of ${batch.layout.module}'s ports for ${this.layout.module}'s driver`);
    const { inWords, outWords } = this.layout;
    await this.chunked(n, async (t0, m) => {
      this.head[0] = OP_BATCH;
      this.head[1] = m;
      this.output.write(Buffer.from(bytes(this.head, 0, 2)));
      this.output.write(Buffer.from(bytes(batch.in, t0 * inWords, m * inWords)));
      await this.replyCount(m);
      await this.reader.readInto(bytes(batch.out, t0 * outWords, m * outWords));
    });
  }
}
