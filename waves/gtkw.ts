/**
 * GTKWave save files (.gtkw): which signals to show, grouped, in which radix, zoomed to fit.
 * Trace flags are GTKWave's TraceEntFlagBits (analyzer.h): HEX 0x2, DEC 0x4, BIN 0x8,
 * RJUSTIFY 0x20, BLANK 0x200, SIGNED 0x400 (signed decimal is SIGNED alone, as GTKWave's
 * Data Format > Signed Decimal sets it), GRP_BEGIN 0x800000, GRP_END 0x1000000.
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
}

export interface GtkwOptions {
  groups: Array<{ name: string; signals: GtkwSignal[] }>;
  /** Last time of interest, in dump units; the view is zoomed to show 0..endTime. */
  endTime: number;
  /** Default: the dump path with its extension replaced by .gtkw. */
  savePath?: string;
  /** Scope in front of every name: 'TOP.' for headsim and Verilator dumps (the default). */
  prefix?: string;
  /** Window size in pixels. */
  size?: [width: number, height: number];
}

const RJUSTIFY = 0x20;
const FLAGS: Record<Radix, number> = { hex: 0x2 | RJUSTIFY, dec: 0x4 | RJUSTIFY, bin: 0x8 | RJUSTIFY, sdec: 0x400 | RJUSTIFY };
const GROUP_BEGIN = 0x800000 | 0x200;
const GROUP_END = 0x1000000 | 0x200;

/**
 * GTKWave shows 2^-z / 200 ticks per pixel at zoom z (200 is its pixels-per-frame constant;
 * measured on 3.3.118), and clamps z to <= 0. Fit endTime, plus 3% margin, into the wave pane:
 * the window minus the signal column, the collapsed SST pane and borders (about 70 px).
 */
export function gtkwZoom(endTime: number, windowWidth: number, signalsWidth: number): number {
  const pane = Math.max(100, windowWidth - signalsWidth - 70);
  return Math.min(0, -Math.log2((200 * Math.max(1, endTime) * 1.03) / pane));
}

/** Writes the save file and returns its path. */
export function writeGtkw(vcdPath: string, opts: GtkwOptions): string {
  const savePath = opts.savePath ?? vcdPath.replace(/\.vcd$/i, '') + '.gtkw';
  const prefix = opts.prefix ?? 'TOP.';
  const [w, h] = opts.size ?? [1600, 900];
  // The signal column lists leaf names with their range; about 8 px per character.
  const leaves = opts.groups.flatMap((g) => [g.name, ...g.signals.map((s) => gtkwName(s.name.split('.').pop()!, s.width))]);
  const signalsWidth = Math.min(420, Math.max(160, 60 + 8 * Math.max(...leaves.map((l) => l.length))));
  const lines = [
    '[*] headsim',
    `[dumpfile] "${path.resolve(vcdPath)}"`,
    `[savefile] "${path.resolve(savePath)}"`,
    '[timestart] 0',
    `[size] ${w} ${h}`,
    '[pos] -1 -1',
    `*${gtkwZoom(opts.endTime, w, signalsWidth).toFixed(6)} -1${' -1'.repeat(26)}`,
    '[sst_expanded] 0',
    `[signals_width] ${signalsWidth}`,
  ];
  let flags = -1;
  const setFlags = (f: number): void => {
    if (f !== flags) lines.push(`@${f.toString(16)}`);
    flags = f;
  };
  for (const g of opts.groups) {
    setFlags(GROUP_BEGIN);
    lines.push(`-${g.name}`);
    for (const s of g.signals) {
      setFlags(FLAGS[s.radix ?? (s.width === 1 ? 'bin' : 'dec')]);
      lines.push(gtkwName(prefix + s.name, s.width));
    }
    setFlags(GROUP_END);
    lines.push(`-${g.name}`);
  }
  fs.writeFileSync(savePath, lines.join('\n') + '\n');
  return savePath;
}

/** GTKWave names a vector by its VCD name plus the declared range: 'TOP.head.acc_0[40:0]'. */
export function gtkwName(name: string, width: number): string {
  return width > 1 ? `${name}[${width - 1}:0]` : name;
}
