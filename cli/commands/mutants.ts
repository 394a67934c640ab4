// `headsim mutants [NAME…]`: fault injection. Each mutant is a copy of rtl/ with one deliberate
// bug; lockstep must catch every one. Exit 1 when one survives.
import { Option, type Command } from '@commander-js/extra-typings';
import { join } from 'node:path';
import { MUTANTS, runMutant, type MutantResult } from '../../harness/mutants/campaign.ts';
import { InputError } from '../../lib/errors.ts';
import { writeJson } from '../../lib/files.ts';
import { textTable } from '../../lib/table.ts';
import { int, text } from '../values.ts';

export const mutantsCommand = (program: Command) =>
  program
    .command('mutants')
    .description('inject each fault of the list into a copy of rtl/ and show that lockstep catches it')
    .argument('[names...]', `mutants to run (default: all ${MUTANTS.length})`)
    .addOption(new Option('--backend <name>', 'RTL simulator').choices(['verilator', 'cocotb'] as const).default('verilator' as const))
    .option('--vectors <n>', 'vectors per mutant', int(1, 100_000), 60)
    .option('--out <dir>', 'directory for the mutated copies and builds', text, 'out')
    .option('--json <file>', 'write the results as JSON', text)
    .action(async (names, o) => {
      for (const n of names)
        if (!MUTANTS.some((m) => m.name === n)) throw new InputError(`no mutant named '${n}' (mutants: ${MUTANTS.map((m) => m.name).join(', ')})`);
      const list = names.length ? MUTANTS.filter((m) => names.includes(m.name)) : MUTANTS;
      const results: MutantResult[] = [];
      for (const m of list) {
        const r = await runMutant(m, join(o.out, 'mutants'), o.vectors, o.backend);
        results.push(r);
        console.log(`${r.caught ? 'caught  ' : 'SURVIVED'} ${m.name}`);
      }
      console.log(
        textTable(
          ['mutant', 'kind', 'caught', 'cycle', 'ports'],
          results.map((r) => [
            r.name,
            r.kind,
            r.caught ? 'yes' : 'NO',
            r.mismatch?.cycle ?? '-',
            r.mismatch?.ports.map((p) => `${p.port} ${p.model}/${p.rtl}`).join(', ') ?? '-',
          ]),
        ),
      );
      const survived = results.filter((r) => !r.caught).length;
      console.log(`${results.length - survived}/${results.length} mutants caught by lockstep`);
      if (o.json) writeJson(o.json, results);
      process.exitCode = survived ? 1 : 0;
    });
