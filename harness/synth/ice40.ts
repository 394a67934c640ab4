// The iCE40 flow of `headsim synth --target ice40-*`: the head inside its place-and-route wrapper
// (harness/synth/timing-wrap.ts), Yosys synth_ice40 (-dsp on the UltraPlus parts: products in
// SB_MAC16 blocks), a fit check against the part, nextpnr-ice40 placement and routing with a
// clock constraint and a seed, and three clocks: the routed one from nextpnr's delays with the
// DSP blocks' own arcs (harness/synth/routed-sta.ts, the Fmax reported), nextpnr's own figure,
// and the pre-route estimate made as the xc7 one is (harness/synth/estimate.ts), so the
// estimate's error shows on a part where it can be checked. Each tool run has its own timeout.
import { createHash } from 'node:crypto';
import { InputError } from '../../lib/errors.ts';
import { analyzeEstimate, ESTIMATE_OUTPUTS, estimateScript } from './estimate.ts';
import { chparamLine } from './chparam.ts';
import { nextpnrVersion, runNextpnrIsolated } from './nextpnr.ts';
import { analyzeRouted } from './routed-sta.ts';
import { readSdf } from './sdf.ts';
import { parseStat, type CellCounts } from './stat.ts';
import type { Ice40Part } from './targets.ts';
import { portWidths, timingWrapVerilog, WRAP_TOP } from './timing-wrap.ts';
import type { TimingFigures } from './timing-types.ts';
import { runYosysIsolated, yowaspVersion } from './yosys.ts';

/** What Yosys reads (harness/synth/synth.ts Ice40Inputs): the Verilog, the memory images, the parameters. */
export interface Ice40Inputs {
  files: Record<string, string>;
  sources: string[];
  params: Record<string, number>;
  memHashes: Record<string, string>;
}

/** Bump when the iCE40 scripts or the way their results are read change: part of every cache key. */
export const ICE40_FLOW_VERSION = 1;
/** nextpnr's target when no --clock is given: above what these heads reach on iCE40, so the report's achieved clock is the fastest the placement found. */
export const DEFAULT_ICE40_TARGET_MHZ = 100;

export interface Ice40Resources {
  /** SB_LUT4 */
  lut4: number;
  /** SB_DFF* */
  ff: number;
  /** SB_CARRY */
  carry: number;
  /** SB_RAM40_4K (4 kbit block RAM) */
  ebr: number;
  /** SB_MAC16 */
  dsp: number;
  /** SB_SPRAM256KA */
  spram: number;
}

export function ice40Resources(cells: CellCounts): Ice40Resources {
  const r: Ice40Resources = { lut4: 0, ff: 0, carry: 0, ebr: 0, dsp: 0, spram: 0 };
  for (const [type, n] of Object.entries(cells)) {
    if (type === 'SB_LUT4') r.lut4 += n;
    else if (/^SB_DFF/.test(type)) r.ff += n;
    else if (type === 'SB_CARRY') r.carry += n;
    else if (/^SB_RAM40_4K/.test(type)) r.ebr += n;
    else if (type === 'SB_MAC16') r.dsp += n;
    else if (type === 'SB_SPRAM256KA') r.spram += n;
  }
  return r;
}

const minus = (a: Ice40Resources, b: Ice40Resources): Ice40Resources => ({ lut4: a.lut4 - b.lut4, ff: a.ff - b.ff, carry: a.carry - b.carry, ebr: a.ebr - b.ebr, dsp: a.dsp - b.dsp, spram: a.spram - b.spram });

/** The head does not fit the part: a one-line message with the numbers (exit status 2). */
export class DoesNotFitError extends InputError {
  override name = 'DoesNotFitError';
}

export interface Ice40Options {
  /** MHz; null: nextpnr aims at DEFAULT_ICE40_TARGET_MHZ and the achieved clock is reported */
  clock: number | null;
  /** nextpnr --seed */
  pnrSeed: number;
  /** per tool run (Yosys, nextpnr) */
  timeoutMs: number;
}

