// `headsim cosim`: model and RTL in lockstep, every port compared at every cycle.
import { InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import { InputError } from '../../lib/errors.ts';
import { DEFAULT_WAVES_CYCLES, FST_ABOVE_CYCLES, type WavesFormat } from '../../harness/run/cosim.ts';
import type { DesignOf } from '../../harness/run/backends.ts';
import { cosimRunner } from '../../harness/run/cosim-runner.ts';
import { parseScope, SCOPE_HELP } from '../../harness/run/scope.ts';
import { readManifest } from '../../harness/export/manifest.ts';
import { changedFiles, checkScenario, exportDesign } from '../../harness/export/design.ts';
import { modeRunOptions, runModesCommand } from '../run-modes.ts';
import { int, oneOf } from '../values.ts';

/** A progress line of one mode's run (the phases a long run goes through). */
const progress = (s: { g: { mode: string } }, what: string) => console.log(`cosim ${s.g.mode}: ${what}`);

const FORMATS = ['auto', 'fst', 'vcd'] as const;

const scopeArg = (v: string): string => {
  try {
    return parseScope(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message.replace(/^--waves-scope: /, ''));
  }
};

export const cosimCommand = (program: Command) =>
  modeRunOptions(program.command('cosim').description('model and RTL in lockstep: every port compared at every cycle, every value against the bit-true reference'))
    .addOption(new Option('--backend <name>', 'RTL simulator').choices(['verilator', 'cocotb'] as const).default('verilator' as const))
    .option('--waves [format]', `dump model and RTL waveforms (with GTKWave layouts) over a cycle window: ${FORMATS.join(' | ')} (auto: VCD up to ${FST_ABOVE_CYCLES} cycles, FST above)`, oneOf(FORMATS))
    .option('--waves-from <cycle>', 'first cycle of the dump window (default: 0)', int(0))
    .option('--waves-to <cycle>', `cycle after the dump window (default: from + ${DEFAULT_WAVES_CYCLES})`, int(1))
    .option('--waves-scope <scope>', `what the dumps carry: ${SCOPE_HELP}`, scopeArg, 'all')
    .option('--vcd', 'same as --waves vcd')
    .addOption(new Option('--vcd-from <cycle>', 'same as --waves-from').argParser(int(0)).hideHelp())
    .addOption(new Option('--vcd-to <cycle>', 'same as --waves-to').argParser(int(1)).hideHelp())
    .option('--coverage', "Verilator's line and toggle coverage of the RTL: figures in the report, coverage.dat and an lcov coverage.info (genhtml) in the run directory")
    .option('--rtl <dir>', "an exported head (headsim export): the lockstep on its files; its configuration and seed are the defaults, its mode the only one")
    .action(async (o, cmd) => {
      const format: WavesFormat | undefined = o.waves === true ? 'auto' : (o.waves ?? (o.vcd ? 'vcd' : undefined));
      const from = o.wavesFrom ?? o.vcdFrom ?? 0;
      const to = o.wavesTo ?? o.vcdTo;
      if (to !== undefined && to <= from) throw new InputError(`--waves-to: must be after --waves-from (${from}), got ${to}`);
      if (!format && (o.wavesFrom ?? o.vcdFrom ?? o.wavesTo ?? o.vcdTo) !== undefined) throw new InputError('--waves-from/--waves-to: give --waves to dump');
      if (o.coverage && o.backend !== 'verilator') throw new InputError('--coverage: needs --backend verilator');
      const waves = format ? { format, scope: o.wavesScope, from, to } : undefined;
      const exported = o.rtl === undefined ? undefined : readManifest(o.rtl);
      if (exported) {
        if (o.wavesScope !== 'all') throw new InputError(`--waves-scope: with --rtl only 'all' (the export's hierarchy is not head's)`);
        if (cmd.getOptionValueSource('seed') !== 'cli') o.seed = exported.seed;
        const changed = changedFiles(o.rtl!, exported);
        if (changed.length) console.log(`cosim --rtl: changed since the export: ${changed.join(', ')} (the lockstep runs on them as they are)`);
      }
      const designOf: DesignOf = (s, dir) => {
        if (!exported) return undefined;
        checkScenario(o.rtl!, exported, s);
        return exportDesign(o.rtl!, exported, s, dir);
      };
      const runner = cosimRunner({ backend: o.backend, out: o.out, coverage: o.coverage === true, design: designOf, progress, waves });
      try {
        process.exitCode = await runModesCommand('cosim', cmd, o, runner.run, { concurrent: true, defaults: exported ? { params: withoutMode(exported.config), modes: [exported.mode] } : undefined });
      } finally {
        runner.release();
      }
    });

const withoutMode = (c: object): Record<string, unknown> => {
  const { mode: _mode, ...rest } = c as Record<string, unknown>;
  return rest;
};
