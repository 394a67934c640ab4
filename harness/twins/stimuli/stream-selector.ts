// stream_selector alone: entries drained at random (values from a narrow range half of the
// time, so that ties meet) and hold_load at random: every input is free.
import type { StageTwin } from '../stage-twin.ts';
import { resets } from '../random.ts';

export const streamSelectorTwin: StageTwin = {
  module: 'stream_selector',
  configs: { 'ten classes, top 3': { classes: 10, cPar: 4, inputs: 24, kPar: 8, topK: 3, select: 'stream' } },
  stimulus: (s, r) => {
    const { idxW, logitW } = s.g;
    const rst = resets(r);
    let narrow = 0;
    return {
      next(t, i) {
        i.rst![0] = rst(t);
        i.d_valid![0] = r.bit(0.7);
        i.d_idx![0] = r.uint(idxW);
        if (r.bit(0.05)) narrow ^= 1;
        i.d_val![0] = narrow ? r.int(-2, 2) : r.sint(logitW);
        i.hold_load![0] = r.bit(0.1);
      },
    };
  },
};
