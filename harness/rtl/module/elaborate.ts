// The RTL as Verilator elaborates it (`verilator --xml-only`, without the dataflow optimizer that
// would fold wires away), per instance: each module's
// parameter values, its ports (names, directions, widths after the parameters), the variables it
// declares at module level (width and entries of an unpacked array) and which of them are
// registers (written with a non-blocking assignment). What the twin checks compare the model's
// signal lists with (test/twin-signals.test.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { runCommand } from '../../../lib/proc.ts';
import type { ModulePort } from './layout.ts';

export interface ElaboratedVar {
  /** bits of one entry */
  width: number;
  /** entries of an unpacked array, 1 for a plain variable */
  entries: number;
}

export interface ElaboratedModule {
  /** the module's name in rtl/ */
  module: string;
  params: Record<string, number>;
  ports: ModulePort[];
  /** module-level variables (the ports too), by name */
  vars: Map<string, ElaboratedVar>;
  /** module-level variables written with `<=` somewhere in the module */
  registers: Set<string>;
  /** registers whose every write is the constant 0 (a flop kept so that a name exists in every configuration) */
  zeroRegisters: Set<string>;
}

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const tag = (n: Node) => Object.keys(n).find((k) => k !== ':@')!;
const kids = (n: Node) => n[tag(n)] as Node[];
const attr = (n: Node, a: string) => n[':@']?.[`@_${a}`];

/** A Verilog constant as Verilator prints it (`32'sh200`, `4'b1010`), or NaN (a string). */
export function verilogConst(text: string): number {
  const m = /^(\d+)'(s?)([hdbo])([0-9a-fA-F_]+)$/.exec(text);
  if (!m) return NaN;
  const bits = Number(m[1]);
  if (bits > 53) return NaN; // a string parameter, as Verilator prints it
  const radix = { h: 16, d: 10, b: 2, o: 8 }[m[3] as 'h'];
  const v = parseInt(m[4]!.replace(/_/g, ''), radix);
  return m[2] && v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
}

/** Elaborates `top` with its parameters; returns every instance by its hierarchical name (`head.input_stage`). */
export async function elaborate(top: string, params: Record<string, number>, sources: string[]): Promise<Map<string, ElaboratedModule>> {
  const dir = mkdtempSync(join(tmpdir(), 'headsim-xml-'));
  try {
    const xml = join(dir, 'design.xml');
    const args = ['--xml-only', '-fno-dfg', '--top-module', top, '--xml-output', xml, ...Object.entries(params).map(([k, v]) => `-G${k}=${v}`), ...sources];
    await runCommand('verilator', args, { timeoutMs: 120_000, check: true });
    return parse(readFileSync(xml, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parse(text: string): Map<string, ElaboratedModule> {
  const doc = new XMLParser({ preserveOrder: true, ignoreAttributes: false }).parse(text) as Node[];
  const root = doc.find((n) => tag(n) === 'verilator_xml')!;
  const netlist = kids(root).find((n) => tag(n) === 'netlist')!;
  const types = new Map<string, Node>();
  const walk = (n: Node, f: (n: Node) => void) => {
    f(n);
    for (const c of kids(n) ?? []) if (typeof c === 'object') walk(c, f);
  };
  walk(netlist, (n) => {
    if (tag(n).endsWith('dtype') && attr(n, 'id')) types.set(attr(n, 'id')!, n);
  });
  const shape = (id: string): ElaboratedVar => {
    const t = types.get(id)!;
    if (tag(t) === 'unpackarraydtype') {
      const range = kids(t).find((c) => tag(c) === 'range')!;
      const [a, b] = kids(range).map((c) => verilogConst(attr(c, 'name')!));
      return { width: shape(attr(t, 'sub_dtype_id')!).width, entries: Math.abs(a! - b!) + 1 };
    }
    const left = attr(t, 'left');
    return { width: left === undefined ? 1 : Math.abs(Number(left) - Number(attr(t, 'right'))) + 1, entries: 1 };
  };

  const modules = new Map<string, ElaboratedModule>();
  for (const m of kids(netlist).filter((n) => tag(n) === 'module')) {
    const e: ElaboratedModule = { module: attr(m, 'origName')!, params: {}, ports: [], vars: new Map(), registers: new Set(), zeroRegisters: new Set() };
    const driven = new Set<string>();
    for (const v of kids(m).filter((n) => tag(n) === 'var')) {
      const name = attr(v, 'name')!;
      if (attr(v, 'param') === 'true') {
        const c = (kids(v) ?? []).find((x) => tag(x) === 'const');
        const value = c ? verilogConst(attr(c, 'name')!) : NaN;
        if (!Number.isNaN(value)) e.params[name] = value;
        continue;
      }
      const s = shape(attr(v, 'dtype_id')!);
      e.vars.set(name, s);
      const dir = attr(v, 'dir');
      if (dir === 'input' || dir === 'output') e.ports.push({ name, dir: dir === 'input' ? 'in' : 'out', bits: s.width * s.entries });
    }
    // registers: the variable under a non-blocking assignment's target (its last child; through
    // array and bit selects); the value is its first child
    walk(m, (n) => {
      if (tag(n) !== 'assigndly') return;
      const [value, ...rest] = kids(n);
      let target = rest.at(-1)!;
      while (tag(target) !== 'varref' && kids(target)?.length) target = kids(target)[0]!;
      const name = attr(target, 'name');
      if (!name || !e.vars.has(name)) return;
      e.registers.add(name);
      if (!(tag(value!) === 'const' && verilogConst(attr(value!, 'name')!) === 0)) driven.add(name);
    });
    for (const r of e.registers) if (!driven.has(r)) e.zeroRegisters.add(r);
    modules.set(attr(m, 'name')!, e);
  }
  const cells = new Map<string, ElaboratedModule>();
  walk(kids(root).find((n) => tag(n) === 'cells')!, (n) => {
    if (tag(n) === 'cell') cells.set(attr(n, 'hier')!, modules.get(attr(n, 'submodname')!)!);
  });
  return cells;
}
