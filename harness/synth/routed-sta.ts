// Static timing of a placed and routed iCE40 design from nextpnr's SDF: every cell arc and
// routed connection delay as nextpnr computed them, an ideal clock (as nextpnr-ice40 has it),
// register-to-register paths of the one clock; paths from and to the package pins are left out
// (the wrapper's pins, harness/synth/timing-wrap.ts). The SB_MAC16 blocks get the arcs of
// harness/synth/mac16-timing.ts instead of nextpnr's placeholders, so a path through a
// multiplier costs the multiplier: on a design without DSP blocks this reproduces nextpnr's
// own Fmax (test/timing.test.ts checks it), with them it is lower.
import { mac16Arcs } from './mac16-timing.ts';
import { moduleOf, Netlist } from './netlist.ts';
import type { Sdf } from './sdf.ts';
import { elide, mhz, ns, stageTable, worseOf, type CriticalPath, type PathEnd, type PathStep, type TimingFigures } from './timing-types.ts';

const CLOCK_PINS: Record<string, string[]> = {
  ICESTORM_LC: ['CLK'],
  ICESTORM_RAM: ['RCLK', 'WCLK'],
  ICESTORM_DSP: ['CLK'],
  ICESTORM_SPRAM: ['CLOCK'],
  SB_IO: ['INPUT_CLK', 'OUTPUT_CLK'],
};
const isClock = (type: string, port: string) => CLOCK_PINS[type]?.includes(port) ?? false;

/** nextpnr's name of a packed cell → the Yosys cell it came from. */
const yosysCell = (inst: string) => inst.replace(/(_DFFLC|_LC|_RAM|_DSP|_SPRAM|\$CARRY)$/, '');

interface Edge {
  to: number;
  delay: number;
  routing: boolean;
}

const paramNumbers = (p: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(p ?? {}).map(([k, v]) => [k, /^[01]+$/.test(v) ? parseInt(v, 2) : Number(v) || 0]));

/**
 * The routed critical path. `netlist`: the Yosys JSON nextpnr read (for the DSP blocks'
 * configuration and the registers' names); `top`: its top module.
 */
