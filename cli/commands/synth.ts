// `headsim synth`: resources of one configuration of rtl/ with @yowasp/yosys (synth_xilinx for
// xc7): LUT, FF, DSP48E1, BRAM, CARRY4, logic depth, in total (flattened) and per module
// (hierarchical run). Exit 0 = synthesized, 1 = synthesis failed (the log tail is printed).
// The ROMs hold generated weights, or the user's (--weights, --model: the data flags of sim).
import { InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import { parseConfig } from '../../models/config.ts';
import { checkWritableFile, writeJson } from '../../lib/files.ts';
import { InputError } from '../../lib/errors.ts';
import { buildScenario } from '../../harness/inputs/scenario.ts';
import { DEFAULT_YOSYS_TIMEOUT_MS } from '../../harness/synth/yosys.ts';
import { SynthError, synthesize, type SynthReport } from '../../harness/synth/synth.ts';
import { textTable } from '../../lib/table.ts';
import { addResources, emptyResources, type Resources } from '../../harness/synth/stat.ts';
import { paramsOf, withParams } from '../params.ts';
import { dataOf, dataOptions } from '../options.ts';
import { sourcedScenario } from '../../harness/inputs/sources.ts';
import { anySource } from '../../harness/inputs/data-sources.ts';
import type { Scenario } from '../../harness/inputs/scenario.ts';
import { int, modeList, text } from '../values.ts';
import { MODES, SEED_CONFIG, type Mode } from '../../models/config.ts';

const oneMode = (v: string): Mode => {
  const modes = modeList(v);
  if (modes.length > 1) throw new InvalidArgumentError(`synth takes one mode, got '${v}'`);
  return modes[0]!;
};

export const synthCommand = (program: Command) =>
  dataOptions(withParams(program.command('synth').description('FPGA resources of one configuration: Yosys synth_xilinx, in total and per module'))
    .option('--mode <mode>', `one of ${MODES.join(', ')} (default: softmax)`, oneMode)
    .option('--seed <n>', 'seed of the generated weights (the ROM contents)', int(0), 1)
    .option('--json <file>', 'write the report as JSON', text)
    .option('--timeout <seconds>', 'per Yosys run and per module', int(1), DEFAULT_YOSYS_TIMEOUT_MS / 1000)
    .option('--no-modules', 'skip the per-module breakdown')
    .addOption(new Option('--keep-bram-init', 'plain synth_xilinx: BRAM contents kept through mapping (docs/sweep.md)')))
    .action(async (o, cmd) => {
      process.exitCode = await synth(o, cmd);
    });

type DataFlags = Parameters<typeof dataOf>[0];

async function synth(o: Omit<DataFlags, 'out'> & { mode?: Mode; seed: number; json?: string; timeout: number; modules: boolean; keepBramInit?: true }, cmd: Command<any, any, any>): Promise<number> {
  const { params, modes } = await paramsOf(cmd, o.mode ? [o.mode] : undefined);
  if (modes && modes.length > 1) throw new InputError(`mode: synth takes one mode, got '${modes.join(',')}'`);
  if (o.json) checkWritableFile(o.json, '--json');
  const mode: Mode = modes?.[0] ?? SEED_CONFIG.mode;
  // with data flags, the weights (and with --auto-formats the formats) are the user's
  let s: Scenario;
  if (anySource(o)) {
    const sourced = await sourcedScenario(dataOf({ ...o, out: 'out' }, params), [mode]);
    for (const note of sourced.src.notes) console.log(note);
    s = sourced.base;
  } else s = buildScenario(parseConfig({ ...params, mode }), 1, o.seed);
  const c = s.config;
  console.log(`synth: ${c.mode}${c.mode === 'softmax' ? ` (${c.divider})` : ''}, classes ${c.classes}, inputs ${c.inputs}, kPar ${c.kPar}, cPar ${c.cPar}, topK ${c.topK}, expLut ${c.expLut.addrBits}/${c.expLut.outBits}/${c.expLut.range}, seed ${o.seed}`);
  let r: SynthReport;
  try {
    r = await synthesize(s, { timeoutMs: o.timeout * 1000, modules: o.modules, keepBramInit: o.keepBramInit === true });
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    console.error(`headsim synth: synthesis failed: ${e.message}`);
    if (o.json) writeJson(o.json, { command: 'synth', config: c, seed: o.seed, status: 'failed', error: e.message });
    return 1;
  }
  const row = (name: string, x: { lut: number; ff: number; dsp: number; bram: number; ramb36: number; ramb18: number; carry: number; srl: number; logicDepth?: number | null }) => [
    name, x.lut, x.ff, x.dsp, `${x.bram} (${x.ramb36}+${x.ramb18}/2)`, x.carry, x.srl, x.logicDepth ?? '-',
  ];
  const rows = [row('total (flattened)', r)];
  if (r.modules) {
    for (const [name, m] of Object.entries(r.modules)) rows.push(row(`  ${name}${m.instances > 1 ? ` ×${m.instances}` : ''}`, m.instances > 1 ? { ...m, ...scale(m, m.instances) } : m));
    rows.push(row('  sum of the modules, each synthesized alone', { ...r.modulesTotal!, logicDepth: null }));
  }
  console.log(textTable(['', 'LUT', 'FF', 'DSP48E1', 'BRAM (RAMB36 eq.)', 'CARRY4', 'SRL', 'logic depth'], rows));
  const modSeconds = r.modules ? Object.values(r.modules).reduce((s, m) => s + m.seconds, 0) : null;
  console.log(`${r.yosysVersion}; ${r.seconds.toFixed(1)} s flattened${modSeconds !== null ? `, ${modSeconds.toFixed(1)} s for the modules` : ''}`);
  if (o.json) writeJson(o.json, { command: 'synth', config: c, seed: o.seed, status: 'ok', ...r });
  return 0;
}

const scale = (m: Resources, n: number) => addResources(emptyResources(), m, n);
