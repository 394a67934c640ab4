/**
 * `headsim waves …` (argv is what follows `waves`):
 *   waves FILE.vcd [--gtkw SAVE.gtkw] [--json OUT]       open in GTKWave, or print the command
 *   waves diff A.vcd B.vcd [--signals a,b] [--ignore RE] [--json OUT]
 * Exit status: 0 = opened / identical, 1 = dumps differ, 2 = bad usage or input.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { InputError } from '../../lib/errors.ts';
import { diffVcd, type VcdDiff } from '../../waves/vcd-diff.ts';
import { openWaves } from '../../waves/open.ts';

const USAGE = 'usage: headsim waves FILE.vcd [--gtkw SAVE] | headsim waves diff A.vcd B.vcd [--signals a,b] [--ignore REGEX] [--json FILE]';

export async function wavesCommand(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    console.error(`headsim waves: ${e.message}`);
    return 2;
  }
}

async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'string' }, gtkw: { type: 'string' }, signals: { type: 'string' }, ignore: { type: 'string' } },
    });
  } catch (e) {
    throw new InputError(`${(e as Error).message}\n${USAGE}`);
  }
  const { values: o, positionals: p } = parsed;

  if (p[0] === 'diff') {
    if (p.length !== 3 || o.gtkw) throw new InputError(USAGE);
    let ignore: RegExp | undefined;
    try {
      ignore = o.ignore === undefined ? undefined : new RegExp(o.ignore);
    } catch {
      throw new InputError(`--ignore: not a regular expression: ${o.ignore}`);
    }
    const signals = o.signals?.split(',').map((s) => s.trim()).filter(Boolean);
    const d = await diffVcd(p[1], p[2], { signals, ignore });
    console.log(summary(d));
    if (o.json) writeJson(o.json, { a: p[1], b: p[2], ...d });
    return d.identical ? 0 : 1;
  }

  if (p.length !== 1 || o.signals || o.ignore) throw new InputError(USAGE);
  const r = openWaves(p[0], o.gtkw);
  console.log(r.launched ? `opened: ${r.command}` : `no display or no gtkwave; run: ${r.command}`);
  if (o.json) writeJson(o.json, { vcd: p[0], ...r });
  return 0;
}

function summary(d: VcdDiff): string {
  const extra = `${d.onlyInA.length} only in A, ${d.onlyInB.length} only in B`;
  if (d.identical) return `identical: ${d.shared} shared signals agree (${extra})`;
  const f = d.firstDifference!;
  return (
    `DIFFER: ${d.differingSignals} of ${d.shared} shared signals (${extra}); ` +
    `first at t=${f.time} (${d.timescale}) ${f.signal}: A=${f.a} B=${f.b}`
  );
}

function writeJson(file: string, report: unknown): void {
  try {
    fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  } catch (e) {
    throw new InputError(`--json ${file}: ${(e as Error).message}`);
  }
}
