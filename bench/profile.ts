// Where the model's cycles go: the cycle model of a scenario runs under V8's sampling profiler
// (node:inspector, in this process), after a warm-up; each sample's function is charged to the
// component whose generated process it is (the RTL module's name), to the testbench, or to the
// kernel (the fused edge's commit and calls, the combinational pass, the run loop), and the
// total of each is given in nanoseconds per simulated cycle. `headsim bench --profile`.
import { Session } from 'node:inspector/promises';
import { parseConfig } from '../models/config.ts';
import { buildScenario } from '../harness/inputs/scenario.ts';
import { createModel } from '../harness/run/model.ts';
import { STEADY_TRAFFIC } from '../harness/run/traffic.ts';
import { safeName } from '../sim/codegen.ts';
import { GUARD_SCENARIOS } from './guard.ts';

export interface ProfileRow {
  /** a component (RTL module), `testbench`, or `kernel: …` */
  part: string;
  nsPerCycle: number;
  share: number;
}

export interface ProfileResult {
  scenario: string;
  cycles: number;
  nsPerCycle: number;
  rows: ProfileRow[];
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  samples: number[];
  timeDeltas: number[];
}

export async function profileModel(name: string, o: { cycles: number; warmup: number; intervalUs: number }): Promise<ProfileResult> {
  const sc = GUARD_SCENARIOS[name]!;
  const s = buildScenario(parseConfig(sc.config), Math.ceil((sc.vectors * (o.warmup + o.cycles)) / (sc.warmup + 7 * sc.round)) + 8, 1);
  const { tb, head } = createModel(s, STEADY_TRAFFIC);
  // generated function name → what it belongs to
  const owner = new Map<string, string>();
  for (let p = 0; p < head.k.processCount; p++) {
    const proc = head.k.processName(p);
    owner.set(safeName(proc), proc.split('.')[0]!);
  }
  const partOf = (fn: string, url: string): string => {
    if (/_(rising|falling)_edge$/.test(fn)) return 'kernel: fused clock edges (commit, calls)';
    if (fn === 'combinational_pass') return 'kernel: combinational pass (every combinational process)';
    // Testbench.run is the kernel's run loop, inlined into it
    if (url.includes('/sim/') || (fn === 'run' && url.endsWith('/harness/run/testbench.ts'))) return 'kernel: run loop and scheduler';
    const direct = owner.get(fn) ?? owner.get(fn.replace(/_at_.*$/, ''));
    if (direct) return direct === 'head' ? 'head (sequencer, read-port mux)' : direct;
    if (url.includes('/models/')) return 'models: fixed-point helpers';
    return `other: ${fn || '(anonymous)'} ${url.split('/').slice(-2).join('/')}`;
  };
  for (let done = 0; done < o.warmup; done += 50_000) tb.run(null, Math.min(50_000, o.warmup - done));
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: o.intervalUs });
  await session.post('Profiler.start');
  for (let done = 0; done < o.cycles; done += 50_000) tb.run(null, Math.min(50_000, o.cycles - done));
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  session.disconnect();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const us = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const f = n.callFrame.functionName;
    // the profiler's own (dispatch: its sampling, no script) and the process's idle time are not the model's
    if (f === '(idle)' || f === '(program)' || f === '(garbage collector)' || f === '(root)' || (f === 'dispatch' && !n.callFrame.url)) return;
    const part = partOf(f, n.callFrame.url);
    us.set(part, (us.get(part) ?? 0) + profile.timeDeltas[i]!);
    total += profile.timeDeltas[i]!;
  });
  const rows = [...us].map(([part, t]) => ({ part, nsPerCycle: (t * 1000) / o.cycles, share: t / total })).sort((a, b) => b.nsPerCycle - a.nsPerCycle);
  return { scenario: name, cycles: o.cycles, nsPerCycle: (total * 1000) / o.cycles, rows };
}

export function profileMarkdown(rs: ProfileResult[], note: string): string {
  const out = ['# Where the model\'s cycles go', '', note, ''];
  for (const r of rs) {
    out.push(`## ${GUARD_SCENARIOS[r.scenario]!.title}`, '', `${r.cycles.toLocaleString('en-US')} cycles sampled, ${r.nsPerCycle.toFixed(0)} ns per cycle in all (sampling adds some).`, '');
    out.push('| part | ns per cycle | share |', '| --- | ---: | ---: |');
    for (const x of r.rows) out.push(`| ${x.part} | ${x.nsPerCycle.toFixed(1)} | ${(100 * x.share).toFixed(1)} % |`);
    out.push('');
  }
  return out.join('\n');
}
