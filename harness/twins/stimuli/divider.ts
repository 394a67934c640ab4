// divider alone: entries loaded and held at random. The serial divider's contract (a restoring
// division of e by Σe): e ≤ Σe, and Σe changes only when a new entry loads (never during a
// division). The reciprocal's product takes any e and 1/Σe (it equals the RTL on any input);
// most cycles give it the reciprocal of a Σe, the rest random bits.
import type { StageTwin } from '../stage-twin.ts';
import { resets } from '../random.ts';
import { bitsFor } from '../../../models/head/context.ts';
import { recipDivide, recipIndex } from '../../../models/tables.ts';

export const dividerTwin: StageTwin = {
  module: 'divider',
  configs: {
    'reciprocal, divided': { classes: 10, inputs: 24, kPar: 8, mode: 'softmax', recipImpl: 'divide' },
    'reciprocal, table': { classes: 10, inputs: 24, kPar: 8, mode: 'softmax', recipImpl: 'table' },
    'serial': { classes: 10, inputs: 24, kPar: 8, mode: 'softmax', divider: 'serial' },
  },
  stimulus: (s, r) => {
    const { g, t: tables } = s;
    const sumMax = g.N * (2 ** g.expOutBits - 1);
    const rst = resets(r);
    let sum = g.e0;
    return {
      next(t, i) {
        i.rst![0] = rst(t);
        const load = (i.load![0] = r.bit(0.1));
        i.em_full![0] = r.bit(0.8);
        if (t === 0 || load) sum = r.edgy(1, sumMax);
        i.sum![0] = sum;
        i.em_e![0] = r.edgy(0, Math.min(sum, 2 ** g.expOutBits - 1));
        const consistent = g.serial || r.bit(0.8) === 1;
        if (consistent && g.recipDivide) {
          i.recip_q![0] = recipDivide(Math.max(sum, g.e0), g);
          i.msb_q![0] = 0;
        } else if (consistent) {
          const { msb, index } = recipIndex(sum);
          i.recip_q![0] = tables.recip[index]!;
          i.msb_q![0] = msb;
        } else {
          i.recip_q![0] = r.uint(g.recipW);
          i.msb_q![0] = r.uint(bitsFor(g.sumW));
        }
      },
    };
  },
  // the reciprocal's product has no steps
  quiet: (g) => (g.serial ? [] : ['ready']),
};
