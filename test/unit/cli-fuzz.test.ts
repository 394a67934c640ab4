// Fuzzed command lines: whatever the argv, the CLI answers with exit 0, 1 or 2 and never a
// stack trace, and never hangs (a generous hang guard names the argv). Commands that would start long work (Verilator builds,
// synthesis, sweeps) get a final unknown flag, so every flag before it is parsed and checked
// but nothing runs; `sim` runs for real on two vectors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/main.ts';
import { PARAM_NAMES } from '../../cli/params.ts';
import { withinHangGuard } from '../helpers/wait.ts';

const out = mkdtempSync(join(tmpdir(), 'headsim-fuzz-'));
const COMMANDS = ['sim', 'cosim', 'synth', 'sweep', 'waves', 'bench', 'mutants', 'help', 'frobnicate'];
const FLAGS = [
  ...PARAM_NAMES.map((n) => `--${n}`),
  '--config',
  '--mode',
  '--vectors',
  '--seed',
  '--json',
  '--max-prob-error',
  '--valid-rate',
  '--ready-rate',
  '--weights',
  '--bias',
  '--weights-layout',
  '--input-vectors',
  '--input-labels',
  '--dataset',
  '--auto-formats',
  '--backend',
  '--vcd',
  '--vcd-from',
  '--vcd-to',
  '--waves',
  '--waves-from',
  '--waves-to',
  '--waves-scope',
  '--coverage',
  '--shard',
  '--jobs',
  '--timeout',
  '--no-modules',
  '--dry-run',
  '--scenario',
  '--skip',
  '--help',
  '--bogus',
  '-x',
  '--',
];
const VALUES = [
  '0',
  '1',
  '2',
  '3',
  '7',
  '10',
  '-1',
  '0.5',
  '1e-300',
  '1e9',
  'abc',
  '',
  '16,10',
  '16,10,5',
  '8,16,16',
  'argmax',
  'softmax,approx',
  'argmax,argmax',
  'true',
  'false',
  'null',
  '[1,2]',
  '{"width":8}',
  '/proc/x',
  '/dev/zero',
  '/nonexistent/file.npy',
  'mnist',
  '2/4',
  '0/0',
  'all',
  'topk',
  'serial',
];
const token = fc.oneof(fc.constantFrom(...FLAGS), fc.constantFrom(...VALUES), fc.string({ maxLength: 6 }));
const argv = fc.tuple(fc.constantFrom(...COMMANDS), fc.array(token, { maxLength: 8 })).map(([cmd, rest]) => {
  const light = cmd === 'sim' || cmd === 'help' || cmd === 'frobnicate';
  // Light commands run for real, on a small head; heavy ones stop at a final unknown flag.
  return light ? [cmd, ...rest, '--vectors', '2', '--out', out, '--classes', '4', '--inputs', '8'] : [cmd, ...rest, '--zz-end'];
});

/** A parameter value of any shape: right or wrong type, in or out of range. */
const anyValue = fc.oneof(
  fc.integer({ min: -5, max: 5000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
  fc.constantFrom(...VALUES),
  fc.record({ width: fc.integer({ min: -2, max: 40 }), frac: fc.integer({ min: -40, max: 70 }) }),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const paramName = fc.oneof(fc.constantFrom(...PARAM_NAMES, 'expLut.addrBits', 'inFmt.frac'), fc.string({ maxLength: 6 }));
const params = fc.dictionary(paramName, anyValue, { maxKeys: 5 });
/** A config file: mostly an object of parameters, sometimes any JSON at all. */
const configJson = fc.oneof({ weight: 4, arbitrary: params.map((p) => ({ ...p, classes: 4, inputs: 8 })) }, { weight: 1, arbitrary: fc.jsonValue() });
/** A sweep spec: base, grid, points, vectors, seed in any shape. */
const specJson = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        base: params,
        grid: fc.dictionary(paramName, fc.array(anyValue, { maxLength: 3 }), { maxKeys: 3 }),
        points: fc.array(params, { maxLength: 3 }),
        vectors: anyValue,
        seed: anyValue,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);

describe('headsim argv fuzz', () => {
  const lines: string[] = [];
  const capture = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
  afterEach(() => vi.restoreAllMocks());

  it('exit status is 0, 1 or 2; no stack trace; no case hangs', async () => {
    vi.spyOn(console, 'log').mockImplementation(capture);
    vi.spyOn(console, 'error').mockImplementation(capture);
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (capture(s), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (capture(s), true));
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        lines.length = 0;
        const code = await withinHangGuard(run(args), `headsim ${JSON.stringify(args)}`);
        const text = lines.join('\n');
        expect([0, 1, 2], `${JSON.stringify(args)} → ${code}\n${text}`).toContain(code);
        expect(text, JSON.stringify(args)).not.toMatch(/\n\s+at .+:\d+:\d+/);
      }),
      { numRuns: 300, seed: 42 },
    );
  }, 600_000);

  const quiet = () => {
    vi.spyOn(console, 'log').mockImplementation(capture);
    vi.spyOn(console, 'error').mockImplementation(capture);
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (capture(s), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (capture(s), true));
  };
  const check = async (args: string[]) => {
    lines.length = 0;
    const code = await run(args);
    const text = lines.join('\n');
    expect([0, 1, 2], `${JSON.stringify(args)} → ${code}\n${text}`).toContain(code);
    expect(text, JSON.stringify(args)).not.toMatch(/\n\s+at .+:\d+:\d+/);
  };

  /** Random JSON files given to a command: `args` with the file's path. */
  const fuzzFile = (name: string, json: fc.Arbitrary<unknown>, args: (file: string) => string[], seed: number) => async () => {
    quiet();
    const file = join(out, name);
    await fc.assert(
      fc.asyncProperty(json, async (v) => {
        writeFileSync(file, JSON.stringify(v));
        await check(args(file));
      }),
      { numRuns: 150, seed },
    );
  };

  it(
    'config files of any shape: exit 0, 1 or 2, no stack trace',
    fuzzFile('config.json', configJson, (f) => ['sim', '--config', f, '--vectors', '2', '--out', out], 7),
    600_000,
  );
  it(
    'sweep specs of any shape: exit 0 or 2 (dry run), no stack trace',
    fuzzFile('spec.json', specJson, (f) => ['sweep', f, '--dry-run', '--out', out], 11),
    600_000,
  );
});
