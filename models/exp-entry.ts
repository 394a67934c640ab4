// The exp table's two defining relations, shared by the config check (models/config.ts), the
// geometry, the table itself (models/tables.ts) and --auto-formats: how many logit steps one
// entry covers, and the value of an entry.

/** log2 of the logit steps per table entry: the index is d >> expShift (left shift if negative). */
export const expShiftOf = (logitFrac: number, lut: { addrBits: number; range: number }): number => logitFrac + Math.log2(lut.range) - lut.addrBits;

/** Entry i before the clamp: exp(-d) at the centre of its bucket of logit steps, rounded to outBits fractional bits. */
export function expEntry(i: number, expShift: number, logitFrac: number, outBits: number): number {
  const dSteps = expShift > 0 ? i * 2 ** expShift + (2 ** expShift - 1) / 2 : i * 2 ** expShift;
  return Math.round(Math.exp(-dSteps * 2 ** -logitFrac) * 2 ** outBits);
}
