// The testbench around the cycle model: an AXI-Stream master that holds each beat until it is
// accepted, and a slave with seeded random backpressure. Both are processes in the kernel: the
// driver runs at the falling edge (inputs for the coming cycle), the monitor at the rising edge
// (it sees the pre-edge values, exactly what the handshake uses). Every cycle's inputs and
// outputs are recorded in a PortBatch, the unit the RTL backends replay and compare.
//
// The first `probe` vectors are sent back to back with m_ready held high, so that latency and
// the steady-state initiation interval are measured without stalls. The rest see random
// s_valid gaps and random m_ready, by default in phases that reach every corner of the
// handshakes (harness/run/coverage.ts): random rates, heavy backpressure (both logit banks
// fill and the front end stalls), bursts, and sparse input (gaps inside a vector). Once half
// the vectors are out, a reset interrupts the run; the vectors it cut short are sent again.
import type { Head } from '../../models/head/head.ts';
import { timing, type Geometry } from '../../models/geometry.ts';
import type { InputVectors } from '../../models/vectors.ts';
import { mulberry32, subSeed } from '../../models/prng.ts';
import { toBits } from '../../models/numerics.ts';
import { PHASE_VECTORS, TRAFFIC_PHASES, type TrafficOptions } from './traffic.ts';
import { coverageOf, monitorCoverage, reachablePoints, type CoverPoint, type Coverage } from './coverage.ts';
import { TestbenchState } from './testbench-state.ts';
import { IN_M_READY, IN_RST, IN_S_LAST, IN_S_VALID, OUT_M_LAST, OUT_M_VALID, OUT_S_READY, PortBatch } from '../rtl/ports.ts';

export const CLOCK_PERIOD = 10;



export class Testbench {
  /** accepted output entries, [vector][entry] */
  readonly outIndex: Int32Array;
  readonly outValue: Float64Array;
  readonly firstAccept: Float64Array;
  readonly firstValid: Float64Array;
  protocolErrors: string[] = [];

  private readonly st = new TestbenchState();
  /** coverage monitor counters (harness/run/coverage.ts) and the points this run must reach */
  private readonly coverHits: Float64Array;
  private readonly required: CoverPoint[];
  /** the batch being recorded (null: none) */
  private readonly io: { batch: PortBatch | null } = { batch: null };

