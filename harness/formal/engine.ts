// Runs the model checker on a built model (build.ts), one property at a time: ABC (`yosys-abc`,
// shipped with Debian's Yosys) on the AIGER cone of the property, all inputs kept so a
// counterexample maps back onto the design. `pdr` (IC3: it proves a property by building an
// inductive invariant, the strengthening k-induction needs and lacks) decides most properties;
// when it runs out of time, `bmc3` checks the property to a depth and the verdict is
// "unknown at depth k" — never "proved". A failed property gets its counterexample as an AIGER
// witness (cex.ts turns it into a VCD).
import { join } from 'node:path';
import { CommandNotFoundError, runCommand } from '../../lib/proc.ts';
import { InputError } from '../../lib/errors.ts';
import { FormalToolError, type FormalModel } from './build.ts';

export type Verdict =
  | { status: 'proved'; engine: 'pdr'; frame: number; clauses: number }
  | { status: 'failed'; engine: 'pdr' | 'bmc3'; depth: number; witness: string }
  | { status: 'unknown'; depth: number };

export interface PropertyResult {
  name: string;
  lemma: boolean;
  doc: string;
  verdict: Verdict;
  seconds: number;
}

export interface EngineOptions {
  /** seconds of pdr per property */
  timeout: number;
  /** depth of the bounded check when pdr gives up */
  depth: number;
}

export async function abc(dir: string, script: string, timeoutMs: number): Promise<string> {
  const r = await runCommand('yosys-abc', ['-c', script], { cwd: dir, timeoutMs }).catch((e) => {
    if (e instanceof CommandNotFoundError) throw new InputError('yosys-abc not found: apt-get install -y yosys (it ships yosys-abc; make deps)');
    throw e;
  });
  if (r.code !== 0 || /Wrong input file|Reading .* has failed|Cannot open/.test(r.stdout)) throw new FormalToolError(`yosys-abc failed (exit ${r.code}): ${r.stdout.split('\n').slice(-3).join(' ').trim()}`);
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

/** One property (output `index` of the model). */
export async function checkProperty(model: FormalModel, index: number, opts: EngineOptions): Promise<Verdict> {
  const name = model.properties[index]!.name;
  const witness = join(model.dir, `cex-${name}.aiw`);
  const cone = `read_aiger model.aig; cone -a -s -O ${index}; strash`;
  const slack = 60_000;
  const pdr = parsePdr(await abc(model.dir, `${cone}; pdr -T ${opts.timeout}; write_cex -a cex-${name}.aiw`, opts.timeout * 1000 + slack));
  if (pdr && 'proved' in pdr) return { status: 'proved', engine: 'pdr', ...pdr.proved };
  if (pdr && 'failed' in pdr) return { status: 'failed', engine: 'pdr', depth: pdr.failed, witness };
  const bmc = parseBmc(await abc(model.dir, `${cone}; bmc3 -F ${opts.depth} -T ${opts.timeout}; write_cex -a cex-${name}.aiw`, opts.timeout * 1000 + slack));
  if ('failed' in bmc) return { status: 'failed', engine: 'bmc3', depth: bmc.failed, witness };
  return { status: 'unknown', depth: bmc.clean };
}
