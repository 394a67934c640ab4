// Sequential equivalence by signal correspondence (van Eijk's method, a Houdini fixpoint): the
// original head (gold) and a mutant copy (gate) are joined by Yosys' `equiv_make`, which pairs
// every signal of the same name in both and puts a `$equiv` cell between them. The candidate
// invariant is "every pair is equal". `equiv_induct -seq 1` checks it as one inductive step
// (all pairs equal in one cycle → all equal in the next); the pairs it cannot carry are dropped
// (blacklisted, so no longer matched) and the step is run again, until it holds for all that
// remain. A pair that differs only while a register is not read (the output stage's rd_lane,
// read only while rd_valid) is carried by an observer added to both copies:
// `hint_k_seen = when ? equal : 0`, matched like any other signal.
//
// The fixpoint proves nothing by itself (equiv_induct has no base case). The proof is a second,
// plain run: `equiv_miter -assert` turns every remaining pair into an assertion, `equiv_remove
// -gold` reconnects the gold copy as it was (the gate copy reads gold's value at a pair, which
// the assertion says is its own), and `sat -tempinduct` proves all assertions from the common
// power-up state (every register 0 in both, reset in the first cycle, as in equiv.ts), base
// case and induction step. The head's outputs are pairs too: if one of them is dropped the
// method fails, and the outputs are what the claim is about.
//
// Don't-cares: an `x` the elaboration leaves (a full case's default, a disabled write's data)
// is a free value in each copy on its own (`setundef -anyseq`); an undriven bit (a ROM word past
// its image) is one free input shared by both copies — it is the same memory in both.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { elaborateHead, FormalToolError, runYosys } from './build.ts';

/** While `when` (a 1-bit signal of the head) holds, register `equal` is the same in both copies. */
export interface CorrespondenceHint {
  when: string;
  equal: string;
}

export type CorrespondenceResult =
  /** pairs: the $equiv cells proved (bits); dropped: the signals left unmatched */
  { status: 'proved'; pairs: number; dropped: string[]; rounds: number } | { status: 'not-proved'; reason: string; dropped: string[]; rounds: number };

type Copy = 'gold' | 'gate';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const elaborateScript = (rtlDir: string, params: Record<string, number | string>, copy: Copy): string =>
  [
    ...elaborateHead(rtlDir, params),
    'memory_map',
    'opt_clean',
    'async2sync',
    'dffunmap',
    `rename head ${copy}`,
    'setundef -undriven -expose',
    `write_rtlil ${copy}.il`,
    '',
  ].join('\n');

/** An undriven wire's name without what differs between two elaborations (source paths, Yosys' running ids). */
export function stableName(name: string): string {
  return `\\dc.${name
    .replace(/^[\\$]/, '')
    .replace(/\/[^\s:$]*\/([^/\s:$]+\.v)/g, '$1')
    .replace(/\$\d+(?=$|_)/g, '')}`;
}

/** Width of a signal in an RTLIL module text (1 when no width is given). */
export function widthOf(il: string, path: string): number {
  const m = new RegExp(`^\\s*wire ((?:\\S+ )*)\\\\${escapeRe(path)}$`, 'm').exec(il);
  if (!m) throw new InputError(`equivalence hint: head has no signal '${path}'`);
  return Number(/width (\d+)/.exec(m[1]!)?.[1] ?? 1);
}

/** The width of each hint's register in an RTLIL module text; the condition must be 1 bit. */
export function hintWidthsIn(il: string, hints: CorrespondenceHint[]): number[] {
  return hints.map((h) => {
    if (widthOf(il, h.when) !== 1) throw new InputError(`equivalence hint: '${h.when}' is not a 1-bit condition`);
    return widthOf(il, h.equal);
  });
}

/** The head's port names in an RTLIL module text. */
export const portsOf = (il: string): string[] => [...il.matchAll(/^\s*wire (?:\S+ )*(?:input|output|inout) \d+ (?:\S+ )*\\(\S+)$/gm)].map((m) => m[1]!);

/**
 * One copy, ready to pair: its exposed undriven wires renamed to stable names (so the two copies
 * share them as inputs) and one observer per hint appended.
 */
