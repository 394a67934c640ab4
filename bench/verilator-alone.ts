/**
 * Verilator alone: bench/verilator_alone.cpp (its own stimulus loop, no TypeScript in it)
 * verilated with rtl/ for one scenario. Three builds, content-cached under
 * <outRoot>/<variant>/<key16>/:
 *   default  Verilator's default flags (OPT_FAST=-Os, no --trace): the "out of the box" speed;
 *   O2       OPT_FAST=-O2 OPT_GLOBAL=-O2, as the lockstep driver (harness/rtl/verilator/build.ts);
 *   trace    the driver's flags (-O2, --trace, --trace-max-array 65536), dumping every signal.
 * The stimulus file is written by writeStimulus from a recorded PortBatch (inputs and the
 * model's outputs, which the C++ loop checks cycle by cycle).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rtlParams } from '../harness/rtl/params.ts';
import { rtlSources, RTL_DIR } from '../harness/rtl/build.ts';
import { portWidths, type PortBatch } from '../harness/rtl/ports.ts';
import { pad4 } from '../harness/rtl/protocol.ts';
import { runCommand, tail } from '../lib/proc.ts';
import type { Scenario } from '../harness/inputs/scenario.ts';
import { buildVerilator, type VerilatorBuild } from '../harness/rtl/verilator/build.ts';

export const ALONE_SOURCE = fileURLToPath(new URL('./verilator_alone.cpp', import.meta.url));
export type VerilatorVariant = 'default' | 'O2' | 'trace' | 'trace-fst';

/**
 * verilator_alone.cpp verilated with the RTL by the harness's cached build (harness/rtl/verilator/
 * build.ts), one build per variant: Verilator's default -Os, -O2, and -O2 with full --trace
 * (whole register arrays, as the lockstep build traces them).
 */
export function buildVerilatorAlone(s: Scenario, variant: VerilatorVariant, outRoot: string): Promise<VerilatorBuild> {
  return buildVerilator({
    top: 'head',
    sources: rtlSources(),
    includeDirs: [RTL_DIR],
    params: rtlParams(s.g, s.config.relu),
    widths: portWidths(s.g),
    outRoot: path.join(outRoot, variant),
    timeoutMs: 30 * 60_000,
    main: ALONE_SOURCE,
    trace: variant === 'trace' ? 'vcd' : variant === 'trace-fst' ? 'fst' : false,
    optimize: variant === 'default' ? 'default' : 'run',
    extraArgs: variant.startsWith('trace') ? ['--trace-max-array', '65536'] : [],
  });
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
export async function runVerilatorAlone(
  exe: string,
  stimulus: string,
  plusargs: string[],
  opts: { cycles?: number; trace?: string; dumpvars?: string } = {},
): Promise<AloneRun> {
  const args = [
    stimulus,
    ...(opts.cycles !== undefined ? ['--cycles', String(opts.cycles)] : []),
    ...(opts.trace ? ['--trace', opts.trace] : []),
    ...(opts.dumpvars ? ['--dumpvars', opts.dumpvars] : []),
    ...plusargs,
  ];
  const r = await runCommand(exe, args, { timeoutMs: 30 * 60_000 });
  if (r.code !== 0) throw new Error(`${exe} failed (exit ${r.code}):\n${tail(r.stderr || r.stdout, 20)}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${exe}: no result line in its output:\n${tail(r.stdout + r.stderr, 20)}`);
  return JSON.parse(line) as AloneRun;
}
