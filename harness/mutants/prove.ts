// Mutants meet the prover (`headsim mutants --prove`): each mutant's RTL copy is checked against
// the stream properties (harness/formal/) in a small configuration of its own kind, up to the
// first property that fails; that property's counterexample (VCD + .gtkw) is replayed through
// lockstep (model against the mutant): the head's, or for a ranking counterexample the
// selector's twin (selector-trace-replay.ts). A mutant that lockstep misses gets a sequential-
// equivalence check against the original: proved equivalent, or the distinguishing trace.
import { join } from 'node:path';
import { parseConfig, type ConfigInput } from '../../models/config.ts';
import { buildScenario } from '../inputs/scenario.ts';
import { prove, type ProveReport } from '../formal/prove.ts';
import { checkEquivalence, type EquivVerdict } from '../formal/equiv.ts';
import { readStimulus } from '../formal/witness.ts';
import { replayThroughLockstep, type ReplayResult } from '../formal/replay.ts';
import { RTL_DIR } from '../rtl/head-build.ts';
import { mutantCopy, type Mutant } from './campaign.ts';
import { replaySelectorTrace } from '../check/selector-trace-replay.ts';
import type { TwinResult } from '../twins/lockstep.ts';

export interface MutantProof {
  name: string;
  /** the configuration the properties were checked in */
  config: ConfigInput;
  /** null: a memory-image mutant (the proofs cut the ROM reads, so no property can see it) */
  properties: {
    /** the first property that failed, its trace, and that trace through lockstep */
    failed: { property: string; harness: string; depth: number; vcd: string; gtkw: string; replay: ReplayResult | null; twin: TwinResult | null } | null;
    proved: number;
    unknown: number;
    checked: number;
    seconds: number;
  } | null;
  /** only for a mutant lockstep missed: one verdict per configuration */
  equivalence: { config: ConfigInput; verdict: EquivVerdict }[] | null;
}

/**
 * The prover's configuration of a mutant: the kind of head it was made for (mode, select, emit,
 * divider, exp implementation) at 4 classes of 3 inputs, one input lane (3 beats), at most 2
 * class rows when the mutant needs several passes or groups.
 */
export function formalConfig(m: Mutant): ConfigInput {
  if (m.formal) return m.formal;
  const c = m.config;
  const cPar = c.cPar ? 2 : undefined;
  const expPar = typeof c.expPar === 'number' ? Math.min(c.expPar, cPar ?? 4) : c.expPar;
  return { ...c, classes: 4, inputs: 3, kPar: 1, topK: Math.min(c.topK ?? 3, 4), ...(cPar ? { cPar } : {}), ...(expPar !== undefined ? { expPar } : {}) };
}

export async function proveMutant(m: Mutant, outRoot: string, opts: { timeout: number; depth: number; lockstepCaught: boolean }): Promise<MutantProof> {
  const dir = join(outRoot, m.name, 'prove');
  const config = formalConfig(m);
  let properties: MutantProof['properties'] = null;
  if ('file' in m.edit) {
    const rtlDir = mutantCopy(m, dir);
    const s = buildScenario(parseConfig(config), 1, 5);
    const r: ProveReport = await prove(s, join(dir, 'model'), { timeout: opts.timeout, depth: opts.depth, rtlDir, stopAtFailure: true });
    const bad = r.properties.find((p) => p.verdict.status === 'failed');
    let failed: NonNullable<MutantProof['properties']>['failed'] = null;
    if (bad && bad.cex && bad.verdict.status === 'failed') {
      // a trace of the head's ports replays through the head's lockstep; a ranking harness's
      // trace drives the selector alone, so through the selector's twin lockstep
      const replay =
        bad.harness === 'head'
          ? await replayThroughLockstep(s, readStimulus(bad.verdict.witness, join(bad.modelDir, 'model.aim')), r.mem, { rtlDir, outRoot: dir })
          : null;
      const twin =
        bad.harness === 'head'
          ? null
          : await replaySelectorTrace(bad.cex.vcd, s.g.stream ? 'stream_selector' : 'comparator_tree', config, {
              rtlDir,
              outRoot: join(dir, 'twin'),
              dir: join(dir, 'twin'),
            });
      failed = { property: bad.name, harness: bad.harness, depth: bad.verdict.depth, vcd: bad.cex.vcd, gtkw: bad.cex.gtkw, replay, twin };
    }
    properties = { failed, proved: r.proved, unknown: r.unknown, checked: r.properties.length, seconds: r.seconds };
  }
  let equivalence: MutantProof['equivalence'] = null;
  if (!opts.lockstepCaught && 'file' in m.edit) {
    const rtlDir = mutantCopy(m, join(dir, 'equiv'));
    equivalence = [];
    for (const [i, c] of (m.equivalent?.configs ?? [config]).entries()) {
      const s = buildScenario(parseConfig(c), 1, 5);
      const verdict = await checkEquivalence(s, RTL_DIR, rtlDir, join(dir, 'equiv', `config-${i}`), {
        timeout: opts.timeout,
        depth: opts.depth,
        hints: m.equivalent?.hints,
      });
      equivalence.push({ config: c, verdict });
    }
  }
  return { name: m.name, config, properties, equivalence };
}
