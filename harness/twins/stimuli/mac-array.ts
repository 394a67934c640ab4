// mac_array alone: random beats and lanes; the contract the input stage keeps is that a pass
// has at most BEATS beats after its first (x_first), so the accumulator holds its sum: the
// stimulus marks a first at random, and always before a pass would grow longer or after a reset
// (which drops the beat in F1).
import type { StageTwin } from '../stage-twin.ts';
import { resets } from '../random.ts';

export const macArrayTwin: StageTwin = {
  module: 'mac_array',
  configs: {
    // BEATS · KPAR = INPUTS: any BEATS beats fit the proven accumulator
    'three passes of three beats': { classes: 10, cPar: 4, inputs: 24, kPar: 8 },
    'saturating accumulator': { classes: 10, cPar: 4, inputs: 24, kPar: 8, accWidth: 20 },
  },
  stimulus: (s, r) => {
    const { B, P, kPar, inW } = s.g;
    const rst = resets(r);
    let beats = 0; // beats into F1 since the last first
    let fresh = true;
    return {
      next(t, i) {
        const reset = (i.rst![0] = rst(t));
        const stall = (i.stall![0] = r.bit(0.2));
        const valid = (i.x_valid![0] = r.bit(0.75));
        i.issue![0] = r.bit(0.6);
        i.beat![0] = r.int(0, B - 1);
        i.pass![0] = r.int(0, P - 1);
        for (let l = 0; l < kPar; l++) i.x_bus![l] = r.sint(inW);
        i.x_last![0] = r.bit(0.3);
        i.x_group![0] = r.int(0, P - 1);
        let first = r.bit(0.15);
        if (reset) fresh = true;
        else if (!stall && valid) {
          if (fresh || beats >= B) first = 1;
          beats = first ? 1 : beats + 1;
          fresh = false;
        }
        i.x_first![0] = first;
      },
    };
  },
};
