// The checks an export passes as it is written, each on the directory alone (its files, its
// working directory): Verilator lint, Yosys synthesis compared with `headsim synth`'s, and its
// own cocotb testbench under Icarus. Logs go to the export's log directory, never into the
// shipped one (the testbench's build products are removed after it ran).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { CommandNotFoundError, runCommand, tail } from '../../lib/proc.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { checkCocotbSetup } from '../rtl/cocotb/setup.ts';
import { VerilatorNotFoundError } from '../rtl/verilator/build.ts';
import { synthFlat, synthInputs, type FlatReport } from '../synth/synth.ts';
import type { ResourceFigures, VerifyResult } from './manifest.ts';

export const VERIFY_STEPS = ['lint', 'synth', 'tb'] as const;
export type VerifyStep = (typeof VERIFY_STEPS)[number];

const seconds = (t0: number) => (performance.now() - t0) / 1000;
const verilogOf = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v')).sort();

/** verilator --lint-only -Wall of the directory's Verilog, top NAME, run in the directory. */
export async function lint(dir: string, name: string, logDir: string): Promise<VerifyResult> {
  const t0 = performance.now();
  const args = ['--lint-only', '-Wall', '--top-module', name, ...verilogOf(dir)];
  const r = await runCommand('verilator', args, { cwd: dir, timeoutMs: 300_000 }).catch((e) => {
    throw e instanceof CommandNotFoundError ? new VerilatorNotFoundError() : e;
  });
  const out = `${r.stdout}${r.stderr}`;
  writeFileSync(path.join(logDir, 'lint.log'), `$ verilator ${args.join(' ')}\n${out}`);
  const first = out.split('\n').find((l) => /%(Warning|Error)/.test(l));
  const ok = r.code === 0 && !first;
  return { step: 'lint', ok, detail: ok ? 'verilator --lint-only -Wall: no warning' : `verilator: ${first ?? `exit ${r.code}`}`, seconds: seconds(t0) };
}

export const figures = (r: FlatReport): ResourceFigures => {
  const { lut, ff, dsp, bram, ramb36, ramb18, carry, srl, lutram, muxf7, muxf8, logicDepth } = r;
  return { lut, ff, dsp, bram, ramb36, ramb18, carry, srl, lutram, muxf7, muxf8, logicDepth };
};

/** Must be equal: cells that do not go through ABC's LUT mapping. */
export const EXACT: (keyof ResourceFigures)[] = ['ff', 'dsp', 'ramb36', 'ramb18', 'carry', 'srl', 'lutram'];
/**
 * LUTs may differ by this fraction: Yosys' ABC maps the same logic to a few LUTs more or fewer
 * depending on the order in which elaboration built the netlist (measured: the seed head read
 * with and without -defer, 1666 vs 1655; rtl/README.md §Synthesis notes ±50 between designs).
 */
export const LUT_TOLERANCE = 0.02;

export interface SynthCheck {
  result: VerifyResult;
  headsimSynth: ResourceFigures;
  directory: ResourceFigures;
  yosysVersion: string;
}

/**
 * `headsim synth`'s flattened synthesis of the scenario (top head, rtl/, its memory images)
 * and the same synthesis of the directory alone (top NAME, read with -defer), side by side.
 */
export async function synth(s: Scenario, dir: string, name: string, logDir: string, timeoutMs?: number): Promise<SynthCheck> {
  const t0 = performance.now();
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir).filter((f) => /\.(v|mem)$/.test(f))) files[f] = readFileSync(path.join(dir, f), 'utf8');
  const [ref, mine] = await Promise.all([
    synthFlat(synthInputs(s), { timeoutMs }),
    synthFlat({ files, sources: verilogOf(dir), params: {}, memHashes: {}, top: name }, { timeoutMs }),
  ]);
  const a = figures(ref);
  const b = figures(mine);
  writeFileSync(path.join(logDir, 'synth.json'), JSON.stringify({ headsimSynth: ref, directory: mine }, null, 2) + '\n');
  const off = EXACT.filter((k) => a[k] !== b[k]);
  const lutOk = Math.abs(a.lut - b.lut) <= LUT_TOLERANCE * a.lut;
  const ok = off.length === 0 && lutOk;
  const delta = b.lut - a.lut;
  const detail = ok
    ? `top ${name}: ${b.lut} LUT (headsim synth ${a.lut}, ${delta >= 0 ? '+' : ''}${delta}), ${b.ff} FF, ${b.dsp} DSP48E1, ${b.bram} BRAM, ${b.carry} CARRY4: FF, DSP, BRAM, CARRY4, SRL, LUTRAM equal`
    : `differs from headsim synth: ${[...off.map((k) => `${k} ${b[k]} vs ${a[k]}`), ...(lutOk ? [] : [`lut ${b.lut} vs ${a.lut} (over ${LUT_TOLERANCE * 100} %)`])].join(', ')}`;
  return { result: { step: 'synth', ok, detail, seconds: seconds(t0) }, headsimSynth: a, directory: b, yosysVersion: mine.yosysVersion };
}

/** `make -C tb` with the venv's cocotb on PATH; its build products are removed afterwards. */
export async function testbench(dir: string, python: string, logDir: string, o: { seed: number; timeoutMs?: number }): Promise<VerifyResult> {
  const t0 = performance.now();
  await checkCocotbSetup(python);
  const axi = await runCommand(python, ['-c', 'import cocotbext.axi'], { timeoutMs: 60_000 });
  if (axi.code !== 0) throw new InputError(`testbench: cocotbext-axi is not installed in ${python}: run \`make venv\` (harness/rtl/cocotb/requirements.txt)`);
  const tb = path.join(dir, 'tb');
  const env = { ...process.env, PATH: `${path.dirname(python)}${path.delimiter}${process.env.PATH ?? ''}`, COCOTB_RANDOM_SEED: String(o.seed) };
  let r;
  try {
    r = await runCommand('make', ['-C', tb], { env, timeoutMs: o.timeoutMs ?? 20 * 60_000 });
  } catch (e) {
    if (e instanceof CommandNotFoundError) throw new InputError('testbench: make not found: apt-get install -y make');
    throw e;
  } finally {
    for (const f of ['sim_build', 'results.xml', '__pycache__']) rmSync(path.join(tb, f), { recursive: true, force: true });
  }
  const out = `${r.stdout}${r.stderr}`;
  const logPath = path.join(logDir, 'tb.log');
  writeFileSync(logPath, out);
  const m = /headsim tb: (\d+)\/(\d+) vectors, (\d+) entries, (\d+) errors/.exec(out);
  const ok = r.code === 0 && m !== null && m[1] === m[2] && m[4] === '0';
  const detail = m
    ? `cocotbext-axi, random pauses both sides: ${m[1]}/${m[2]} golden vectors, ${m[3]} entries, ${m[4]} errors`
    : `make -C tb failed (exit ${r.code}): ${tail(out, 1).trim()}; log ${logPath}`;
  return { step: 'tb', ok, detail, seconds: seconds(t0) };
}
