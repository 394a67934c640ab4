/**
 * A dump read in pieces, whatever its format: VcdSource (VCD text, or FST through fst2vcd) or
 * FstSource (FST decoded natively). vcd-diff and vcd-reader pull changes through this.
 */
import { looksLikeFst } from './input.ts';
import * as fs from 'node:fs';
import { FstSource } from './fst-source.ts';
import { VcdSource } from './vcd-source.ts';

export type { DumpSource } from './dump.ts';
import type { DumpSource } from './dump.ts';

/** An FST natively when its features allow, else through fst2vcd; a VCD as text. */
export async function openDump(path: string): Promise<DumpSource> {
  let head = new Uint8Array(0);
  try {
    const fd = fs.openSync(path, 'r');
    head = new Uint8Array(9);
    head = head.subarray(0, fs.readSync(fd, head, 0, 9, 0));
    fs.closeSync(fd);
  } catch {
    /* VcdSource reports it */
  }
  if (looksLikeFst(head)) {
    const fst = FstSource.open(path);
    if (fst) return fst;
  }
  return VcdSource.open(path);
}

/** Reads a dump's declarations (and an FST's block index): an InputError when it is unreadable. */
export async function checkDump(path: string): Promise<{ signals: number; timescale: string }> {
  const src = await openDump(path);
  src.close();
  return { signals: src.vars.length, timescale: src.timescale };
}
