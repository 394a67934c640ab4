/** The API of a streaming waveform writer (VcdWriter, FstWriter); open-wave-writer.ts picks one by file name. */
export type WaveFormat = 'vcd' | 'fst';

export interface WaveWriterOptions {
  /** e.g. '1ns', '10ps'. */
  timescale?: string;
  version?: string;
  /** Defaults to the current date; fixed strings make dumps reproducible. */
  date?: string;
}

/** One time step's changes of a fixed set of signals: changeSome(values, seen, ids). */
export type StepWriter = (values: ArrayLike<number>, seen: Float64Array) => void;

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
  /**
   * changeSome for a fixed `ids` (copied), compiled for those signals: for a simulator that
   * hands over the same few sets of signals every time step. Only after begin().
   */
  compileStep(ids: Int32Array | null): StepWriter;
  close(): Promise<void>;
}