  constructor(
    private readonly head: Head,
    g: Geometry,
    private readonly vectors: InputVectors,
    private readonly opt: TrafficOptions,
  ) {
    const V = vectors.count;
    this.outIndex = new Int32Array(V * g.E);
    this.outValue = new Float64Array(V * g.E);
    this.firstAccept = new Float64Array(V).fill(-1);
    this.firstValid = new Float64Array(V).fill(-1);
    this.required = reachablePoints(g, V, opt);
    this.coverHits = monitorCoverage(head, g, this.st, opt.resetCycles);
    const k = head.k;
    const p = head.ports;
    const validRng = mulberry32(subSeed(opt.seed, 3));
    const readyRng = mulberry32(subSeed(opt.seed, 4));
    // The first vectors go in and out without gaps: the probe that measures latency and II.
    const probeVectors = Math.min(opt.probe, V);
    const { st, io } = this;
    const sWords = Math.ceil((g.kPar * g.inW) / 32);
    const lane = new Float64Array(g.kPar);
    const noVector = (t: number) => this.protocolErrors.push(`cycle ${t}: m_valid with no vector outstanding`);
    const badLast = (t: number, last: boolean, entry: number) => this.protocolErrors.push(`cycle ${t}: m_last=${+last} on entry ${entry} of ${g.E}`);

    // Driver: at the falling edge, the inputs of the coming cycle (a beat is held until accepted).
    k.negedgeCode('testbench.driver', p.clk, (c) => {
      const S = c.ext(st);
      const x = c.ext(vectors.xQ);
      const lanes = c.ext(lane);
      const padded = g.B * g.kPar > g.K;
      const small = g.kPar <= 64;
      let pack: string;
      if (small) {
        // s_data words with constant shifts (lane l at bits [l·inW, (l+1)·inW))
        const words: string[][] = Array.from({ length: sWords }, () => []);
        for (let l = 0; l < g.kPar; l++) {
          const bits = g.inW === 32 ? `(x${l} | 0)` : `(x${l} & ${2 ** g.inW - 1})`;
          const pos = l * g.inW;
          const word = pos >>> 5;
          const off = pos & 31;
          words[word]!.push(off ? `(${bits} << ${off})` : bits);
          if (off + g.inW > 32) words[word + 1]!.push(`(${bits} >>> ${32 - off})`);
        }
        pack = words.map((w, j) => `b.sData[o + ${j}] = (${w.length ? w.join(' | ') : '0'}) >>> 0;`).join('\n');
      } else pack = `${c.ext(packLanes)}(b.sData, o, ${sWords}, ${lanes}, ${g.inW});`;
      const inRange = (l: number | string) => (padded ? `beat * ${g.kPar} + ${l} < ${g.K}` : 'true');
      // s_data lanes: unrolled up to 64, else a loop of blocking writes through the kernel
      const laneCode = small
        ? Array.from({ length: g.kPar }, (_, l) => `const x${l} = offering && ${inRange(l)} ? ${x}[base + ${l}] : 0;\n${c.set(p.s_data + l, `x${l}`)}`).join('\n')
        : `for (let l = 0; l < ${g.kPar}; l++) { const xl = offering && ${inRange('l')} ? ${x}[base + l] : 0; ${lanes}[l] = xl; ${c.setAt(p.s_data, g.kPar, 'l', 'xl')} }`;
      const phaseCycles = PHASE_VECTORS * Math.max(timing(g).ii, 16);
      const rate = (which: 'valid' | 'ready', dflt: number) =>
        opt.phases ? `[${TRAFFIC_PHASES.map((ph) => ph[which] ?? dflt).join(', ')}][Math.floor((t - ${S}.probeEnd) / ${phaseCycles}) % ${TRAFFIC_PHASES.length}]` : `${dflt}`;
      // Reset once half the vectors are out (after the probe) and, with the phases, once two
      // vectors came out after the backpressure phase (a reset inside it cuts it short of the
      // stall it must reach; just after it, the release of both full banks, a transfer meets the
      // stalled completion); send the interrupted ones again.
      const resetAfter = Math.max(probeVectors, Math.floor(V / 2));
      const afterBackpressure = opt.phases
        ? `
        if (${S}.backpressureOut < 0 && ${S}.probeEnd >= 0 && t >= ${S}.probeEnd + ${phaseCycles}) ${S}.backpressureOut = ${S}.outVector;`
        : '';
      const released = opt.phases ? ` && ${S}.backpressureOut >= 0 && ${S}.outVector >= ${S}.backpressureOut + 2` : '';
      const midReset = opt.midRunReset && V > resetAfter ? `${afterBackpressure}
        if (${S}.resetDone === 0 && ${S}.outVector >= ${resetAfter}${released}) {
          ${S}.resetDone = 1;
          ${S}.resetUntil = t + ${opt.resetCycles};
          ${S}.inVector = ${S}.outVector;
          ${S}.vectorBase = ${S}.outVector * ${g.K};
          ${S}.beat = 0;
          ${S}.outEntry = 0;
          ${S}.offering = 0;
        }` : '';
      return `
        const t = ${S}.cycle;${midReset}
        const rst = t < ${opt.resetCycles} || t < ${S}.resetUntil;
        if (${S}.probeEnd < 0 && ${S}.inVector >= ${probeVectors}) ${S}.probeEnd = t;
        if (!rst && ${S}.offering === 0 && ${S}.inVector < ${V})
          ${S}.offering = ${S}.inVector < ${probeVectors} || ${c.ext(validRng)}() < ${rate('valid', opt.validRate)} ? 1 : 0;${
          opt.phases && g.B > 1
            ? `
        // One gap for sure: after the first beat of the first vector past the probe.
        if (${S}.inVector === ${probeVectors} && ${S}.beat === 1 && ${S}.gapped === 0) { ${S}.gapped = 1; ${S}.offering = 0; }`
            : ''
        }
        const offering = !rst && ${S}.offering === 1;
        const m_ready = rst ? 0 : ${S}.outVector < ${probeVectors} || ${c.ext(readyRng)}() < ${rate('ready', opt.readyRate)} ? 1 : 0;
        ${c.set(p.rst, 'rst ? 1 : 0')}
        ${c.set(p.m_ready, 'm_ready')}
        ${c.set(p.s_valid, 'offering ? 1 : 0')}
        const beat = ${S}.beat;
        const last = offering && beat === ${g.B - 1};
        ${c.set(p.s_last, 'last ? 1 : 0')}
        const base = ${S}.vectorBase + beat * ${g.kPar};
        ${laneCode}
        const b = ${c.ext(io)}.batch;
        if (b !== null) {
          const i = t - ${S}.batchBase;
          b.flags[i] = (rst ? ${IN_RST} : 0) | (offering ? ${IN_S_VALID} : 0) | (last ? ${IN_S_LAST} : 0) | (m_ready ? ${IN_M_READY} : 0);
          const o = i * ${sWords};
          ${pack}
        }`;
    });

    // Monitor: at the rising edge, the handshakes of the cycle (it sees the pre-edge values).
    k.posedgeCode('testbench.monitor', p.clk, (c) => {
      const S = c.ext(st);
      return `
        const t = ${S}.cycle;
        const b = ${c.ext(io)}.batch;
        if (b !== null) {
          const i = t - ${S}.batchBase;
          b.outFlags[i] = (${c.v(p.s_ready)} ? ${OUT_S_READY} : 0) | (${c.v(p.m_valid)} ? ${OUT_M_VALID} : 0) | (${c.v(p.m_last)} ? ${OUT_M_LAST} : 0);
          b.mIndex[i] = ${c.v(p.m_index)};
          b.mValue[i] = ${c.v(p.m_value)};
        }
        if (${c.v(p.s_valid)} && ${c.v(p.s_ready)}) {
          const beat = ${S}.beat;
          if (beat === 0) ${c.ext(this.firstAccept)}[${S}.inVector] = t;
          if (beat === ${g.B - 1}) {
            ${S}.beat = 0;
            ${S}.inVector++;
            ${S}.vectorBase += ${g.K};
          } else ${S}.beat = beat + 1;
          ${S}.offering = 0;
        }
        if (${c.v(p.m_valid)}) {
          const vec = ${S}.outVector;
          if (vec >= ${V}) ${c.ext(noVector)}(t);
          else {
            const e = ${S}.outEntry;
            if (e === 0 && ${c.ext(this.firstValid)}[vec] < 0) ${c.ext(this.firstValid)}[vec] = t;
            if (${c.v(p.m_ready)}) {
              ${c.ext(this.outIndex)}[vec * ${g.E} + e] = ${c.v(p.m_index)};
              ${c.ext(this.outValue)}[vec * ${g.E} + e] = ${c.v(p.m_value)};
              const e1 = e + 1;
              ${S}.outEntry = e1;
              const last = ${c.v(p.m_last)} === 1;
              if (last !== (e1 === ${g.E})) ${c.ext(badLast)}(t, last, e1);
              if (last || e1 === ${g.E}) {
                ${S}.outVector = vec + 1;
                ${S}.outEntry = 0;
              }
            }
          }
        }
        ${S}.cycle = t + 1;`;
    });
  }

  /** Cycles run so far. */
  get cycle(): number {
    return this.st.cycle;
  }

  /** vectors whose last output beat was accepted */
  get done(): number {
    return this.st.outVector;
  }

  /** Run n cycles, recording their ports into `batch` (cycles cycle..cycle+n-1). */
  run(batch: PortBatch | null, n: number): void {
    this.io.batch = batch;
    this.st.batchBase = this.cycle;
    const until = (this.cycle + n - 1) * CLOCK_PERIOD + CLOCK_PERIOD / 2;
    this.head.k.run(until);
  }

  get finished(): boolean {
    return this.done >= this.vectors.count;
  }

  /** What the run exercised (harness/run/coverage.ts). */
  coverage(): Coverage {
    return coverageOf(this.coverHits, this.required);
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
