// logit_bank alone: finished dot products (a_valid, a_group, acc_bus) at random, the back end's
// release (vector_done) and read requests at random. The contract: a_group names a group there is.
import type { StageTwin } from '../stage-twin.ts';
import { resets } from '../random.ts';
import { bitsFor } from '../../../models/head/context.ts';

export const logitBankTwin: StageTwin = {
  module: 'logit_bank',
  configs: {
    // three groups, a read port of three lanes (the last group's lanes past 10 read 0)
    'tree, read port of three lanes': { classes: 10, cPar: 4, inputs: 24, kPar: 8, mode: 'softmax', expPar: 3, select: 'tree' },
    // three groups (two rows in the last) drained into the selector and a RAM of two lanes
    'stream, RAM of two lanes': { classes: 10, cPar: 4, inputs: 24, kPar: 8, mode: 'softmax', expPar: 2, select: 'stream' },
  },
  stimulus: (s, r) => {
    const { P, cPar, accW, G } = s.g;
    const rst = resets(r);
    return {
      next(t, i) {
        i.rst![0] = rst(t);
        i.a_valid![0] = r.bit(0.3);
        i.a_group![0] = r.int(0, P - 1);
        for (let c = 0; c < cPar; c++) i.acc_bus![c] = r.sint(accW);
        i.vector_done![0] = r.bit(0.1);
        i.z_rd_en![0] = r.bit(0.5);
        i.z_rd_addr![0] = r.uint(bitsFor(G - 1));
      },
    };
  },
  // the tree's bank has no drain
  quiet: (g) => (g.stream ? ['z_hold_bus'] : ['d_valid', 'd_idx', 'd_val', 'hold_load']),
};
