// The README's speed figures are generated: the table between its markers is what bench/readme.ts
// makes from bench/results.json (the report `npm run bench` wrote with bench/results.md), so a
// figure typed by hand, or a results.json without its README, fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SPEED_BEGIN, SPEED_END, speedTable, withSpeedTable } from '../bench/readme.ts';
import type { BenchReport } from '../bench/report.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const report = JSON.parse(readFileSync(new URL('../bench/results.json', import.meta.url), 'utf8')) as BenchReport;

describe('README speed table', () => {
  it('is the table of bench/results.json, as `npm run bench` writes it', () => {
    const block = README.slice(README.indexOf(SPEED_BEGIN) + SPEED_BEGIN.length, README.indexOf(SPEED_END)).trim();
    expect(block).toBe(speedTable(report));
  });

  it('states the load average and the date of the run it comes from', () => {
    const t = speedTable(report);
    expect(t).toContain(`load average ${report.machine.loadAverage.start.map((x) => x.toFixed(1)).join(', ')}`);
    expect(t).toContain(report.date.slice(0, 10));
  });

  it('a figure changed by hand is caught: the regenerated README differs', () => {
    const edited = README.replace(/(\| TypeScript model, seed head \| )[^|]+/, '$19.99 M ');
    expect(edited).not.toBe(README);
    expect(withSpeedTable(edited, report)).toBe(README);
  });

  it('refuses a README without the markers', () => {
    expect(() => withSpeedTable('# no table here\n', report)).toThrow(/markers are missing/);
  });
});
