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

const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';

export function writeMemFiles(s: Scenario, dir: string): MemFiles {
  const { g, t, w } = s;
  mkdirSync(dir, { recursive: true });
  const rom = weightRom(g, w);
  const lanes = g.cPar * g.kPar;
  const files: MemFiles = {
    weights: join(dir, 'weights.hex'),
    bias: join(dir, 'bias.hex'),
    exp: join(dir, 'exp.hex'),
    exp_hi: join(dir, 'exp_hi.hex'),
    exp_lo: join(dir, 'exp_lo.hex'),
    recip: join(dir, 'recip.hex'),
    scale: join(dir, 'scale.hex'),
  };
  write(files.weights, lines(g.P * g.B, (a) => hexWord(rom, g.wW, a * lanes, lanes)));
  write(files.bias, lines(g.N, (n) => hexWord(w.bQ, g.biasW, n, 1)));
  write(files.exp, lines(t.exp.length, (i) => hexWord(t.exp, g.expOutBits, i, 1)));
  write(files.exp_hi, lines(t.expHi.length, (i) => hexWord(t.expHi, g.expHiWidth, i, 1)));
  write(files.exp_lo, lines(t.expLo.length, (i) => hexWord(t.expLo, g.expLoWidth, i, 1)));
  write(files.recip, lines(t.recip.length, (i) => hexWord(t.recip, RECIP_FRAC + 1, i, 1)));
  write(files.scale, hexWord([w.scale], SCALE_WIDTH) + '\n');
  return files;
}

const write = (path: string, text: string) => writingTo(path, () => writeFileSync(path, text));

export const plusargs = (m: MemFiles) => Object.entries(m).map(([k, v]) => `+${k}=${v}`);
