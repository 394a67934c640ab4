// `headsim cosim`: model and RTL in lockstep, every port compared at every cycle.
import { Option, type Command } from '@commander-js/extra-typings';
import { join } from 'node:path';
import { startHeadCocotb } from '../../harness/rtl/cocotb/head.ts';
import { cosimMode, type BackendFactory } from '../../harness/run/cosim.ts';
import { plusargs } from '../../harness/rtl/memfiles.ts';
import { portWidths } from '../../harness/rtl/ports.ts';
import { buildHeadVerilator } from '../../harness/rtl/build.ts';
import { VerilatorBackend } from '../../harness/rtl/verilator/bridge.ts';
import { modeRunOptions, runModes } from '../run-modes.ts';
import { int } from '../values.ts';

const BACKENDS = {
  verilator: (out: string): BackendFactory => async (s, mem) => {
    const build = await buildHeadVerilator(s, { outRoot: join(out, 'verilator') });
    return VerilatorBackend.start({ exe: build.exe, widths: portWidths(s.g), args: plusargs(mem) });
  },
  // JUnit results: <out>/cocotb/<mode>/results.xml
  cocotb: (out: string): BackendFactory => (s, mem) => startHeadCocotb(s, { out, mem }),
};

export const cosimCommand = (program: Command) =>
  modeRunOptions(program.command('cosim').description('model and RTL in lockstep: every port compared at every cycle, every value against the bit-true reference'))
    .addOption(new Option('--backend <name>', 'RTL simulator').choices(['verilator', 'cocotb'] as const).default('verilator' as const))
    .option('--vcd', 'dump model and RTL waveforms (with a GTKWave layout) over a cycle window')
    .option('--vcd-from <cycle>', 'first cycle of the dump window', int(0))
    .option('--vcd-to <cycle>', 'cycle after the dump window (default: from + 5000)', int(1))
    .action(async (o, cmd) => {
      const start = BACKENDS[o.backend](o.out);
      process.exitCode = await runModes('cosim', cmd, o, async (s, traffic) => {
        const r = await cosimMode(s, traffic, { out: o.out, vcd: o.vcd === true, vcdFrom: o.vcdFrom, vcdTo: o.vcdTo }, start);
        return { ...r, backend: o.backend };
      });
    });
