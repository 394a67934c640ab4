// The pre-route timing estimate: Yosys' `sta` with Yosys' own delay models of the target's cells
// (cells_sim.v read with -specify: the 7-series models from Project X-Ray's timing data, the
// iCE40 ones from IceStorm's), on the synthesized netlist. No placement, no routing: every net
// is 0 ns, so the real clock is lower (on iCE40 about half: docs/sweep.md §Clock).
//
// `sta` leaves each bit's arrival time on the wires (sta_arrival). Its own report takes the
// latest bit of the whole netlist, which can be an unused carry-chain output, so the
// critical path is found here instead: the latest arrival plus setup over the register inputs
// (and output ports), traced back through each cell's latest-arriving input to the register
// (or port) that launched it. The clock tree's delay (the BUFG in xc7) is on both ends and is
// taken off.
import { ns, elide, mhz, stageTable, worseOf, type CriticalPath, type PathEnd, type PathStep, type TimingFigures } from './timing-types.ts';
import { moduleOf, Netlist, type JsonCell } from './netlist.ts';

export type EstimateFamily = 'xc7' | 'ice40';

/** Yosys commands after synthesis (the design is flattened): the models, `sta`, the netlist with the arrivals. */
export function estimateScript(family: EstimateFamily, speed: 'HX' | 'LP' | 'U' = 'HX', top = 'head'): string[] {
  const lib = family === 'xc7' ? 'read_verilog -lib -specify +/xilinx/cells_sim.v' : `read_verilog -D ICE40_${speed} -lib -specify +/ice40/cells_sim.v`;
  return [lib, 'tee -q -o sta.txt sta', `select ${top}`, 'setattr -unset src w:*', 'write_json -selected sta.json', 'select -clear'];
}
export const ESTIMATE_OUTPUTS = ['sta.txt', 'sta.json'];

interface Family {
  /** ports of a cell type that take the clock */
  clock: (type: string, port: string) => boolean;
  /** setup (ps) of a synchronous input, null when the input is not a timing endpoint */
  setup: (cell: JsonCell, port: string) => number | null;
  /** the cell's outputs are launched by a clock (a register, a block RAM, a registered DSP) */
  launches: (cell: JsonCell) => boolean;
  /** a DSP block whose output is not registered: the inputs that reach it without a register inside */
  passes?: (cell: JsonCell) => string[] | null;
}

const param = (c: JsonCell, name: string): number => {
  const v = c.parameters?.[name];
  if (v === undefined) return 0;
  return /^[01]+$/.test(v) ? parseInt(v, 2) : Number(v) || 0;
};
const paramStr = (c: JsonCell, name: string, dflt: string) => {
  const v = c.parameters?.[name];
  if (v === undefined) return dflt;
  if (!/^[01]+$/.test(v)) return v.trim();
  // Yosys JSON writes string parameters as binary ASCII
  let s = '';
  for (let i = 0; i + 8 <= v.length; i += 8) s += String.fromCharCode(parseInt(v.slice(i, i + 8), 2));
  return s.replace(/^\0+/, '');
};

/** DSP48E1 input setups as Yosys' 7-series model has them (cells_sim.v, the `required` of each input). */
function dsp48Setup(c: JsonCell, port: string): number | null {
  const [areg, breg, creg, dreg, adreg, mreg, preg] = ['AREG', 'BREG', 'CREG', 'DREG', 'ADREG', 'MREG', 'PREG'].map((p) => param(c, p));
  const mult = paramStr(c, 'USE_MULT', 'MULTIPLY') === 'MULTIPLY';
  const dport = paramStr(c, 'USE_DPORT', 'FALSE') === 'TRUE';
  const pat = paramStr(c, 'USE_PATTERN_DETECT', 'NO_PATDET') !== 'NO_PATDET';
  switch (port) {
    case 'A':
      if (areg) return 254;
      if (mult && !dport) return mreg ? 1416 : preg ? (pat ? 3030 : 2739) : null;
      if (mult && dport) return mreg ? 2400 : adreg ? 1283 : preg ? (pat ? 4014 : 3723) : null;
      return preg ? (pat ? 1730 : 1441) : null;
    case 'B':
      if (breg) return 324;
      if (mreg) return 1285;
      return preg ? (pat ? 2898 : mult ? 2608 : 1428) : null;
    case 'C':
      return creg ? 168 : preg ? (pat ? 1534 : 1244) : null;
    case 'D':
      if (!dport) return null;
      return dreg ? 248 : adreg ? 1195 : mreg ? 2310 : preg ? (pat ? 3925 : 3635) : null;
    default:
      return null;
  }
}

