// The tree's shape: folders import only the folders before them in the data flow
// (.dependency-cruiser.cjs, checked with dependency-cruiser), and the README's layout names
// every folder there is.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE = ['lib', 'sim', 'models', 'waves', 'harness', 'bench', 'cli'];

describe('layout', () => {
  it('no folder imports a later one, no cycles, no product code imports test/ (npm run deps)', () => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', '.dependency-cruiser.cjs', ...SOURCE],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no dependency violations found/);
  });

  it("the README's layout names every top-level folder and every harness/ subfolder", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /## Layout\n[\s\S]*?```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const dirs = (p: string) => readdirSync(join(root, p)).filter((d) => !d.startsWith('.') && statSync(join(root, p, d)).isDirectory());
    const top = dirs('.').filter((d) => !['node_modules', 'out', 'obj_dir'].includes(d));
    for (const d of top) expect(block, `README layout lacks ${d}/`).toMatch(new RegExp(`^${d}/`, 'm'));
    for (const d of dirs('harness')) expect(block, `README layout lacks harness/${d}/`).toMatch(new RegExp(`^\\s+${d}/`, 'm'));
  });
});
