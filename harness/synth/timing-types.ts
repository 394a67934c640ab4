// What a timing analysis reports (docs/contract.md §synth): the clock, its kind, and the
// critical path's two ends named as the RTL names them (module and register).
export type FmaxKind = 'routed' | 'estimate';

export interface PathEnd {
  /** rtl/<module>.v of the register ('head' for the head's own, 'wrapper' for the place-and-route wrapper's, 'port' for a head port) */
  module: string;
  /** the register's RTL name (hierarchical, flattened), or the port */
  register: string;
  /** the cell in the netlist (the placed cell for a routed path) */
  cell: string;
  /** its type (FDRE, SB_DFFE, RAMB18E1, ICESTORM_LC, …) */
  type: string;
}

export interface PathStep {
  cell: string;
  type: string;
  /** arrival at the cell's output, ns from the launching clock edge */
  at: number;
}

export interface CriticalPath {
  from: PathEnd;
  to: PathEnd;
  /** launch to capture: clock-to-output, logic (and routing), setup; ns */
  delay: number;
  /** cells on the path from the start to the end (at most a few dozen, the middle elided) */
  steps: PathStep[];
  /** logic and routing shares of delay (routing is 0 for an estimate) */
  logic: number;
  routing: number;
}

export interface TimingFigures {
  kind: FmaxKind;
  /** MHz */
  fmax: number;
  /** ns: 1000 / fmax */
  period: number;
  path: CriticalPath;
  /** per module of rtl/ (the register a path ends in): the longest path into it, ns — which stage would set the clock next */
  stages?: Record<string, number>;
  /** how the figure was made, one line */
  method: string;
}

/** Keep the worst delay per module, ps. */
export function worseOf(stages: Map<string, number>, module: string, ps: number): void {
  if (ps > (stages.get(module) ?? -Infinity)) stages.set(module, ps);
}

/** Modules by their longest path, ns, slowest first. */
export const stageTable = (stages: Map<string, number>, minus = 0): Record<string, number> =>
  Object.fromEntries([...stages.entries()].sort((a, b) => b[1] - a[1]).map(([m, ps]) => [m, ns(ps - minus)]));

export const ns = (ps: number) => Math.round(ps) / 1000;
export const mhz = (periodNs: number) => (periodNs > 0 ? Math.round((1e5 / periodNs)) / 100 : Infinity);

/** Keep the first and last few steps of a long path. */
export function elide(steps: PathStep[], keep = 24): PathStep[] {
  if (steps.length <= keep) return steps;
  const half = keep / 2;
  return [...steps.slice(0, half), { cell: `… ${steps.length - keep} more cells …`, type: '', at: NaN }, ...steps.slice(-half)];
}

/** cycles at fmax MHz in ns (one decimal); null without a clock */
export const cyclesToNs = (cycles: number, fmax: number | null | undefined): number | null =>
  fmax && Number.isFinite(fmax) && fmax > 0 ? Math.round((cycles * 10000) / fmax) / 10 : null;

/** "mac_array.a_group → logit_bank.d_val" */
export const pathLabel = (p: CriticalPath) => `${p.from.register} (${p.from.module}) → ${p.to.register} (${p.to.module})`;
