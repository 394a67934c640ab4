// Medians and ranges of per-round measurements.

export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function stats(xs: number[]): Stats | null {
  const v = xs.filter((x) => Number.isFinite(x));
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, min: s[0]!, max: s[s.length - 1]!, runs: v };
}
