// The prover's columns of `headsim mutants --prove`: per mutant, the first property that failed
// (and whether lockstep caught that trace), or how many were proved; for a mutant lockstep
// missed, the equivalence verdicts.
import type { MutantProof } from '../../harness/mutants/prove.ts';

export const PROOF_COLUMNS = ['mutant', 'properties', 'trace in lockstep', 'equivalence'];

export function proofRow(p: MutantProof): string[] {
  const props = p.properties;
  const verdict = !props
    ? 'not visible (the proofs cut the ROM reads)'
    : props.failed
      ? `FAILS ${props.failed.property} at depth ${props.failed.depth} (${props.failed.vcd})`
      : `${props.proved}/${props.checked} proved${props.unknown ? `, ${props.unknown} unknown` : ''}: not a stream-contract fault`;
  const f = props?.failed;
  const replay = !f
    ? '-'
    : f.replay
      ? f.replay.mismatch
        ? `caught at cycle ${f.replay.mismatch.cycle}`
        : 'not caught'
      : f.twin
        ? f.twin.mismatch
          ? `caught at cycle ${f.twin.mismatch.cycle} (${f.twin.stage} twin)`
          : `not caught (${f.twin.stage} twin)`
        : '-';
  const eq = p.equivalence
    ? p.equivalence
        .map((e) =>
          e.verdict.status === 'different'
            ? `different at depth ${e.verdict.depth} (${e.verdict.vcd})`
            : e.verdict.status === 'unknown'
              ? `unknown (${e.verdict.reason})`
              : `equivalent (${e.verdict.method}, ${e.verdict.seconds.toFixed(0)} s)`,
        )
        .join('; ')
    : '-';
  return [p.name, verdict, replay, eq];
}
