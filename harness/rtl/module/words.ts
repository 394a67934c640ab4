// The cycles a module driver exchanges: each cycle's inputs and outputs as u32 words in the
// layout of layout.ts (struct of arrays: all inputs of a batch, then all outputs, so the
// protocol copies whole blocks), and the packing of a port's entries into its words.
import { toBits } from '../../../models/numerics.ts';
import type { ModuleLayout, PlacedPort } from './layout.ts';

export class WordBatch {
  /** capacity × inWords: cycle t's input words at t·inWords */
  readonly in: Uint32Array;
  /** capacity × outWords */
  readonly out: Uint32Array;

  constructor(
    readonly layout: ModuleLayout,
    readonly capacity: number,
  ) {
    this.in = new Uint32Array(capacity * layout.inWords);
    this.out = new Uint32Array(capacity * layout.outWords);
  }
}

/**
 * Writes a port's entries (two's complement numbers, entry i of `width` bits at bits
 * [i·width +: width]) into its words at `base` (the cycle's first word).
 */
export function packPort(words: Uint32Array, base: number, p: PlacedPort, entries: ArrayLike<number>, width: number): void {
  const first = base + p.word;
  words.fill(0, first, first + p.words);
  for (let i = 0; i < entries.length; i++) {
    let bits = toBits(entries[i]!, width);
    let pos = i * width;
    for (let left = width; left > 0; ) {
      const word = pos >>> 5;
      const off = pos & 31;
      const take = Math.min(left, 32 - off);
      words[first + word] = (words[first + word]! | ((bits % 2 ** take) * 2 ** off)) >>> 0;
      bits = Math.floor(bits / 2 ** take);
      pos += take;
      left -= take;
    }
  }
}

/** Entry i of a port (`width` bits, signed or not) from its words at `base`. */
export function unpackEntry(words: Uint32Array, base: number, p: PlacedPort, i: number, width: number, signed: boolean): number {
  let v = 0;
  for (let b = width - 1; b >= 0; b--) {
    const pos = i * width + b;
    v = v * 2 + ((words[base + p.word + (pos >>> 5)]! >>> (pos & 31)) & 1);
  }
  return signed && v >= 2 ** (width - 1) ? v - 2 ** width : v;
}
