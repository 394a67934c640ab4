// `--auto-formats`: the fractional bits of inputs, weights, bias and logits chosen from the data
// (widths stay as configured). For each quantity: the largest frac at which every value, rounded
// half up like the hardware does, fits its width without saturating. Formats given explicitly
// (a flag or --config) always win.
import type { HeadConfig } from '../../models/config.ts';
import { SEED_CONFIG } from '../../models/config.ts';
import { expShiftOf } from '../../models/exp-entry.ts';
import { floatLogits } from '../../models/float-ref.ts';
import { quantize, type Fmt } from '../../models/numerics.ts';
import { InputError } from '../../lib/errors.ts';

export const FMT_FIELDS = ['inFmt', 'wFmt', 'biasFmt', 'logitFmt'] as const;
export type FmtField = (typeof FMT_FIELDS)[number];
/** How a format was decided: given by the user, fixed by the model's quantizers, chosen from the data, or the default. */
export type FmtSource = 'given' | 'model' | 'auto' | 'default';

/** Config limits on frac (models/config.ts). */
const FRAC_MIN = -32;
const FRAC_MAX = 64;
/**
 * Logits are known only through the float reference on the given vectors; the hardware's differ
 * by the quantization error. Their range is widened by this share before choosing, which costs a
 * bit only when the range lies within 1/16 of a power of two.
 */
const LOGIT_MARGIN = 1 / 16;

const fits = (x: number, frac: number, width: number) => !quantize(x, { width, frac }).saturated;

/** Largest frac (within the config's limits) at which lo and hi both fit; null when all values are 0. */
export function fracForRange(lo: number, hi: number, width: number): number | null {
  const m = Math.max(-lo, hi);
  if (!(m > 0)) return null;
  let f = Math.min(FRAC_MAX, width - Math.floor(Math.log2(m))); // one above the estimate, then down
  while (f > FRAC_MIN && !(fits(lo, f, width) && fits(hi, f, width))) f--;
  return f;
}

interface Range {
  lo: number;
  hi: number;
}

function range(a: ArrayLike<number>, clampBelowZero = false): Range {
  let lo = 0, hi = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo: clampBelowZero ? 0 : lo, hi };
}

/** Range of the float logits of every vector (ReLU as configured). */
function floatLogitRange(d: FormatData, N: number, K: number, relu: boolean): Range {
  let lo = Infinity, hi = -Infinity;
  const z = new Float64Array(N);
  for (let v = 0; v < d.count; v++) {
    floatLogits(d, N, K, relu, d.xFloat, v * K, z);
    for (let n = 0; n < N; n++) {
      if (z[n]! < lo) lo = z[n]!;
      if (z[n]! > hi) hi = z[n]!;
    }
  }
  return d.count ? { lo, hi } : { lo: 0, hi: 0 };
}

const QUANTITY_NAME: Record<FmtField, string> = { inFmt: 'input values', wFmt: 'weights', biasFmt: 'bias values', logitFmt: 'logits' };

export interface FormatChoice {
  /** formats to put into the config (only the auto-chosen ones) */
  params: Partial<Record<FmtField, Fmt>>;
  source: Record<FmtField, FmtSource>;
  /** why a choice differs from what the range alone gives */
  notes: string[];
}

interface FormatData {
  wFloat: Float64Array;
  bFloat: Float64Array;
  xFloat: Float64Array;
  count: number;
}

/**
 * Chooses inFmt, wFmt, biasFmt and logitFmt from the data. `given`: the parameters the user set
 * (flags and --config); `c`: the config before the choice (for classes, inputs, relu, widths and
 * the exp table). `usesExp`: a softmax or approx run follows; then logits get no more fractional
 * bits than the exp table indexes (EXP_SHIFT ≥ 0): finer logits would be truncated to the table's
 * step, which adds probability error instead of removing it.
 */
export function chooseFormats(c: HeadConfig, given: Record<string, unknown>, d: FormatData, usesExp = true): FormatChoice {
  const source = Object.fromEntries(FMT_FIELDS.map((f) => [f, f in given ? 'given' : 'auto'])) as Record<FmtField, FmtSource>;
  // The data range each choice is made from (logits: the float reference, before the margin).
  const ranges: Record<FmtField, Range> = {
    inFmt: range(d.xFloat, c.relu), // under ReLU, negative inputs become 0 whatever they quantize to
    wFmt: range(d.wFloat),
    biasFmt: range(d.bFloat),
    logitFmt: floatLogitRange(d, c.classes, c.inputs, c.relu),
  };
  const params: FormatChoice['params'] = {};
  const notes: string[] = [];
  const pick = (field: FmtField, r: Range, cap = FRAC_MAX, why = '') => {
    if (source[field] === 'given') return c[field];
    const width = SEED_CONFIG[field].width;
    const frac = fracForRange(r.lo, r.hi, width);
    if (frac === null) {
      source[field] = 'default'; // nothing to measure (all zeros): keep the default
      return c[field];
    }
    // Values too large for any format the hardware takes: said in the data's terms, not as a field the user never set.
    if (!(fits(r.lo, frac, width) && fits(r.hi, frac, width)))
      throw new InputError(`--auto-formats: the ${QUANTITY_NAME[field]} reach ${Math.max(-r.lo, r.hi).toPrecision(3)}, more than any ${width}-bit format holds (fraction bits ≥ ${FRAC_MIN}); rescale them or give --${field}`);
    // A signed format has at most `width` fraction bits (models/config.ts).
    if (frac > width && width <= cap) {
      cap = width;
      why = `because a format has at most as many fraction bits as bits (the ${QUANTITY_NAME[field]} are all below 2^-${frac - width + 1})`;
    }
    if (frac > cap) notes.push(`${field}: frac ${cap}, not the ${frac} the range allows, ${why}`);
    return (params[field] = { width, frac: Math.min(frac, cap) });
  };
  const inFmt = pick('inFmt', ranges.inFmt);
  const wFmt = pick('wFmt', ranges.wFmt);
  pick('biasFmt', ranges.biasFmt, inFmt.frac + wFmt.frac, 'because biasFmt.frac ≤ inFmt.frac + wFmt.frac (the bias aligns with the products without rounding)');
  const l = ranges.logitFmt;
  const expStep = c.logitFmt.frac - expShiftOf(c.logitFmt.frac, c.expLut); // logit frac at which one step is one table entry
  pick(
    'logitFmt',
    { lo: l.lo * (1 + LOGIT_MARGIN), hi: l.hi * (1 + LOGIT_MARGIN) },
    usesExp ? expStep : FRAC_MAX,
    `so the exp table (expLut addrBits ${c.expLut.addrBits}, range ${c.expLut.range}) still indexes every logit step; a wider expLut (or --logitFmt) allows more`,
  );
  return { params, source, notes };
}
