// What a dump of the head carries (`--waves-scope`), decided on the model's signal names and
// applied to both sides: the model's writer keeps the matching signals, Verilator dumps their
// RTL twins (a dumpvars file: one `level TOP.head.<path>` line per kept name, arrays whole,
// since Verilator filters declarations before it names array elements).
//   all            every signal (the RTL's internal wires too)
//   ports          the head's ports
//   stages[:a,b]   the ports, the sequencer and every stage module's registers (or only the
//                  modules named), without the per-lane datapath arrays (kPar input lanes and
//                  the kPar·cPar products and weights: most of a full dump's bytes)
//   /regex/ | glob a pattern over the dotted names (`head.logit_bank.z_hold[*]`, `*state*`)
import type { SignalInfo } from '../../sim/kernel.ts';
import { InputError } from '../../lib/errors.ts';
import type { Geometry } from '../../models/geometry.ts';
import { rtlName } from '../rtl/names.ts';

export type ScopeSpec = string;

export interface Scope {
  spec: ScopeSpec;
  /** Model signals kept, by name. */
  keep: (name: string) => boolean;
  /** Verilator dumpvars lines for the kept names, or null: everything. */
  dumpvars: string[] | null;
}

export const SCOPE_HELP = "all | ports | stages[:module,…] | /regex/ | glob (e.g. 'head.logit_bank.*')";

/** The module of a name (`head.mac_array.acc[3]` → mac_array), or null for the head's own signals. */
const moduleOf = (name: string): string | null => {
  const parts = name.split('.');
  return parts.length > 2 ? parts[1]! : null;
};

const baseName = (name: string): string => name.replace(/\[\d+\]$/, '');

/** A glob over dotted names: `*` any run, `?` one character; everything else literal. */
export function globRegex(glob: string): RegExp {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

/** Checks a scope's syntax (for the flag); resolve() applies it. */
export function parseScope(spec: string): ScopeSpec {
  if (spec === 'all' || spec === 'ports' || spec === 'stages') return spec;
  if (spec.startsWith('stages:')) {
    if (!/^stages:[A-Za-z_]\w*(,[A-Za-z_]\w*)*$/.test(spec)) throw new InputError(`--waves-scope: bad module list in '${spec}'`);
    return spec;
  }
  if (spec.length > 2 && spec.startsWith('/') && spec.endsWith('/')) {
    try {
      new RegExp(spec.slice(1, -1));
    } catch {
      throw new InputError(`--waves-scope: not a regular expression: ${spec}`);
    }
    return spec;
  }
  if (spec.trim() === '' || /\s/.test(spec)) throw new InputError(`--waves-scope: '${spec}' is not ${SCOPE_HELP}`);
  return spec;
}

/**
 * The per-lane datapath arrays, told by their geometry: kPar or kPar·cPar entries of an input,
 * a weight or a product (input lanes, weight and product registers of the MAC array).
 */
function laneArrays(signals: readonly SignalInfo[], g: Geometry): Set<string> {
  const arrays = new Map<string, { n: number; width: number }>();
  for (const s of signals) {
    if (!/\[\d+\]$/.test(s.name)) continue;
    const a = arrays.get(baseName(s.name)) ?? { n: 0, width: s.width };
    a.n++;
    arrays.set(baseName(s.name), a);
  }
  const lengths = new Set([g.kPar, g.kPar * g.cPar]);
  const widths = new Set([g.inW, g.wW, g.inW + g.wW]);
  return new Set([...arrays].filter(([, a]) => lengths.has(a.n) && widths.has(a.width)).map(([b]) => b));
}

export function resolveScope(spec: ScopeSpec, signals: readonly SignalInfo[], g: Geometry): Scope {
  const ports = new Set(signals.filter((s) => moduleOf(s.name) === null && /^head\.(clk|rst|[sm]_\w+)(\[\d+\])?$/.test(s.name)).map((s) => s.name));
  let keep: (name: string) => boolean;
  if (spec === 'all') return { spec, keep: () => true, dumpvars: null };
  if (spec === 'ports') keep = (n) => ports.has(n);
  else if (spec === 'stages' || spec.startsWith('stages:')) {
    const only = spec.startsWith('stages:') ? new Set(spec.slice(7).split(',')) : null;
    const modules = new Set(signals.map((s) => moduleOf(s.name)).filter((m): m is string => m !== null));
    for (const m of only ?? []) if (!modules.has(m)) throw new InputError(`--waves-scope: no stage module '${m}' (the head has ${[...modules].join(', ')})`);
    const lanes = laneArrays(signals, g);
    keep = (n) => {
      const m = moduleOf(n);
      if (m === null) return !lanes.has(baseName(n)); // ports (one s_data lane array aside) and the sequencer
      return (!only || only.has(m)) && !lanes.has(baseName(n));
    };
  } else {
    const re = spec.startsWith('/') ? new RegExp(spec.slice(1, -1)) : globRegex(spec);
    keep = (n) => re.test(n);
  }
  const kept = signals.filter((s) => keep(s.name));
  if (kept.length === 0) throw new InputError(`--waves-scope: '${spec}' matches no signal of the head`);
  return { spec, keep, dumpvars: dumpvarsOf(kept.map((s) => s.name)) };
}

/** Verilator dumpvars lines selecting the RTL twins of these model names (arrays whole). */
export function dumpvarsOf(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => `1 TOP.${rtlName(baseName(n))}`))];
}
