import { defineConfig } from 'vitest/config';

// Two tiers. `npm run test:fast` runs the unit and property tests (no simulator builds, no
// synthesis; under two minutes); `npm test` (what `make test` and CI run) runs both tiers.
const FAST = [
  'kernel', 'bench-kernel', 'numerics', 'npy', 'model-bittrue', 'seed-accuracy',
  'waves-header', 'waves-roundtrip', 'waves-diff', 'waves-memory', 'waves-fst', 'waves-scope',
  'cli', 'cli-fuzz', 'sweep', 'verilator-proc', 'layout', 'derived-sizes', 'timing-sta', 'readme-figures',
].map((n) => `test/${n}.test.ts`);

const shared = { testTimeout: 120_000, hookTimeout: 300_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'fast', include: FAST } },
      { test: { ...shared, name: 'full', include: ['test/**/*.test.ts'], exclude: FAST } },
    ],
  },
});
