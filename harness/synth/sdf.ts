// A reader for the SDF nextpnr writes (`--sdf`): per placed cell its delay arcs (IOPATH) and
// setup checks (SETUP / SETUPHOLD), and every routed connection's delay (INTERCONNECT). Delays
// are in ps; of a (min:typ:max) triple and of rise / fall the largest is kept. Only what
// nextpnr-ice40 writes is read (no conditional arcs, no edge-specific IOPATHs).
type Expr = string | Expr[];

export interface SdfArc {
  inst: string;
  from: string;
  to: string;
  /** ps */
  delay: number;
}

export interface SdfCheck {
  inst: string;
  port: string;
  clock: string;
  /** ps */
  setup: number;
}

export interface SdfPin {
  inst: string;
  port: string;
}

export interface Sdf {
  /** instance → cell type */
  cells: Map<string, string>;
  iopaths: SdfArc[];
  checks: SdfCheck[];
  interconnects: { from: SdfPin; to: SdfPin; delay: number }[];
}

function tokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '(' || c === ')') {
      out.push(c);
      i++;
    } else if (c === '"') {
      const j = text.indexOf('"', i + 1);
      out.push(text.slice(i, j + 1));
      i = j + 1;
    } else if (/\s/.test(c)) i++;
    else {
      let j = i;
      while (j < text.length && !/[\s()]/.test(text[j]!)) j += text[j] === '\\' ? 2 : 1;
      out.push(text.slice(i, j));
      i = j;
    }
  }
  return out;
}

function parse(text: string): Expr {
  const toks = tokens(text);
  const stack: Expr[][] = [[]];
  for (const t of toks) {
    if (t === '(') stack.push([]);
    else if (t === ')') {
      const e = stack.pop()!;
      stack[stack.length - 1]!.push(e);
    } else stack[stack.length - 1]!.push(t);
  }
  return stack[0]![0] ?? [];
}

const unescape = (s: string) => s.replace(/\\(.)/g, '$1').replace(/^"|"$/g, '');

/** `inst/port` with the last unescaped '/' as the divider. */
function pin(raw: string): SdfPin {
  for (let i = raw.length - 1; i > 0; i--) if (raw[i] === '/' && raw[i - 1] !== '\\') return { inst: unescape(raw.slice(0, i)), port: unescape(raw.slice(i + 1)) };
  return { inst: '', port: unescape(raw) };
}

/** ps of one value list `(a:b:c)`, the largest. */
const value = (e: Expr | undefined): number => {
  if (!Array.isArray(e) || !e.length) return 0;
  return Math.max(...String(e[0]).split(':').map(Number).filter(Number.isFinite), 0);
};
const delayOf = (vals: Expr[]) => Math.max(0, ...vals.map(value));
/** `CLK` or `(posedge CLK)` → `CLK` */
const portOf = (e: Expr) => unescape(Array.isArray(e) ? String(e[e.length - 1]) : e);

export function readSdf(text: string): Sdf {
  const root = parse(text) as Expr[];
  const sdf: Sdf = { cells: new Map(), iopaths: [], checks: [], interconnects: [] };
  for (const cell of root) {
    if (!Array.isArray(cell) || cell[0] !== 'CELL') continue;
    let type = '';
    let inst = '';
    for (const part of cell.slice(1)) {
      if (!Array.isArray(part)) continue;
      if (part[0] === 'CELLTYPE') type = unescape(String(part[1]));
      else if (part[0] === 'INSTANCE') inst = part.length > 1 ? unescape(String(part[1])) : '';
      else if (part[0] === 'DELAY') {
        for (const abs of part.slice(1))
          for (const d of (abs as Expr[]).slice(1)) {
            if (!Array.isArray(d)) continue;
            if (d[0] === 'IOPATH') sdf.iopaths.push({ inst, from: portOf(d[1]!), to: portOf(d[2]!), delay: delayOf(d.slice(3)) });
            else if (d[0] === 'INTERCONNECT') sdf.interconnects.push({ from: pin(String(d[1])), to: pin(String(d[2])), delay: delayOf(d.slice(3)) });
          }
      } else if (part[0] === 'TIMINGCHECK') {
        for (const t of part.slice(1)) {
          if (!Array.isArray(t) || (t[0] !== 'SETUPHOLD' && t[0] !== 'SETUP')) continue;
          sdf.checks.push({ inst, port: portOf(t[1]!), clock: portOf(t[2]!), setup: value(t[3]) });
        }
      }
    }
    if (type && inst) sdf.cells.set(inst, type);
  }
  return sdf;
}
