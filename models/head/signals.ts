// A component's signal list: the ports of its RTL module (same names, directions, widths) and
// the registers and wires the model has of it, in declaration order. One list serves the
// component (it declares its outputs and its own signals from it, then takes its inputs in
// `connect`), the head (it connects the ports as rtl/head.v does), the per-component lockstep
// (harness/twins: a driver for the RTL module generated from the ports) and the name check
// (test/twin-names.test.ts: every declared name is a reg or wire of the RTL module).
//
// A bus port is an array in the model: `lanes` entries of `width` bits, the RTL's one vector
// of lanes × width bits with entry i at [i·width +: width]. A port whose model signal has
// another name (the RTL's `x_bus` is its register array `x_data`) says so in `signal`.
import type { Kernel, SignalMeta } from '../../sim/kernel.ts';

export type SignalKind = 'in' | 'out' | 'reg' | 'wire';

export interface SignalSpec {
  kind: SignalKind;
  /** bits of one entry */
  width: number;
  /** an array (a bus port: lanes × width bits in the RTL); undefined: a plain signal */
  lanes?: number;
  /** the model's values are two's complement numbers (the RTL sees the bits) */
  signed: boolean;
  /** the model signal's name when it is not the port's (the register array behind a bus) */
  signal?: string;
  meta?: SignalMeta;
  init?: number;
  /** this configuration has no such signal in the model (the RTL's port is constant zero) */
  absent?: boolean;
}

interface Options {
  lanes?: number;
  signed?: boolean;
  signal?: string;
  meta?: SignalMeta;
  init?: number;
  absent?: boolean;
}

const spec = <K extends SignalKind>(kind: K, width: number, o: Options): SignalSpec & { kind: K } => ({ kind, width, signed: false, ...o });

/** An input port: driven by another component (or the testbench), given to `connect`. */
export const input = (width: number, o: Options = {}) => spec('in', width, o);
/** An output port: declared by the component, which drives it. */
export const output = (width: number, o: Options = {}) => spec('out', width, o);
/** A register of the component's own. */
export const reg = (width: number, o: Options = {}) => spec('reg', width, o);
/** A combinational signal of the component's own. */
export const wire = (width: number, o: Options = {}) => spec('wire', width, o);

export type SignalList = Record<string, SignalSpec>;

/** Signal ids of the input ports (what `connect` takes). */
export type Inputs<S extends SignalList> = { readonly [K in keyof S as S[K]['kind'] extends 'in' ? K : never]: number };
/** Signal ids of the output ports. */
export type Outputs<S extends SignalList> = { readonly [K in keyof S as S[K]['kind'] extends 'out' ? K : never]: number };
/** Signal ids of the component's own registers and wires. */
export type Internals<S extends SignalList> = { readonly [K in keyof S as S[K]['kind'] extends 'reg' | 'wire' ? K : never]: number };
/** Every port, by its RTL name. */
export type Ports<S extends SignalList> = Inputs<S> & Outputs<S>;

/** The id of a signal this configuration does not have (a port the RTL ties to zero). */
export const NO_SIGNAL = -1;

/** The model signal's name of an entry (its own, or the register behind a port). */
export const signalName = (name: string, s: SignalSpec) => s.signal ?? name;

/** Declares one signal of a list under `scope` (`head.input_stage.`); returns its id. */
export function declareSignal(k: Kernel, scope: string, name: string, s: SignalSpec): number {
  if (s.absent) return NO_SIGNAL;
  const full = scope + signalName(name, s);
  return s.lanes === undefined ? k.signal(full, s.width, s.init ?? 0, s.signed, s.meta) : k.array(full, s.width, s.lanes, s.init ?? 0, s.signed, s.meta);
}

/**
 * Declares a component's outputs and own signals in list order. An output in `bound` is a net
 * of the parent's instead (rtl/head.v's own ports, e.g. `s_ready`): the component drives it.
 */
export function declare<S extends SignalList>(k: Kernel, scope: string, list: S, bound: Partial<Outputs<S>> = {}): { out: Outputs<S>; internal: Internals<S> } {
  const { out, internal } = declareList(k, scope, list, bound, false);
  return { out, internal };
}

/** Declares the whole list, the input ports too, in list order: the top of a design. */
export function declareTop<S extends SignalList>(k: Kernel, scope: string, list: S): { in: Inputs<S>; out: Outputs<S>; internal: Internals<S> } {
  return declareList(k, scope, list, {}, true);
}

function declareList<S extends SignalList>(k: Kernel, scope: string, list: S, bound: Partial<Outputs<S>>, inputs: boolean) {
  const ins: Record<string, number> = {};
  const out: Record<string, number> = {};
  const internal: Record<string, number> = {};
  const given = bound as Record<string, number>;
  for (const [name, s] of Object.entries(list)) {
    if (s.kind === 'in') {
      if (inputs) ins[name] = declareSignal(k, scope, name, s);
    } else if (s.kind === 'out') out[name] = name in given ? given[name]! : declareSignal(k, scope, name, s);
    else internal[name] = declareSignal(k, scope, name, s);
  }
  return { in: ins as Inputs<S>, out: out as Outputs<S>, internal: internal as Internals<S> };
}

/** Declares the input ports of a list (a component run alone: its inputs are the testbench's). */
export function declareInputs<S extends SignalList>(k: Kernel, scope: string, list: S): Inputs<S> {
  const ids: Record<string, number> = {};
  for (const [name, s] of Object.entries(list)) if (s.kind === 'in') ids[name] = declareSignal(k, scope, name, s);
  return ids as Inputs<S>;
}

/** Checks at elaboration that `connect` got a signal for every input port the configuration has. */
export function checkInputs<S extends SignalList>(module: string, list: S, given: Inputs<S>): void {
  const ids = given as Record<string, number>;
  for (const [name, s] of Object.entries(list)) {
    if (s.kind !== 'in' || s.absent) continue;
    if (!Number.isInteger(ids[name]) || ids[name]! < 0) throw new Error(`${module}.connect: input port ${name} is not connected`);
  }
}

/** The ports of a list (in, out), in list order: what the RTL module's port list must equal. */
export const portsOf = (list: SignalList): [string, SignalSpec][] => Object.entries(list).filter(([, s]) => s.kind === 'in' || s.kind === 'out');

/** Bits of a port in the RTL: lanes × width. */
export const portBits = (s: SignalSpec) => s.width * (s.lanes ?? 1);
