// exp_unit alone: random enables for both of its users (the normalizer's lanes, the output
// stage's lane 0) and random logits. The contract in softmax: base is the max, so every logit
// a lane takes is at most base (d = base − z ≥ 0); approx takes any logit (d = −z).
import type { StageTwin } from '../stage-twin.ts';

export const expUnitTwin: StageTwin = {
  module: 'exp_unit',
  configs: {
    // three lanes for ten classes: the last group's lanes 1 and 2 are past N (forced to 0)
    'softmax, split tables, three lanes': { classes: 10, cPar: 4, inputs: 24, kPar: 8, mode: 'softmax', expPar: 3, expImpl: 'split' },
    'approx, one table': { classes: 10, inputs: 24, kPar: 8, mode: 'approx', expImpl: 'table' },
  },
  stimulus: (s, r) => {
    const { expPar, logitW, mode } = s.g;
    const lo = -(2 ** (logitW - 1));
    const hi = 2 ** (logitW - 1) - 1;
    let base = 0;
    const logit = () => (mode === 'softmax' ? base - r.edgy(0, base - lo) : r.sint(logitW));
    return {
      next(t, i) {
        if (t === 0 || r.bit(0.05)) base = r.edgy(lo, hi);
        i.base![0] = base;
        for (let j = 0; j < expPar; j++) i.rd_data_bus![j] = logit();
        i.n_en1![0] = r.bit(0.6);
        i.n_en2![0] = r.bit(0.6);
        i.n_last![0] = r.bit(0.3);
        i.own![0] = r.bit(0.4);
        i.o_en1![0] = r.bit(0.6);
        i.o_en2![0] = r.bit(0.6);
        i.o_z![0] = logit();
      },
    };
  },
};
