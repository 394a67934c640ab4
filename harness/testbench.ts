// The testbench around the cycle model: an AXI-Stream master that holds each beat until it is
// accepted, and a slave with seeded random backpressure. Both are processes in the kernel: the
// driver runs at the falling edge (inputs for the coming cycle), the monitor at the rising edge
// (it sees the pre-edge values, exactly what the handshake uses). Every cycle's inputs and
// outputs are recorded in a PortBatch, the unit the RTL backends replay and compare.
//
// The first `probe` vectors are sent back to back with m_ready held high, so that latency and
// the steady-state initiation interval are measured without stalls; the rest see random
// s_valid gaps and random m_ready.
import type { Head } from '../models/head/head.ts';
import type { Geometry } from '../models/geometry.ts';
import type { InputVectors } from '../models/vectors.ts';
import { mulberry32, subSeed } from '../models/prng.ts';
import { toBits } from '../models/numerics.ts';
import { IN_M_READY, IN_RST, IN_S_LAST, IN_S_VALID, OUT_M_LAST, OUT_M_VALID, OUT_S_READY, PortBatch } from './ports.ts';

export const CLOCK_PERIOD = 10;

export interface TrafficOptions {
  seed: number;
  /** probability that the master offers a beat in a cycle (after the probe) */
  validRate: number;
  /** probability that the slave accepts in a cycle (after the probe) */
  readyRate: number;
  resetCycles: number;
  probe: number;
}

export const DEFAULT_TRAFFIC: TrafficOptions = { seed: 1, validRate: 0.8, readyRate: 0.7, resetCycles: 2, probe: 6 };

export class Testbench {
  cycle = 0;
  /** vectors whose last output beat was accepted */
  done = 0;
  /** accepted output entries, [vector][entry] */
  readonly outIndex: Int32Array;
  readonly outValue: Float64Array;
  readonly firstAccept: Float64Array;
  readonly firstValid: Float64Array;
  protocolErrors: string[] = [];

  private batch: PortBatch | null = null;
  private batchBase = 0;
  private nextBeat = 0;
  private readonly totalBeats: number;
  private offering = false;
  private outVector = 0;
  private outEntry = 0;
  private readonly lane: Float64Array;

