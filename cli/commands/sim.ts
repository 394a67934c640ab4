// `headsim sim`: the cycle-accurate model alone, under the testbench with random backpressure.
import { runModel } from '../../harness/run/model.ts';
import type { RunOutcome } from '../../harness/run/outcome.ts';
import { runModes } from '../run-modes.ts';

export const simCommand = (argv: string[]) =>
  runModes(argv, 'sim', async (s, traffic): Promise<RunOutcome> => {
    const r = await runModel(s, traffic);
    const t = r.tb.timing();
    return { tb: r.tb, cycles: r.cycles, seconds: r.seconds, backend: null, cyclesCompared: 0, portMismatch: null, model: t, rtl: null, waves: [] };
  });
