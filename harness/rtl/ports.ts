/**
 * Port values of the `head` DUT for a run of cycles, as struct-of-arrays typed buffers.
 * This is the unit of exchange between the cycle model, the RTL backends and the compare:
 * preallocated once, reused for every batch, so the hot path allocates nothing per cycle.
 *
 * Cycle t holds the inputs applied while clk is low in cycle t and the outputs sampled after
 * that evaluation, i.e. the values the handshake uses at the rising edge ending cycle t
 * (see harness/rtl/verilator/README.md for the full convention).
 */
import { InputError } from '../../lib/errors.ts';
import type { Geometry } from '../../models/geometry.ts';

/** Widths of the data ports in bits. S_W may exceed 64; IDX_W and VAL_W are at most 32. */
export interface PortWidths {
  sW: number;
  idxW: number;
  valW: number;
}

/** The head's port widths: s_data carries kPar input lanes. */
export const portWidths = (g: Geometry): PortWidths => ({ sW: g.kPar * g.inW, idxW: g.idxW, valW: g.valW });

// Input flag bits (PortBatch.flags).
export const IN_RST = 1;
export const IN_S_VALID = 2;
export const IN_S_LAST = 4;
export const IN_M_READY = 8;

// Output flag bits (PortBatch.outFlags).
export const OUT_S_READY = 1;
export const OUT_M_VALID = 2;
export const OUT_M_LAST = 4;

/** One cycle's outputs as a plain object (for reports and mismatch messages, not the hot path). */
export interface CycleOutputs {
  sReady: boolean;
  mValid: boolean;
  mLast: boolean;
  mIndex: number;
  mValue: number;
}

/** One cycle's control inputs as a plain object. */
export interface CycleInputs {
  rst: boolean;
  sValid: boolean;
  sLast: boolean;
  mReady: boolean;
}

/** 32-bit words per cycle of s_data. */
export function dataWords(sW: number): number {
  return Math.ceil(sW / 32);
}

export function checkWidths(w: PortWidths): void {
  const ok = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!ok(w.sW, 1, 1 << 16)) throw new InputError(`port width sW=${w.sW} must be an integer in 1..65536`);
  if (!ok(w.idxW, 1, 32)) throw new InputError(`port width idxW=${w.idxW} must be an integer in 1..32`);
  if (!ok(w.valW, 1, 32)) throw new InputError(`port width valW=${w.valW} must be an integer in 1..32`);
}

/** Mask of the valid bits of a width-w (≤ 32) field, as an unsigned 32-bit number. */
export function mask32(w: number): number {
  return w >= 32 ? 0xffffffff : ((1 << w) - 1) >>> 0;
}

export class PortBatch {
  readonly widths: Readonly<PortWidths>;
  /** Number of cycles the buffers hold. */
  readonly capacity: number;
  /** 32-bit words per cycle in sData. */
  readonly sWords: number;
  /** Valid bits of the most significant sData word of a cycle. */
  readonly sTopMask: number;

  // Inputs.
  readonly flags: Uint8Array;
  /** capacity × sWords words; cycle t's word w at t*sWords + w, word 0 = bits 31..0. */
  readonly sData: Uint32Array;
  // Outputs.
  readonly outFlags: Uint8Array;
  readonly mIndex: Uint32Array;
  readonly mValue: Uint32Array;

  constructor(widths: PortWidths, capacity: number) {
    checkWidths(widths);
    if (!Number.isInteger(capacity) || capacity < 1) throw new InputError(`batch capacity ${capacity} must be a positive integer`);
    this.widths = { ...widths };
    this.capacity = capacity;
    this.sWords = dataWords(widths.sW);
    this.sTopMask = mask32(widths.sW - 32 * (this.sWords - 1));
    this.flags = new Uint8Array(capacity);
    this.sData = new Uint32Array(capacity * this.sWords);
    this.outFlags = new Uint8Array(capacity);
    this.mIndex = new Uint32Array(capacity);
    this.mValue = new Uint32Array(capacity);
  }

  setInputs(t: number, inp: CycleInputs): void {
    this.flags[t] = (inp.rst ? IN_RST : 0) | (inp.sValid ? IN_S_VALID : 0) | (inp.sLast ? IN_S_LAST : 0) | (inp.mReady ? IN_M_READY : 0);
  }

  getInputs(t: number): CycleInputs {
    const f = this.flags[t];
    return { rst: (f & IN_RST) !== 0, sValid: (f & IN_S_VALID) !== 0, sLast: (f & IN_S_LAST) !== 0, mReady: (f & IN_M_READY) !== 0 };
  }

  /** Sets cycle t's s_data from 32-bit words (word 0 = low bits); missing words are zero, excess bits masked. */
  setData(t: number, words: ArrayLike<number>): void {
    const base = t * this.sWords;
    for (let w = 0; w < this.sWords; w++) this.sData[base + w] = w < words.length ? words[w] : 0;
    this.sData[base + this.sWords - 1] &= this.sTopMask;
  }

  /** Sets cycle t's s_data from an unsigned bigint (bits above sW are dropped). */
  setDataBig(t: number, v: bigint): void {
    const base = t * this.sWords;
    for (let w = 0; w < this.sWords; w++, v >>= 32n) this.sData[base + w] = Number(v & 0xffffffffn);
    this.sData[base + this.sWords - 1] &= this.sTopMask;
  }

  getDataBig(t: number): bigint {
    let v = 0n;
    for (let w = this.sWords - 1; w >= 0; w--) v = (v << 32n) | BigInt(this.sData[t * this.sWords + w]);
    return v;
  }

  setOutputs(t: number, o: CycleOutputs): void {
    this.outFlags[t] = (o.sReady ? OUT_S_READY : 0) | (o.mValid ? OUT_M_VALID : 0) | (o.mLast ? OUT_M_LAST : 0);
    this.mIndex[t] = o.mIndex;
    this.mValue[t] = o.mValue;
  }

  getOutputs(t: number): CycleOutputs {
    const f = this.outFlags[t];
    return {
      sReady: (f & OUT_S_READY) !== 0,
      mValid: (f & OUT_M_VALID) !== 0,
      mLast: (f & OUT_M_LAST) !== 0,
      mIndex: this.mIndex[t],
      mValue: this.mValue[t],
    };
  }

  /** True when cycle t's outputs are identical in both batches (same widths assumed). */
  sameOutputs(t: number, other: PortBatch, tOther = t): boolean {
    return this.outFlags[t] === other.outFlags[tOther] && this.mIndex[t] === other.mIndex[tOther] && this.mValue[t] === other.mValue[tOther];
  }
}
