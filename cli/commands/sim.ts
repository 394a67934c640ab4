// `headsim sim`: the cycle-accurate model alone, under the testbench with random backpressure.
import type { Command } from '@commander-js/extra-typings';
import { runModel } from '../../harness/run/model.ts';
import { modeRunOptions, runModes } from '../run-modes.ts';

export const simCommand = (program: Command) =>
  modeRunOptions(program.command('sim').description('the cycle-accurate model alone, every mode (or --mode), checked against the bit-true reference')).action(async (o, cmd) => {
    process.exitCode = await runModes('sim', cmd, o, async (s, traffic) => {
      const r = await runModel(s, traffic);
      return { tb: r.tb, cycles: r.cycles, seconds: r.seconds, backend: null, cyclesCompared: 0, portMismatch: null, model: r.tb.timing(), rtl: null, waves: [], dir: null };
    });
  });
