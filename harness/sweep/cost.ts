// Estimated cost of a sweep's pieces of work (seconds of one core, measured on the reference
// machine), for the scheduler's order, the progress ETA and cost-balanced shards.
import type { HeadConfig } from '../../models/config.ts';
import { sha, type SweepPoint } from './spec.ts';

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

/**
 * Rough cost (seconds of one core) of the flattened synthesis, for scheduling, sharding and
 * the ETA. Measured on the reference machine: N = 10 ≈ 10–20 s, N = 100 ≈ 30–45 s, N = 1000 ≈ 6–7 min
 * with select = tree (the N-wide logit banks and comparator tree dominate), ≈ 2 min with stream.
 */
export function estimateCost(c: HeadConfig): number {
  const lanes = c.cPar * c.kPar;
  const soft = c.mode === 'softmax' ? 8 + 0.5 * c.cPar : 0;
  const perClass = c.select === 'stream' ? 0.08 : 0.5;
  return 20 + perClass * c.classes + 40 * Math.min(1, c.classes / 100) + 0.05 * lanes + soft + (c.mode === 'approx' ? 3 : 0);
}

/** Rough cost of `headsim cosim` on a point: mostly the Verilator build. */
export const estimateVerifyCost = (c: HeadConfig) => 15 + 0.3 * c.classes;

/** Rough cost of one submodule synthesized on its own (each run also elaborates the whole head). */
export function estimateModuleCost(module: string, c: HeadConfig): number {
  const base = 6 + 0.012 * c.classes;
  switch (module) {
    case 'comparator_tree':
      return c.select === 'stream' ? 0 : base + 0.42 * c.classes;
    case 'stream_selector':
      return c.select === 'stream' ? base + 0.5 * c.topK : 0;
    case 'logit_bank':
      return base + (c.select === 'stream' ? 0.3 * c.cPar : 0.1 * c.classes);
    case 'mac_array':
      return base + 0.1 * c.cPar * c.kPar;
    case 'exp_unit':
      return base + (c.mode === 'argmax' ? 0 : 3 + (c.mode === 'softmax' && c.expPar !== 'auto' ? 0.5 * c.expPar : 0.5));
    case 'normalizer':
    case 'reciprocal':
      return base + (c.mode === 'softmax' ? 2 : 0);
    default:
      return base + 3;
  }
}

export const FRONT_END = ['input_stage', 'mac_array', 'logit_bank', 'comparator_tree', 'stream_selector'];
export const BACK_END = ['exp_unit', 'normalizer', 'reciprocal', 'divider', 'output_stage'];
/** Points that share the front-end modules (everything up to the logits). */
export const frontEndGroup = (c: HeadConfig, seed: number) =>
  sha({ N: c.classes, K: c.inputs, kPar: c.kPar, cPar: c.cPar, relu: c.relu, select: c.select, f: [c.inFmt, c.wFmt, c.biasFmt, c.logitFmt, c.accWidth], seed });

/** Total estimated cost of a point's work, the front end counted once per group. */
export function plannedCost(points: SweepPoint[], seed: number, modules: boolean): number {
  const groups = new Set<string>();
  let total = 0;
  for (const p of points) {
    total += estimateCost(p.config) + 3;
    if (!modules) continue;
    for (const m of BACK_END) total += estimateModuleCost(m, p.config);
    const g = frontEndGroup(p.config, seed);
    if (!groups.has(g)) for (const m of FRONT_END) total += estimateModuleCost(m, p.config);
    groups.add(g);
  }
  return total;
}

/** Longest-processing-time assignment of points to shards: deterministic and cost-balanced. */
export function shardOf(points: SweepPoint[], count: number): Map<number, number> {
  const load = new Array<number>(count).fill(0);
  const assign = new Map<number, number>();
  const order = [...points].sort((a, b) => estimateCost(b.config) - estimateCost(a.config) || a.index - b.index);
  for (const p of order) {
    let best = 0;
    for (let i = 1; i < count; i++) if (load[i]! < load[best]!) best = i;
    load[best]! += estimateCost(p.config);
    assign.set(p.index, best + 1);
  }
  return assign;
}
