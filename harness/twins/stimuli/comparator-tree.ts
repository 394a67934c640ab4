// comparator_tree alone: held logits that change now and then (some vectors from a narrow range,
// so that ties meet), z_hold_full at random, and the sequencer's state as the head moves it:
// IDLE → SELECT on z_hold_full, SELECT → on sel_done (so a round never runs past ROUNDS).
import type { StageTwin } from '../stage-twin.ts';
import { resets, Sequencer } from '../random.ts';
import { sequencerStates } from '../../../models/head/head.ts';

export const comparatorTreeTwin: StageTwin = {
  module: 'comparator_tree',
  configs: { 'ten classes, top 3': { classes: 10, topK: 3, mode: 'softmax', select: 'tree' } },
  stimulus: (s, r) => {
    const { N, logitW } = s.g;
    const rst = resets(r);
    const seq = new Sequencer(sequencerStates(s.g), r);
    let held = 0;
    let lastRst = 0;
    return {
      next(t, i, prev) {
        if (t > 0) seq.advance(lastRst, { start: held === 1, selected: prev.sel_done![0] === 1 });
        i.state![0] = seq.state;
        lastRst = i.rst![0] = rst(t);
        held = i.z_hold_full![0] = r.bit(0.5);
        if (t === 0 || r.bit(0.04)) {
          const narrow = r.bit(0.5);
          for (let n = 0; n < N; n++) i.z_hold_bus![n] = narrow ? r.int(-2, 2) : r.sint(logitW);
        }
      },
    };
  },
};
