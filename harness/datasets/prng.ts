// The project's one seeded PRNG lives in models/prng.ts; datasets add a shuffle on top.
export { mulberry32 } from '../../models/prng.ts';

/** Fisher–Yates shuffle in place, driven by `rand` (uniform in [0, 1)). */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(arr: T, rand: () => number): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
  return arr;
}
