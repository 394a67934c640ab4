// `headsim cosim`: model and RTL in lockstep, every port compared at every cycle.
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { runLockstep } from '../lockstep.ts';
import { plusargs, writeMemFiles } from '../memfiles.ts';
import { portWidths } from '../model-run.ts';
import type { RunOutcome } from '../report.ts';
import { buildHeadVerilator } from '../rtl-build.ts';
import { VerilatorBackend } from '../verilator/bridge.ts';
import { runModes } from './runs.ts';

export const cosimCommand = (argv: string[]) =>
  runModes(
    argv,
    'cosim',
    async (s, traffic, opts): Promise<RunOutcome> => {
      const backendName = (opts.flags.backend as string | undefined) ?? 'verilator';
      if (backendName !== 'verilator') throw new InputError(`--backend: '${backendName}' is not available (verilator)`);
      const dir = join(opts.out, 'cosim', s.g.mode);
      const mem = writeMemFiles(s, join(dir, 'mem'));
      const build = await buildHeadVerilator(s, { outRoot: join(opts.out, 'verilator') });
      const backend = await VerilatorBackend.start({ exe: build.exe, widths: portWidths(s), args: plusargs(mem) });
      try {
        const r = await runLockstep(s, backend, traffic);
        return {
          tb: r.tb,
          cycles: r.tb.cycle,
          seconds: r.seconds,
          backend: backend.name,
          cyclesCompared: r.cyclesCompared,
          portMismatch: r.mismatch,
          model: r.timing.model,
          rtl: r.timing.rtl,
          waves: [],
        };
      } finally {
        await backend.close();
      }
    },
    { backend: 'value' },
  );
