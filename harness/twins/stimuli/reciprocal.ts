// reciprocal alone: the sequencer's state (NORM ends on norm_done, as in the head) and the
// normalizer's contract: after IDLE, Σe is complete once (sum_done rises and stays until IDLE)
// and from then on holds one value in [e0, N · max exp] (Σe ≥ e0 bounds the division).
import type { StageTwin } from '../stage-twin.ts';
import { resets, Sequencer } from '../random.ts';
import { sequencerStates } from '../../../models/head/head.ts';
import { State } from '../../../models/head/context.ts';

export const reciprocalTwin: StageTwin = {
  module: 'reciprocal',
  configs: {
    'divided': { classes: 10, inputs: 24, kPar: 8, mode: 'softmax', recipImpl: 'divide' },
    'table': { classes: 10, inputs: 24, kPar: 8, mode: 'softmax', recipImpl: 'table' },
  },
  stimulus: (s, r) => {
    const { N, e0, expOutBits } = s.g;
    const rst = resets(r);
    const seq = new Sequencer(sequencerStates(s.g), r);
    let lastRst = 0;
    let done = 0;
    let sum = e0;
    return {
      next(t, i, prev) {
        if (t > 0) seq.advance(lastRst, { normalized: prev.norm_done![0] === 1 });
        const state = (i.state![0] = seq.state);
        lastRst = i.rst![0] = rst(t);
        if (state === State.IDLE) done = 0;
        else if (!done && r.bit(0.2)) {
          done = 1;
          sum = r.edgy(e0, N * (2 ** expOutBits - 1));
        }
        i.sum_done![0] = done;
        i.sum![0] = done ? sum : r.edgy(e0, N * (2 ** expOutBits - 1));
      },
    };
  },
  // the division has no leading one
  quiet: (g) => (g.recipDivide ? ['msb_q'] : []),
};
