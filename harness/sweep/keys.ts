// What names a sweep point in the cache: its keys (the synthesis's and the whole row's), and the
// short label progress lines and dry runs show.
import type { HeadConfig } from '../../models/config.ts';
import { FLAT_SCRIPT_VERSION } from '../synth/synth.ts';
import { yowaspVersion } from '../synth/yosys.ts';
import { nextpnrVersion } from '../synth/nextpnr.ts';
import { ICE40_FLOW_VERSION } from '../synth/ice40.ts';
import { DEFAULT_SYNTH_TARGET, type SynthTarget } from '../synth/targets.ts';
import type { DataRef } from './data.ts';
import { canonicalConfig, sha } from './spec.ts';

/** Bump when the accuracy figures are computed differently: part of the point key. */
export const ACCURACY_VERSION = 1;

export interface PointKeys {
  key: string;
  synthKey: string;
}

/**
 * A point's keys. With the user's data, the hash of the weights (the ROM contents) is part of
 * synthKey and the hash of the input vectors and labels part of key; without it the keys are
 * what they always were (generated data is decided by the seed).
 */
export function pointKeys(c: HeadConfig, ctx: { seed: number; vectors: number; rtlHash: string; keepBramInit?: boolean; data?: DataRef | null; synthTarget?: SynthTarget }): PointKeys {
  const script = ctx.keepBramInit ? `${FLAT_SCRIPT_VERSION}-keep-bram-init` : FLAT_SCRIPT_VERSION;
  const d = ctx.data?.hash;
  const t = ctx.synthTarget ?? DEFAULT_SYNTH_TARGET;
  // an iCE40 point: the part, the clock asked for, nextpnr's seed and version are the synthesis too
  const pnr = t.target === 'xc7' ? {} : { target: t.target, clock: t.clock, pnrSeed: t.pnrSeed, nextpnr: nextpnrVersion, flow: ICE40_FLOW_VERSION };
  const synthKey = sha({ hw: canonicalConfig(c), seed: ctx.seed, rtl: ctx.rtlHash, yosys: yowaspVersion, script, ...pnr, ...(d?.weights ? { weights: d.weights } : {}) });
  return { synthKey, key: sha({ synthKey, vectors: ctx.vectors, accuracy: ACCURACY_VERSION, ...(d?.inputs ? { inputs: d.inputs } : {}) }) };
}

export const pointLabel = (c: HeadConfig) =>
  `${c.mode}${c.mode === 'softmax' && c.divider === 'serial' ? '/serial' : ''} N=${c.classes} cPar=${c.cPar} kPar=${c.kPar} ${c.select} exp=${c.expLut.addrBits}b${c.emit === 'all' ? ' emit=all' : ''}`;
