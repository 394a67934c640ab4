// `headsim cosim`: model and RTL in lockstep, every port compared at every cycle.
import { InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { startHeadCocotb } from '../../harness/rtl/cocotb/head.ts';
import { cosimMode, DEFAULT_WAVES_CYCLES, FST_ABOVE_CYCLES, type BackendFactory, type WavesFormat } from '../../harness/run/cosim.ts';
import { claimRunDir, runName, type RunDir } from '../../harness/run/run-dir.ts';
import { parseScope, SCOPE_HELP } from '../../harness/run/scope.ts';
import { plusargs } from '../../harness/rtl/memfiles.ts';
import { portWidths } from '../../harness/rtl/ports.ts';
import { buildHeadVerilator } from '../../harness/rtl/build.ts';
import { VerilatorBackend } from '../../harness/rtl/verilator/bridge.ts';
import { summarizeCoverage } from '../../harness/rtl/verilator/coverage.ts';
import { modeRunOptions, runModes } from '../run-modes.ts';
import { int, oneOf } from '../values.ts';

/** A progress line of one mode's run (the phases a long run goes through). */
const progress = (s: { g: { mode: string } }, what: string) => console.log(`cosim ${s.g.mode}: ${what}`);

/** Builds are cached under <out>/ and shared; a run's own files go to its run directory. */
const BACKENDS = {
  // The trace format and the coverage counters are compiled in (one cached build each); the
  // scope is a dumpvars file.
  verilator: (out: string, coverage: boolean): BackendFactory => async (s, mem, dir, waves) => {
    const onBuild = (d: string) => progress(s, `Verilator build of the head into ${d} (once per configuration)`);
    const build = await buildHeadVerilator(s, { outRoot: join(out, 'verilator'), trace: waves.format, coverage, onBuild });
    const args = [...plusargs(mem), ...(waves.dumpvars ? [`+headsim_dumpvars=${waves.dumpvars}`] : []), ...(coverage ? [`+coverage=${join(dir, 'coverage.dat')}`] : [])];
    const b = await VerilatorBackend.start({ exe: build.exe, widths: portWidths(s.g), args, logPath: join(dir, 'verilator.log') });
    progress(s, `lockstep with Verilator, ${s.vectors.count} vectors`);
    return b;
  },
  // sim.log and JUnit results.xml in <run>/<mode>/cocotb/. Icarus fixes its $dumpvars scope when
  // it compiles: the scope applies to the model's dump only (docs/waves.md).
  cocotb: (out: string): BackendFactory => async (s, mem, dir, waves) => {
    progress(s, 'starting cocotb on Icarus');
    const b = await startHeadCocotb(s, { dir: join(dir, 'cocotb'), buildRoot: join(out, 'cocotb', 'build'), mem, extra: { waveFormat: waves.format } });
    progress(s, `lockstep with cocotb (Icarus), ${s.vectors.count} vectors`);
    return b;
  },
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
    .option('--coverage', "Verilator's line and toggle coverage of the RTL: figures in the report, coverage.dat and an lcov coverage.info (genhtml) in the run directory")
    .action(async (o, cmd) => {
      const format: WavesFormat | undefined = o.waves === true ? 'auto' : (o.waves ?? (o.vcd ? 'vcd' : undefined));
      const from = o.wavesFrom ?? o.vcdFrom ?? 0;
      const to = o.wavesTo ?? o.vcdTo;
      if (to !== undefined && to <= from) throw new InputError(`--waves-to: must be after --waves-from (${from}), got ${to}`);
      if (!format && (o.wavesFrom ?? o.vcdFrom ?? o.wavesTo ?? o.vcdTo) !== undefined) throw new InputError('--waves-from/--waves-to: give --waves to dump');
      if (o.coverage && o.backend !== 'verilator') throw new InputError('--coverage: needs --backend verilator');
      const waves = format ? { format, scope: o.wavesScope, from, to } : undefined;
      const start = o.backend === 'verilator' ? BACKENDS.verilator(o.out, o.coverage === true) : BACKENDS.cocotb(o.out);
      const run: { dir: RunDir | null } = { dir: null };
      try {
        process.exitCode = await runModes('cosim', cmd, o, async (s, traffic) => {
          run.dir ??= claimRunDir(join(o.out, 'cosim'), runName(s, traffic));
          const dir = join(run.dir.dir, s.g.mode);
          const r = await cosimMode(s, traffic, { dir, waves }, start);
          const rtlCoverage = o.coverage ? await summarizeCoverage(join(dir, 'coverage.dat'), join(dir, 'coverage.info')) : undefined;
          return { ...r, backend: o.backend, rtlCoverage };
        }, true);
      } finally {
        run.dir?.release();
      }
    });
