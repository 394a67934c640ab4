// A counterexample of the ranking harness (harness/formal/props/tree_rank.v, stream_rank.v)
// through lockstep: the harness drives the selector alone, so its trace is not a trace of the
// head's ports; it is one of the selector's ports, which is what the selector's twin test runs
// (harness/twins: the stage's model alone against its RTL module alone). The selector's inputs
// are read from the counterexample VCD (Yosys' sim: the design under props.dut.*, one cycle per
// CYCLE_TIME, clk rising at mid-cycle) and replayed, cycle by cycle, into the twin lockstep with
// the mutant's RTL. The harness runs at a narrow logit width (build.ts rankLogitWidth): its
// values are sign-extended to the configuration's.
import { readFileSync } from 'node:fs';
import { stageModule } from '../../models/head/modules.ts';
import type { ConfigInput } from '../../models/config.ts';
import { CYCLE_TIME } from '../formal/cex.ts';
import { runTwin, type TwinResult } from '../twins/lockstep.ts';
import type { StageTwin } from '../twins/stage-twin.ts';

/** Values of the VCD's variables just before each rising edge: name → one bigint per cycle. */
export function vcdCycles(text: string, names: string[]): { cycles: number; values: Map<string, { width: number; at: bigint[] }> } {
  const byId = new Map<string, { name: string; width: number }[]>();
  for (const m of text.matchAll(/\$var \S+ (\d+) (\S+) (\S+)(?: \[[^\]]*\])? \$end/g))
    if (names.includes(m[3]!)) byId.set(m[2]!, [...(byId.get(m[2]!) ?? []), { name: m[3]!, width: Number(m[1]) }]);
  for (const n of names) if (![...byId.values()].some((v) => v.some((x) => x.name === n))) throw new Error(`counterexample VCD: no signal ${n}`);
  const current = new Map<string, bigint>();
  const values = new Map<string, { width: number; at: bigint[] }>();
  for (const vs of byId.values()) for (const v of vs) values.set(v.name, { width: v.width, at: [] });
  let time = 0;
  // cycle t's inputs: the values of time CYCLE_TIME·t (the edge at CYCLE_TIME·t + CYCLE_TIME/2 samples them)
  const sampleUpTo = (until: number) => {
    while ((values.values().next().value?.at.length ?? 0) * CYCLE_TIME <= until)
      for (const [id, vs] of byId) for (const v of vs) values.get(v.name)!.at.push(current.get(id) ?? 0n);
  };
  const body = text.slice(text.indexOf('$enddefinitions'));
  for (const line of body.split('\n')) {
    const l = line.trim();
    if (l.startsWith('#')) {
      const t = Number(l.slice(1));
      if (t > time) sampleUpTo(t - 1);
      time = t;
    } else if (/^[01xz]\S+$/.test(l)) current.set(l.slice(1), l[0] === '1' ? 1n : 0n);
    else if (/^b[01xz]+ \S+$/.test(l)) {
      const [bits, id] = l.slice(1).split(' ');
      current.set(id!, BigInt('0b' + bits!.replace(/[xz]/g, '0')));
    }
  }
  const cycles = Math.floor(time / CYCLE_TIME) + 1;
  sampleUpTo(cycles * CYCLE_TIME - 1);
  for (const v of values.values()) v.at.length = cycles;
  return { cycles, values };
}

/**
 * Replays the selector's inputs of a ranking counterexample through the selector's twin
 * lockstep (model against the RTL in rtlDir): a mismatch means lockstep catches the trace.
 */
export async function replaySelectorTrace(
  vcd: string,
  module: 'comparator_tree' | 'stream_selector',
  config: ConfigInput,
  o: { rtlDir: string; outRoot: string; dir: string },
): Promise<TwinResult> {
  const stage = stageModule(module);
  const twin: StageTwin = {
    module,
    configs: { trace: config },
    stimulus: (s) => {
      const specs = stage.signals(s.g);
      const inputs = Object.entries(specs)
        .filter(([, sp]) => sp.kind === 'in' && !sp.absent)
        .map(([n]) => n);
      const trace = vcdCycles(
        readFileSync(vcd, 'utf8'),
        inputs.filter((n) => n !== 'clk').map((n) => `props.dut.${n}`),
      );
      return {
        next(t, i) {
          for (const n of inputs) {
            const v = trace.values.get(`props.dut.${n}`);
            if (!v) continue;
            const word = v.at[Math.min(t, trace.cycles - 1)]!;
            const lanes = i[n]!.length;
            const w = v.width / lanes;
            for (let e = 0; e < lanes; e++) {
              let x = Number((word >> BigInt(e * w)) & ((1n << BigInt(w)) - 1n));
              if (specs[n]!.signed && x >= 2 ** (w - 1)) x -= 2 ** w;
              i[n]![e] = x;
            }
          }
        },
      };
    },
  };
  const cycles = vcdCycles(readFileSync(vcd, 'utf8'), ['rst']).cycles;
  return runTwin(twin, 'trace', { cycles, seed: 1, rtlDir: o.rtlDir, outRoot: o.outRoot, dir: o.dir });
}
