// A careless and a hostile user's inputs, second pass (issue: no false "identical", no unbounded
// reads, errors that name the thing): each case failed before. Each asserts the exit status, the
// one-line message and that nothing is left behind. Runs the real CLI; no simulator needed.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../cli/main.ts';
import { hasCommand, headsim } from './helpers.ts';
import { encodeNpy } from '../harness/inputs/npy.ts';
import { VcdWriter } from '../waves/vcd-writer.ts';
import { SweepCache } from '../harness/sweep/cache.ts';
import { TS_REGISTER, tsNodeArgs } from '../lib/ts-runtime/node-args.ts';

const tmp = mkdtempSync(join(tmpdir(), 'headsim-robust2-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const TINY = ['--classes', '4', '--inputs', '16', '--kPar', '8'];
const MiB = 2 ** 20;

type Result = { code: number | null; stdout: string; stderr: string };

/** The CLI in this process (no start-up cost), its console output captured. */
async function cli(args: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await run(args);
    return { code, stdout: out.map((l) => `${l}\n`).join(''), stderr: err.map((l) => `${l}\n`).join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
afterEach(() => {
  process.exitCode = undefined; // run() leaves the command's status there
});
const oneLine = (r: Result, code: number, re: RegExp) => {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(re);
};
/** A directory's entries, recursively (what a case left behind). */
const tree = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort() : [];
/** A fresh directory per case. */
let n = 0;
const fresh = () => {
  const d = join(tmp, `case${n++}`);
  mkdirSync(d);
  return d;
};

/** The CLI under `sh -c` (pipes), with its peak memory from GNU time when there is one. */
const hasTime = hasCommand('/usr/bin/time', '-f', '%M', 'true');
function shell(script: string, cwd = tmp): Result & { rssMiB: number | null } {
  const rss = join(cwd, `.rss-${n++}`);
  const cmd = hasTime ? `/usr/bin/time -q -f %M -o ${rss} ${script}` : script;
  const r = spawnSync('sh', ['-c', cmd], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, HS: `${process.execPath} --import ${TS_REGISTER} ${CLI}` } });
  const kib = hasTime && existsSync(rss) ? Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) : null;
  rmSync(rss, { force: true });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, rssMiB: kib === null ? null : kib / 1024 };
}
const underGiB = (r: { rssMiB: number | null }) => {
  if (r.rssMiB !== null) expect(r.rssMiB, 'peak RSS (MiB)').toBeLessThan(1024);
};

/** A VCD of a few signals over `cycles` clock periods. */
async function vcd(file: string, names: string[], o: { cycles?: number; timescale?: string } = {}): Promise<string> {
  const w = new VcdWriter(file, { date: 'fixed', timescale: o.timescale ?? '1ns' });
  const h = names.map((s) => w.declare(s, 8));
  w.begin();
  for (let c = 1; c <= (o.cycles ?? 20); c++) {
    w.time(c * 10);
    h.forEach((x, i) => w.change(x, (c * 7 + i) & 0xff));
  }
  await w.close();
  return file;
}

