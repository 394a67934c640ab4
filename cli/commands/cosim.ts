// `headsim cosim`: model and RTL in lockstep, every port compared at every cycle.
import { InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { startHeadCocotb } from '../../harness/rtl/cocotb/head.ts';
import { cosimMode, DEFAULT_WAVES_CYCLES, FST_ABOVE_CYCLES, type BackendFactory, type WavesFormat } from '../../harness/run/cosim.ts';
import { parseScope, SCOPE_HELP } from '../../harness/run/scope.ts';
import { plusargs } from '../../harness/rtl/memfiles.ts';
import { portWidths } from '../../harness/rtl/ports.ts';
import { buildHeadVerilator } from '../../harness/rtl/build.ts';
import { VerilatorBackend } from '../../harness/rtl/verilator/bridge.ts';
import { modeRunOptions, runModes } from '../run-modes.ts';
import { int, oneOf } from '../values.ts';

const BACKENDS = {
  // the trace format is compiled in (one cached build per format); the scope is a dumpvars file
  verilator: (out: string): BackendFactory => async (s, mem, waves) => {
    const build = await buildHeadVerilator(s, { outRoot: join(out, 'verilator'), trace: waves.format });
    const scope = waves.dumpvars ? [`+headsim_dumpvars=${waves.dumpvars}`] : [];
    return VerilatorBackend.start({ exe: build.exe, widths: portWidths(s.g), args: [...plusargs(mem), ...scope] });
  },
  // JUnit results: <out>/cocotb/<mode>/results.xml. Icarus fixes its $dumpvars scope when it
  // compiles: the scope applies to the model's dump only (docs/waves.md).
  cocotb: (out: string): BackendFactory => (s, mem, waves) => startHeadCocotb(s, { out, mem, extra: { waveFormat: waves.format } }),
};

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
    .action(async (o, cmd) => {
      const start = BACKENDS[o.backend](o.out);
      const format: WavesFormat | undefined = o.waves === true ? 'auto' : (o.waves ?? (o.vcd ? 'vcd' : undefined));
      const from = o.wavesFrom ?? o.vcdFrom ?? 0;
      const to = o.wavesTo ?? o.vcdTo;
      if (to !== undefined && to <= from) throw new InputError(`--waves-to: must be after --waves-from (${from}), got ${to}`);
      const waves = format ? { format, scope: o.wavesScope, from, to } : undefined;
      process.exitCode = await runModes('cosim', cmd, o, async (s, traffic) => {
        const r = await cosimMode(s, traffic, { out: o.out, waves }, start);
        return { ...r, backend: o.backend };
      });
    });
