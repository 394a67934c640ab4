// The speed guard catches a slower model: a copy of this tree with a busy loop in one component
// (the MAC array) measured against this tree fails it, an unchanged copy passes.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guard } from '../bench/guard.ts';
import { REPO } from '../bench/revision-tree.ts';

const copies = path.join(REPO, 'out', `guard-test-${process.pid}`);
afterAll(() => rmSync(copies, { recursive: true, force: true }));

/** This tree's simulator folders in out/ (for node_modules), with `edit` applied to the MAC array's source. */
function copyTree(name: string, edit: (src: string) => string): string {
  const root = path.join(copies, name);
  mkdirSync(root, { recursive: true });
  for (const f of ['lib', 'sim', 'models', 'waves', 'harness', 'bench']) cpSync(path.join(REPO, f), path.join(root, f), { recursive: true });
  const mac = path.join(root, 'models', 'head', 'mac-array.ts');
  writeFileSync(mac, edit(readFileSync(mac, 'utf8')));
  return root;
}

const quick = { baseline: 'this tree', rounds: 5, scenarios: ['seed'], scale: 0.3, log: () => {} };

describe('speed guard', () => {
  it('fails a model with a busy loop in one component', async () => {
    const anchor = '// Stages last first';
    const slow = copyTree('slow', (src) => {
      expect(src).toContain(anchor);
      // about 300 square roots per cycle the MAC array is clocked: several times its own work
      return src.replace(anchor, 'const sink = new Float64Array(1);\n      ' + anchor).replace(
        'if (${c.v(stall)}) ${c.exit}',
        'if (${c.v(stall)}) ${c.exit}\n        { let s_ = 0; for (let i_ = 0; i_ < 300; i_++) s_ += Math.sqrt(i_ + ${c.v(inp.beat)}); ${c.ext(sink)}[0] = s_; }',
      );
    });
    const r = await guard(slow, REPO, quick);
    expect(r.rows.map((x) => x.ratio!.median).every((x) => x < 0.9), JSON.stringify(r.rows.map((x) => x.ratio))).toBe(true);
    expect(r.pass).toBe(false);
  }, 300_000);

  it('passes the same model', async () => {
    const same = copyTree('same', (src) => src);
    const r = await guard(same, REPO, quick);
    expect(r.pass, JSON.stringify(r.rows.map((x) => x.ratio))).toBe(true);
  }, 300_000);
});