export interface Ice40Report {
  target: string;
  device: string;
  package: string;
  /** cells of the head (named core.* inside the wrapper) */
  head: Ice40Resources;
  /** the wrapper's cells (port registers) */
  wrapper: Ice40Resources;
  /** nextpnr's utilisation of the part (head and wrapper): logic cells, block RAM, DSP, SPRAM */
  utilization: Record<'lc' | 'ebr' | 'dsp' | 'spram', { used: number; available: number }>;
  /** the routed clock (the figure reported as fmax) */
  routed: TimingFigures;
  /** nextpnr's own achieved clock (it times SB_MAC16 ports as 0.1 ns registers: harness/synth/mac16-timing.ts) */
  nextpnrFmax: number;
  /** the pre-route estimate, made as for xc7 */
  estimate: TimingFigures;
  clock: { target: number; constrained: boolean; met: boolean };
  pnrSeed: number;
  yosysVersion: string;
  nextpnrVersion: string;
  script: string;
  nextpnrArgs: string[];
  seconds: { synth: number; pnr: number };
}

/** The Yosys script of the iCE40 flow. */
export function ice40Script(inputs: Pick<Ice40Inputs, 'sources' | 'params'>, part: Ice40Part): string {
  return [
    `read_verilog -DSYNTHESIS ${inputs.sources.join(' ')} ${WRAP_TOP}.v`,
    chparamLine(inputs.params, 'head'),
    `hierarchy -check -top ${WRAP_TOP}`,
    // iCE40 has no LUT RAM: a memory the RTL asks to be distributed goes where Yosys puts it (block RAM or flip-flops)
    'setattr -unset ram_style m:*',
    `synth_ice40${part.dsp ? ' -dsp' : ''} -top ${WRAP_TOP}`,
    'tee -o stat.txt stat',
    'tee -o stat-core.txt stat c:core.*',
    'write_json top.json',
    ...estimateScript('ice40', part.speed, WRAP_TOP),
    '',
  ].join('\n');
}

/** Cache key of one iCE40 run: what Yosys reads, the part, the clock, the seed, the tools, the flow. */
export function ice40Key(inputs: Ice40Inputs, part: Ice40Part, o: Pick<Ice40Options, 'clock' | 'pnrSeed'>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ part: part.name, clock: o.clock, seed: o.pnrSeed, yosys: yowaspVersion, nextpnr: nextpnrVersion, flow: ICE40_FLOW_VERSION, params: inputs.params, mem: inputs.memHashes }));
  for (const s of inputs.sources) h.update(s).update('\0').update(inputs.files[s] ?? '').update('\0');
  return h.digest('hex').slice(0, 24);
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** What nextpnr says when the design does not fit (packing or placement). */
const NO_FIT = /Unable to find a placement location|Design uses \d+ .* but device has only|too many|Failed to place|not enough/i;

