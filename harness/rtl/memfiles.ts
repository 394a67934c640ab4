// Memory images that the RTL loads with $readmemh at simulation start (paths by plusarg), so
// new weights need no rebuild. Contents come from the same functions the model reads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { writingTo } from '../../lib/files.ts';
import { join } from 'node:path';
import { RECIP_FRAC, SCALE_WIDTH } from '../../models/geometry.ts';
import { toBits } from '../../models/numerics.ts';
import { weightRom } from '../../models/head/mac-array.ts';
import type { Scenario } from '../inputs/scenario.ts';

export interface MemFiles {
  weights: string;
  bias: string;
  exp: string;
  exp_hi: string;
  exp_lo: string;
  recip: string;
  scale: string;
}

/**
 * One hex word of `count` fields of width w (field 0 in the low bits), most significant digit
 * first, ⌈count·w / 4⌉ digits. Linear in the fields: digits are peeled off a small accumulator
 * (< 2^(w+4), exact in a number), not shifted out of one growing BigInt.
 */
export function hexWord(fields: ArrayLike<number>, w: number, from = 0, count = fields.length): string {
  const digits: string[] = [];
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < count; i++) {
    acc += toBits(fields[from + i]!, w) * 2 ** bits;
    bits += w;
    while (bits >= 4) {
      digits.push(HEX[acc % 16]!);
      acc = Math.floor(acc / 16);
      bits -= 4;
    }
  }
  if (bits > 0) digits.push(HEX[acc]!);
  return digits.reverse().join('');
}

const HEX = '0123456789abcdef';

/** One memory image: its word width (bits) and its words as hex, address 0 first. */
export interface MemImage {
  width: number;
  words: string[];
}

export type MemName = keyof MemFiles;

/** Every memory image of the scenario, as $readmemh reads it (the files writeMemFiles writes). */
export function memImages(s: Scenario): Record<MemName, MemImage> {
  const { g, t, w } = s;
  const rom = weightRom(g, w);
  const lanes = g.cPar * g.kPar;
  const table = (a: ArrayLike<number>, width: number): MemImage => ({ width, words: Array.from({ length: a.length }, (_, i) => hexWord(a, width, i, 1)) });
  return {
    weights: { width: lanes * g.wW, words: Array.from({ length: g.P * g.B }, (_, a) => hexWord(rom, g.wW, a * lanes, lanes)) },
    bias: table(w.bQ.subarray(0, g.N), g.biasW),
    exp: table(t.exp, g.expOutBits),
    exp_hi: table(t.expHi, g.expHiWidth),
    exp_lo: table(t.expLo, g.expLoWidth),
    recip: table(t.recip, RECIP_FRAC + 1),
    scale: { width: SCALE_WIDTH, words: [hexWord([w.scale], SCALE_WIDTH)] },
  };
}

/** A memory image as the text of a $readmemh file: one word per line. */
export const memText = (m: MemImage) => m.words.join('\n') + '\n';

export function writeMemFiles(s: Scenario, dir: string): MemFiles {
  mkdirSync(dir, { recursive: true });
  const images = memImages(s);
  const files = Object.fromEntries(Object.keys(images).map((k) => [k, join(dir, `${k}.hex`)])) as unknown as MemFiles;
  for (const k of Object.keys(images) as MemName[]) write(files[k], memText(images[k]));
  return files;
}

const write = (path: string, text: string) => writingTo(path, () => writeFileSync(path, text));

export const plusargs = (m: MemFiles) => Object.entries(m).map(([k, v]) => `+${k}=${v}`);
