/**
 * Verilator alone: bench/verilator_alone.cpp (its own stimulus loop, no TypeScript in it)
 * verilated with rtl/ for one scenario. Three builds, content-cached under
 * <outRoot>/<variant>-<key16>/:
 *   default  Verilator's default flags (OPT_FAST=-Os, no --trace): the "out of the box" speed;
 *   O2       OPT_FAST=-O2 OPT_GLOBAL=-O2, as the lockstep driver (harness/verilator/build.ts);
 *   trace    the driver's flags (-O2, --trace, --trace-max-array 65536), dumping every signal.
 * The stimulus file is written by writeStimulus from a recorded PortBatch (inputs and the
 * model's outputs, which the C++ loop checks cycle by cycle).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rtlParams } from '../harness/rtl-params.ts';
import { rtlSources, RTL_DIR } from '../harness/rtl-build.ts';
import { portWidths } from '../harness/model-run.ts';
import type { PortBatch } from '../harness/ports.ts';
import { pad4 } from '../harness/verilator/protocol.ts';
import { runCommand, tail } from '../harness/proc.ts';
import type { Scenario } from '../harness/scenario.ts';
import { PORTS_HEADER, verilatorVersion } from '../harness/verilator/build.ts';

export const ALONE_SOURCE = fileURLToPath(new URL('./verilator_alone.cpp', import.meta.url));
const EXE = 'verilator_alone';

export type VerilatorVariant = 'default' | 'O2' | 'trace';

const VARIANT_ARGS: Record<VerilatorVariant, string[]> = {
  default: [],
  O2: ['-MAKEFLAGS', 'OPT_FAST=-O2', '-MAKEFLAGS', 'OPT_GLOBAL=-O2'],
  trace: ['--trace', '--trace-max-array', '65536', '-MAKEFLAGS', 'OPT_FAST=-O2', '-MAKEFLAGS', 'OPT_GLOBAL=-O2'],
};

export interface AloneBuild {
  exe: string;
  variant: VerilatorVariant;
  cached: boolean;
  seconds: number;
  flags: string[];
}

export async function buildVerilatorAlone(s: Scenario, variant: VerilatorVariant, outRoot: string): Promise<AloneBuild> {
  const t0 = performance.now();
  const { sW, idxW, valW } = portWidths(s);
  const params = rtlParams(s.g, s.config.relu);
  const sources = rtlSources();
  const flags = [
    '--cc', '--exe', '--build', '-j', '2',
    '--top-module', 'head', '--prefix', 'Vdut', '-o', EXE,
    '--x-assign', 'fast', '--x-initial', 'fast', '--no-timing', '--timescale-override', '1ns/1ns', '-Wno-fatal',
    '-CFLAGS', `-DS_W=${sW} -DIDX_W=${idxW} -DVAL_W=${valW}`,
    ...VARIANT_ARGS[variant],
    `-I${RTL_DIR}`,
    ...Object.keys(params).sort().map((k) => `-G${k}=${params[k]}`),
  ];
  const h = createHash('sha256');
  h.update(await verilatorVersion());
  h.update(JSON.stringify(flags));
  h.update(await readFile(ALONE_SOURCE));
  h.update(await readFile(PORTS_HEADER));
  for (const f of sources) h.update(await readFile(f));
  const key = h.digest('hex').slice(0, 16);
  const root = path.resolve(outRoot);
  const dir = path.join(root, `${variant}-${key}`);
  const exe = path.join(dir, EXE);
  const seconds = () => (performance.now() - t0) / 1000;
  if (existsSync(exe)) return { exe, variant, cached: true, seconds: seconds(), flags };
  await mkdir(root, { recursive: true });
  const tmp = path.join(root, `.tmp-${variant}-${key}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const r = await runCommand('verilator', ['--Mdir', tmp, ...flags, ALONE_SOURCE, ...sources], { timeoutMs: 30 * 60_000 });
    if (r.code !== 0 || !existsSync(path.join(tmp, EXE))) throw new Error(`verilator build (${variant}) failed (exit ${r.code}):\n${tail(r.stderr || r.stdout, 30)}`);
    await writeFile(path.join(tmp, 'build.log'), `${r.stdout}\n${r.stderr}`);
    try {
      await rename(tmp, dir);
    } catch (e) {
      if (!existsSync(exe)) throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { exe, variant, cached: false, seconds: seconds(), flags };
}

/** Writes the stimulus file of verilator_alone.cpp: the batch's inputs and expected outputs for n cycles. */
export function writeStimulus(file: string, b: PortBatch, n: number): void {
  const w = b.widths;
  const head = new Uint32Array([0x31425348, w.sW, w.idxW, w.valW, n]);
  const flags = new Uint8Array(pad4(n));
  flags.set(b.flags.subarray(0, n));
  const out = new Uint8Array(pad4(n));
  out.set(b.outFlags.subarray(0, n));
  const u8 = (a: Uint32Array, count: number) => new Uint8Array(a.buffer, a.byteOffset, count * 4);
  writeFileSync(file, Buffer.concat([u8(head, 5), flags, u8(b.sData, n * b.sWords), out, u8(b.mIndex, n), u8(b.mValue, n)]));
}

export interface AloneRun {
  cycles: number;
  wall: number;
  cpu: number;
  mismatches: number;
  firstMismatch: number;
}

/** Runs the binary once on (the first `cycles` of) the stimulus, a fresh model. */
export async function runVerilatorAlone(exe: string, stimulus: string, plusargs: string[], opts: { cycles?: number; trace?: string } = {}): Promise<AloneRun> {
  const args = [stimulus, ...(opts.cycles !== undefined ? ['--cycles', String(opts.cycles)] : []), ...(opts.trace ? ['--trace', opts.trace] : []), ...plusargs];
  const r = await runCommand(exe, args, { timeoutMs: 30 * 60_000 });
  if (r.code !== 0) throw new Error(`${exe} failed (exit ${r.code}):\n${tail(r.stderr || r.stdout, 20)}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${exe}: no result line in its output:\n${tail(r.stdout + r.stderr, 20)}`);
  return JSON.parse(line) as AloneRun;
}
