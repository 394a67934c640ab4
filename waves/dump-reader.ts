/**
 * Reads a whole dump (VCD, or FST: open-dump.ts) into memory: per signal (full dotted name,
 * see vcd-source.ts for the naming rule) its width and every change as it appears in the file.
 * For large dumps prefer `signals` to keep only what is needed, or VcdSource directly.
 */
import { openDump } from './open-dump.ts';
import type { VcdValue } from './vcd-source.ts';

export type { VcdValue } from './vcd-source.ts';

export interface VcdSignal {
  width: number;
  changes: Array<[time: number, value: VcdValue]>;
}

export interface VcdDump {
  timescale: string;
  signals: Map<string, VcdSignal>;
}

export async function readVcd(path: string, opts: { signals?: (name: string) => boolean } = {}): Promise<VcdDump> {
  const src = await openDump(path);
  const keep = opts.signals ?? (() => true);
  const signals = new Map<string, VcdSignal>();
  const byVar: Array<VcdSignal | undefined> = src.vars.map((v) => {
    if (!keep(v.name)) return undefined;
    const s = signals.get(v.name) ?? { width: v.width, changes: [] };
    signals.set(v.name, s);
    return s;
  });
  src.want?.(byVar.flatMap((s, i) => (s ? [i] : [])));
  src.listen((i, t, value) => byVar[i]?.changes.push([t, value]));
  while (await src.step());
  return { timescale: src.timescale, signals };
}
