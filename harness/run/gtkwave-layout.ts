// The GTKWave layout of a head dump, derived from the model's signals: one group per stage
// module (those the head is known to chain, in data order, then any other module in declaration
// order), the head's inputs first and its outputs last, the sequencer with the stage it starts.
// Values as a person reads them: fixed-point signals as real numbers (their format, from the
// geometry: SignalInfo.meta), the sequencer and other enumerations by name, handshakes in
// binary, other data in (signed) decimal. Long arrays show their first entries only. The same
// layout serves the model's and the RTL's dump, since both use the same names.
import type { SignalInfo } from '../../sim/kernel.ts';
import type { GtkwOptions, GtkwSignal } from '../../waves/gtkw.ts';
import { writeGtkw } from '../../waves/gtkw.ts';
import { rtlName } from '../rtl/names.ts';
import type { TraceWindow } from './lockstep.ts';
import { CLOCK_PERIOD } from './testbench.ts';

/** The stage modules in data order, as a hint; a module not listed gets its group after them. */
const DATA_ORDER = [
  'input_stage',
  'mac_array',
  'logit_bank',
  'comparator_tree',
  'stream_selector',
  'exp_unit',
  'normalizer',
  'reciprocal',
  'divider',
  'output_stage',
];

const MAX_ARRAY_ENTRIES = 4;

/** The signals that tell the story of one vector, for an overview (and the README's screenshot). */
export const OVERVIEW =
  /^head\.(clk|s_valid|s_ready|s_last|input_stage\.beat|mac_array\.a_valid|logit_bank\.(z_work_full|z_hold_full|z_hold\[[0-2]\]|d_valid|d_idx|hold_load)|state|(comparator_tree|stream_selector)\.(sel_count|round|rank_idx\[\d+\]|rank_val\[\d+\])|normalizer\.(e_valid|sum|sum_done)|exp_unit\.e_q\[0\]|reciprocal\.recip_q|output_stage\.(em_idx|em_full)|m_\w+)$/;

/** GTKWave's view of one signal: radix, or the fixed-point format / state names of its meta. */
export function gtkwSignal(s: SignalInfo): GtkwSignal {
  const g: GtkwSignal = { name: s.name, width: s.width, radix: s.width === 1 ? 'bin' : s.signed ? 'sdec' : 'dec' };
  if (s.meta?.states) g.names = s.meta.states;
  else if (s.meta?.fixed) g.fixed = s.meta.fixed;
  return g;
}

export function headLayout(signals: readonly SignalInfo[], endTime: number, only?: (name: string) => boolean): GtkwOptions {
  const groups = new Map<string, GtkwSignal[]>();
  const put = (group: string, s: SignalInfo) => {
    const list = groups.get(group) ?? [];
    list.push(gtkwSignal(s));
    groups.set(group, list);
  };
  const modules: string[] = [];
  for (const s of signals) {
    if (only && !only(s.name)) continue;
    const idx = /\[(\d+)\]$/.exec(s.name);
    if (idx && Number(idx[1]) >= MAX_ARRAY_ENTRIES) continue;
    const parts = s.name.split('.');
    if (parts.length > 2) {
      if (!modules.includes(parts[1]!)) modules.push(parts[1]!);
      put(parts[1]!, s);
    } else if (/^(clk|rst|s_)/.test(parts[1]!)) put('inputs', s);
    else if (/^m_/.test(parts[1]!)) put('outputs', s);
    else put('sequencer', s);
  }
  const known = DATA_ORDER.filter((m) => modules.includes(m));
  const order = ['inputs', ...known.slice(0, 3), 'sequencer', ...known.slice(3), ...modules.filter((m) => !DATA_ORDER.includes(m)), 'outputs'];
  return {
    groups: order.filter((g) => groups.has(g)).map((g) => ({ name: g.replace(/_/g, ' '), signals: groups.get(g)! })),
    endTime,
  };
}

/**
 * A .gtkw (and its filter files) beside each dump of a window, zoomed to the window; with a mark
 * (a divergence), a marker at its time and the signal that differs first in a group on top.
 * Returns the dumps and layouts, in order.
 */
export function writeHeadLayout(signals: readonly SignalInfo[], t: TraceWindow, mark?: { marker: number; signal?: string }): string[] {
  const layout = headLayout(signals, t.to * CLOCK_PERIOD, t.keep);
  layout.startTime = t.from * CLOCK_PERIOD;
  const first = mark?.signal && signals.find((s) => s.name === mark.signal || s.name === `head.${mark.signal}`);
  if (first) layout.groups.unshift({ name: 'first difference', signals: [gtkwSignal(first)] });
  // the RTL dump names the selector's signals inside head.g_select (harness/rtl/names.ts)
  const rtlLayout = { ...layout, groups: layout.groups.map((g) => ({ ...g, signals: g.signals.map((x) => ({ ...x, name: rtlName(x.name) })) })) };
  return [
    [t.modelPath, layout],
    [t.rtlPath, rtlLayout],
  ].flatMap(([dump, l]) => [dump as string, writeGtkw(dump as string, { ...(l as GtkwOptions), marker: mark?.marker })]);
}
