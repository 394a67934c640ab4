// The proof campaign (`headsim prove --campaign`): every property of `headsim prove` in a fixed
// list of small configurations, the four of issue 28's acceptance first, then ones that reach
// the rest of the head (several passes and groups, two lanes, the serial divider, approx,
// emit = all with fewer exp lanes than classes). Per configuration: properties proved, failed,
// unknown (with the bound reached) and the wall time. The whole campaign takes tens of minutes
// and is run by hand (its figures go to docs/verification.md); CI (`npm run prove:ci`, .ci/run)
// proves the six marked `ci`: the fastest, the four of the acceptance among them.
import { join } from 'node:path';
import { parseConfig, type ConfigInput } from '../../models/config.ts';
import { buildScenario } from '../inputs/scenario.ts';
import type { PropertyResult } from './engine.ts';
import { prove, runDirOf, type ProveReport } from './prove.ts';
import { InputError } from '../../lib/errors.ts';

/** The acceptance configuration of issue 28: 4 classes of 3 inputs, one lane, top-2. */
const BASE: ConfigInput = { classes: 4, inputs: 3, kPar: 1, topK: 2 };

/** Names have no commas (`--only` takes a comma-separated list of them). */
export interface CampaignEntry {
  name: string;
  config: ConfigInput;
  /** proved in CI (`prove --campaign --ci`): each closes in about two minutes at most */
  ci?: true;
}

export const CAMPAIGN: CampaignEntry[] = [
  { name: 'softmax', config: { ...BASE, mode: 'softmax' }, ci: true },
  { name: 'softmax stream', config: { ...BASE, mode: 'softmax', select: 'stream' }, ci: true },
  { name: 'softmax emit all', config: { ...BASE, mode: 'softmax', emit: 'all' }, ci: true },
  { name: 'argmax', config: { ...BASE, mode: 'argmax' }, ci: true },
  { name: 'argmax stream 2 passes', config: { ...BASE, mode: 'argmax', select: 'stream', cPar: 2 }, ci: true },
  { name: 'approx kPar 2', config: { ...BASE, mode: 'approx', kPar: 2, inputs: 4 }, ci: true },
  { name: 'softmax serial divider emit all expPar 2', config: { ...BASE, classes: 3, topK: 3, mode: 'softmax', divider: 'serial', emit: 'all', expPar: 2 } },
  { name: 'softmax stream cPar 2 expPar 1', config: { ...BASE, classes: 5, topK: 1, mode: 'softmax', select: 'stream', cPar: 2, expPar: 1 } },
];

/** The entries named (comma-separated, in campaign order), or the CI ones, or all. */
export function campaignEntries(sel: { only?: string; ci?: boolean }): CampaignEntry[] {
  if (sel.only !== undefined && sel.ci) throw new InputError('--only, --ci: choose one');
  if (sel.ci) return CAMPAIGN.filter((e) => e.ci);
  if (sel.only === undefined) return CAMPAIGN;
  const names = sel.only.split(',').map((n) => n.trim());
  for (const n of names)
    if (!CAMPAIGN.some((e) => e.name === n))
      throw new InputError(`--only: no campaign configuration named '${n}' (configurations: ${CAMPAIGN.map((e) => e.name).join(', ')})`);
  return CAMPAIGN.filter((e) => names.includes(e.name));
}

export interface CampaignRow {
  name: string;
  config: ConfigInput;
  dir: string;
  proved: number;
  failed: string[];
  /** unknown properties, with the depth the bounded check reached */
  unknown: { name: string; depth: number }[];
  total: number;
  seconds: number;
  /** every property's verdict and wall time */
  properties: { name: string; status: PropertyResult['verdict']['status']; seconds: number }[];
}

export function campaignRow(name: string, config: ConfigInput, r: ProveReport): CampaignRow {
  const named = (st: PropertyResult['verdict']['status']) => r.properties.filter((p) => p.verdict.status === st);
  return {
    name,
    config,
    dir: r.dir,
    proved: r.proved,
    failed: named('failed').map((p) => p.name),
    unknown: named('unknown').map((p) => ({ name: p.name, depth: p.verdict.status === 'unknown' ? p.verdict.depth : 0 })),
    total: r.properties.length,
    seconds: r.seconds,
    properties: r.properties.map((p) => ({ name: p.name, status: p.verdict.status, seconds: Math.round(p.seconds * 10) / 10 })),
  };
}

/**
 * Proves the entries, `jobs` configurations at once (each its own directory and child
 * processes: yosys, then yosys-abc per property, one core each); after an error no new one
 * starts. Rows in the entries' order,
 * onRow as each finishes.
 */
export async function runCampaign(
  out: string,
  entries: CampaignEntry[],
  opts: { timeout: number; depth: number; seed: number; jobs: number },
  onRow?: (row: CampaignRow) => void,
): Promise<CampaignRow[]> {
  const rows: CampaignRow[] = new Array(entries.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    for (let i = next++; i < entries.length && !failed; i = next++) {
      const { name, config } = entries[i]!;
      const s = buildScenario(parseConfig(config), 1, opts.seed);
      const r = await prove(s, runDirOf(join(out, 'campaign'), s), { timeout: opts.timeout, depth: opts.depth }).catch((e: unknown) => {
        failed = true;
        throw e;
      });
      rows[i] = campaignRow(name, config, r);
      onRow?.(rows[i]!);
    }
  };
  // every worker finishes its proof before an error is passed on (no child process left behind)
  const settled = await Promise.allSettled(Array.from({ length: Math.min(opts.jobs, entries.length) }, worker));
  const failure = settled.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
  return rows;
}
