// `headsim cosim`: model and RTL in lockstep, every port compared at every cycle.
import { cycleBudget } from '../../harness/run/model.ts';
import { DEFAULT_TRAFFIC } from '../../harness/run/traffic.ts';
import { InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import { join, resolve } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { startHeadCocotb } from '../../harness/rtl/cocotb/head.ts';
import { cosimMode, DEFAULT_WAVES_CYCLES, FST_ABOVE_CYCLES, type BackendFactory, type WavesFormat } from '../../harness/run/cosim.ts';
import { claimRunDir, runName, type RunDir } from '../../harness/run/run-dir.ts';
import { parseScope, SCOPE_HELP } from '../../harness/run/scope.ts';
import { plusargs } from '../../harness/rtl/memfiles.ts';
import { portWidths } from '../../harness/rtl/ports.ts';
import { buildHeadVerilator, type RtlDesign } from '../../harness/rtl/build.ts';
import type { Scenario } from '../../harness/inputs/scenario.ts';
import { readManifest } from '../../harness/export/manifest.ts';
import { changedFiles, checkScenario, exportDesign } from '../../harness/export/design.ts';
import { VerilatorBackend } from '../../harness/rtl/verilator/bridge.ts';
import { summarizeCoverage } from '../../harness/rtl/verilator/coverage.ts';
import { modeRunOptions, runModes } from '../run-modes.ts';
import { int, oneOf } from '../values.ts';

/** Cycles past which the RTL is built for speed (-O2) rather than for a short build (-O0). */
const LONG_RUN_CYCLES = 3_000_000;

/** A progress line of one mode's run (the phases a long run goes through). */
const progress = (s: { g: { mode: string } }, what: string) => console.log(`cosim ${s.g.mode}: ${what}`);

/** What a mode's run simulates: rtl/ (undefined), or an exported directory (cosim --rtl). */
type DesignOf = (s: Scenario, runDir: string) => RtlDesign | undefined;

/**
 * Builds are cached under <out>/ and shared; a run's own files go to its run directory. Paths
 * handed to the simulator are absolute: an exported design runs in its own directory.
 */
const BACKENDS = {
  // The trace format and the coverage counters are compiled in (one cached build each); the
  // scope is a dumpvars file.
  verilator: (out: string, coverage: boolean, designOf: DesignOf): BackendFactory => async (s, mem, dir, waves) => {
    const design = designOf(s, dir);
    const onBuild = (d: string) => progress(s, `Verilator build of the head into ${d} (once per configuration)`);
    // a long run pays for the slower -O2 build (docs/contract.md: cosim)
    const optimize = cycleBudget(s, DEFAULT_TRAFFIC) > LONG_RUN_CYCLES ? 'run' : 'build';
    const build = await buildHeadVerilator(s, { design, outRoot: join(out, 'verilator'), trace: waves.format, coverage, onBuild, optimize });
    const args = [
      ...(design?.cwd ? [] : plusargs(mem)),
      ...(waves.dumpvars ? [`+headsim_dumpvars=${resolve(waves.dumpvars)}`] : []),
      ...(coverage ? [`+coverage=${resolve(dir, 'coverage.dat')}`] : []),
    ];
    const b = await VerilatorBackend.start({ exe: build.exe, widths: portWidths(s.g), args, cwd: design?.cwd ?? undefined, logPath: join(dir, 'verilator.log') });
    progress(s, `lockstep with Verilator, ${s.vectors.count} vectors`);
    return b;
  },
  // sim.log and JUnit results.xml in <run>/<mode>/cocotb/. Icarus fixes its $dumpvars scope when
  // it compiles: the scope applies to the model's dump only (docs/waves.md).
  cocotb: (out: string, designOf: DesignOf): BackendFactory => async (s, mem, dir, waves) => {
    progress(s, 'starting cocotb on Icarus');
    const b = await startHeadCocotb(s, { dir: join(dir, 'cocotb'), buildRoot: join(out, 'cocotb', 'build'), mem, design: designOf(s, dir), extra: { waveFormat: waves.format } });
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
      const start = o.backend === 'verilator' ? BACKENDS.verilator(o.out, o.coverage === true, designOf) : BACKENDS.cocotb(o.out, designOf);
      const run: { dir: RunDir | null } = { dir: null };
      try {
        process.exitCode = await runModes('cosim', cmd, o, async (s, traffic) => {
          run.dir ??= claimRunDir(join(o.out, 'cosim'), runName(s, traffic));
          const dir = join(run.dir.dir, s.g.mode);
          const r = await cosimMode(s, traffic, { dir, waves }, start);
          const rtlCoverage = o.coverage ? await summarizeCoverage(join(dir, 'coverage.dat'), join(dir, 'coverage.info')) : undefined;
          return { ...r, backend: o.backend, rtlCoverage };
        }, { concurrent: true, defaults: exported ? { params: withoutMode(exported.config), modes: [exported.mode] } : undefined });
      } finally {
        run.dir?.release();
      }
    });

const withoutMode = (c: object): Record<string, unknown> => {
  const { mode: _mode, ...rest } = c as Record<string, unknown>;
  return rest;
};
