// Parsing Yosys `stat` and `ltp` output, and turning cell counts into the resource columns of
// the reports (docs/contract.md §Command line: lut, ff, dsp, bram, carry, logicDepth).

/** Cell type → count, for one module (submodule instances appear under their module type). */
export type CellCounts = Record<string, number>;

export interface Resources {
  /** LUT1–LUT6 */
  lut: number;
  /** FDRE, FDSE, FDCE, FDPE */
  ff: number;
  /** DSP48E1 */
  dsp: number;
  /** block RAM in RAMB36E1 equivalents: RAMB36E1 + RAMB18E1 / 2 */
  bram: number;
  ramb36: number;
  ramb18: number;
  /** CARRY4 */
  carry: number;
  /** SRL16E, SRLC32E (LUTs used as shift registers; not in `lut`) */
  srl: number;
  /** distributed RAM cells (RAM32M, RAM64X1D, …; not in `lut`) */
  lutram: number;
  muxf7: number;
  muxf8: number;
}

export const RESOURCE_KEYS = ['lut', 'ff', 'dsp', 'bram', 'ramb36', 'ramb18', 'carry', 'srl', 'lutram', 'muxf7', 'muxf8'] as const;

export const emptyResources = (): Resources => ({ lut: 0, ff: 0, dsp: 0, bram: 0, ramb36: 0, ramb18: 0, carry: 0, srl: 0, lutram: 0, muxf7: 0, muxf8: 0 });

/** Resource columns of a set of primitive cells (types that are not Xilinx primitives are ignored). */
export function resources(cells: CellCounts): Resources {
  const r = emptyResources();
  for (const [type, n] of Object.entries(cells)) {
    if (/^LUT[1-6]$/.test(type)) r.lut += n;
    else if (/^FD[RSCP]E(_1)?$/.test(type)) r.ff += n;
    else if (/^DSP48E1$/.test(type)) r.dsp += n;
    else if (type === 'RAMB36E1') r.ramb36 += n;
    else if (type === 'RAMB18E1') r.ramb18 += n;
    else if (type === 'CARRY4') r.carry += n;
    else if (/^SRL(C)?(16|32)E$/.test(type)) r.srl += n;
    else if (/^RAM(32|64|128|256)(M|X1[SD])/.test(type)) r.lutram += n;
    else if (type === 'MUXF7') r.muxf7 += n;
    else if (type === 'MUXF8') r.muxf8 += n;
  }
  r.bram = r.ramb36 + r.ramb18 / 2;
  return r;
}

export function addResources(a: Resources, b: Resources, times = 1): Resources {
  const r = { ...a };
  for (const k of RESOURCE_KEYS) r[k] += b[k] * times;
  return r;
}

/** `$paramod$<hash>\mac_array` or `$paramod\mac_array\KPAR=8…` → `mac_array`. */
export function baseModuleName(name: string): string {
  const m = /^\$paramod(?:\$[0-9a-fA-F]+)?\\([^\\]+)/.exec(name);
  return m ? m[1]! : name.replace(/^\\/, '');
}

/** Per-module cell counts from the output of `stat` (the "design hierarchy" summary is skipped). */
export function parseStat(text: string): Map<string, CellCounts> {
  const modules = new Map<string, CellCounts>();
  let current: CellCounts | null = null;
  let inCells = false;
  for (const line of text.split('\n')) {
    const head = /^=== (.+) ===\s*$/.exec(line);
    if (head) {
      const name = head[1]!;
      current = name === 'design hierarchy' ? null : {};
      if (current) modules.set(name, current);
      inCells = false;
      continue;
    }
    if (!current) continue;
    if (/^\s+Number of cells:/.test(line)) {
      inCells = true;
      continue;
    }
    const cell = inCells ? /^\s+(\S+)\s+(\d+)\s*$/.exec(line) : null;
    if (cell) current[cell[1]!] = (current[cell[1]!] ?? 0) + Number(cell[2]);
  }
  return modules;
}

/** Module → longest topological path (cells) from the output of `ltp`. */
export function parseLtp(text: string): Map<string, number> {
  const r = new Map<string, number>();
  for (const m of text.matchAll(/Longest topological path in (\S+) \(length=(\d+)\)/g)) r.set(m[1]!, Number(m[2]));
  return r;
}
