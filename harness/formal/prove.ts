// `headsim prove` for one configuration: build the formal model (build.ts), check every
// property (engine.ts), turn each counterexample into a VCD with its GTKWave layout (cex.ts).
// Verdicts: proved (by an inductive invariant: pdr), failed (at a depth, with its trace), or
// unknown at the depth the bounded check reached; the run passes only when every property is
// proved.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Scenario } from '../inputs/scenario.ts';
import { buildFormalModel, buildSelectorModel, selectorHarness, type FormalModel } from './build.ts';
import { HEAD_PROPS, propertiesOf } from './top.ts';
import { writeMemFiles, type MemFiles } from '../rtl/memfiles.ts';
import { InputError } from '../../lib/errors.ts';
import { checkProperty, type EngineOptions, type PropertyResult } from './engine.ts';
import { counterexample, type Counterexample } from './cex.ts';

export interface ProveReport {
  dir: string;
  /** modelDir: the model it was checked on (its map reads the counterexample's stimulus) */
  properties: (PropertyResult & { modelDir: string; cex: Counterexample | null })[];
  proved: number;
  failed: number;
  unknown: number;
  buildSeconds: number;
  seconds: number;
  /** the memory images the model was built with (a replay through lockstep loads the same) */
  mem: MemFiles;
}

/** AIGER output index of each property (the model's .aim: `output <i> 0 bad_<name>`). */
export function outputIndex(aim: string): Map<string, number> {
  return new Map([...readFileSync(aim, 'utf8').matchAll(/^output (\d+) \d+ bad_(\w+)$/gm)].map((m) => [m[2]!, Number(m[1])]));
}

export async function prove(
  s: Scenario,
  runDir: string,
  opts: EngineOptions & { only?: string[]; rtlDir?: string; /** stop at the first failed property (mutants) */ stopAtFailure?: boolean },
  onResult?: (r: PropertyResult) => void,
): Promise<ProveReport> {
  const t0 = performance.now();
  // absolute: the tools run inside it and read the files it names
  const dir = resolve(runDir);
  mkdirSync(dir, { recursive: true });
  // the head's properties on the head; the selector's ranking on its own harness
  const harnesses = [
    { name: 'head', properties: propertiesOf(HEAD_PROPS) },
    { name: selectorHarness(s.g).module, properties: propertiesOf(selectorHarness(s.g).file) },
  ];
  const known = harnesses.flatMap((h) => h.properties.map((p) => p.name));
  for (const n of opts.only ?? []) if (!known.includes(n)) throw new InputError(`--property: no property named '${n}' (properties: ${known.join(', ')})`);
  // with --property, a harness none of whose properties is asked for is not built
  const wanted = (h: (typeof harnesses)[number]) => !opts.only || h.properties.some((p) => opts.only!.includes(p.name));
  const mem = writeMemFiles(s, join(dir, 'mem'));
  const results: ProveReport['properties'] = [];
  let buildSeconds = 0;
  for (const h of harnesses.filter(wanted)) {
    if (opts.stopAtFailure && results.some((r) => r.verdict.status === 'failed')) break;
    const model: FormalModel =
      h.name === 'head'
        ? await buildFormalModel(s, dir, { rtlDir: opts.rtlDir, mem })
        : await buildSelectorModel(s, subdir(dir, 'selector'), mem, { rtlDir: opts.rtlDir });
    buildSeconds += model.seconds;
    await checkModel(model, h.name, opts, results, onResult);
  }
  const count = (st: string) => results.filter((r) => r.verdict.status === st).length;
  return {
    dir,
    properties: results,
    proved: count('proved'),
    failed: count('failed'),
    unknown: count('unknown'),
    buildSeconds,
    mem,
    seconds: (performance.now() - t0) / 1000,
  };
}

const subdir = (dir: string, name: string) => {
  mkdirSync(join(dir, name), { recursive: true });
  return join(dir, name);
};

/** The properties of one model (those asked for, and the lemmas they rest on), lemmas first. */
async function checkModel(
  model: FormalModel,
  harness: string,
  opts: EngineOptions & { only?: string[]; stopAtFailure?: boolean },
  results: ProveReport['properties'],
  onResult?: (r: PropertyResult) => void,
): Promise<void> {
  // The outputs are the bad_* ports in property order; the map names those not constant.
  const index = outputIndex(model.aim);
  model.properties.forEach((p, i) => {
    const at = index.get(p.name);
    if (at !== undefined && at !== i) throw new Error(`property ${p.name}: output ${at} in ${model.aim}, expected ${i}`);
  });
  // with --property, the lemmas the chosen properties assume are checked too (a proof under an unchecked lemma is none)
  const wanted = new Set(opts.only ? opts.only.filter((n) => model.properties.some((p) => p.name === n)) : model.properties.map((p) => p.name));
  for (let size = 0; size !== wanted.size;) {
    size = wanted.size;
    for (const p of model.properties) if (wanted.has(p.name)) for (const l of p.assumes) wanted.add(l);
  }
  const order = [...model.properties.entries()].filter(([, p]) => wanted.has(p.name)).sort(([a, p], [b, q]) => Number(q.lemma) - Number(p.lemma) || a - b);
  for (const [i, p] of order) {
    const t = performance.now();
    let verdict = await checkProperty(model, i, opts);
    const unproved = p.assumes.filter((l) => results.find((r) => r.name === l && r.harness === harness)?.verdict.status !== 'proved');
    if (verdict.status === 'proved' && unproved.length) verdict = { status: 'unknown', depth: 0, unprovedLemmas: unproved };
    const r = { name: p.name, harness, lemma: p.lemma, doc: p.doc, verdict, seconds: (performance.now() - t) / 1000 };
    const cex = verdict.status === 'failed' ? await counterexample(model, p.name, verdict.witness, verdict.depth) : null;
    results.push({ ...r, modelDir: model.dir, cex });
    onResult?.(r);
    if (opts.stopAtFailure && verdict.status === 'failed') return;
  }
}

/** One line per property, as the CLI prints it. */
export function verdictText(r: PropertyResult): string {
  const v = r.verdict;
  if (v.status === 'proved')
    return v.engine === 'scorr' ? 'proved (induction: signal correspondence)' : `proved (inductive invariant, ${v.clauses} clauses at frame ${v.frame})`;
  if (v.status === 'failed') return `FAILED at depth ${v.depth} (${v.engine})`;
  if (v.unprovedLemmas) return `unknown: proved only under ${v.unprovedLemmas.join(', ')}, not proved`;
  return `unknown at depth ${v.depth}`;
}

export const runDirOf = (out: string, s: Scenario) =>
  join(
    out,
    'prove',
    `${s.g.mode}-n${s.g.N}-k${s.g.K}-kp${s.g.kPar}-cp${s.g.cPar}-t${s.config.topK}-${s.g.stream ? 'stream' : 'tree'}-${s.g.emitAll ? 'all' : 'topk'}-e${s.g.expPar}`,
  );
