// The speed guard (`headsim bench --guard`, `npm run bench:guard`, run by .ci/run): the model of
// this tree against the model of a pinned baseline revision, in one process, in interleaved
// rounds, by CPU time, on the seed head and the large head, alone and recording its ports (the
// lockstep path). It fails when a median after/before ratio falls under GUARD_MIN: a change
// that slows the model is caught on the commit that makes it. GUARD_BASELINE moves forward
// only to a revision at least as fast (the guard passing is not enough: measure it).
import { selfCpu } from './proc-stat.ts';
import { stats, type Stats } from './stats.ts';
import { modelFactory } from './revision-tree.ts';
import type { GuardModel } from './guard-entry.ts';

/** The revision the guard measures against: the end of the speed work of issue 22. */
export const GUARD_BASELINE = '63c2b30';
export const GUARD_MIN = 0.9;

interface GuardScenario {
  title: string;
  config: Record<string, unknown>;
  /** cycles: warm-up, then per round; vectors enough for all of them */
  warmup: number;
  round: number;
  vectors: number;
}

export const GUARD_SCENARIOS: Record<string, GuardScenario> = {
  seed: { title: 'seed head, softmax (N 10, K 512)', config: { mode: 'softmax' }, warmup: 300_000, round: 150_000, vectors: 28_000 },
  big: { title: 'large head, softmax (N 1000, K 1024, cPar 64, kPar 16)', config: { classes: 1000, inputs: 1024, cPar: 64, kPar: 16, mode: 'softmax' }, warmup: 60_000, round: 25_000, vectors: 320 },
};

export interface GuardRow {
  scenario: string;
  path: 'model' | 'model, recording ports';
  /** cycles per CPU second */
  before: Stats | null;
  after: Stats | null;
  /** after / before, per round */
  ratio: Stats | null;
}

export interface GuardResult {
  baseline: string;
  rounds: number;
  rows: GuardRow[];
  pass: boolean;
}

/**
 * Measures the trees at `after` and `before` (roots holding bench/guard-entry.ts or the older
 * layout: bench/revision-tree.ts) on `scenarios`, `rounds` interleaved rounds each.
 */
export async function guard(after: string, before: string, o: { baseline: string; rounds: number; scenarios: string[]; scale?: number; log: (s: string) => void }): Promise<GuardResult> {
  const make = { before: await modelFactory(before), after: await modelFactory(after) };
  const rows: GuardRow[] = [];
  const scale = o.scale ?? 1;
  for (const name of o.scenarios) {
    const sc = GUARD_SCENARIOS[name]!;
    const round = Math.ceil(sc.round * scale);
    const opts = (recorded: boolean) => ({ vectors: Math.ceil(sc.vectors * scale) + 8, seed: 1, recorded, batch: round });
    const models: Record<string, GuardModel> = {};
    for (const side of ['before', 'after'] as const) for (const rec of [false, true]) models[`${side}${rec ? ' rec' : ''}`] = make[side](sc.config, opts(rec));
    o.log(`guard [${name}]: warm-up`);
    for (const m of Object.values(models)) for (let done = 0; done < sc.warmup * scale; done += round) m.run(round);
    const series: Record<string, number[]> = {};
    for (let r = 0; r < o.rounds; r++) {
      o.log(`guard [${name}]: round ${r + 1}/${o.rounds}`);
      for (const [k, m] of Object.entries(models)) {
        const c0 = selfCpu();
        m.run(round);
        (series[k] ??= []).push(round / (selfCpu() - c0));
      }
    }
    for (const [path, rec] of [['model', ''], ['model, recording ports', ' rec']] as const) {
      const b = series[`before${rec}`]!;
      const a = series[`after${rec}`]!;
      rows.push({ scenario: name, path, before: stats(b), after: stats(a), ratio: stats(a.map((x, i) => x / b[i]!)) });
    }
  }
  return { baseline: o.baseline, rounds: o.rounds, rows, pass: rows.every((r) => (r.ratio?.median ?? 0) >= GUARD_MIN) };
}

export function guardText(g: GuardResult): string {
  const M = (s: Stats | null) => (s ? `${(s.median / 1e6).toFixed(2)} M` : '–');
  const lines = [`speed guard: this tree against ${g.baseline}, ${g.rounds} interleaved rounds, cycles per CPU second (median), fails under ${GUARD_MIN}×`];
  for (const r of g.rows)
    lines.push(`  ${(r.scenario + ', ' + r.path).padEnd(34)} before ${M(r.before).padStart(8)}  after ${M(r.after).padStart(8)}  after/before ${r.ratio ? r.ratio.median.toFixed(2) : '–'}× [${r.ratio ? `${r.ratio.min.toFixed(2)} … ${r.ratio.max.toFixed(2)}` : ''}]${(r.ratio?.median ?? 0) < GUARD_MIN ? '  SLOWER' : ''}`);
  lines.push(g.pass ? 'speed guard: pass' : 'speed guard: FAIL (the model is slower than the baseline)');
  return lines.join('\n');
}
