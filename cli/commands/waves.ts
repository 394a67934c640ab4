// `headsim waves …` (dumps are VCD or FST, told apart by their first bytes):
//   waves FILE [--gtkw SAVE] [--json OUT]              check the dump, open it in GTKWave, or print the command
//   waves diff A B [--signals a,b] [--ignore RE] [--json OUT]        first difference, streaming
//   waves shot DUMP OUT.png [--to CYCLE]                overview screenshot under Xvfb
// Exit status: 0 = opened / identical / shot, 1 = dumps differ, 2 = bad usage or input.
import { InvalidArgumentError, type Command } from '@commander-js/extra-typings';
import { writeJson } from '../../lib/files.ts';
import { overviewShot } from '../../harness/run/overview.ts';
import { diffVcd, type VcdDiff } from '../../waves/vcd-diff.ts';
import { openWaves } from '../../waves/open.ts';
import { checkDump } from '../../waves/dump-source.ts';
import { int, text } from '../values.ts';

const regex = (v: string): RegExp => {
  try {
    return new RegExp(v);
  } catch {
    throw new InvalidArgumentError(`not a regular expression: ${v}`);
  }
};

export function wavesCommand(program: Command): void {
  const waves = program
    .command('waves')
    .enablePositionalOptions()
    .description('open a dump in GTKWave with its layout (or print the command without a display); diff two dumps; screenshot one')
    .argument('<file>', 'a .vcd or .fst dump')
    .option('--gtkw <file>', 'GTKWave save file (default: the .gtkw beside the dump)', text)
    .option('--json <file>', 'write the result as JSON', text)
    .action(async (file, o) => {
      await checkDump(file); // a bad or truncated dump is an input error, not a blank window
      const r = openWaves(file, o.gtkw);
      console.log(r.launched ? `opened: ${r.command}` : `no display or no gtkwave; run: ${r.command}`);
      if (o.json) writeJson(o.json, { vcd: file, ...r });
    });

  waves
    .command('diff')
    .description('compare two dumps signal by signal; report the first difference (exit 1 when they differ)')
    .argument('<a>', 'first dump')
    .argument('<b>', 'second dump')
    .option('--signals <names>', 'only these signals, comma-separated', (v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--ignore <regex>', 'skip signals whose name matches', regex)
    .option('--json <file>', 'write the result as JSON', text)
    .action(async (a, b, o) => {
      const d = await diffVcd(a, b, { signals: o.signals, ignore: o.ignore });
      console.log(summary(d));
      if (o.json) writeJson(o.json, { a, b, ...d });
      process.exitCode = d.identical ? 0 : 1;
    });

  waves
    .command('shot')
    .description('an overview layout of a seed softmax dump and its GTKWave screenshot (Xvfb)')
    .argument('<dump>', 'the dump (VCD or FST)')
    .argument('<png>', 'the picture to write')
    .option('--to <cycle>', 'last cycle shown', int(1), 240)
    .action(async (dump, png, o) => {
      await checkDump(dump);
      const r = await overviewShot(dump, png, o.to);
      console.log(`${png} (${r.blank ? 'BLANK' : 'ok'}), layout ${r.gtkw}, cycles 0..${o.to}`);
      process.exitCode = r.blank ? 1 : 0;
    });
}

function summary(d: VcdDiff): string {
  const extra = `${d.onlyInA.length} only in A, ${d.onlyInB.length} only in B`;
  if (d.identical) return `identical: ${d.shared} signal(s) compared, all agree (${extra})`;
  const f = d.firstDifference!;
  return `DIFFER: ${d.differingSignals} of ${d.shared} shared signals (${extra}); first at t=${f.time} (${d.timescale}) ${f.signal}: A=${f.a} B=${f.b}`;
}
