// `headsim cosim`: model and RTL in lockstep, every port compared at every cycle.
import { join } from 'node:path';
import { startHeadCocotb } from '../../harness/rtl/cocotb/head.ts';
import { cosimMode, type BackendFactory } from '../../harness/run/cosim.ts';
import { positiveInt } from '../flags.ts';
import { InputError } from '../../lib/errors.ts';
import { plusargs } from '../../harness/rtl/memfiles.ts';
import { portWidths } from '../../harness/rtl/ports.ts';
import { buildHeadVerilator } from '../../harness/rtl/build.ts';
import { VerilatorBackend } from '../../harness/rtl/verilator/bridge.ts';
import { runModes } from '../run-modes.ts';

const BACKENDS: Record<string, (out: string) => BackendFactory> = {
  verilator: (out) => async (s, mem) => {
    const build = await buildHeadVerilator(s, { outRoot: join(out, 'verilator') });
    return VerilatorBackend.start({ exe: build.exe, widths: portWidths(s.g), args: plusargs(mem) });
  },
  // JUnit results: <out>/cocotb/<mode>/results.xml
  cocotb: (out) => (s, mem) => startHeadCocotb(s, { out, mem }),
};

export const cosimCommand = (argv: string[]) =>
  runModes(
    argv,
    'cosim',
    async (s, traffic, opts) => {
      const name = (opts.flags.backend as string | undefined) ?? 'verilator';
      const backend = BACKENDS[name];
      if (!backend) throw new InputError(`--backend: '${name}' is not one of ${Object.keys(BACKENDS).join(', ')}`);
      const cycles = (f: string) => (opts.flags[f] === undefined ? undefined : positiveInt(f, String(opts.flags[f]), 0));
      const r = await cosimMode(s, traffic, { out: opts.out, vcd: opts.vcd, vcdFrom: cycles('vcd-from'), vcdTo: cycles('vcd-to') }, backend(opts.out));
      return { ...r, backend: name };
    },
    { backend: 'value', 'vcd-from': 'value', 'vcd-to': 'value' },
  );
