/**
 * The full bench's before / after: the model of a baseline revision (bench/revision-tree.ts;
 * by default the speed guard's, bench/guard.ts) against this tree's, on the same scenario,
 * interleaved, in this process. Measures, as CPU cycles/s:
 *   model            the model under its testbench (no recording);
 *   model, recorded  the same recording every cycle's ports (the lockstep path);
 *   model + VCD      every signal traced;
 * and for this tree the general scheduler alone (`Kernel.fused = false`: generated processes
 * run through delta cycles, no fused edge functions), to show what fusing adds.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { selfCpu } from './proc-stat.ts';
import { stats, type Stats } from './stats.ts';
import { extractRevision, modelFactory, REPO } from './revision-tree.ts';
import type { GuardModel } from './guard-entry.ts';

export interface BaselineResult {
  rev: string;
  cycles: { warmup: number; model: number; vcd: number };
  rounds: number;
  /** cycles/s (CPU) */
  before: { model: Stats | null; recorded: Stats | null; vcd: Stats | null };
  after: { model: Stats | null; recorded: Stats | null; vcd: Stats | null; generalScheduler: Stats | null };
  /** after / before, per round */
  gain: { model: Stats | null; recorded: Stats | null; vcd: Stats | null; fusedVsGeneral: Stats | null };
}

export async function beforeAfter(
  config: Record<string, unknown>,
  vectors: number,
  rev: string,
  o: { warmup: number; model: number; vcd: number; rounds: number; vcdDir: string },
  log: (s: string) => void,
): Promise<BaselineResult | { error: string }> {
  const dir = await extractRevision(rev);
  if (typeof dir !== 'string') return dir;
  const make = { before: await modelFactory(dir), after: await modelFactory(REPO) };
  const opts = (recorded: boolean) => ({ vectors, seed: 1, recorded, batch: o.model });
  const sims: Record<string, GuardModel> = {
    before: make.before(config, opts(false)),
    after: make.after(config, opts(false)),
    general: make.after(config, opts(false)),
    beforeRec: make.before(config, opts(true)),
    afterRec: make.after(config, opts(true)),
  };
  sims.general!.generalScheduler();
  log(`baseline ${rev.slice(0, 12)}: warm-up`);
  for (const m of Object.values(sims)) for (let done = 0; done < o.warmup; done += o.model) m.run(Math.min(o.model, o.warmup - done));
  const series: Record<string, number[]> = {};
  const put = (k: string, x: number) => (series[k] ??= []).push(x);
  mkdirSync(o.vcdDir, { recursive: true });
  for (let r = 0; r < o.rounds; r++) {
    log(`baseline round ${r + 1}/${o.rounds}`);
    for (const [k, m] of Object.entries(sims)) {
      const n = k === 'general' ? Math.ceil(o.model / 4) : o.model;
      const c0 = selfCpu();
      m.run(n);
      put(k, n / (selfCpu() - c0));
    }
    for (const k of ['before', 'after'] as const) {
      const m = sims[k]!;
      const file = path.join(o.vcdDir, `headsim-bench-${process.pid}-baseline-${k}.vcd`);
      const c0 = selfCpu();
      m.trace(file);
      m.run(o.vcd);
      await m.untrace();
      put(`${k}Vcd`, o.vcd / (selfCpu() - c0));
      rmSync(file, { force: true });
    }
  }
  const st = (k: string) => stats(series[k] ?? []);
  const gain = (a: string, b: string) => stats((series[a] ?? []).map((x, i) => x / (series[b]?.[i] ?? NaN)));
  return {
    rev,
    cycles: { warmup: o.warmup, model: o.model, vcd: o.vcd },
    rounds: o.rounds,
    before: { model: st('before'), recorded: st('beforeRec'), vcd: st('beforeVcd') },
    after: { model: st('after'), recorded: st('afterRec'), vcd: st('afterVcd'), generalScheduler: st('general') },
    gain: { model: gain('after', 'before'), recorded: gain('afterRec', 'beforeRec'), vcd: gain('afterVcd', 'beforeVcd'), fusedVsGeneral: gain('after', 'general') },
  };
}
