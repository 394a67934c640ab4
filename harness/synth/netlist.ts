// A Yosys JSON netlist (`write_json`), one flattened module, indexed for timing: which cell
// drives each bit, which cells read it, the public names of each bit, and the `sta_arrival`
// Yosys' `sta` pass left on the wires. Also the names a report shows: a register by its RTL
// name, and the head's module (rtl/<module>.v) a name belongs to.
export interface JsonCell {
  type: string;
  attributes?: Record<string, string>;
  parameters?: Record<string, string>;
  port_directions?: Record<string, 'input' | 'output' | 'inout'>;
  connections: Record<string, (number | string)[]>;
}

interface JsonNet {
  hide_name?: number;
  bits: (number | string)[];
  attributes?: Record<string, string>;
}

interface JsonModule {
  ports?: Record<string, { direction: string; bits: (number | string)[] }>;
  cells: Record<string, JsonCell>;
  netnames: Record<string, JsonNet>;
}

export interface BitRef {
  cell: string;
  port: string;
}

export class Netlist {
  readonly cells = new Map<string, JsonCell>();
  /** bit → the cell output driving it */
  readonly driver = new Map<number, BitRef>();
  /** bit → the cell inputs reading it */
  readonly readers = new Map<number, BitRef[]>();
  /** bit → public (non-$) net names, shortest first */
  readonly names = new Map<number, string[]>();
  /** bit → arrival in ps from Yosys' sta (absent: not reached) */
  readonly arrival = new Map<number, number>();
  readonly inputs = new Set<number>();
  readonly outputs = new Map<number, string>();

  constructor(
    json: string,
    readonly top: string,
  ) {
    const doc = JSON.parse(json) as { modules: Record<string, JsonModule> };
    const m = doc.modules[top];
    if (!m) throw new Error(`netlist: no module ${top} in the JSON (modules: ${Object.keys(doc.modules).join(', ')})`);
    for (const [name, c] of Object.entries(m.cells)) {
      this.cells.set(name, c);
      for (const [port, bits] of Object.entries(c.connections)) {
        const dir = c.port_directions?.[port];
        for (const b of bits) {
          if (typeof b !== 'number') continue;
          if (dir === 'output') this.driver.set(b, { cell: name, port });
          else if (dir === 'input') (this.readers.get(b) ?? this.readers.set(b, []).get(b)!).push({ cell: name, port });
        }
      }
    }
    for (const [name, n] of Object.entries(m.netnames)) {
      const arr = n.attributes?.sta_arrival?.trim().split(/\s+/).map(Number);
      n.bits.forEach((b, i) => {
        if (typeof b !== 'number') return;
        if (!name.startsWith('$')) (this.names.get(b) ?? this.names.set(b, []).get(b)!).push(`${name}${n.bits.length > 1 ? `[${i}]` : ''}`);
        const a = arr?.[i];
        if (a !== undefined && a >= 0) this.arrival.set(b, Math.max(a, this.arrival.get(b) ?? -1));
      });
    }
    // a register's own name (inside its module) before the head's wire aliases, then the shortest
    const inModule = (s: string) => (s.replace(/^core\./, '').includes('.') ? 0 : 1);
    for (const list of this.names.values()) list.sort((a, b) => inModule(a) - inModule(b) || a.length - b.length || a.localeCompare(b));
    for (const [name, p] of Object.entries(m.ports ?? {}))
      for (const b of p.bits) {
        if (typeof b !== 'number') continue;
        if (p.direction === 'input') this.inputs.add(b);
        else this.outputs.set(b, name);
      }
  }

  /** The bits on a cell's port (constants dropped). */
  bits(cell: string, port: string): number[] {
    return (this.cells.get(cell)?.connections[port] ?? []).filter((b): b is number => typeof b === 'number');
  }

  /**
   * The rtl/ module whose always block made a register cell (its `src` attribute: every
   * flip-flop keeps the source line of the process it came from), or null.
   */
  ownerModule(cell: string): string | null {
    const file = /(?:^|\/)([A-Za-z0-9_]+)\.v:/.exec(this.cells.get(cell)?.attributes?.src ?? '')?.[1];
    if (!file) return null;
    return file === 'timing_wrap' ? 'wrapper' : file;
  }

  /**
   * A register's RTL name: the public name of a cell's output bit (without the bit index) —
   * of a net's aliases (a module's output port is also its readers' input port) the one in
   * the module that made the register — else the cell's name.
   */
  registerName(cell: string, port?: string): string {
    const c = this.cells.get(cell);
    const owner = this.ownerModule(cell);
    const ports = port ? [port] : Object.entries(c?.port_directions ?? {}).filter(([, d]) => d === 'output').map(([p]) => p);
    for (const p of ports)
      for (const b of this.bits(cell, p)) {
        const all = this.names.get(b) ?? [];
        const own = owner ? all.find((x) => moduleOf(x) === owner) : undefined;
        const n = own ?? all[0];
        if (n) return stripIndex(n);
      }
    return cell;
  }
}

/** A name as reports show it: no bit index, no escape, no wrapper instance (harness/synth/timing-wrap.ts). */
export const stripIndex = (name: string) => name.replace(/(\[\d+\])+$/, '').replace(/^\\/, '').replace(/^core\./, '');

/** rtl/ modules that head instantiates under their own name (head.v: `<module> <module> (…)`). */
export const HEAD_MODULES = ['input_stage', 'mac_array', 'logit_bank', 'comparator_tree', 'stream_selector', 'exp_unit', 'normalizer', 'reciprocal', 'divider', 'output_stage', 'approx_scaler'];
/** Registers of the place-and-route wrapper (harness/synth/timing-wrap.ts). */
const WRAPPER_REGS = ['sin', 'cap', 'rst', 'dout', 'din', 'rst_pin'];

/** The head module a hierarchical name belongs to ('head' for its own registers, 'wrapper' for the timing wrapper's). */
export function moduleOf(name: string): string {
  const parts = name.replace(/^\$flatten\\?/, '').replace(/^\\/, '').split(/[.\\]/);
  if (parts[0] === 'core') parts.shift();
  else if (WRAPPER_REGS.some((w) => parts[0]!.startsWith(w))) return 'wrapper';
  return parts.find((p) => HEAD_MODULES.includes(p)) ?? 'head';
}
