// A counterexample as waves: the AIGER witness of a failed property (engine.ts) replayed on the
// design before bit-blasting (model.il) by Yosys' `sim`, which writes a VCD with the head's
// hierarchy (dut.*) and the properties' ghost state (props.*), and a GTKWave layout beside it:
// the ports, the failed property, the ghost counters. The witness also gives the stimulus
// (rst, s_valid, s_data, s_last, m_ready per cycle) that replay.ts runs through lockstep.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeGtkw, type GtkwSignal } from '../../waves/gtkw.ts';
import type { FormalModel } from './build.ts';
import { runYosys } from './build.ts';

export interface Counterexample {
  property: string;
  vcd: string;
  gtkw: string;
  /** cycles of the trace */
  cycles: number;
}

/** Yosys' sim dumps one cycle as 10 time units (clk low at 10t, high at 10t + 5). */
export const CYCLE_TIME = 10;

const PORTS = ['rst', 's_valid', 'dut.s_ready', 's_last', 'dut.m_valid', 'm_ready', 'dut.m_index', 'dut.m_value', 'dut.m_last'];
const GHOSTS = [
  'f_beat',
  'f_inflight',
  'f_entry',
  'f_in_count',
  'f_out_count',
  'f_tag',
  'f_tag_state',
  'f_tag_entries',
  'f_lat_on',
  'f_lat_wait',
  'f_cyc',
  'f_since',
].map((g) => `props.${g}`);
const INTERNAL = [
  'state',
  'input_stage.beat',
  'input_stage.pass',
  'logit_bank.z_work_full',
  'logit_bank.z_hold_full',
  'output_stage.em_k',
  'output_stage.em_full',
].map((n) => `dut.${n}`);

/** Signals of the dump (one scope, formal_top, flattened names) → widths. */
export function vcdWidths(text: string): Map<string, number> {
  return new Map([...text.matchAll(/\$var \S+ (\d+) \S+ (\S+)/g)].map((m) => [m[2]!, Number(m[1])]));
}

export async function counterexample(model: FormalModel, property: string, witness: string, depth: number): Promise<Counterexample> {
  const vcd = join(model.dir, `cex-${property}.vcd`);
  await runYosys(model.dir, `read_rtlil model.il\nsim -r ${witness} -map model.aim -clock clk -vcd ${vcd}\n`, `cex-${property}`);
  const widths = vcdWidths(readFileSync(vcd, 'utf8'));
  const pick = (names: string[]): GtkwSignal[] =>
    names.filter((n) => widths.has(n)).map((n) => ({ name: n, width: widths.get(n)!, radix: n === 'dut.m_value' ? 'hex' : undefined }));
  const gtkw = writeGtkw(vcd, {
    prefix: 'formal_top.',
    groups: [
      { name: 'ports', signals: pick(PORTS) },
      { name: `property ${property}`, signals: pick([`bad_${property}`, `props.p_${property}`]) },
      { name: 'ghost counters', signals: pick(GHOSTS) },
      { name: 'head', signals: pick(INTERNAL) },
    ],
    endTime: (depth + 1) * CYCLE_TIME,
    marker: depth * CYCLE_TIME,
  });
  return { property, vcd, gtkw, cycles: depth + 1 };
}
