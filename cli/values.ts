// Value parsers of the command-line flags: each turns one string into a typed value or throws
// commander's InvalidArgumentError, which the entry (cli/main.ts) prints as one line, exit 2.
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { MODES, type Mode } from '../models/config.ts';

const fail = (msg: string): never => {
  throw new InvalidArgumentError(msg);
};

/**
 * Numbers as people write them: decimal, with an optional fraction and exponent. Number()
 * also takes 0x10, 0o20, 0b10000 and 'Infinity', which nobody means by 16.
 */
export const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;
/** An integer in decimal digits. */
const INTEGER = /^\s*[+-]?\d+\s*$/;

/** An integer in [min, max], in decimal digits. */
export const int =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string): number => {
    const n = Number(v);
    if (!INTEGER.test(v) || !Number.isSafeInteger(n) || n < min || n > max)
      fail(`expected an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}…${max}`}, got '${v}'`);
    return n;
  };

/** A finite number in (lo, hi]. */
export const number =
  (lo: number, hi: number, what = `a number in (${lo}, ${hi}]`) =>
  (v: string): number => {
    const n = Number(v);
    if (!DECIMAL.test(v) || !Number.isFinite(n) || !(n > lo && n <= hi)) fail(`expected ${what}, got '${v}'`);
    return n;
  };

/** One of the given words. */
export const oneOf =
  <T extends string>(words: readonly T[]) =>
  (v: string): T =>
    (words as readonly string[]).includes(v) ? (v as T) : fail(`'${v}' is not one of ${words.join(', ')}`);

/** A comma-separated list of distinct modes. */
export function modeList(v: string): Mode[] {
  const modes = v.split(',').map((m) => m.trim());
  for (const m of modes) if (!MODES.includes(m as Mode)) fail(`'${m}' is not one of ${MODES.join(', ')}`);
  const dup = modes.find((m, i) => modes.indexOf(m) !== i);
  if (dup) fail(`'${dup}' is given twice`);
  return modes as Mode[];
}

/** A non-empty string (a path, a name). */
export function text(v: string): string {
  if (v === '') fail('needs a value');
  return v;
}
