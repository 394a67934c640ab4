// The FPGA targets of `headsim synth --target` and of the sweep: `xc7` (Yosys synth_xilinx and a
// pre-route timing estimate; the default) and the iCE40 parts nextpnr-ice40 places and routes.
// An iCE40 part's capacity is what the fit check compares the synthesized cells with before
// place and route starts; nextpnr checks again while it packs.
import { InputError } from '../../lib/errors.ts';

export interface Ice40Part {
  name: string;
  family: 'ice40';
  /** nextpnr-ice40's device flag without the dashes */
  device: string;
  package: string;
  /** `ICE40_HX` / `ICE40_LP` / `ICE40_U`: which delay models of Yosys' ice40 cells apply */
  speed: 'HX' | 'LP' | 'U';
  /** logic cells (one LUT4 + one flip-flop + carry each) */
  lc: number;
  /** 4 kbit block RAMs (SB_RAM40_4K) */
  ebr: number;
  /** SB_MAC16 multiply-accumulate blocks (only the UltraPlus parts have them) */
  dsp: number;
  /** SB_SPRAM256KA single-port RAMs */
  spram: number;
}

export interface Xc7Target {
  name: 'xc7';
  family: 'xc7';
}

export type Target = Xc7Target | Ice40Part;

const part = (name: string, device: string, pkg: string, speed: Ice40Part['speed'], lc: number, ebr: number, dsp = 0, spram = 0): Ice40Part => ({
  name, family: 'ice40', device, package: pkg, speed, lc, ebr, dsp, spram,
});

/**
 * The parts whose whole die nextpnr-ice40 models (its up3k and hx4k are the 5k and 8k dies, so
 * they are left out), with a package for each: the head's ports never reach the pins
 * (harness/synth/timing-wrap.ts). Capacities as nextpnr reports them.
 */
export const ICE40_PARTS: Ice40Part[] = [
  part('ice40-up5k', 'up5k', 'sg48', 'U', 5280, 30, 8, 4),
  part('ice40-hx8k', 'hx8k', 'ct256', 'HX', 7680, 32),
  part('ice40-hx1k', 'hx1k', 'tq144', 'HX', 1280, 16),
  part('ice40-lp8k', 'lp8k', 'cm81', 'LP', 7680, 32),
  part('ice40-lp1k', 'lp1k', 'qn84', 'LP', 1280, 16),
];

export const XC7: Xc7Target = { name: 'xc7', family: 'xc7' };

export const TARGET_NAMES = [XC7.name, ...ICE40_PARTS.map((p) => p.name)];

export function targetOf(name: string, field = '--target'): Target {
  if (name === 'xc7') return XC7;
  const p = ICE40_PARTS.find((x) => x.name === name);
  if (!p) throw new InputError(`${field}: unknown target '${name}' (targets: ${TARGET_NAMES.join(', ')})`);
  return p;
}

/** What a sweep synthesizes its points for (the spec's `target`, `clock`, `pnrSeed`). */
export interface SynthTarget {
  target: string;
  /** MHz: nextpnr's constraint on iCE40 (null: none, the fastest found is reported) */
  clock: number | null;
  /** nextpnr --seed */
  pnrSeed: number;
}

export const DEFAULT_SYNTH_TARGET: SynthTarget = { target: 'xc7', clock: null, pnrSeed: 1 };