export function prepareCopy(il: string, exposed: string[], hints: CorrespondenceHint[]): string {
  const seen = new Map<string, number>();
  for (const name of [...exposed].sort()) {
    const base = stableName(name);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    il = il.replace(new RegExp(`(?<=\\s)${escapeRe(name)}(?=\\s|$)`, 'gm'), n ? `${base}.${n}` : base);
  }
  const widths = hintWidthsIn(il, hints);
  const observers = hints
    .map((h, k) => {
      const w = widths[k]!;
      return [
        `  wire width ${w} \\hint_${k}_seen`,
        `  cell $mux $hint_${k}_mux`,
        `    parameter \\WIDTH ${w}`,
        `    connect \\A ${w}'${'0'.repeat(w)}`,
        `    connect \\B \\${h.equal}`,
        `    connect \\S \\${h.when}`,
        `    connect \\Y \\hint_${k}_seen`,
        '  end',
        '',
      ].join('\n');
    })
    .join('');
  const end = il.trimEnd().lastIndexOf('\nend');
  if (end < 0) throw new FormalToolError('correspondence: no module end in the elaborated head');
  return il.slice(0, end + 1) + observers + il.slice(end + 1);
}

const pairScript = (tail: string[]) =>
  [
    'read_rtlil gold.il',
    'read_rtlil gate.il',
    'setundef -anyseq gold gate',
    'equiv_make -blacklist blacklist.txt gold gate equiv',
    'hierarchy -top equiv',
    ...tail,
    '',
  ].join('\n');

/** Signals of the unproven pairs in an equiv_status report (`\name_gold [bit]` → name). */
export function unprovenSignals(log: string): string[] {
  const names = new Set<string>();
  for (const line of log.split('\n')) {
    if (!/^\s*Unproven \$equiv /.test(line)) continue;
    const m = /: \\(\S+)_gold(?: \[\d+\])? /.exec(line);
    if (!m) throw new FormalToolError(`correspondence: cannot read equiv_status line '${line.trim()}'`);
    names.add(m[1]!);
  }
  return [...names];
}

export async function proveByCorrespondence(
  dir: string,
  goldDir: string,
  gateDir: string,
  params: Record<string, number | string>,
  hints: CorrespondenceHint[],
  opts: { timeoutMs: number; maxRounds?: number },
): Promise<CorrespondenceResult> {
  const deadline = Date.now() + opts.timeoutMs;
  const left = () => Math.max(1_000, deadline - Date.now());
  mkdirSync(dir, { recursive: true });
  let ports: string[] = [];
  for (const [copy, rtlDir] of [
    ['gold', goldDir],
    ['gate', gateDir],
  ] as const) {
    await runYosys(dir, elaborateScript(rtlDir, params, copy), `elaborate-${copy}`, left());
    const log = readFileSync(join(dir, `elaborate-${copy}.log`), 'utf8');
    const exposed = [...log.matchAll(/^Exposing undriven wire (\S+) as input\.$/gm)].map((m) => m[1]!);
    const il = readFileSync(join(dir, `${copy}.il`), 'utf8');
    if (copy === 'gold') ports = portsOf(il);
    writeFileSync(join(dir, `${copy}.il`), prepareCopy(il, exposed, hints));
  }
  const dropped: string[] = [];
  const maxRounds = opts.maxRounds ?? 30;
  for (let round = 1; round <= maxRounds; round++) {
    writeFileSync(join(dir, 'blacklist.txt'), dropped.map((d) => `${d}\n`).join(''));
    await runYosys(dir, pairScript(['equiv_induct -seq 1', 'equiv_status']), 'pairs', left());
    const log = readFileSync(join(dir, 'pairs.log'), 'utf8');
    if (/Entire workset of \d+ cells proven!/.test(log) || /Found 0 unproven \$equiv cells|No selected unproven \$equiv cells/.test(log)) {
      await runYosys(
        dir,
        pairScript([
          'equiv_miter -assert miter equiv',
          'hierarchy -top miter',
          'cd miter',
          'equiv_remove -gold',
          'select -assert-none t:$equiv',
          'sat -tempinduct -prove-asserts -set-init-zero -seq 1 -maxsteps 2 -set-at 1 rst 1',
        ]),
        'proof',
        left(),
      );
      const proof = readFileSync(join(dir, 'proof.log'), 'utf8');
      const pairs = Number(/Found (\d+) unproven \$equiv cells in module equiv/.exec(log)?.[1] ?? 0);
      if (/Induction step proven: SUCCESS!/.test(proof)) return { status: 'proved', pairs, dropped, rounds: round };
      return { status: 'not-proved', reason: 'the correspondence is inductive but fails from reset', dropped, rounds: round };
    }
    const unproven = unprovenSignals(log);
    const outputs = unproven.filter((u) => ports.includes(u));
    if (outputs.length) return { status: 'not-proved', reason: `port ${outputs.join(', ')} is not carried by the correspondence`, dropped, rounds: round };
    if (!unproven.length) throw new FormalToolError(`correspondence: equiv_induct neither proved nor named a pair; log: ${join(dir, 'pairs.log')}`);
    dropped.push(...unproven);
  }
  return { status: 'not-proved', reason: `no fixpoint in ${maxRounds} rounds`, dropped, rounds: maxRounds };
}
