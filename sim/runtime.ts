// What the generated code of sim/codegen.ts may touch of the kernel, in one typed interface.
// Kernel implements it, and the generator names its members only through `rt()` and `BOUND`,
// so a rename is a type error, not a silent run-time failure in generated source.

export interface Runtime {
  /** current and next value of every signal: the two halves of `buf` (memories follow) */
  readonly v: Float64Array;
  readonly next: Float64Array;
  readonly buf: Float64Array;
  /** dirty flags of the levelized combinational processes, in level order */
  readonly dirty: Uint8Array;
  /** written flags of the register ranges of generated processes, by range id */
  readonly rw: Uint8Array;
  /** queued processes of the general scheduler */
  readonly qLen: number;
  /** some dirty flag is set */
  dirtyAny: boolean;
  /** pending nba() writes, nbaRange() ranges, and generated edge processes whose commit is due */
  readonly nbaLen: number;
  readonly rangeN: number;
  readonly ranN: number;
  /** blocking write: takes effect now and wakes the sensitive processes */
  set(id: number, value: number): void;
  enqueue(p: number): void;
  activeRegion(): number;
  commitPending(): void;
  settle(): void;
  combPass(): void;
}

/** The arrays every generated function copies into locals in its preamble (local name = key). */
export const BOUND = { v: 'v', next: 'next', buf: 'B', dirty: 'D', rw: 'RW' } as const satisfies Partial<Record<keyof Runtime, string>>;

/** A member of the runtime in generated code: `k.<name>`, checked by tsc. */
export const rt = <K extends keyof Runtime>(name: K): `k.${K}` => `k.${name}`;
