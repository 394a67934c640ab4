// The content-cached Verilator build (harness/rtl/verilator/verilate.ts): one build under
// concurrency then cache hits, rebuilds on an RTL edit, compile errors and a missing Verilator.
import { randomBytes } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../lib/errors.ts';
import { VerilatorNotFoundError } from '../../../harness/rtl/verilator/verilate.ts';
import { buildFixture, FIXTURE_RTL, TEST_OUT_ROOT } from '../../fixtures/verilator/fixture.ts';
import { hasVerilator } from '../../helpers/cli-and-tools.ts';

const widths = { sW: 64, idxW: 8, valW: 32 };

describe.skipIf(!hasVerilator)('verilator build cache', () => {
  it('builds once under concurrency, then hits the cache; an RTL edit rebuilds', async () => {
    // A private copy with a unique comment gives a key no earlier run has built.
    const dir = path.join(TEST_OUT_ROOT, 'src', randomBytes(6).toString('hex'));
    mkdirSync(dir, { recursive: true });
    const rtl = path.join(dir, 'head_fixture.v');
    copyFileSync(FIXTURE_RTL, rtl);
    appendFileSync(rtl, `// ${dir}\n`);

    // Two builders racing on one key: both succeed and agree, nothing half-built is left.
    const [a, b] = await Promise.all([buildFixture(widths, { sources: [rtl] }), buildFixture(widths, { sources: [rtl] })]);
    expect(a.cached).toBe(false);
    expect(b.cached).toBe(false);
    expect(a.exe).toBe(b.exe);
    expect(existsSync(a.exe)).toBe(true);
    expect(readdirSync(TEST_OUT_ROOT).filter((n) => n.startsWith(`.tmp-${a.key.slice(0, 16)}`))).toEqual([]);

    const c = await buildFixture(widths, { sources: [rtl] });
    expect(c).toMatchObject({ cached: true, exe: a.exe });
    expect(c.seconds).toBeLessThan(1);

    appendFileSync(rtl, '// edited\n');
    const d = await buildFixture(widths, { sources: [rtl] });
    expect(d.cached).toBe(false);
    expect(d.dir).not.toBe(a.dir);
    for (const p of [a.dir, d.dir, dir]) rmSync(p, { recursive: true, force: true }); // one-off keys
  });

  it('fails with the compiler output tail on bad RTL', async () => {
    const dir = path.join(TEST_OUT_ROOT, 'src', 'bad');
    mkdirSync(dir, { recursive: true });
    const rtl = path.join(dir, 'bad.v');
    copyFileSync(FIXTURE_RTL, rtl);
    appendFileSync(rtl, 'module broken(; endmodule\n');
    await expect(buildFixture(widths, { sources: [rtl] })).rejects.toThrow(/verilator build of 'head' failed[\s\S]*bad\.v/);
  });

  it('rejects a missing source file as bad input', async () => {
    await expect(buildFixture(widths, { sources: ['no/such/file.v'] })).rejects.toBeInstanceOf(InputError);
  });
});

describe('verilator missing', () => {
  it('says how to install it', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const e = await buildFixture(widths).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(VerilatorNotFoundError);
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toBe('verilator not found: apt-get install -y verilator');
    } finally {
      process.env.PATH = saved;
    }
  });
});
