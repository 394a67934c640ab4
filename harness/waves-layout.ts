// The GTKWave layout of a head dump: signals grouped by stage in data order, data in signed
// decimal, indices in decimal, handshakes in binary. The same layout serves the model's and the
// RTL's dump, since both use the same names. Long arrays show their first entries only.
import type { SignalInfo } from '../sim/kernel.ts';
import type { GtkwOptions, GtkwSignal } from '../waves/gtkw.ts';

const STAGES: [group: string, match: RegExp][] = [
  ['input', /^head\.(clk|rst|s_\w+|input_stage\.)/],
  ['MAC array', /^head\.mac_array\./],
  ['logits', /^head\.logit_bank\./],
  ['comparator tree', /^head\.(state|comparator_tree\.)/],
  ['exp / normalizer', /^head\.(exp_unit\.|normalizer\.|z_rd_)/],
  ['reciprocal / divider', /^head\.(reciprocal|divider)\./],
  ['output', /^head\.(output_stage\.|m_\w+)/],
];

const MAX_ARRAY_ENTRIES = 4;

/** The signals that tell the story of one vector, for an overview (and the README's screenshot). */
export const OVERVIEW =
  /^head\.(clk|s_valid|s_ready|s_last|input_stage\.beat|mac_array\.a_valid|logit_bank\.(z_work_full|z_hold_full|z_hold\[[0-2]\])|state|comparator_tree\.(sel_count|round|rank_idx\[\d+\]|rank_val\[\d+\])|normalizer\.(e_valid|sum|sum_done)|exp_unit\.e_q\[0\]|reciprocal\.recip_q|output_stage\.(em_idx|em_full)|m_\w+)$/;

export function headLayout(signals: readonly SignalInfo[], endTime: number, only?: RegExp): GtkwOptions {
  const groups = STAGES.map(([name]) => ({ name, signals: [] as GtkwSignal[] }));
  for (const s of signals) {
    const i = STAGES.findIndex(([, re]) => re.test(s.name));
    if (i < 0 || (only && !only.test(s.name))) continue;
    const idx = /\[(\d+)\]$/.exec(s.name);
    if (idx && Number(idx[1]) >= MAX_ARRAY_ENTRIES) continue;
    groups[i]!.signals.push({ name: s.name, width: s.width, radix: s.width === 1 ? 'bin' : s.signed ? 'sdec' : 'dec' });
  }
  return { groups: groups.filter((g) => g.signals.length), endTime };
}
