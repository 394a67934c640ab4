// `headsim sim`: the cycle-accurate model alone, under the testbench with random backpressure.
import type { Command } from '@commander-js/extra-typings';
import { modelAlone } from '../../harness/run/modes.ts';
import { modeRunOptions, runModesCommand } from '../run-modes.ts';

export const simCommand = (program: Command) =>
  modeRunOptions(program.command('sim').description('the cycle-accurate model alone, every mode (or --mode), checked against the bit-true reference')).action(async (o, cmd) => {
    process.exitCode = await runModesCommand('sim', cmd, o, modelAlone);
  });
