// Every repository path that code and docs cite exists, every relative Markdown link resolves,
// and nothing points outside the repository: a reader who follows a reference finds the file.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** tracked text files: code, docs, build files (generated tables and fixtures aside) */
const FILES = execFileSync('git', ['-C', ROOT, 'ls-files'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|mjs|md|v|py|cpp|h|sh)$|(^|\/)Makefile$|^\.ci\/run$/.test(f) && !/^(docs\/sweep\/|test\/fixtures\/)/.test(f));
const TOP = ['lib', 'sim', 'models', 'waves', 'harness', 'bench', 'cli', 'test', 'docs', 'rtl', '.ci'];
/** a path from the repository root, not inside another path */
const CITED = new RegExp(`(?<![\\w./-])(?:${TOP.map((t) => t.replace('.', '\\.')).join('|')})/[\\w./-]*\\w`, 'g');

describe('cited paths', () => {
  it('every repository path cited in code and docs exists', () => {
    const missing: string[] = [];
    for (const f of FILES) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(CITED)) if (!existsSync(join(ROOT, m[0]))) missing.push(`${f}: ${m[0]}`);
    }
    expect(missing).toEqual([]);
  });

  it('every relative link of the Markdown docs resolves', () => {
    const broken: string[] = [];
    for (const f of FILES.filter((x) => x.endsWith('.md'))) {
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (!target || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(ROOT, dirname(f), target))) broken.push(`${f}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('nothing points outside the repository', () => {
    const outside = FILES.flatMap((f) => (/\.\.\/shared\/|shared\/notes\//.test(readFileSync(join(ROOT, f), 'utf8')) ? [f] : []));
    expect(outside).toEqual([]);
  });
});
