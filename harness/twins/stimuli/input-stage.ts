// input_stage alone: random stall, s_valid and lanes (every input is free: the stage follows
// its beat and pass counters whatever comes).
import type { StageTwin } from '../stage-twin.ts';
import { resets } from '../random.ts';

export const inputStageTwin: StageTwin = {
  module: 'input_stage',
  // three passes (replay) of three beats, the last with pad lanes
  configs: { 'replay, pad lanes': { classes: 10, cPar: 4, inputs: 20, kPar: 8 } },
  stimulus: (s, r) => {
    const rst = resets(r);
    return {
      next(t, i) {
        i.rst![0] = rst(t);
        i.stall![0] = r.bit(0.25);
        i.s_valid![0] = r.bit(0.7);
        for (let l = 0; l < s.g.kPar; l++) i.s_data![l] = r.sint(s.g.inW);
      },
    };
  },
};
