// One schema for every parameter of the head: config file, CLI flags, SV parameters and
// reports all use these names (docs/contract.md §Parameters).
import { z } from 'zod';
import { expEntry, expHiEntry, expLoEntry, expShiftOf, splitProduct } from './exp-entry.ts';

export const SEED_LABELS = ['dog', 'cat', 'monkey', 'butterfly', 'donkey', 'horse', 'human', 'car', 'table', 'bottle'];

const fixed = (width: number, frac: number) =>
  z.object({ width: z.number().int().min(2).max(32), frac: z.number().int().min(-32).max(64) }).strict().default({ width, frac });

export const MODES = ['argmax', 'softmax', 'approx'] as const;
export type Mode = (typeof MODES)[number];

export const configSchema = z
  .object({
    classes: z.number().int().min(2).max(1024).default(10).describe('output classes N'),
    inputs: z.number().int().min(1).max(4096).default(512).describe('features per vector K'),
    kPar: z.number().int().min(1).default(8).describe('input lanes per beat'),
    /** null = classes (all rows in parallel). */
    cPar: z.number().int().min(1).nullable().default(null).describe('class rows computed in parallel (default: classes)'),
    relu: z.boolean().default(true).describe('ReLU on the input (true/false)'),
    inFmt: fixed(16, 10).describe('input format: signed width,frac'),
    wFmt: fixed(16, 12).describe('weight format: signed width,frac'),
    biasFmt: fixed(16, 10).describe('bias format: signed width,frac'),
    /** null = derived: the width proven to hold any sum. A narrower width saturates. */
    accWidth: z.number().int().min(2).max(53).nullable().default(null).describe('accumulator bits (default: the proven width; narrower saturates)'),
    logitFmt: fixed(16, 8).describe('logit format: signed width,frac'),
    mode: z.enum(MODES).default('softmax').describe(`what follows the dense layer: ${MODES.join(', ')}`),
    topK: z.number().int().min(1).default(3).describe('ranked entries emitted'),
    select: z
      .enum(['auto', 'tree', 'stream'])
      .default('auto')
      .describe("how the ranking is found: tree (comparator tree over all logits), stream (top-K kept as the groups arrive, logits in RAM) or auto (stream when P > 1 and cPar ≤ B)"),
    expLut: z
      .object({
        addrBits: z.number().int().min(1).max(16),
        outBits: z.number().int().min(2).max(24),
        range: z.number().positive(),
      })
      .strict()
      .default({ addrBits: 12, outBits: 16, range: 16 })
      .describe('exp table: addrBits,outBits,range'),
    expPar: z
      .union([z.literal('auto'), z.number().int().min(1)])
      .default('auto')
      .describe("exp lanes of the normalizer: 'auto' (the fewest that keep the II) or 1 … cPar"),
    expImpl: z
      .enum(['table', 'split'])
      .default('split')
      .describe('how exp(-d) is made: table (one 2^addrBits table, block RAM) or split (product of two small LUT tables)'),
    expSplit: z
      .object({
        loBits: z.union([z.literal('auto'), z.number().int().min(1).max(15)]),
        hiWidth: z.number().int().min(2).max(24),
        loWidth: z.number().int().min(2).max(24),
      })
      .strict()
      .default({ loBits: 'auto', hiWidth: 16, loWidth: 9 })
      .describe("expImpl split: loBits,hiWidth,loWidth (loBits 'auto' = ⌊addrBits/2⌋)"),
    divider: z.enum(['serial', 'reciprocal']).default('reciprocal').describe('softmax divider: serial or reciprocal'),
    recipImpl: z
      .enum(['table', 'divide'])
      .default('divide')
      .describe('divider reciprocal: 1/Σe from a 1024-entry table (block RAM) or one division per vector'),
    probFmt: fixed(16, 15).describe('probability format: unsigned width,frac'),
    emit: z.enum(['topk', 'all']).default('topk').describe('emit the top-K (topk) or all N entries in class order (all)'),
    labels: z.array(z.string()).nullable().default(null).describe('class names (JSON array)'),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;
export type HeadConfig = Omit<Parsed, 'expSplit' | 'select'> & {
  cPar: number;
  /** resolved: 'auto' becomes the rule's choice (selectFor) */
  select: Select;
  accWidth: number;
  labels: string[];
  expSplit: Omit<Parsed['expSplit'], 'loBits'> & { loBits: number };
};

export type Select = 'tree' | 'stream';

/**
 * select = auto (docs/ARCHITECTURE.md §Selection): stream where the logits arrive in several
 * groups (P > 1) and the selector takes a group before the next one comes (cPar ≤ B, one entry
 * per cycle): there it is by far the smaller head (N = 100: a third of the tree's LUTs; N = 1000:
 * a fifteenth). With one group (N ≤ cPar) the tree stays: the stream is some 250 LUT smaller
 * at N = 10, but its EXP pass cannot start before the last entry has drained, which makes the
 * softmax 22 cycles slower than argmax instead of 11; with cPar > B the drain would stall the
 * front end.
 */
export function selectFor(c: Pick<HeadConfig, 'classes' | 'inputs' | 'kPar' | 'cPar'>): Select {
  const passes = Math.ceil(c.classes / c.cPar);
  return passes > 1 && c.cPar <= Math.ceil(c.inputs / c.kPar) ? 'stream' : 'tree';
}

/** exp(-d) at index 0 (d = 0: the max's own exp), as the configured exp unit makes it. */
export function expAtZero(c: Pick<HeadConfig, 'logitFmt' | 'expLut' | 'expImpl' | 'expSplit'>): number {
  const expShift = expShiftOf(c.logitFmt.frac, c.expLut);
  if (c.expImpl === 'table') return Math.min(expEntry(0, expShift, c.logitFmt.frac, c.expLut.outBits), 2 ** c.expLut.outBits - 1);
  const { loBits, hiWidth, loWidth } = c.expSplit;
  const hi = expHiEntry(0, loBits, expShift, c.logitFmt.frac, hiWidth);
  const lo = expLoEntry(0, expShift, c.logitFmt.frac, loWidth);
  return splitProduct(hi, lo, hiWidth + loWidth - c.expLut.outBits, c.expLut.outBits);
}

/** More multipliers than this is not a head any FPGA holds (and the model's generated code would not fit). */
export const MAX_MULTIPLIERS = 16384;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const log2 = Math.log2;

/** Width (two's complement) that holds any dot product plus aligned bias without wrapping. */
export function provenAccWidth(c: Pick<HeadConfig, 'inputs' | 'inFmt' | 'wFmt' | 'biasFmt' | 'relu'>): number {
  const xMax = 2 ** (c.inFmt.width - 1);
  const wMax = 2 ** (c.wFmt.width - 1);
  const biasShift = c.inFmt.frac + c.wFmt.frac - c.biasFmt.frac;
  const maxAbs = c.inputs * xMax * wMax + 2 ** (c.biasFmt.width - 1 + biasShift);
  return Math.ceil(log2(maxAbs + 1)) + 1;
}

/** Parse and validate; throws ConfigError naming the field. */
export function parseConfig(input: unknown): HeadConfig {
  const r = configSchema.safeParse(input ?? {});
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || '(config)';
    throw new ConfigError(`${field}: ${issue.message}`);
  }
  const lo = r.data.expSplit.loBits;
  const c = { ...r.data, expSplit: { ...r.data.expSplit, loBits: lo === 'auto' ? Math.max(1, Math.floor(r.data.expLut.addrBits / 2)) : lo } };
  const cPar = c.cPar ?? c.classes;
  const fail = (field: string, msg: string): never => {
    throw new ConfigError(`${field}: ${msg}`);
  };
  if (c.kPar > c.inputs) fail('kPar', `must be ≤ inputs (${c.inputs}), got ${c.kPar}`);
  if (cPar > c.classes) fail('cPar', `must be ≤ classes (${c.classes}), got ${cPar}`);
  if (cPar * c.kPar > MAX_MULTIPLIERS)
    fail(c.cPar === null ? 'kPar' : 'cPar', `cPar × kPar = ${cPar * c.kPar} multipliers exceeds ${MAX_MULTIPLIERS} (the largest FPGAs have about 12,000 DSPs); lower cPar or kPar`);
  if (c.topK > c.classes) fail('topK', `must be ≤ classes (${c.classes}), got ${c.topK}`);
  if (!Number.isInteger(log2(c.expLut.range))) fail('expLut.range', `must be a power of two, got ${c.expLut.range}`);
  // More fraction bits than bits leaves only values below 2^-(frac-width+1): a misread flag (16,20 for 20,16), not a format.
  for (const f of ['inFmt', 'wFmt', 'biasFmt', 'logitFmt'] as const)
    if (c[f].frac > c[f].width) fail(`${f}.frac`, `must be ≤ ${f}.width (${c[f].width}), got ${c[f].frac}`);
  if (c.biasFmt.frac > c.inFmt.frac + c.wFmt.frac)
    fail('biasFmt.frac', `must be ≤ inFmt.frac + wFmt.frac (${c.inFmt.frac + c.wFmt.frac}) so bias aligns without rounding`);
  if (c.probFmt.frac > c.probFmt.width) fail('probFmt.frac', `must be ≤ probFmt.width`);
  if (c.probFmt.frac < 1) fail('probFmt.frac', `must be ≥ 1`);
  if (c.inFmt.width + c.wFmt.width + Math.ceil(log2(c.kPar)) + 1 > 53)
    fail('wFmt.width', `inFmt.width + wFmt.width + log2(kPar) exceeds the 53-bit exact range of the model`);
  if (c.expPar !== 'auto' && c.expPar > cPar) fail('expPar', `must be 'auto' or ≤ cPar (${cPar}), got ${c.expPar}`);
  // exp(0) (d ≈ 0, the max itself) must not round to 0, or Σe can be 0.
  const expShift = expShiftOf(c.logitFmt.frac, c.expLut);
  const d0 = expShift > 0 ? (2 ** expShift - 1) / 2 / 2 ** c.logitFmt.frac : 0;
  const e0 = expAtZero(c);
  if (e0 === 0)
    fail('expLut', `the first table entry, exp(-${d0}), rounds to 0 in ${c.expLut.outBits} bits; use more addrBits, more outBits or a smaller range`);
  if (c.expImpl === 'split') {
    const { loBits, hiWidth, loWidth } = c.expSplit;
    if (loBits >= c.expLut.addrBits) fail('expSplit.loBits', `must be < expLut.addrBits (${c.expLut.addrBits}), got ${loBits}`);
    if (hiWidth + loWidth < c.expLut.outBits) fail('expSplit', `hiWidth + loWidth (${hiWidth + loWidth}) must be ≥ expLut.outBits (${c.expLut.outBits})`);
  }
  // The division 2^k / Σe starts from Σe ≥ exp(0); it needs exp(0) ≥ 4 (any useful table has far more).
  if (c.mode === 'softmax' && c.divider === 'reciprocal' && c.recipImpl === 'divide' && e0 < 4)
    fail('expLut', `exp(0) rounds to ${e0} in ${c.expLut.outBits} bits, too small for recipImpl 'divide'; use more outBits`);
  const proven = provenAccWidth(c);
  if (c.accWidth === null && proven > 53)
    fail('accWidth', `derived width ${proven} exceeds 53 bits (the model's exact integer range); set accWidth ≤ 53 to saturate or narrow the formats`);
  const accWidth = c.accWidth ?? proven;
  if (accWidth < c.logitFmt.width) fail('accWidth', `must be ≥ logitFmt.width (${c.logitFmt.width})`);
  const labels = c.labels ?? (c.classes === SEED_LABELS.length ? SEED_LABELS : Array.from({ length: c.classes }, (_, i) => `class${i}`));
  if (labels.length !== c.classes) fail('labels', `has ${labels.length} names for ${c.classes} classes`);
  const select = c.select === 'auto' ? selectFor({ ...c, cPar }) : c.select;
  return { ...c, cPar, accWidth, labels, select };
}

export const SEED_CONFIG: HeadConfig = parseConfig({});
