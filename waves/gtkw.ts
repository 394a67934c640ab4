/**
 * GTKWave save files (.gtkw): which signals to show, grouped, in which radix, zoomed to fit,
 * with a marker. Trace flags are GTKWave's TraceEntFlagBits (analyzer.h): HEX 0x2, DEC 0x4,
 * BIN 0x8, RJUSTIFY 0x20, BLANK 0x200, SIGNED 0x400 (signed decimal is SIGNED alone, as
 * GTKWave's Data Format > Signed Decimal sets it), FTRANSLATED 0x2000 (a translate filter file,
 * `^n FILE`), GRP_BEGIN 0x800000, GRP_END 0x1000000, FPDECSHIFT 0x40000000 (fixed point:
 * the value over 2^n, `[fpshift_count] n`).
 *
 * Readable values: a fixed-point signal shows as a real number (GTKWave divides the decimal
 * value by 2^frac), an enumeration by its names (a filter file `value name` per line, written
 * beside the save file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Radix = 'dec' | 'hex' | 'bin' | 'sdec';

export interface GtkwSignal {
  /** Dotted name inside the design, as declared to VcdWriter: 'head.mac_array.acc_0'. */
  name: string;
  width: number;
  /** Default: 'bin' for 1-bit signals, 'dec' otherwise. */
  radix?: Radix;
  /** A fixed-point number: shown as value / 2^frac (signed or not), instead of the radix. */
  fixed?: { frac: number; signed: boolean };
  /** Names of the values 0, 1, …: shown instead of the number (a translate filter). */
  names?: readonly string[];
}

export interface GtkwOptions {
  groups: Array<{ name: string; signals: GtkwSignal[] }>;
  /** Last time of interest, in dump units; the view is zoomed to show startTime..endTime. */
  endTime: number;
  /** First time shown (default 0). */
  startTime?: number;
  /** Default: the dump path with its extension replaced by .gtkw. */
  savePath?: string;
  /** Scope in front of every name: 'TOP.' for headsim and Verilator dumps (the default). */
  prefix?: string;
  /** Window size in pixels. */
  size?: [width: number, height: number];
  /** Time of the primary marker (and named marker A), in dump units. */
  marker?: number;
}

const RJUSTIFY = 0x20;
const FLAGS: Record<Radix, number> = { hex: 0x2 | RJUSTIFY, dec: 0x4 | RJUSTIFY, bin: 0x8 | RJUSTIFY, sdec: 0x400 | RJUSTIFY };
const GROUP_BEGIN = 0x800000 | 0x200;
const GROUP_END = 0x1000000 | 0x200;
const FTRANSLATED = 0x2000;
const FPDECSHIFT = 0x40000000;
/** GTKWave's fixed-point shift is a byte; its decimal rendering loses nothing up to 2^-63. */
const MAX_SHIFT = 63;

/**
 * GTKWave shows 2^-z / 200 ticks per pixel at zoom z (200 is its pixels-per-frame constant;
 * measured on 3.3.118), and clamps z to <= 0. Fit endTime, plus 3% margin, into the wave pane:
 * the window minus the signal column, the collapsed SST pane and borders (about 70 px).
 */
export function gtkwZoom(endTime: number, windowWidth: number, signalsWidth: number): number {
  const pane = Math.max(100, windowWidth - signalsWidth - 70);
  return Math.min(0, -Math.log2((200 * Math.max(1, endTime) * 1.03) / pane));
}

/** Writes the save file (and the translate filters it names, beside it) and returns its path. */
export function writeGtkw(vcdPath: string, opts: GtkwOptions): string {
  const savePath = opts.savePath ?? vcdPath.replace(/\.(vcd|fst)$/i, '') + '.gtkw';
  if (path.resolve(savePath) === path.resolve(vcdPath)) throw new Error(`writeGtkw: the save file would overwrite the dump ${vcdPath}`);
  const prefix = opts.prefix ?? 'TOP.';
  const [w, h] = opts.size ?? [1600, 900];
  // The signal column lists leaf names with their range; about 8 px per character.
  const leaves = opts.groups.flatMap((g) => [g.name, ...g.signals.map((s) => gtkwName(s.name.split('.').pop()!, s.width))]);
  const signalsWidth = Math.min(420, Math.max(160, 60 + 8 * Math.max(...leaves.map((l) => l.length))));
  const lines = [
    '[*] headsim',
    `[dumpfile] "${path.resolve(vcdPath)}"`,
    `[savefile] "${path.resolve(savePath)}"`,
    `[timestart] ${opts.startTime ?? 0}`,
    `[size] ${w} ${h}`,
    '[pos] -1 -1',
    `*${gtkwZoom(opts.endTime - (opts.startTime ?? 0), w, signalsWidth).toFixed(6)} ${opts.marker ?? -1} ${opts.marker ?? -1}${' -1'.repeat(25)}`,
    '[sst_expanded] 0',
    `[signals_width] ${signalsWidth}`,
  ];
  let flags = -1;
  const setFlags = (f: number): void => {
    if (f !== flags) lines.push(`@${f.toString(16)}`);
    flags = f;
  };
  // one filter file per distinct list of names, numbered as GTKWave numbers them (1, 2, …)
  const filters = new Map<string, number>();
  const filterFile = (names: readonly string[]): string => {
    const key = names.join('\n');
    let n = filters.get(key);
    if (n === undefined) {
      filters.set(key, (n = filters.size + 1));
      fs.writeFileSync(filterPath(savePath, n), names.map((name, v) => `${v} ${name}`).join('\n') + '\n');
    }
    return `^${n} ${path.resolve(filterPath(savePath, n))}`;
  };
  for (const g of opts.groups) {
    setFlags(GROUP_BEGIN);
    lines.push(`-${g.name}`);
    for (const s of g.signals) {
      if (s.names?.length && s.width > 1) {
        setFlags(FLAGS.dec | FTRANSLATED);
        lines.push(filterFile(s.names));
      } else if (s.fixed && s.width > 1) {
        setFlags((s.fixed.signed ? FLAGS.sdec : FLAGS.dec) | FPDECSHIFT);
        lines.push(`[fpshift_count] ${Math.max(0, Math.min(MAX_SHIFT, s.fixed.frac))}`);
      } else setFlags(FLAGS[s.radix ?? (s.width === 1 ? 'bin' : 'dec')]);
      lines.push(gtkwName(prefix + s.name, s.width));
    }
    setFlags(GROUP_END);
    lines.push(`-${g.name}`);
  }
  fs.writeFileSync(savePath, lines.join('\n') + '\n');
  return savePath;
}

/** The n-th translate filter of a save file: run.gtkw → run.filter1.txt. */
export const filterPath = (savePath: string, n: number): string => savePath.replace(/\.gtkw$/i, '') + `.filter${n}.txt`;

/** GTKWave names a vector by its VCD name plus the declared range: 'TOP.head.acc_0[40:0]'. */
export function gtkwName(name: string, width: number): string {
  return width > 1 ? `${name}[${width - 1}:0]` : name;
}