  constructor(
    private readonly head: Head,
    private readonly g: Geometry,
    private readonly vectors: InputVectors,
    private readonly opt: TrafficOptions,
  ) {
    const V = vectors.count;
    this.outIndex = new Int32Array(V * g.E);
    this.outValue = new Float64Array(V * g.E);
    this.firstAccept = new Float64Array(V).fill(-1);
    this.firstValid = new Float64Array(V).fill(-1);
    this.totalBeats = V * g.B;
    this.lane = new Float64Array(g.kPar);
    const k = head.k;
    const p = head.ports;
    const validRng = mulberry32(subSeed(opt.seed, 3));
    const readyRng = mulberry32(subSeed(opt.seed, 4));
    const probeBeats = Math.min(opt.probe, V) * g.B;
    const probeOut = Math.min(opt.probe, V);

    k.negedge('testbench.driver', p.clk, () => {
      const t = this.cycle;
      const rst = t < opt.resetCycles;
      if (!rst && !this.offering && this.nextBeat < this.totalBeats) this.offering = this.nextBeat < probeBeats || validRng() < opt.validRate;
      const m_ready = rst ? 0 : this.done < probeOut || readyRng() < opt.readyRate ? 1 : 0;
      k.set(p.rst, rst ? 1 : 0);
      k.set(p.m_ready, m_ready);
      k.set(p.s_valid, this.offering ? 1 : 0);
      const beat = this.nextBeat % g.B;
      k.set(p.s_last, this.offering && beat === g.B - 1 ? 1 : 0);
      const base = Math.floor(this.nextBeat / g.B) * g.K + beat * g.kPar;
      for (let l = 0; l < g.kPar; l++) {
        const x = this.offering && beat * g.kPar + l < g.K ? vectors.xQ[base + l]! : 0;
        this.lane[l] = x;
        k.set(p.s_data + l, x);
      }
      const b = this.batch;
      if (b) {
        const i = t - this.batchBase;
        b.flags[i] = (rst ? IN_RST : 0) | (this.offering ? IN_S_VALID : 0) | (k.v[p.s_last] ? IN_S_LAST : 0) | (m_ready ? IN_M_READY : 0);
        packLanes(b.sData, i * b.sWords, b.sWords, this.lane, g.inW);
      }
    });

    k.posedge('testbench.monitor', p.clk, () => {
      const s = k.v;
      const t = this.cycle;
      const b = this.batch;
      if (b) {
        const i = t - this.batchBase;
        b.outFlags[i] = (s[p.s_ready] ? OUT_S_READY : 0) | (s[p.m_valid] ? OUT_M_VALID : 0) | (s[p.m_last] ? OUT_M_LAST : 0);
        b.mIndex[i] = s[p.m_index]!;
        b.mValue[i] = s[p.m_value]!;
      }
      if (s[p.s_valid] && s[p.s_ready]) {
        const v = Math.floor(this.nextBeat / g.B);
        if (this.nextBeat % g.B === 0) this.firstAccept[v] = t;
        this.nextBeat++;
        this.offering = false;
      }
      if (s[p.m_valid]) {
        const v = this.outVector;
        if (v >= vectors.count) this.protocolErrors.push(`cycle ${t}: m_valid with no vector outstanding`);
        else {
          if (this.outEntry === 0 && this.firstValid[v]! < 0) this.firstValid[v] = t;
          if (s[p.m_ready]) {
            this.outIndex[v * g.E + this.outEntry] = s[p.m_index]!;
            this.outValue[v * g.E + this.outEntry] = s[p.m_value]!;
            this.outEntry++;
            const last = s[p.m_last] === 1;
            if (last !== (this.outEntry === g.E)) this.protocolErrors.push(`cycle ${t}: m_last=${+last} on entry ${this.outEntry} of ${g.E}`);
            if (last || this.outEntry === g.E) {
              this.outVector++;
              this.outEntry = 0;
              this.done++;
            }
          }
        }
      }
      this.cycle = t + 1;
    });
  }

  /** Run n cycles, recording their ports into `batch` (cycles cycle..cycle+n-1). */
  run(batch: PortBatch | null, n: number): void {
    this.batch = batch;
    this.batchBase = this.cycle;
    const until = (this.cycle + n - 1) * CLOCK_PERIOD + CLOCK_PERIOD / 2;
    this.head.k.run(until);
  }

  get finished(): boolean {
    return this.done >= this.vectors.count;
  }

  /** Latency and II measured on the probe vectors (no stalls). */
  timing(): { latency: number; ii: number } {
    const np = Math.min(this.opt.probe, this.vectors.count);
    const latency = this.firstValid[0]! - this.firstAccept[0]!;
    const ii = np >= 2 ? this.firstValid[np - 1]! - this.firstValid[np - 2]! : NaN;
    return { latency, ii };
  }
}

/** s_data: lane l in bits [l·w, (l+1)·w), two's complement, into 32-bit words. */
export function packLanes(words: Uint32Array, base: number, nWords: number, lanes: ArrayLike<number>, w: number): void {
  words.fill(0, base, base + nWords);
  for (let l = 0; l < lanes.length; l++) {
    let bits = toBits(lanes[l]!, w);
    let pos = l * w;
    let left = w;
    while (left > 0) {
      const word = pos >>> 5;
      const off = pos & 31;
      const take = Math.min(left, 32 - off);
      const chunk = bits % 2 ** take;
      words[base + word] = (words[base + word]! | (chunk * 2 ** off)) >>> 0;
      bits = Math.floor(bits / 2 ** take);
      pos += take;
      left -= take;
    }
  }
}
