/**
 * A dump read in pieces, whatever its format: VcdSource (VCD text, or FST through fst2vcd) or
 * FstSource (FST decoded natively). vcd-diff and vcd-reader pull changes through this.
 */
import { FstSource } from './fst-source.ts';
import { openInput } from './input.ts';
import { VcdSource } from './vcd-source.ts';

export type { DumpSource } from './dump.ts';
import type { DumpSource } from './dump.ts';

/** An FST natively when its features allow, else through fst2vcd; a VCD as text. */
export async function openDump(path: string): Promise<DumpSource> {
  const input = await openInput(path); // a missing file, a directory, a silent pipe: an InputError naming it
  if (input.format === 'fst') {
    const fst = FstSource.open(path);
    if (fst) {
      input.close();
      return fst;
    }
  }
  return VcdSource.open(path, input);
}

/** Reads a dump's declarations (and an FST's block index): an InputError when it is unreadable. */
export async function checkDump(path: string): Promise<{ signals: number; timescale: string }> {
  const src = await openDump(path);
  src.close();
  return { signals: src.vars.length, timescale: src.timescale };
}
