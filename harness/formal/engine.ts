// Runs the model checker on a built model (build.ts), one property at a time: ABC (`yosys-abc`,
// shipped with Debian's Yosys) on the AIGER cone of the property, all inputs kept so a
// counterexample maps back onto the design. The cone is first cleaned of dangling registers and
// reduced by signal correspondence (`scorr`: registers proved equivalent or constant by
// induction are merged, which keeps every output's behaviour from reset) and `dc2`; then `pdr`
// (IC3: it proves a property by building an inductive invariant, the strengthening plain
// k-induction needs and lacks) decides it. When pdr runs out of time, `bmc3` checks the property
// to a depth and the verdict is "unknown at depth k" — never "proved". A failure is always
// re-found by bmc3 on the unreduced cone, so its witness (cex.ts turns it into a VCD) is a trace
// of the design itself.
import { join } from 'node:path';
import { CommandError, CommandNotFoundError, runCommand } from '../../lib/proc.ts';
import { InputError } from '../../lib/errors.ts';
import { FormalToolError, type FormalModel } from './build.ts';

export type Verdict =
  /** scorr: the reduction alone made the output constant (proved by induction); pdr: an inductive invariant */
  | { status: 'proved'; engine: 'pdr' | 'scorr'; frame: number; clauses: number }
  | { status: 'failed'; engine: 'pdr' | 'bmc3'; depth: number; witness: string }
  /** depth: the bounded check found nothing to this depth; unprovedLemmas: proved under lemmas that are not */
  | { status: 'unknown'; depth: number; unprovedLemmas?: string[] };

export interface PropertyResult {
  name: string;
  /** the harness it belongs to: head (head_props.v) or the selector's (tree_rank, stream_rank) */
  harness: string;
  lemma: boolean;
  doc: string;
  verdict: Verdict;
  seconds: number;
}

export interface EngineOptions {
  /** seconds of pdr per property (ABC's own clock), then as long for bmc3 */
  timeout: number;
  /** depth of the bounded check when pdr gives up */
  depth: number;
}

/**
 * ABC's -T limits count its own clock, which runs slower than the wall clock on a loaded
 * machine; a run is killed (and counts as undecided) only well past it.
 */
export const wallLimitMs = (seconds: number) => seconds * 4_000 + 60_000;

/** One ABC run; null when it was killed at its wall-clock limit (no verdict). */
export async function abc(dir: string, script: string, timeoutMs: number): Promise<string | null> {
  const r = await runCommand('yosys-abc', ['-c', script], { cwd: dir, timeoutMs }).catch((e) => {
    if (e instanceof CommandNotFoundError) throw new InputError('yosys-abc not found: apt-get install -y yosys (it ships yosys-abc; make deps)');
    if (e instanceof CommandError && /timed out/.test(e.message)) return null;
    throw e;
  });
  if (r === null) return null;
  if (r.code !== 0 || /Wrong input file|Reading .* has failed|Cannot open/.test(r.stdout))
    throw new FormalToolError(`yosys-abc failed (exit ${r.code}): ${r.stdout.split('\n').slice(-3).join(' ').trim()}`);
  return r.stdout;
}

/** ABC's messages → verdict (null: pdr did not decide). */
export function parsePdr(out: string): { proved: { frame: number; clauses: number } } | { failed: number } | null {
  const inv = /Invariant F\[(\d+)\]\s*:\s*(\d+) clauses/.exec(out);
  if (/Property proved/.test(out)) return { proved: { frame: inv ? Number(inv[1]) : 0, clauses: inv ? Number(inv[2]) : 0 } };
  const f = /was asserted in frame (\d+)/.exec(out);
  if (f) return { failed: Number(f[1]) };
  return null;
}

/** bmc3's messages → the failing frame, or the frames it covered. */
export function parseBmc(out: string): { failed: number } | { clean: number } {
  const f = /was asserted in frame (\d+)/.exec(out);
  if (f) return { failed: Number(f[1]) };
  const n = /No output asserted in (\d+) frames/.exec(out);
  return { clean: n ? Number(n[1]) : 0 };
}

/** The cone of output `index`, all inputs and latches kept (a witness gives a value to each of the design's). */
const cone = (index: number) => `read_aiger model.aig; cone -a -s -O ${index}; strash`;
/** Sequential reductions that keep the output's behaviour from reset (proved by induction). */
const REDUCE = 'scleanup; scorr; dc2; scorr';

/** One property (output `index` of the model). */
export async function checkProperty(model: FormalModel, index: number, opts: EngineOptions): Promise<Verdict> {
  const name = model.properties[index]!.name;
  const witness = `cex-${name}.aiw`;
  const out = await abc(model.dir, `${cone(index)}; ${REDUCE}; print_stats; pdr -T ${opts.timeout}`, wallLimitMs(opts.timeout));
  const pdr = out === null ? null : parsePdr(out);
  if (pdr && 'proved' in pdr) return { status: 'proved', engine: out && /lat =\s*0\s+and =\s*0\b/.test(out) ? 'scorr' : 'pdr', ...pdr.proved };
  // pdr's counterexample is on the reduced cone: find it again on the cone itself
  const depth = pdr && 'failed' in pdr ? pdr.failed + 1 : opts.depth;
  const bmcOut = await abc(model.dir, `${cone(index)}; bmc3 -F ${depth} -T ${opts.timeout}; write_cex -a ${witness}`, wallLimitMs(opts.timeout));
  const bmc = bmcOut === null ? { clean: 0 } : parseBmc(bmcOut);
  if ('failed' in bmc) return { status: 'failed', engine: pdr ? 'pdr' : 'bmc3', depth: bmc.failed, witness: join(model.dir, witness) };
  if (pdr && 'failed' in pdr)
    throw new FormalToolError(`property ${name}: pdr found a failure at frame ${pdr.failed} that bmc3 does not reproduce on the unreduced cone`);
  return { status: 'unknown', depth: bmc.clean };
}
