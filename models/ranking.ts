// The one ordering rule used everywhere: larger value first, ties to the lower class index.

/** Indices of the k largest values, in rank order. */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  const taken = new Uint8Array(values.length);
  const out: number[] = [];
  for (let r = 0; r < k; r++) {
    let best = -1;
    for (let i = 0; i < values.length; i++) {
      if (taken[i]) continue;
      if (best < 0 || values[i]! > values[best]!) best = i;
    }
    taken[best] = 1;
    out.push(best);
  }
  return out;
}

/** Order of (index, value) pairs by value, ties to the lower index. */
export function orderByValue(entries: ReadonlyArray<{ index: number; value: number }>): number[] {
  return [...entries].sort((a, b) => b.value - a.value || a.index - b.index).map((e) => e.index);
}

export const sameOrder = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
