// The simulator's speed depends on V8 trusting that no ArrayBuffer in the process was ever
// detached: after the first detach (a transfer, a source handed over as bytes by a module
// loader, a grown WebAssembly memory) every typed-array access of every generated process
// checks for it, and the model runs 1.4–1.8× slower (bench/optimizations.md). A CLI run of
// the model alone and in lockstep, waves included, must leave V8's protector intact.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tsNodeArgs } from '../lib/ts-runtime/node-args.ts';
import { hasVerilator } from './helpers.ts';

const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'headsim-protector-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The CLI under V8's protector trace: its exit status and the protectors it invalidated. */
function run(args: string[]) {
  const r = spawnSync(process.execPath, ['--trace-protector-invalidation', ...tsNodeArgs(), CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  const invalidated = (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('Invalidating protector cell'));
  return { code: r.status, invalidated, stdout: r.stdout };
}

describe('no ArrayBuffer is detached in a run', () => {
  it('sim: the model alone, every mode', () => {
    const r = run(['sim', '--classes', '4', '--inputs', '16', '--kPar', '8', '--vectors', '12', '--out', out]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.invalidated).not.toContain('Invalidating protector cell ArrayBufferDetaching');
  });

  it.skipIf(!hasVerilator)('cosim: lockstep with Verilator, VCD and FST waves', () => {
    for (const waves of ['vcd', 'fst']) {
      const r = run(['cosim', '--classes', '4', '--inputs', '16', '--kPar', '8', '--mode', 'softmax', '--vectors', '12', '--waves', waves, '--out', join(out, waves)]);
      expect(r.code, r.stdout).toBe(0);
      expect(r.invalidated).not.toContain('Invalidating protector cell ArrayBufferDetaching');
    }
  });
});