describe('no false verdicts', () => {
  it('waves diff of dumps that share no signal: exit 2, never "identical" (also across timescales)', async () => {
    const d = fresh();
    const a = await vcd(join(d, 'a.vcd'), ['head.x']);
    const b = await vcd(join(d, 'b.vcd'), ['head.y'], { timescale: '1ps' });
    const json = join(d, 'diff.json');
    oneLine(await cli(['waves', 'diff', a, b, '--json', json]), 2, /a\.vcd and .*b\.vcd share no signal \(1 in A, 1 in B; .*\): nothing to compare/);
    expect(tree(d)).toEqual(['a.vcd', 'b.vcd']); // no report
    const ok = await cli(['waves', 'diff', a, a]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^identical: 1 signal\(s\) compared, all agree/);
  });

  it('waves diff of a VCD cut off in the middle of its data: exit 2 (truncated), not "differs"', async () => {
    const d = fresh();
    const a = await vcd(join(d, 'a.vcd'), ['head.x', 'head.y'], { cycles: 400 });
    const text = readFileSync(a, 'latin1');
    const cut = join(d, 'cut.vcd');
    writeFileSync(cut, text.slice(0, text.indexOf('\n', Math.floor(text.length / 2)) - 3), 'latin1'); // mid-line
    oneLine(await cli(['waves', 'diff', a, cut]), 2, /cut\.vcd: truncated VCD \(it ends in the middle of a line: .*\); the writer did not finish/);
    expect(tree(d)).toEqual(['a.vcd', 'cut.vcd']);
  });

  it('--inFmt 16,20 (more fraction bits than bits) is refused, as for every signed format', async () => {
    for (const f of ['inFmt', 'wFmt', 'biasFmt', 'logitFmt']) {
      const d = fresh();
      oneLine(await cli(['sim', `--${f}`, '16,20', '--vectors', '5', '--out', d]), 2, new RegExp(`${f}\\.frac: must be ≤ ${f}\\.width \\(16\\), got 20`));
      expect(tree(d)).toEqual([]);
    }
  });

  it('one count of saturated input values: the summary line, the formats table and the report agree', async () => {
    const d = fresh();
    const json = join(d, 'r.json');
    const r = await cli(['sim', ...TINY, '--inFmt', '6,5', '--mode', 'argmax', '--vectors', '50', '--out', d, '--json', json]);
    expect(r.stderr).toBe('');
    const line = Number(/quantization: saturated \d+ weights, \d+ biases, (\d+) input values/.exec(r.stdout)![1]);
    const table = Number(/^inputs \(inFmt\) .*? (\d+)\/\d+ /m.exec(r.stdout)![1]);
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    expect(line).toBeGreaterThan(0); // the case saturates
    expect(table).toBe(line);
    expect(rep.quantization.inputs).toBe(line);
    expect(rep.quantizationReport.inputs.saturated).toBe(line);
  });

  it('a FAIL line shows the comparison that failed (2.83e-4 > 1e-9), not the requirement', async () => {
    const d = fresh();
    const r = await cli(['sim', ...TINY, '--mode', 'softmax', '--vectors', '20', '--max-prob-error', '1e-9', '--out', d]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL softmax: maxProbError: \d\.\d\de-\d+ > 1e-9$/m);
    expect(r.stdout).not.toMatch(/maxProbError: .* ≤ 1e-9/);
  });

  it('integers are decimal: --vectors 0x10, --seed 1e3, --classes 0x10, --inFmt 0x10,8 are refused', async () => {
    for (const [args, re] of [
      [['--vectors', '0x10'], /--vectors: expected an integer in 1…1000000, got '0x10'/],
      [['--seed', '1e3'], /--seed: expected an integer ≥ 0, got '1e3'/],
      [['--classes', '0x10'], /--classes: expected a decimal number, got '0x10'/],
      [['--inFmt', '0x10,8'], /--inFmt: width: expected a decimal number, got '0x10'/],
      [['--expPar', '0b1'], /--expPar: expected 'auto' or a decimal number, got '0b1'/],
    ] as const) {
      const d = fresh();
      oneLine(await cli(['sim', ...args, '--out', d]), 2, re);
      expect(tree(d)).toEqual([]);
    }
  });
});

describe('--help and the header line say which head runs', () => {
  it("--help shows each parameter's real default: auto where it is resolved per configuration", () => {
    const r = headsim(['sim', '--help']);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--select <value> how the ranking is found: .*? \(default: auto\)/);
    expect(help).toMatch(/--expSplit <value> .*? \(default: auto,16,9\)/);
    expect(help).toMatch(/--expPar <value> .*? \(default: auto\)/);
    expect(help).toMatch(/--cPar <value> class rows computed in parallel \(default: classes\)/);
    expect(help).not.toMatch(/\(default: tree\)|\(default: 6,16,9\)/);
  });

  it('the header line names the resolved select, expPar, expImpl and recipImpl', async () => {
    const d = fresh();
    const r = await cli(['sim', '--classes', '40', '--cPar', '10', '--inputs', '128', '--mode', 'argmax', '--vectors', '5', '--out', d]);
    expect(r.stdout.split('\n')[0]).toMatch(/^sim: classes 40, .*select stream \(auto\), divider reciprocal, recipImpl divide, expImpl split, expPar \d+ \(auto\), 5 vectors/);
    const t = await cli(['sim', ...TINY, '--select', 'tree', '--expPar', '2', '--expImpl', 'table', '--recipImpl', 'table', '--mode', 'argmax', '--vectors', '5', '--out', d]);
    expect(t.stdout.split('\n')[0]).toMatch(/select tree, .*recipImpl table, expImpl table, expPar 2, /);
  });
});

