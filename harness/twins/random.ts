// The building blocks of the twin tests' port traffic: seeded random values (uniform, or an
// edge value of the range now and then: saturation and sign bugs live there), reset pulses,
// and the back-end sequencer's `state` as the head drives it.
import { mulberry32 } from '../../models/prng.ts';
import { State } from '../../models/head/context.ts';

export class Rand {
  private readonly u: () => number;

  constructor(seed: number) {
    this.u = mulberry32(seed);
  }

  /** uniform in [0, 1) */
  real(): number {
    return this.u();
  }

  /** 1 with probability p */
  bit(p = 0.5): number {
    return this.u() < p ? 1 : 0;
  }

  /** uniform integer in [lo, hi] (ranges past 2^32 from two draws) */
  int(lo: number, hi: number): number {
    const n = hi - lo + 1;
    if (n <= 2 ** 32) return lo + Math.floor(this.u() * n);
    return lo + ((Math.floor(this.u() * Math.ceil(n / 2 ** 32)) * 2 ** 32 + Math.floor(this.u() * 2 ** 32)) % n);
  }

  /** an integer in [lo, hi], one of its ends (or 0, ±1 inside it) about one time in eight */
  edgy(lo: number, hi: number): number {
    if (this.u() >= 0.125) return this.int(lo, hi);
    const ends = [lo, hi, 0, 1, -1].filter((v) => v >= lo && v <= hi);
    return ends[Math.floor(this.u() * ends.length)]!;
  }

  /** w-bit unsigned value */
  uint(w: number): number {
    return this.edgy(0, 2 ** w - 1);
  }

  /** w-bit two's complement value */
  sint(w: number): number {
    return this.edgy(-(2 ** (w - 1)), 2 ** (w - 1) - 1);
  }
}

/** rst: the first two cycles, then now and then a pulse of one or two cycles. */
export function resets(r: Rand): (t: number) => number {
  let until = 2;
  return (t) => {
    if (t >= until && t > 20 && r.bit(0.003)) until = t + 1 + r.int(0, 1);
    return t < until ? 1 : 0;
  };
}

/**
 * The sequencer's state as rtl/head.v moves it: IDLE until `start`, then SELECT (tree) until
 * `selected`, NORM (softmax) until `normalized`, EMIT until `done`; a condition the stimulus
 * does not model is a random dwell. Reset returns it to IDLE, as the head's does.
 */
export class Sequencer {
  state: number = State.IDLE;

  constructor(
    private readonly states: (keyof typeof State)[],
    private readonly r: Rand,
  ) {}

  /**
   * The edge at the end of a cycle: the state of the next one, from this cycle's rst and
   * conditions (the outputs the stimulus saw in it).
   */
  advance(rst: number, cond: { start?: boolean; selected?: boolean; normalized?: boolean; done?: boolean }): number {
    const name = (Object.keys(State) as (keyof typeof State)[]).find((k) => State[k] === this.state)!;
    const dwell = (c: boolean | undefined, p: number) => c ?? this.r.bit(p) === 1;
    const go = name === 'IDLE' ? dwell(cond.start, 0.3) : name === 'SELECT' ? dwell(cond.selected, 0.1) : name === 'NORM' ? dwell(cond.normalized, 0.15) : dwell(cond.done, 0.05);
    const next = this.states[(this.states.indexOf(name) + 1) % this.states.length]!;
    this.state = rst ? State.IDLE : go ? State[next] : this.state;
    return this.state;
  }
}
