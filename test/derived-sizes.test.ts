// docs/ARCHITECTURE.md §Derived sizes is the one mapping between the model's Geometry and the
// RTL's parameters: every parameter of rtl/head.v (models/rtl-params.ts) is in its table, and in
// each row the parameters equal the Geometry fields named beside them, for random configurations.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, provenAccWidth } from '../models/config.ts';
import { geometry, type Geometry } from '../models/geometry.ts';
import { headParams, MODE_CODE } from '../models/rtl-params.ts';

interface Row {
  fields: string[];
  params: string[];
}

/** The table's rows: the backticked Geometry fields and RTL parameters of each. */
function table(): Row[] {
  const doc = readFileSync(new URL('../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Derived sizes'), doc.indexOf('## Data path'));
  const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| symbol'))
    .map((l) => l.split('|').map((c) => c.trim()))
    .map(([, , model, rtl]) => ({ fields: ticked(model!), params: ticked(rtl!) }));
}

describe('docs/ARCHITECTURE.md §Derived sizes', () => {
  const rows = table();

  it('names every parameter of rtl/head.v, once', () => {
    const params = rows.flatMap((r) => r.params);
    const c = parseConfig({});
    expect([...params].sort()).toEqual(Object.keys(headParams(geometry(c, provenAccWidth(c)), true)).sort());
  });

  it('is what models/rtl-params.ts computes, row by row', () => {
    const paired = rows.filter((r) => r.fields.length > 0 && r.params.length > 0);
    expect(paired.length).toBeGreaterThan(30);
    for (const r of paired) expect(r.fields.length, r.params.join()).toBe(r.params.length);
    const configs = fc.record({
      classes: fc.integer({ min: 2, max: 300 }),
      inputs: fc.integer({ min: 1, max: 600 }),
      kPar: fc.integer({ min: 1, max: 16 }),
      cPar: fc.integer({ min: 1, max: 32 }),
      topK: fc.integer({ min: 1, max: 4 }),
      mode: fc.constantFrom('argmax', 'softmax', 'approx'),
      select: fc.constantFrom('tree', 'stream'),
      emit: fc.constantFrom('topk', 'all'),
      divider: fc.constantFrom('serial', 'reciprocal'),
      recipImpl: fc.constantFrom('table', 'divide'),
      expImpl: fc.constantFrom('table', 'split'),
    });
    fc.assert(
      fc.property(configs, (raw) => {
        const c = parseConfig({ ...raw, kPar: Math.min(raw.kPar, raw.inputs), cPar: Math.min(raw.cPar, raw.classes), topK: Math.min(raw.topK, raw.classes) });
        const g = geometry(c, provenAccWidth(c));
        const p = headParams(g, c.relu) as Record<string, number>;
        for (const r of paired)
          r.fields.forEach((f, i) => {
            const v = g[f as keyof Geometry];
            const want = f === 'mode' ? MODE_CODE[g.mode] : typeof v === 'boolean' ? Number(v) : v;
            expect(p[r.params[i]!], `${r.params[i]} ↔ ${f}`).toBe(want);
          });
      }),
      { numRuns: 200 },
    );
  });
});