describe('no unbounded reads: every reader has a limit, checked before it reads a file whole', () => {
  it.each([
    ['waves /dev/zero', '$HS waves /dev/zero', /\/dev\/zero: not a VCD file \(no \$end in 64 KiB after byte 0\)/],
    ['waves diff /dev/zero B', '$HS waves diff /dev/zero /dev/zero', /\/dev\/zero: not a VCD file/],
    ['sweep /dev/zero', '$HS sweep /dev/zero --dry-run', /\/dev\/zero: sweep spec larger than 16 MiB/],
    ['bench --from-json /dev/zero', '$HS bench --from-json /dev/zero --results none', /--from-json \/dev\/zero: bench report larger than 64 MiB/],
    ['--config /dev/zero', '$HS sim --config /dev/zero', /\/dev\/zero: config file larger than 1 MiB/],
    ['--weights W.json from /dev/zero', 'ln -sf /dev/zero zero.json && $HS sim --weights zero.json --out ../weights-out', /zero\.json: weights file larger than 128 MiB/],
  ])('%s: exit 2, one line, bounded memory', (_, script, re) => {
    const d = fresh();
    const r = shell(script, d);
    oneLine(r, 2, re);
    underGiB(r);
    expect(tree(d).filter((f) => f !== 'zero.json')).toEqual([]);
  });

  it('a pipe that starts with a NumPy header is refused by its shape, before its data is read', () => {
    const d = fresh();
    const head = (shape: string) => {
      const h = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shape}, }`;
      const text = h + ' '.repeat(63 - ((10 + h.length) % 64)) + '\n';
      const b = Buffer.alloc(10 + text.length);
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(b);
      b.writeUInt16LE(text.length, 8);
      b.write(text, 10, 'latin1');
      return b;
    };
    writeFileSync(join(d, 'huge.hdr'), head('(1000000, 4096)'));
    writeFileSync(join(d, 'small.hdr'), head('(4, 16)'));
    let r = shell('cat huge.hdr /dev/zero | $HS sim --weights /dev/stdin --out ../npy-out', d);
    oneLine(r, 2, /\/dev\/stdin: shape \[1000000,4096\] holds 4,096,000,000 values; at most 16,777,216 are read/);
    underGiB(r);
    // a shape that fits, followed by endless bytes: refused after one byte past its data
    r = shell('cat small.hdr /dev/zero | $HS sim --weights /dev/stdin --out ../npy-out', d);
    oneLine(r, 2, /\/dev\/stdin: data is \d+ bytes, shape \[4,16\] of f8 needs 512/);
    underGiB(r);
    expect(tree(d)).toEqual(['huge.hdr', 'small.hdr']);
  });

  it('a regular .npy larger than its header says is refused without reading it whole', async () => {
    const d = fresh();
    const f = join(d, 'W.npy');
    writeFileSync(f, Buffer.concat([encodeNpy({ dtype: 'f8', shape: [4, 16], data: new Float64Array(64) }), Buffer.alloc(4 * MiB)]));
    oneLine(await cli(['sim', '--weights', f, '--out', d]), 2, /W\.npy: data is 4194816 bytes, shape \[4,16\] of f8 needs 512/);
  });

  it('a silent pipe: reading it obeys SIGTERM (the run exits 143, no process left)', async () => {
    const d = fresh();
    const fifo = join(d, 'W.npy');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const args of [['sim', '--weights', fifo, '--out', d], ['waves', fifo]]) {
      const c = spawn(process.execPath, [...tsNodeArgs(), CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
      // the CLI has the pipe open once a writer can open it without blocking; then the writer stays silent
      let w = -1;
      for (let i = 0; i < 1200 && w < 0; i++) {
        try {
          w = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(w, 'the CLI opened the pipe').toBeGreaterThanOrEqual(0);
      c.kill('SIGTERM');
      expect(await exited).toBe(143);
      closeSync(w);
    }
  }, 180_000);
});

describe('no command ignores SIGTERM', () => {
  it('a long waves diff stops on SIGTERM (its reads let the event loop turn), exit 143, no verdict', async () => {
    const d = fresh();
    const f = join(d, 'long.vcd');
    const head = '$timescale 1ns $end\n$scope module TOP $end\n$scope module head $end\n' + Array.from({ length: 8 }, (_, i) => `$var wire 8 s${i} sig${i} [7:0] $end\n`).join('') + '$upscope $end\n$upscope $end\n$enddefinitions $end\n';
    const step = (t: number) => `#${t * 10}\n` + Array.from({ length: 8 }, (_, i) => `b${((t * 7 + i) & 255).toString(2)} s${i}\n`).join('');
    const block = Array.from({ length: 10_000 }, (_, t) => step(t)).join('');
    writeFileSync(f, head + Array.from({ length: 60 }, (_, k) => block.replace(/^#(\d+)$/gm, (_, x) => `#${Number(x) + k * 100_000}`)).join('')); // ~60 MB: seconds of parsing
    const c = spawn(process.execPath, [...tsNodeArgs(), CLI, 'waves', 'diff', f, f], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (x) => (out += x));
    const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
    // under way once both dumps are open
    const open = () => {
      try {
        return readdirSync(`/proc/${c.pid}/fd`).filter((x) => readlinkSync(`/proc/${c.pid}/fd/${x}`) === f).length;
      } catch {
        return 0;
      }
    };
    for (let i = 0; i < 1200 && open() < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(open(), 'both dumps are open').toBe(2);
    c.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(out).not.toMatch(/identical|DIFFER/);
  }, 180_000);
});

describe('errors name the file or the flag the user gave', () => {
  it.each([
    ['random bytes', () => Buffer.from(Array.from({ length: 3 * MiB }, (_, i) => (i * 2654435761) >>> 24)), /rand\.bin: not a VCD file \(no \$end in 64 KiB after byte 0\)/],
    ['text', () => Buffer.from('hello world, this is not a dump\n'.repeat(100_000)), /text\.bin: not a VCD file/],
    ['zeros', () => Buffer.alloc(3 * MiB), /zeros\.bin: not a VCD file/],
  ])('waves on a large file that is not a dump (%s): exit 2 naming it', async (what, bytes, re) => {
    const d = fresh();
    const f = join(d, `${what === 'random bytes' ? 'rand' : what}.bin`);
    writeFileSync(f, bytes());
    oneLine(await cli(['waves', f]), 2, re);
    oneLine(await cli(['waves', 'diff', f, f]), 2, re);
    expect(tree(d)).toEqual([f.split('/').pop()]);
  });

  it('waves on a directory: exit 2 naming it', async () => {
    const d = fresh();
    oneLine(await cli(['waves', d]), 2, new RegExp(`${d}: cannot read dump \\(a directory\\)`));
    oneLine(await cli(['waves', 'diff', d, d]), 2, new RegExp(`${d}: cannot read dump \\(a directory\\)`));
  });

  it('weights of shape 1×8: the error is about the weights file, not "classes"', async () => {
    const d = fresh();
    const f = join(d, 'W.npy');
    writeFileSync(f, encodeNpy({ dtype: 'f4', shape: [1, 8], data: new Float64Array(8) }));
    oneLine(await cli(['sim', '--weights', f, '--out', d]), 2, /W\.npy: weights of shape \[1, 8\] \[classes, inputs\] give classes = 1; a head has 2 … 1024/);
  });

  it('--auto-formats on huge weights names the data and the flag to give, not "wFmt.frac"', async () => {
    const d = fresh();
    const f = join(d, 'W.npy');
    writeFileSync(f, encodeNpy({ dtype: 'f8', shape: [4, 8], data: new Float64Array(32).fill(1e30) }));
    oneLine(await cli(['sim', '--weights', f, '--auto-formats', '--out', d]), 2, /--auto-formats: the weights reach 1\.00e\+30, more than any 16-bit format holds .*; rescale them or give --wFmt/);
  });

  it("sweep --slurm when sbatch fails: sbatch's own reason on the one line", () => {
    const d = fresh();
    const bin = join(d, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'sbatch'), '#!/bin/sh\necho "sbatch: error: invalid partition specified: gpu" >&2\nexit 1\n', { mode: 0o755 });
    const spec = join(d, 'one.json');
    writeFileSync(spec, JSON.stringify({ base: { classes: 2, inputs: 4, kPar: 4, topK: 1, mode: 'argmax' } }));
    const r = headsim(['sweep', spec, '--slurm', '--out', join(d, 'o')], 120_000, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    oneLine(r, 1, /sbatch .*array\.sh: exit status 1: sbatch: error: invalid partition specified: gpu/);
  });

  const canMount = process.getuid?.() === 0 && hasCommand('mount', '--version');
  it.skipIf(!canMount)('a full disk: the sweep cache and the run files name the file (ENOSPC), and the earlier report is kept aside', () => {
    const d = fresh();
    const small = join(d, 'small');
    mkdirSync(small);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', small]).status).toBe(0);
    try {
      writeFileSync(join(small, 'filler'), Buffer.alloc(12 * 1024));
      const cache = new SweepCache(join(small, 'c.jsonl'));
      try {
        expect(() => cache.append({ kind: 'flat', synthKey: 'k', flat: { text: 'x'.repeat(64 * 1024) } } as never)).toThrow(/c\.jsonl: cannot write \(ENOSPC\)/);
      } finally {
        cache.close();
      }
      rmSync(join(small, 'c.jsonl'));
      const report = join(small, 'r.json');
      writeFileSync(report, '{"old": true}\n');
      const r = headsim(['sim', ...TINY, '--vectors', '50', '--out', join(d, 'o'), '--json', report]);
      oneLine(r, 2, /r\.json: cannot write \(ENOSPC\); the earlier report is kept as .*r\.json\.previous/);
      expect(existsSync(report)).toBe(false); // no report claims this run
      expect(readFileSync(`${report}.previous`, 'utf8')).toBe('{"old": true}\n');
      expect(readdirSync(small).filter((f) => f.includes('.tmp-'))).toEqual([]);
    } finally {
      spawnSync('umount', [small]);
    }
  });
});

describe('reports and output paths', () => {
  it('--json through a symbolic link writes the target, atomically; the link stays', async () => {
    const d = fresh();
    const target = join(d, 'reports', 'latest.json');
    mkdirSync(join(d, 'reports'));
    writeFileSync(target, '{"old": true}\n');
    const link = join(d, 'r.json');
    symlinkSync(target, link);
    const r = await cli(['sim', ...TINY, '--mode', 'argmax', '--vectors', '5', '--out', join(d, 'o'), '--json', link]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(JSON.parse(readFileSync(target, 'utf8')).command).toBe('sim');
    expect(readdirSync(join(d, 'reports'))).toEqual(['latest.json']); // no temp file, the earlier report replaced
  });

  it('a run that fails after it started leaves no report at --json; the earlier one is kept aside', async () => {
    const d = fresh();
    const json = join(d, 'r.json');
    writeFileSync(json, JSON.stringify({ command: 'sim', runs: [{ checks: [{ name: 'complete', ok: true }] }] }));
    const x = join(d, 'X.npy');
    writeFileSync(x, encodeNpy({ dtype: 'f4', shape: [4, 16], data: Float64Array.from({ length: 64 }, () => NaN) }));
    oneLine(await cli(['sim', ...TINY, '--input-vectors', x, '--out', join(d, 'o'), '--json', json]), 2, /X\.npy: element 0 is NaN/);
    expect(existsSync(json)).toBe(false);
    expect(JSON.parse(readFileSync(`${json}.previous`, 'utf8')).runs[0].checks[0].ok).toBe(true);
  });

  it('an --out longer than the system allows is refused before anything is made', async () => {
    const d = fresh();
    const deep = join(d, ...Array.from({ length: 40 }, (_, i) => `level-${i}-${'x'.repeat(100)}`));
    oneLine(await cli(['sim', '--vectors', '5', '--out', deep]), 2, /--out .*: the path is \d+ bytes; the system allows 4095, and the files under it need 256 more/);
    const wide = join(d, 'y'.repeat(300));
    oneLine(await cli(['sim', '--vectors', '5', '--out', wide]), 2, /--out .*: a path component is 300 bytes, more than the system's 255/);
    oneLine(await cli(['sim', '--vectors', '5', '--out', d, '--json', join(deep, 'r.json')]), 2, /--json .*: the path is \d+ bytes; the system allows 4095/);
    expect(tree(d)).toEqual([]);
  });
});