export async function synthIce40(inputs: Ice40Inputs, part: Ice40Part, o: Ice40Options): Promise<Ice40Report> {
  const script = ice40Script(inputs, part);
  const files = { ...inputs.files, [`${WRAP_TOP}.v`]: timingWrapVerilog(portWidths(inputs.params)), 'synth.ys': script };
  const y = await runYosysIsolated(['-s', 'synth.ys'], files, { timeoutMs: o.timeoutMs, outputs: ['stat.txt', 'stat-core.txt', 'top.json', ...ESTIMATE_OUTPUTS], what: 'yosys (synth_ice40)' });
  const all = ice40Resources(parseStat(y.files['stat.txt'] ?? '').get(WRAP_TOP) ?? {});
  const core = parseStat(y.files['stat-core.txt'] ?? '');
  const head = ice40Resources(core.get(`${WRAP_TOP} (partially selected)`) ?? core.get(WRAP_TOP) ?? {});
  checkFit(part, all, head);
  const estimate = analyzeEstimate(y.files['sta.json'] ?? '', 'ice40', WRAP_TOP);

  const target = o.clock ?? DEFAULT_ICE40_TARGET_MHZ;
  const args = [`--${part.device}`, '--package', part.package, '--json', 'top.json', '--top', WRAP_TOP, '--freq', String(target), '--seed', String(o.pnrSeed), '--report', 'report.json', '--sdf', 'top.sdf', '--timing-allow-fail', '--pcf-allow-unconstrained', '-q'];
  let p;
  try {
    p = await runNextpnrIsolated(args, { 'top.json': y.files['top.json'] ?? '' }, { timeoutMs: o.timeoutMs, outputs: ['report.json', 'top.sdf'] });
  } catch (e) {
    const line = e instanceof Error ? e.message.split('\n').find((l) => NO_FIT.test(l)) : undefined;
    if (line) throw new DoesNotFitError(`does not fit ${part.name}: nextpnr: ${line.replace(/^ERROR:\s*/, '').trim()} (head: ${fmt(head.lut4)} LUT4, ${fmt(head.ff)} FF, ${head.ebr} EBR, ${head.dsp} SB_MAC16)`);
    throw e;
  }
  const rep = JSON.parse(p.files['report.json'] ?? '{}') as { fmax?: Record<string, { achieved: number }>; utilization?: Record<string, { used: number; available: number }> };
  const u = rep.utilization ?? {};
  const use = (k: string) => ({ used: u[k]?.used ?? 0, available: u[k]?.available ?? 0 });
  const nextpnrFmax = Math.min(...Object.entries(rep.fmax ?? {}).filter(([clk]) => !/PACKER_(GND|VCC)/.test(clk)).map(([, f]) => f.achieved));
  const routed = analyzeRouted(readSdf(p.files['top.sdf'] ?? ''), y.files['top.json'] ?? '', WRAP_TOP);
  return {
    target: part.name,
    device: part.device,
    package: part.package,
    head,
    wrapper: minus(all, head),
    utilization: { lc: use('ICESTORM_LC'), ebr: use('ICESTORM_RAM'), dsp: use('ICESTORM_DSP'), spram: use('ICESTORM_SPRAM') },
    routed,
    nextpnrFmax: Math.round(nextpnrFmax * 100) / 100,
    estimate,
    clock: { target, constrained: o.clock !== null, met: routed.fmax >= target },
    pnrSeed: o.pnrSeed,
    yosysVersion: `@yowasp/yosys ${yowaspVersion}`,
    nextpnrVersion: `@yowasp/nextpnr-ice40 ${nextpnrVersion}`,
    script: script.replace(/^read_verilog -DSYNTHESIS .*$/m, `read_verilog -DSYNTHESIS rtl/*.v ${WRAP_TOP}.v`),
    nextpnrArgs: args,
    seconds: { synth: y.seconds, pnr: p.seconds },
  };
}

/** Before place and route: cells that cannot fit, whatever the packing (a logic cell holds one LUT4 and one flip-flop). */
function checkFit(part: Ice40Part, all: Ice40Resources, head: Ice40Resources): void {
  const over: string[] = [];
  if (all.lut4 > part.lc) over.push(`${fmt(all.lut4)} LUT4 > ${fmt(part.lc)} logic cells`);
  if (all.ff > part.lc) over.push(`${fmt(all.ff)} FF > ${fmt(part.lc)} logic cells`);
  if (all.ebr > part.ebr) over.push(`${all.ebr} EBR > ${part.ebr}`);
  if (all.dsp > part.dsp) over.push(`${all.dsp} SB_MAC16 > ${part.dsp}`);
  if (all.spram > part.spram) over.push(`${all.spram} SPRAM > ${part.spram}`);
  if (over.length) throw new DoesNotFitError(`does not fit ${part.name}: ${over.join(', ')} (the head alone: ${fmt(head.lut4)} LUT4, ${fmt(head.ff)} FF, ${head.ebr} EBR, ${head.dsp} SB_MAC16)`);
}

