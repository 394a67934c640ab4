// output_stage alone: the sequencer's state (EMIT ends on vector_done, as in the head), and at
// random the ranking, the read port's logits, lane 0's exp, the divider's answer and m_ready:
// every one of them is free (the stage clamps what it indexes with).
import type { StageTwin } from '../stage-twin.ts';
import { resets, Sequencer } from '../random.ts';
import { sequencerStates } from '../../../models/head/head.ts';

const SMALL = { classes: 10, cPar: 4, inputs: 24, kPar: 8 };

export const outputStageTwin: StageTwin = {
  module: 'output_stage',
  configs: {
    // ranked entries from rank_val (three exp lanes), split exps, the divided reciprocal
    'softmax, top 3, three lanes': { ...SMALL, mode: 'softmax', expPar: 3, expImpl: 'split' },
    // every class through the read port, its group and lane; the serial divider's wait
    'softmax, emit all, three lanes, serial': { ...SMALL, mode: 'softmax', expPar: 3, emit: 'all', divider: 'serial' },
    'argmax, top 3': { ...SMALL, mode: 'argmax' },
    // the approx scaler inside, one exp table
    'approx, top 3': { ...SMALL, mode: 'approx', expImpl: 'table' },
  },
  stimulus: (s, r) => {
    const { g } = s;
    const rst = resets(r);
    const seq = new Sequencer(sequencerStates(g), r);
    let lastRst = 0;
    return {
      next(t, i, prev) {
        if (t > 0) seq.advance(lastRst, { done: prev.vector_done![0] === 1 });
        i.state![0] = seq.state;
        lastRst = i.rst![0] = rst(t);
        i.sum_done![0] = r.bit(0.5);
        if (t === 0 || r.bit(0.1)) for (let k = 0; k < g.R; k++) {
          i.rank_idx_bus![k] = r.uint(g.idxW);
          i.rank_val_bus![k] = r.sint(g.logitW);
        }
        for (let j = 0; j < g.expPar; j++) i.z_rd_data_bus![j] = r.sint(g.logitW);
        i.em_e![0] = r.uint(g.expOutBits);
        i.div_ready![0] = r.bit(0.3);
        i.div_prob![0] = r.uint(g.probW);
        i.m_ready![0] = r.bit(0.6);
      },
    };
  },
  // what a configuration does not build: the exps' second stage (no split tables), the fetch through the read port
  quiet: (g) => [...(g.split && g.mode !== 'argmax' ? [] : ['o_en2']), ...(g.rdFetch ? [] : ['o_rd_en', 'o_rd_addr'])],
};
