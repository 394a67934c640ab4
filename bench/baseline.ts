/**
 * Before/after in one run: the kernel, head models, testbench and VCD writer of a baseline
 * revision (by default the commit before the fused kernel) are extracted from git into
 * <out>/baseline-<rev>/ and run against the current ones on the same scenario, interleaved,
 * in this process. Measures, as CPU cycles/s:
 *   model            the model under its testbench (no recording);
 *   model, recorded  the same recording every cycle's ports into a PortBatch (the lockstep path);
 *   model + VCD      every signal traced (harness/run/trace.ts; the baseline revision has it at harness/model-trace.ts);
 * and for the current code, the general scheduler alone (`Kernel.fused = false`: generated
 * processes run through delta cycles, no fused edge functions), to show what fusing adds.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createModel } from '../harness/run/model.ts';
import { portWidths, PortBatch } from '../harness/rtl/ports.ts';
import { ModelTrace } from '../harness/run/trace.ts';
import { runCommand } from '../lib/proc.ts';
import type { Scenario } from '../harness/inputs/scenario.ts';
import { CLOCK_PERIOD } from '../harness/run/testbench.ts';
import { STEADY_TRAFFIC } from '../harness/run/traffic.ts';
import { selfCpu } from './proc-stat.ts';
import { stats, type Stats } from './stats.ts';

/** The last commit with the closure-based kernel, head models, testbench and VCD writer. */
export const BASELINE_REV = '55e1830388955add14e9e449e9130f3bb01f180d';

const FILES = ['sim', 'models', 'harness/testbench.ts', 'harness/model-trace.ts', 'harness/ports.ts', 'harness/errors.ts', 'waves/vcd-writer.ts'];

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

interface Sim {
  tb: { run(b: PortBatch | null, n: number): void };
  k: { onStep: unknown; fused?: boolean };
}

/** Extracts the baseline files (once); an error when git or the revision is not there. */
export async function extractBaseline(rev: string): Promise<string | { error: string }> {
  // Inside the repository, so that the baseline's own imports (zod) resolve to node_modules.
  const repo = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
  const dir = path.join(repo, 'out', 'bench', `baseline-${rev.slice(0, 12)}`);
  if (existsSync(path.join(dir, 'sim', 'kernel.ts'))) return dir;
  mkdirSync(dir, { recursive: true });
  try {
    const tar = path.join(dir, 'baseline.tar');
    const r = await runCommand('git', ['-C', repo, 'archive', '-o', tar, rev, ...FILES], { timeoutMs: 60_000 });
    if (r.code !== 0) return { error: `git archive ${rev}: ${r.stderr.trim().split('\n')[0]}` };
    const x = await runCommand('tar', ['-xf', tar, '-C', dir], { timeoutMs: 60_000 });
    if (x.code !== 0) return { error: `tar: ${x.stderr.trim()}` };
    rmSync(tar);
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0]! };
  }
  return dir;
}

export async function beforeAfter(s: Scenario, rev: string, o: { warmup: number; model: number; vcd: number; rounds: number; vcdDir: string }, log: (s: string) => void): Promise<BaselineResult | { error: string }> {
  const dir = await extractBaseline(rev);
  if (typeof dir !== 'string') return dir;
  const url = (f: string) => pathToFileURL(path.join(dir, f)).href;
  const { Head } = (await import(url('models/head/head.ts'))) as { Head: new (...a: unknown[]) => { k: Sim['k'] & { clock(c: number, p: number): void; elaborate(): void }; ports: { clk: number } } };
  const { Testbench } = (await import(url('harness/testbench.ts'))) as { Testbench: new (...a: unknown[]) => Sim['tb'] };
  const { ModelTrace: OldTrace } = (await import(url('harness/model-trace.ts'))) as { ModelTrace: new (k: unknown, p: string) => { close(): Promise<string> } };
  const traffic = STEADY_TRAFFIC;
  const old = (): Sim & { head: unknown } => {
    const head = new Head(s.g, s.t, s.w, s.config.relu);
    const tb = new Testbench(head, s.g, s.vectors, traffic);
    head.k.clock(head.ports.clk, CLOCK_PERIOD);
    head.k.elaborate();
    return { tb, k: head.k, head };
  };
  const cur = (fused: boolean): Sim & { head: ReturnType<typeof createModel>['head'] } => {
    const m = createModel(s, traffic);
    m.head.k.fused = fused;
    return { tb: m.tb, k: m.head.k, head: m.head };
  };
  const sims = { before: old(), after: cur(true), general: cur(false), beforeRec: old(), afterRec: cur(true) };
  const batch = { beforeRec: new PortBatch(portWidths(s.g), o.model), afterRec: new PortBatch(portWidths(s.g), o.model) } as Record<string, PortBatch>;
  log(`baseline ${rev.slice(0, 12)}: warm-up`);
  for (const [k, m] of Object.entries(sims)) m.tb.run(batch[k] ?? null, o.warmup);
  const series: Record<string, number[]> = {};
  const put = (k: string, x: number) => (series[k] ??= []).push(x);
  mkdirSync(o.vcdDir, { recursive: true });
  for (let r = 0; r < o.rounds; r++) {
    log(`baseline round ${r + 1}/${o.rounds}`);
    for (const [k, m] of Object.entries(sims)) {
      const n = k === 'general' ? Math.ceil(o.model / 4) : o.model;
      const c0 = selfCpu();
      m.tb.run(batch[k] ?? null, n);
      put(k, n / (selfCpu() - c0));
    }
    for (const k of ['before', 'after'] as const) {
      const m = sims[k];
      const file = path.join(o.vcdDir, `headsim-bench-${process.pid}-baseline-${k}.vcd`);
      const c0 = selfCpu();
      const t = k === 'before' ? new OldTrace(m.k, file) : new ModelTrace(sims.after.head.k, file);
      m.tb.run(null, o.vcd);
      await t.close();
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
