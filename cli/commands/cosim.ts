// `headsim cosim`: model and RTL in lockstep, every port compared at every cycle.
import { Option, type Command } from '@commander-js/extra-typings';
import { join } from 'node:path';
import { startHeadCocotb } from '../../harness/rtl/cocotb/head.ts';
import { cosimMode, type BackendFactory } from '../../harness/run/cosim.ts';
import { claimRunDir, runName, type RunDir } from '../../harness/run/run-dir.ts';
import { plusargs } from '../../harness/rtl/memfiles.ts';
import { portWidths } from '../../harness/rtl/ports.ts';
import { buildHeadVerilator } from '../../harness/rtl/build.ts';
import { VerilatorBackend } from '../../harness/rtl/verilator/bridge.ts';
import { summarizeCoverage } from '../../harness/rtl/verilator/coverage.ts';
import { modeRunOptions, runModes } from '../run-modes.ts';
import { int } from '../values.ts';
import { InputError } from '../../lib/errors.ts';

/** Builds are cached under <out>/ and shared; a run's own files go to its run directory. */
const BACKENDS = {
  verilator: (out: string, coverage: boolean): BackendFactory => async (s, mem, dir) => {
    const build = await buildHeadVerilator(s, { outRoot: join(out, 'verilator'), coverage });
    const args = [...plusargs(mem), ...(coverage ? [`+coverage=${join(dir, 'coverage.dat')}`] : [])];
    return VerilatorBackend.start({ exe: build.exe, widths: portWidths(s.g), args, logPath: join(dir, 'verilator.log') });
  },
  // sim.log and JUnit results.xml in <run>/<mode>/cocotb/
  cocotb: (out: string): BackendFactory => (s, mem, dir) => startHeadCocotb(s, { dir: join(dir, 'cocotb'), buildRoot: join(out, 'cocotb', 'build'), mem }),
};

export const cosimCommand = (program: Command) =>
  modeRunOptions(program.command('cosim').description('model and RTL in lockstep: every port compared at every cycle, every value against the bit-true reference'))
    .addOption(new Option('--backend <name>', 'RTL simulator').choices(['verilator', 'cocotb'] as const).default('verilator' as const))
    .option('--vcd', 'dump model and RTL waveforms (with a GTKWave layout) over a cycle window')
    .option('--vcd-from <cycle>', 'first cycle of the dump window', int(0))
    .option('--vcd-to <cycle>', 'cycle after the dump window (default: from + 5000)', int(1))
    .option('--coverage', "Verilator's line and toggle coverage of the RTL: figures in the report, coverage.dat and an lcov coverage.info (genhtml) in the run directory")
    .action(async (o, cmd) => {
      const from = o.vcdFrom ?? 0;
      if (o.vcdTo !== undefined && o.vcdTo <= from) throw new InputError(`--vcd-to ${o.vcdTo}: must be after --vcd-from (${from})`);
      if ((o.vcdFrom !== undefined || o.vcdTo !== undefined) && !o.vcd) throw new InputError('--vcd-from/--vcd-to: give --vcd to dump');
      if (o.coverage && o.backend !== 'verilator') throw new InputError('--coverage: needs --backend verilator');
      const start = o.backend === 'verilator' ? BACKENDS.verilator(o.out, o.coverage === true) : BACKENDS.cocotb(o.out);
      let run: RunDir | null = null;
      try {
        process.exitCode = await runModes('cosim', cmd, o, async (s, traffic) => {
          run ??= claimRunDir(join(o.out, 'cosim'), runName(s, traffic));
          const dir = join(run.dir, s.g.mode);
          const r = await cosimMode(s, traffic, { dir, vcd: o.vcd === true, vcdFrom: o.vcdFrom, vcdTo: o.vcdTo }, start);
          const rtlCoverage = o.coverage ? await summarizeCoverage(join(dir, 'coverage.dat'), join(dir, 'coverage.info')) : undefined;
          return { ...r, backend: o.backend, rtlCoverage };
        });
      } finally {
        (run as RunDir | null)?.release();
      }
    });
