// normalizer alone: the sequencer's state with random dwells (IDLE clears the pass), max_rec
// at random, random exps. The contract: Σe fits SUM_W, which holds N full-scale exps; a pass
// reads EXP_GROUPS · EXP_PAR ≥ N lanes, so each exp is kept under SUM_W's range over that count.
import type { StageTwin } from '../stage-twin.ts';
import { resets, Sequencer } from '../random.ts';
import { sequencerStates } from '../../../models/head/head.ts';

export const normalizerTwin: StageTwin = {
  module: 'normalizer',
  configs: { 'split, three lanes': { classes: 10, cPar: 4, inputs: 24, kPar: 8, mode: 'softmax', expPar: 3, expImpl: 'split' } },
  stimulus: (s, r) => {
    const { expPar, G, sumW, expOutBits } = s.g;
    const eMax = Math.min(2 ** expOutBits - 1, Math.floor((2 ** sumW - 1) / (G * expPar)));
    const rst = resets(r);
    const seq = new Sequencer(sequencerStates(s.g), r);
    let lastRst = 0;
    return {
      next(t, i) {
        if (t > 0) seq.advance(lastRst, {});
        i.state![0] = seq.state;
        lastRst = i.rst![0] = rst(t);
        i.max_rec![0] = r.bit(0.15);
        for (let j = 0; j < expPar; j++) i.e_bus![j] = r.edgy(0, eMax);
      },
    };
  },
};