const XC7: Family = {
  clock: (type, port) => (/^FD/.test(type) ? port === 'C' : /^RAMB/.test(type) ? /^CLK(ARD|BWR)CLK$/.test(port) : /^RAM/.test(type) ? port === 'WCLK' : port === 'CLK'),
  setup(c, port) {
    const t = c.type;
    if (/^FD[RSCP]E/.test(t)) return port === 'D' ? 0 : port === 'CE' ? 109 : 404;
    if (/^SRL/.test(t)) return port === 'D' || port === 'CE' ? 0 : null;
    if (/^RAM(32|64|128|256)/.test(t)) return /^(DI|D$|WE|ADDRD|WADR)/.test(port) ? 0 : null;
    if (/^RAMB(18|36)E1$/.test(t)) return /^ADDR/.test(port) ? 566 : /^DI/.test(port) ? 737 : /^WE/.test(port) ? 532 : 360;
    if (t === 'DSP48E1') return dsp48Setup(c, port);
    return null;
  },
  launches: (c) => /^(FD|SRL|RAMB)/.test(c.type) || (c.type === 'DSP48E1' && ['AREG', 'BREG', 'MREG', 'PREG'].some((p) => param(c, p) > 0)),
  // P without PREG follows C and the cascade (and A, B, D without their registers) within the cycle
  passes(c) {
    if (c.type !== 'DSP48E1' || param(c, 'PREG')) return null;
    const [areg, breg, creg, dreg, adreg, mreg] = ['AREG', 'BREG', 'CREG', 'DREG', 'ADREG', 'MREG'].map((p) => param(c, p));
    return ['PCIN', 'CARRYIN', 'CARRYCASCIN', ...(creg ? [] : ['C']), ...(areg || mreg ? [] : ['A', 'ACIN']), ...(breg || mreg ? [] : ['B', 'BCIN']), ...(dreg || adreg || mreg ? [] : ['D'])];
  },
};

/** iCE40 setups (ps) of Yosys' models are 0–0.4 ns: the block RAM's are kept, the flip-flops' (≤ 31 ps) are 0. */
const ICE40: Family = {
  clock: (type, port) => (/^SB_DFF/.test(type) ? port === 'C' : /^SB_RAM/.test(type) ? /^[RW]CLK[N]?$/.test(port) : port === 'CLK' || port === 'CLOCK'),
  setup(c, port) {
    const t = c.type;
    if (/^SB_DFF/.test(t)) return 0;
    if (/^SB_RAM40_4K/.test(t)) return /ADDR/.test(port) ? 224 : /WDATA/.test(port) ? 161 : /MASK/.test(port) ? 274 : 267;
    if (t === 'SB_MAC16' || t === 'SB_SPRAM256KA') return 0;
    return null;
  },
  launches: (c) => /^(SB_DFF|SB_RAM|SB_SPRAM|SB_MAC16)/.test(c.type),
};

const FAMILIES: Record<EstimateFamily, Family> = { xc7: XC7, ice40: ICE40 };

const MAX_STEPS = 100_000;

