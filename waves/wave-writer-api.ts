/** The API of a streaming waveform writer (VcdWriter, FstWriter); open-wave-writer.ts picks one by file name. */
export type WaveFormat = 'vcd' | 'fst';

export interface WaveWriterOptions {
  /** e.g. '1ns', '10ps'. */
  timescale?: string;
  version?: string;
  /** Defaults to the current date; fixed strings make dumps reproducible. */
  date?: string;
}

export interface WaveWriter {
  readonly path: string;
  /** Declares a signal by dotted hierarchical name (`head.mac_array.acc_0`); returns its handle. */
  declare(name: string, width: number, init?: number): number;
  /** Ends the declarations; the current values are the dump's initial values. */
  begin(): void;
  /** Advances simulation time (integer, non-decreasing). */
  time(t: number): void;
  /** A value: bit pattern 0..2^width−1, or a negative number in two's-complement range. */
  change(h: number, value: number): void;
  /** change(h, values[h]) for every handle; `seen` holds the previous call's values (updated). */
  changeAll(values: ArrayLike<number>, seen: Float64Array): void;
  /** changeAll restricted to the handles in `ids` (ascending; null: all). */
  changeSome(values: ArrayLike<number>, seen: Float64Array, ids: Int32Array | null): void;
  close(): Promise<void>;
}
