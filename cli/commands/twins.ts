// `headsim twins [STAGE…]`: every stage of the head alone against its RTL module alone as the
// Verilator top, on random port traffic that keeps the stage's contract, every output port
// compared at every cycle, in each configuration of the stage's twin test (harness/twins).
// `--rtl DIR` runs them on a changed copy of rtl/. Exit 1 when a stage differs from its module
// (or its traffic left a port unchanged), naming the stage, the cycle, the port and the entry.
import type { Command } from '@commander-js/extra-typings';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { writeJson } from '../../lib/files.ts';
import { textTable } from '../../lib/table.ts';
import { mismatchText, runTwin, type TwinResult } from '../../harness/twins/lockstep.ts';
import { TWINS } from '../../harness/twins/stages.ts';
import { int, text } from '../values.ts';

export const twinsCommand = (program: Command) =>
  program
    .command('twins')
    .description('every stage alone against its RTL module alone (the Verilator top), on random port traffic')
    .argument('[stages...]', `stages (default: all: ${TWINS.map((t) => t.module).join(', ')})`)
    .option('--rtl <dir>', 'the RTL directory: a copy of rtl/ with a change (default: rtl/)', text)
    .option('--cycles <n>', 'cycles per configuration', int(1, 10_000_000), 4000)
    .option('--seed <n>', 'seed of the weights and of the port traffic', int(0), 1)
    .option('--out <dir>', 'directory for the builds (out/verilator) and memory images', text, 'out')
    .option('--json <file>', 'write the results as JSON', text)
    .action(async (stages, o) => {
      for (const s of stages) if (!TWINS.some((t) => t.module === s)) throw new InputError(`no stage named '${s}' (stages: ${TWINS.map((t) => t.module).join(', ')})`);
      if (o.rtl !== undefined && !existsSync(o.rtl)) throw new InputError(`--rtl: no directory ${o.rtl}`);
      const results: TwinResult[] = [];
      for (const twin of TWINS.filter((t) => !stages.length || stages.includes(t.module)))
        for (const config of Object.keys(twin.configs)) {
          const r = await runTwin(twin, config, { cycles: o.cycles, seed: o.seed, rtlDir: o.rtl, outRoot: join(o.out, 'verilator'), dir: join(o.out, 'twins') });
          results.push(r);
          if (r.mismatch) console.log(mismatchText(r.mismatch));
        }
      const verdict = (r: TwinResult) => (r.mismatch ? 'DIFFERS' : r.untoggled.length ? `never changed: ${r.untoggled.join(', ')}` : 'same');
      console.log(textTable(['stage', 'configuration', 'cycles', 'model vs RTL', 'seconds'], results.map((r) => [r.stage, r.config, r.cycles, verdict(r), r.seconds.toFixed(1)])));
      const failed = results.filter((r) => r.mismatch || r.untoggled.length);
      console.log(`${results.length - failed.length}/${results.length} stage configurations equal to their RTL module`);
      if (o.json) writeJson(o.json, results);
      process.exitCode = failed.length ? 1 : 0;
    });