/** The critical path of a netlist carrying Yosys' sta arrivals. */
export function analyzeEstimate(json: string, family: EstimateFamily, top = 'head'): TimingFigures {
  const f = FAMILIES[family];
  const n = new Netlist(json, top);
  // capture clock insertion: the clock tree's delay to the register's clock pin
  let clockTree = 0;
  let worst: { bit: number; total: number; setup: number; cell: string | null; port: string } | null = null;
  const stages = new Map<string, number>();
  for (const [name, c] of n.cells) {
    let module: string | null = null;
    for (const [port, dir] of Object.entries(c.port_directions ?? {})) {
      if (dir !== 'input') continue;
      if (f.clock(c.type, port)) {
        for (const b of n.bits(name, port)) clockTree = Math.max(clockTree, n.arrival.get(b) ?? 0);
        continue;
      }
      const s = f.setup(c, port);
      if (s === null) continue;
      for (const b of n.bits(name, port)) {
        const a = n.arrival.get(b);
        if (a === undefined || n.inputs.has(b) && a === 0) continue;
        if (!worst || a + s > worst.total) worst = { bit: b, total: a + s, setup: s, cell: name, port };
        worseOf(stages, (module ??= moduleOf(n.registerName(name))), a + s);
      }
    }
  }
  for (const [b, port] of n.outputs) {
    const a = n.arrival.get(b);
    if (a !== undefined && (!worst || a > worst.total)) worst = { bit: b, total: a, setup: 0, cell: null, port };
  }
  if (!worst) throw new Error('timing estimate: no register-to-register path (no arrival times in the netlist)');

  // Trace back through each cell's latest-arriving input.
  const steps: PathStep[] = [];
  let bit = worst.bit;
  let from: PathEnd | null = null;
  for (let i = 0; i < MAX_STEPS && !from; i++) {
    const d = n.driver.get(bit);
    if (!d) {
      const name = n.names.get(bit)?.[0] ?? `bit ${bit}`;
      from = { module: 'port', register: name, cell: name, type: 'input' };
      break;
    }
    const c = n.cells.get(d.cell)!;
    steps.push({ cell: d.cell, type: c.type, at: ns(n.arrival.get(bit) ?? 0) });
    const through = f.passes?.(c)?.flatMap((port) => n.bits(d.cell, port)).filter((b) => (n.arrival.get(b) ?? -1) > clockTree) ?? [];
    if (through.length) {
      bit = through.reduce((a, b) => ((n.arrival.get(b) ?? -1) > (n.arrival.get(a) ?? -1) ? b : a));
      continue;
    }
    if (f.launches(c)) {
      from = { module: moduleOf(n.registerName(d.cell, d.port)), register: n.registerName(d.cell, d.port), cell: d.cell, type: c.type };
      break;
    }
    let best = -1;
    let next = -1;
    for (const [port, dir] of Object.entries(c.port_directions ?? {}))
      if (dir === 'input' && !f.clock(c.type, port))
        for (const b of n.bits(d.cell, port)) {
          const a = n.arrival.get(b) ?? -1;
          if (a > best) [best, next] = [a, b];
        }
    if (next < 0) {
      from = { module: moduleOf(d.cell), register: d.cell, cell: d.cell, type: c.type };
      break;
    }
    bit = next;
  }
  steps.reverse();
  const endCell = worst.cell ? n.cells.get(worst.cell)! : null;
  const endName = worst.cell ? n.registerName(worst.cell) : worst.port;
  const to: PathEnd = worst.cell
    ? { module: moduleOf(endName), register: endName, cell: worst.cell, type: `${endCell!.type}.${worst.port}` }
    : { module: 'port', register: worst.port, cell: worst.port, type: 'output' };
  const delay = ns(worst.total - clockTree);
  const path: CriticalPath = { from: from!, to, delay, steps: elide(steps), logic: delay, routing: 0 };
  return { kind: 'estimate', fmax: mhz(delay), period: delay, path, stages: stageTable(stages, clockTree), method: `Yosys sta, ${family === 'xc7' ? '7-series' : 'iCE40'} cell delay models, no routing` };
}
