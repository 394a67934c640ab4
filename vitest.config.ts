import { defineConfig } from 'vitest/config';

// Tests by tier, one folder each (test/README.md says which test goes where):
//   unit    no tool beyond Node and the npm packages: the models, numerics, readers, the CLI's
//           checks (`npm run test:unit`);
//   tools   one external tool each, by the heaviest the test needs: tools/verilator, tools/icarus
//           (cocotb), tools/yosys (synthesis, place and route), tools/gtkwave (`npm run test:tools`);
//   system  a whole environment: a live Slurm cluster, a browser, the speed bench
//           (`npm run test:system`).
// A test whose tool is missing skips (it.skipIf / ctx.skip), it never passes silently.
// `npm test` (what `make test` and CI run) runs every tier.
const shared = { testTimeout: 120_000, hookTimeout: 300_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    // Two test files at once, whatever the core count (vitest's default is one fewer than the
    // cores: one on this 2-core machine). Most files wait on a child (Verilator's compile, Yosys,
    // Slurm, a browser) more than they compute, and every run has its own directories.
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { ...shared, name: 'tools', include: ['test/tools/**/*.test.ts'] } },
      { test: { ...shared, name: 'system', include: ['test/system/**/*.test.ts'] } },
    ],
  },
});
