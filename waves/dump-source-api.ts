/** A dump read in pieces, whatever its format (open-dump.ts opens one). */
import type { VcdValue, VcdVar } from './vcd-source.ts';

export interface DumpSource {
  /** Declared variables; aliases (one id, several names) appear once per name. */
  vars: VcdVar[];
  timescale: string;
  done: boolean;
  /** Time up to which all changes have been delivered (exclusive); Infinity at the end. */
  frontier(): number;
  /** Reads the next piece, delivering its changes; false at the end. */
  step(): Promise<boolean>;
  listen(onChange: (v: number, time: number, value: VcdValue) => void): void;
  /** Only these vars (indices into `vars`) are needed; a source may skip the others. */
  want?(vars: Iterable<number>): void;
  close(): void;
}
