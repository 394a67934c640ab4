// approx_scaler alone: any exp.
import type { StageTwin } from '../stage-twin.ts';

export const approxScalerTwin: StageTwin = {
  module: 'approx_scaler',
  configs: { 'seed formats': { classes: 10, inputs: 24, kPar: 8, mode: 'approx' } },
  stimulus: (s, r) => ({
    next(_t, i) {
      i.e![0] = r.uint(s.g.expOutBits);
    },
  }),
};
