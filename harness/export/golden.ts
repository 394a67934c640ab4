// tb/golden.json: the testbench's stimulus and expectations, written by the bit-true reference
// (models/bittrue.ts): per vector its s_axis_tdata beats and the m_axis_tdata words it must
// produce, as hex, with the index and value of each entry for readable failure messages.
import { bitTrue } from '../../models/bittrue.ts';
import { toBits } from '../../models/numerics.ts';
import { timing } from '../../models/geometry.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { hexWord } from '../rtl/memfiles.ts';
import { axisLayout } from './axis.ts';

export interface GoldenEntry {
  index: number;
  /** the value as the format's integer (signed for a logit) */
  value: number;
  tdata: string;
}

export interface Golden {
  name: string;
  mode: string;
  beats: number;
  entries: number;
  /** cycles (timing(g)): the testbench's time budget */
  latency: number;
  ii: number;
  sDataW: number;
  mDataW: number;
  vectors: { beats: string[]; entries: GoldenEntry[] }[];
}

/** The first `count` vectors of the scenario, their beats and the entries they must produce. */
export function golden(s: Scenario, name: string, count: number): Golden {
  const { g } = s;
  const a = axisLayout(g);
  const n = Math.min(count, s.vectors.count);
  const lanes = new Float64Array(g.kPar);
  const vectors = Array.from({ length: n }, (_, v) => {
    const off = v * g.K;
    const beats = Array.from({ length: g.B }, (_, b) => {
      for (let l = 0; l < g.kPar; l++) {
        const k = b * g.kPar + l;
        lanes[l] = k < g.K ? s.vectors.xQ[off + k]! : 0;
      }
      return hexWord(lanes, g.inW);
    });
    const ref = bitTrue(g, s.t, s.w, s.config.relu, s.vectors.xQ, off);
    const entries = ref.entries.map((e) => {
      const value = BigInt(toBits(e.value, a.valueFieldW));
      const tdata = (BigInt(e.index) << BigInt(a.indexLsb)) | value;
      return { index: e.index, value: e.value, tdata: tdata.toString(16) };
    });
    return { beats, entries };
  });
  const t = timing(g);
  return { name, mode: g.mode, beats: g.B, entries: g.E, latency: t.latency, ii: t.ii, sDataW: a.sDataW, mDataW: a.mDataW, vectors };
}
