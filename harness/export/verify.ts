// The checks an export passes as it is written, each on the directory alone (its files, its
// working directory): Verilator lint, Yosys synthesis compared with `headsim synth`'s, and its
// own cocotb testbench under Icarus. Logs go to the export's log directory, never into the
// shipped one (the testbench's build products are removed after it ran).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { CommandNotFoundError, runCommand, tail } from '../../lib/proc.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { checkCocotbSetup } from '../rtl/cocotb/setup.ts';
import { VerilatorNotFoundError } from '../rtl/verilator/build.ts';
import { synthFlat, synthInputs, type FlatReport, type SynthInputs } from '../synth/synth.ts';
import { MEM_NAMES } from './memories.ts';
import type { ResourceFigures, VerifyResult } from './manifest.ts';

export const VERIFY_STEPS = ['lint', 'synth', 'tb'] as const;
export type VerifyStep = (typeof VERIFY_STEPS)[number];

const seconds = (t0: number) => (performance.now() - t0) / 1000;
const sign = (d: number) => `${d >= 0 ? '+' : ''}${d}`;
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

/** Every column of the resources (and the logic depth). */
const ALL: (keyof ResourceFigures)[] = ['lut', 'ff', 'dsp', 'bram', 'ramb36', 'ramb18', 'carry', 'srl', 'lutram', 'muxf7', 'muxf8', 'logicDepth'];
/** Cells that do not go through ABC's LUT mapping: equal however the design is wrapped. */
export const EXACT: (keyof ResourceFigures)[] = ['ff', 'dsp', 'ramb36', 'ramb18', 'carry', 'srl', 'lutram'];

export interface SynthCheck {
  result: VerifyResult;
  /** `headsim synth`: rtl/ and the harness's memory images */
  headsimSynth: ResourceFigures;
  /** headsim synth's script on the directory's files: its module copies, images and NAME.v's parameters */
  sameScript: ResourceFigures;
  /** the directory as a user synthesizes it: top NAME, read_verilog -defer */
  top: ResourceFigures;
  yosysVersion: string;
}

/**
 * headsim synth's inputs taken from the directory alone: the module copies (not NAME.v), the
 * parameters NAME.v gives head, and the images under the file names head's parameters default
 * to (headsim synth's script reads rtl/ without -defer, so Yosys elaborates every module once
 * with its defaults and opens those names; an image this configuration does not read is a
 * one-word placeholder there).
 */
export function sameScriptInputs(dir: string, name: string, embedded: boolean): SynthInputs {
  const files: Record<string, string> = {};
  const sources = verilogOf(dir).filter((f) => f !== `${name}.v`);
  for (const f of sources) files[f] = readFileSync(path.join(dir, f), 'utf8');
  const top = readFileSync(path.join(dir, `${name}.v`), 'utf8');
  const params = Object.fromEntries([...top.matchAll(/\.([A-Z][A-Z0-9_]*)\((-?\d+)\)/g)].map((m) => [m[1]!, Number(m[2])]));
  for (const m of MEM_NAMES) {
    const file = path.join(dir, `${name}_${m}.mem`);
    files[`${m}.hex`] = existsSync(file) ? readFileSync(file, 'utf8') : '0\n';
  }
  return { files, sources, params, memHashes: {}, ...(embedded ? { top: `${name}_head` } : {}) };
}

/**
 * Three flattened syntheses: `headsim synth` of the scenario; the same script on the
 * directory's files, which must give every figure equal (embedded: the cells outside LUT mapping); and the directory as a user
 * synthesizes it (top NAME), whose FF, DSP, BRAM, CARRY4, SRL and LUTRAM must be equal too.
 * Its LUT count is reported, not checked: ABC maps the same logic one hierarchy level deeper to
 * a different LUT count (seed argmax 1499 → 1711; softmax 1666 → 1659).
 */
export async function synth(s: Scenario, dir: string, name: string, logDir: string, o: { embedded: boolean; timeoutMs?: number }): Promise<SynthCheck> {
  const t0 = performance.now();
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir).filter((f) => /\.(v|mem)$/.test(f))) files[f] = readFileSync(path.join(dir, f), 'utf8');
  const opts = { timeoutMs: o.timeoutMs };
  const [ref, same, user] = await Promise.all([
    synthFlat(synthInputs(s), opts),
    synthFlat(sameScriptInputs(dir, name, o.embedded), opts),
    synthFlat({ files, sources: verilogOf(dir), params: {}, memHashes: {}, top: name, defer: true }, opts),
  ]);
  const [a, b, c] = [figures(ref), figures(same), figures(user)];
  writeFileSync(path.join(logDir, 'synth.json'), JSON.stringify({ headsimSynth: ref, sameScript: same, top: user }, null, 2) + '\n');
  // Embedded, the copies are not rtl/'s (renamed, contents inline): the same script reads other
  // text, and only the cells outside LUT mapping must match (seed softmax: 1673 LUT vs 1666).
  const offSame = (o.embedded ? EXACT : ALL).filter((k) => a[k] !== b[k]);
  const offTop = EXACT.filter((k) => a[k] !== c[k]);
  const ok = offSame.length === 0 && offTop.length === 0;
  const delta = c.lut - a.lut;
  const list = (x: ResourceFigures, ks: (keyof ResourceFigures)[]) => ks.map((k) => `${k} ${x[k]} vs ${a[k]}`).join(', ');
  const detail = ok
    ? `headsim synth's script on the directory: ${o.embedded ? `FF, DSP, BRAM, CARRY4, SRL, LUTRAM equal, ${b.lut} LUT (${sign(b.lut - a.lut)})` : `equal (${b.lut} LUT, ${b.ff} FF, ${b.dsp} DSP48E1, ${b.bram} BRAM, ${b.carry} CARRY4)`}; top ${name}: FF, DSP, BRAM, CARRY4, SRL, LUTRAM equal, ${c.lut} LUT (${sign(delta)})`
    : `differs from headsim synth: ${[offSame.length ? `same script: ${list(b, offSame)}` : '', offTop.length ? `top ${name}: ${list(c, offTop)}` : ''].filter(Boolean).join('; ')}`;
  return { result: { step: 'synth', ok, detail, seconds: seconds(t0) }, headsimSynth: a, sameScript: b, top: c, yosysVersion: user.yosysVersion };
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