export function analyzeRouted(sdf: Sdf, netlistJson: string, top: string): TimingFigures {
  const n = new Netlist(netlistJson, top);
  const ids = new Map<string, number>();
  const keys: string[] = [];
  const id = (inst: string, port: string) => {
    const k = `${inst}\u0000${port}`;
    let v = ids.get(k);
    if (v === undefined) {
      v = keys.length;
      ids.set(k, v);
      keys.push(k);
    }
    return v;
  };
  const edges: Edge[][] = [];
  const launch = new Map<number, number>();
  const setup = new Map<number, number>();
  const addEdge = (from: number, to: number, delay: number, routing: boolean) => (edges[from] ??= []).push({ to, delay, routing });

  const dspPins = new Map<string, Set<string>>();
  for (const ic of sdf.interconnects) {
    const fromType = sdf.cells.get(ic.from.inst) ?? '';
    const toType = sdf.cells.get(ic.to.inst) ?? '';
    if (isClock(toType, ic.to.port)) continue; // the clock tree: ideal
    addEdge(id(ic.from.inst, ic.from.port), id(ic.to.inst, ic.to.port), ic.delay, true);
    if (toType === 'ICESTORM_DSP') (dspPins.get(ic.to.inst) ?? dspPins.set(ic.to.inst, new Set()).get(ic.to.inst)!).add(ic.to.port);
    if (fromType === 'ICESTORM_DSP') (dspPins.get(ic.from.inst) ?? dspPins.set(ic.from.inst, new Set()).get(ic.from.inst)!).add(ic.from.port);
  }
  for (const a of sdf.iopaths) {
    const type = sdf.cells.get(a.inst) ?? '';
    if (type === 'ICESTORM_DSP') continue;
    const to = id(a.inst, a.to);
    if (isClock(type, a.from)) launch.set(to, Math.max(launch.get(to) ?? 0, a.delay));
    else addEdge(id(a.inst, a.from), to, a.delay, false);
  }
  const tiedClocks = tiedOffClocks(sdf);
  for (const c of sdf.checks) {
    const type = sdf.cells.get(c.inst) ?? '';
    if (type === 'ICESTORM_DSP' || tiedClocks.has(`${c.inst}\u0000${c.clock}`)) continue;
    const k = id(c.inst, c.port);
    setup.set(k, Math.max(setup.get(k) ?? 0, c.setup));
  }
  for (const [inst, pins] of dspPins) {
    const cell = n.cells.get(yosysCell(inst));
    const arcs = mac16Arcs(paramNumbers(cell?.parameters), pins);
    for (const a of arcs.comb) addEdge(id(inst, a.from), id(inst, a.to), a.delay, false);
    for (const a of arcs.launch) launch.set(id(inst, a.to), Math.max(launch.get(id(inst, a.to)) ?? 0, a.delay));
    for (const s of arcs.setup) setup.set(id(inst, s.port), Math.max(setup.get(id(inst, s.port)) ?? 0, s.setup));
  }

  // Longest path in topological order (Kahn) from the launch points.
  const count = keys.length;
  const indeg = new Int32Array(count);
  for (const list of edges) for (const e of list ?? []) indeg[e.to]!++;
  const arrival = new Float64Array(count).fill(-Infinity);
  const pred = new Int32Array(count).fill(-1);
  const predRouting = new Uint8Array(count);
  for (const [k, d] of launch) arrival[k] = Math.max(arrival[k]!, d);
  const queue: number[] = [];
  for (let k = 0; k < count; k++) if (indeg[k] === 0) queue.push(k);
  for (let qi = 0; qi < queue.length; qi++) {
    const k = queue[qi]!;
    for (const e of edges[k] ?? []) {
      if (arrival[k]! > -Infinity && arrival[k]! + e.delay > arrival[e.to]! && !launch.has(e.to)) {
        arrival[e.to] = arrival[k]! + e.delay;
        pred[e.to] = k;
        predRouting[e.to] = e.routing ? 1 : 0;
      }
      if (--indeg[e.to]! === 0) queue.push(e.to);
    }
  }
  if (queue.length < count) throw new Error(`routed timing: a combinational loop (${count - queue.length} pins not ordered)`);

  let end = -1;
  let worst = -Infinity;
  const stages = new Map<string, number>();
  const moduleOfInst = new Map<string, string>();
  for (const [k, s] of setup) {
    if (arrival[k]! === -Infinity) continue;
    if (arrival[k]! + s > worst) [end, worst] = [k, arrival[k]! + s];
    const [inst, port] = keys[k]!.split('\u0000') as [string, string];
    let m = moduleOfInst.get(inst);
    if (m === undefined) moduleOfInst.set(inst, (m = pathEnd(n, sdf, inst, port).module));
    worseOf(stages, m, arrival[k]! + s);
  }
  if (end < 0) throw new Error('routed timing: no register-to-register path in the SDF');

  const split = (k: number) => keys[k]!.split('\u0000') as [string, string];
  const steps: PathStep[] = [];
  let routing = 0;
  let k = end;
  while (pred[k]! >= 0) {
    if (predRouting[k]) routing += arrival[k]! - arrival[pred[k]!]!;
    else steps.push({ cell: split(k)[0], type: sdf.cells.get(split(k)[0]) ?? '', at: ns(arrival[k]!) });
    k = pred[k]!;
  }
  const [startInst, startPort] = split(k);
  steps.push({ cell: startInst, type: sdf.cells.get(startInst) ?? '', at: ns(arrival[k]!) });
  steps.reverse();
  const [endInst, endPort] = split(end);
  const period = ns(worst);
  const path: CriticalPath = {
    from: pathEnd(n, sdf, startInst, startPort),
    to: pathEnd(n, sdf, endInst, endPort),
    delay: period,
    steps: elide(steps),
    logic: ns(worst - routing),
    routing: ns(routing),
  };
  return { kind: 'routed', fmax: mhz(period), period, path, stages: stageTable(stages), method: 'nextpnr-ice40 placement and routing delays (SDF), SB_MAC16 arcs from Lattice\'s UltraPlus data' };
}

/** Clock pins driven by a constant (a ROM's write clock): their checks never time. */
function tiedOffClocks(sdf: Sdf): Set<string> {
  const r = new Set<string>();
  for (const ic of sdf.interconnects) if (/\$PACKER_(GND|VCC)/.test(ic.from.inst) && isClock(sdf.cells.get(ic.to.inst) ?? '', ic.to.port)) r.add(`${ic.to.inst}\u0000${ic.to.port}`);
  return r;
}

/** A placed cell's end of the path named by the register it holds (an LC's flip-flop, a block RAM, a DSP block). */
function pathEnd(n: Netlist, sdf: Sdf, inst: string, port: string): PathEnd {
  const type = `${sdf.cells.get(inst) ?? ''}.${port}`;
  const cell = yosysCell(inst);
  const c = n.cells.get(cell);
  let register = cell;
  if (c) {
    // an LC named after its LUT holds the flip-flop its output feeds
    const out = Object.entries(c.port_directions ?? {}).find(([, d]) => d === 'output')?.[0];
    const ff = c.type === 'SB_LUT4' && out ? n.bits(cell, out).flatMap((b) => n.readers.get(b) ?? []).find((r) => /^SB_DFF/.test(n.cells.get(r.cell)?.type ?? '') && r.port === 'D') : undefined;
    register = ff ? n.registerName(ff.cell, 'Q') : n.registerName(cell);
  }
  return { module: moduleOf(register), register, cell: inst, type };
}
