// `headsim mutants [NAME…]`: fault injection. Each mutant is a copy of rtl/ with one deliberate
// bug; lockstep must catch every one. Exit 1 when one survives.
import { Option, type Command } from '@commander-js/extra-typings';
import { join } from 'node:path';
import { MUTANTS, runMutant, type MutantResult } from '../../harness/mutants/campaign.ts';
import { proveMutant, type MutantProof } from '../../harness/mutants/prove.ts';
import { proofRow, PROOF_COLUMNS } from './mutants-prove-report.ts';
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
    .option('--prove', 'also check each mutant against the formal properties (headsim prove), and prove a mutant lockstep misses equivalent or find the trace')
    .option('--timeout <seconds>', 'with --prove: seconds per property (pdr, then bmc3)', int(1, 86_400), 60)
    .option('--depth <k>', 'with --prove: depth of the bounded checks', int(1, 10_000), 40)
    .action(async (names, o) => {
      for (const n of names)
        if (!MUTANTS.some((m) => m.name === n)) throw new InputError(`no mutant named '${n}' (mutants: ${MUTANTS.map((m) => m.name).join(', ')})`);
      const list = names.length ? MUTANTS.filter((m) => names.includes(m.name)) : MUTANTS;
      const results: MutantResult[] = [];
      const proofs: MutantProof[] = [];
      for (const m of list) {
        const r = await runMutant(m, join(o.out, 'mutants'), o.vectors, o.backend);
        results.push(r);
        console.log(`${r.caught ? 'caught  ' : m.equivalent ? 'equivalent' : 'SURVIVED'} ${m.name}`);
        if (o.prove) {
          const p = await proveMutant(m, join(o.out, 'mutants'), { timeout: o.timeout, depth: o.depth, lockstepCaught: r.caught });
          proofs.push(p);
          console.log(`  prover: ${proofRow(p).slice(1).join(', ')}`);
        }
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
      if (o.prove) console.log(textTable(PROOF_COLUMNS, proofs.map(proofRow)));
      // An equivalent mutant is no fault: lockstep must miss it (and --prove proves it equivalent).
      const equivalent = (r: MutantResult) => MUTANTS.find((m) => m.name === r.name)!.equivalent !== undefined;
      const proofOf = (r: MutantResult) => proofs.find((p) => p.name === r.name);
      const disproved = (r: MutantResult) => proofOf(r)?.equivalence?.some((e) => e.verdict.status !== 'equivalent') ?? false;
      const survived = results.filter((r) => !r.caught && (!equivalent(r) || disproved(r))).length;
      const wrongClaim = results.filter((r) => r.caught && equivalent(r));
      for (const r of wrongClaim) console.log(`${r.name} is listed as equivalent, but lockstep caught it`);
      const faults = results.filter((r) => !equivalent(r)).length;
      console.log(
        `${results.filter((r) => r.caught && !equivalent(r)).length}/${faults} mutants caught by lockstep${results.length > faults ? `, ${results.length - faults} equivalent` : ''}`,
      );
      if (o.json) writeJson(o.json, o.prove ? results.map((r) => ({ ...r, prover: proofOf(r) })) : results);
      process.exitCode = survived || wrongClaim.length ? 1 : 0;
    });
