// The proof campaign (`headsim prove --campaign`): every property of `headsim prove` in a fixed
// list of small configurations, the four of issue 28's acceptance first, then ones that reach
// the rest of the head (several passes and groups, two lanes, the serial divider, approx,
// emit = all with fewer exp lanes than classes). Per configuration: properties proved, failed,
// unknown (with the bound reached) and the wall time. Too slow for CI (minutes); CI proves a few
// properties of small heads (test/tools/yosys/formal.test.ts), the campaign is run by hand and its figures
// go to docs/verification.md.
import { join } from 'node:path';
import { parseConfig, type ConfigInput } from '../../models/config.ts';
import { buildScenario } from '../inputs/scenario.ts';
import type { PropertyResult } from './engine.ts';
import { prove, runDirOf, type ProveReport } from './prove.ts';

/** The acceptance configuration of issue 28: 4 classes of 3 inputs, one lane, top-2. */
const BASE: ConfigInput = { classes: 4, inputs: 3, kPar: 1, topK: 2 };

export const CAMPAIGN: { name: string; config: ConfigInput }[] = [
  { name: 'softmax', config: { ...BASE, mode: 'softmax' } },
  { name: 'softmax stream', config: { ...BASE, mode: 'softmax', select: 'stream' } },
  { name: 'softmax emit all', config: { ...BASE, mode: 'softmax', emit: 'all' } },
  { name: 'argmax', config: { ...BASE, mode: 'argmax' } },
  { name: 'argmax stream, 2 passes', config: { ...BASE, mode: 'argmax', select: 'stream', cPar: 2 } },
  { name: 'approx, kPar 2', config: { ...BASE, mode: 'approx', kPar: 2, inputs: 4 } },
  { name: 'softmax serial divider, emit all, expPar 2', config: { ...BASE, classes: 3, topK: 3, mode: 'softmax', divider: 'serial', emit: 'all', expPar: 2 } },
  { name: 'softmax stream, cPar 2, expPar 1', config: { ...BASE, classes: 5, topK: 1, mode: 'softmax', select: 'stream', cPar: 2, expPar: 1 } },
];

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

export async function runCampaign(
  out: string,
  opts: { timeout: number; depth: number; seed: number },
  onRow?: (row: CampaignRow) => void,
): Promise<CampaignRow[]> {
  const rows: CampaignRow[] = [];
  for (const { name, config } of CAMPAIGN) {
    const s = buildScenario(parseConfig(config), 1, opts.seed);
    const r = await prove(s, runDirOf(join(out, 'campaign'), s), { timeout: opts.timeout, depth: opts.depth });
    const row = campaignRow(name, config, r);
    rows.push(row);
    onRow?.(row);
  }
  return rows;
}
