/**
 * The writer for a dump file: VCD text (vcd-writer.ts) or FST blocks (fst-writer.ts), both with
 * the API of wave-writer-api.ts, so the model's trace chooses the format by file name.
 */
import { FstWriter } from './fst-writer.ts';
import { VcdWriter } from './vcd-writer.ts';

export type { StepWriter, WaveFormat, WaveWriter, WaveWriterOptions } from './wave-writer-api.ts';
import type { WaveFormat, WaveWriter, WaveWriterOptions } from './wave-writer-api.ts';

export function formatOf(path: string): WaveFormat {
  return /\.fst$/i.test(path) ? 'fst' : 'vcd';
}

/** A writer for `path`: FST for *.fst, VCD otherwise. */
export function openWaveWriter(path: string, opts: WaveWriterOptions = {}): WaveWriter {
  return formatOf(path) === 'fst' ? new FstWriter(path, opts) : new VcdWriter(path, { ...opts, chunkChars: 1 << 20 });
}
