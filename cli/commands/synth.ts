// `headsim synth`: resources of one configuration of rtl/ with @yowasp/yosys (synth_xilinx for
// xc7): LUT, FF, DSP48E1, BRAM, CARRY4, logic depth, in total (flattened) and per module
// (hierarchical run). Exit 0 = synthesized, 1 = synthesis failed (the log tail is printed).
import { parseConfig } from '../../models/config.ts';
import { parseArgs, positiveInt } from '../flags.ts';
import { InputError } from '../../lib/errors.ts';
import { writeJson } from '../../lib/json-file.ts';
import { buildScenario } from '../../harness/inputs/scenario.ts';
import { DEFAULT_YOSYS_TIMEOUT_MS } from '../../harness/synth/yosys.ts';
import { SynthError, synthesize, type SynthReport } from '../../harness/synth/synth.ts';
import { textTable } from '../../lib/table.ts';
import { addResources, emptyResources, type Resources } from '../../harness/synth/stat.ts';

export const SYNTH_FLAGS = { timeout: 'value', 'no-modules': 'bool', 'keep-bram-init': 'bool' } as const;

export async function synthCommand(argv: string[]): Promise<number> {
  const opts = parseArgs(argv, SYNTH_FLAGS);
  if (opts.positional.length) throw new InputError(`unexpected argument '${opts.positional[0]}' (synth takes flags only)`);
  const modes = opts.modes ?? [];
  if (modes.length > 1) throw new InputError(`--mode: synth takes one mode, got '${modes.join(',')}'`);
  const config = parseConfig({ ...opts.params, ...(modes[0] ? { mode: modes[0] } : {}) });
  const timeoutMs = opts.flags.timeout ? positiveInt('timeout', String(opts.flags.timeout)) * 1000 : DEFAULT_YOSYS_TIMEOUT_MS;
  const s = buildScenario(config, 1, opts.seed);
  const c = config;
  console.log(`synth: ${c.mode}${c.mode === 'softmax' ? ` (${c.divider})` : ''}, classes ${c.classes}, inputs ${c.inputs}, kPar ${c.kPar}, cPar ${c.cPar}, topK ${c.topK}, expLut ${c.expLut.addrBits}/${c.expLut.outBits}/${c.expLut.range}, seed ${opts.seed}`);
  let r: SynthReport;
  try {
    r = await synthesize(s, { timeoutMs, modules: !opts.flags['no-modules'], keepBramInit: !!opts.flags['keep-bram-init'] });
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    console.error(`headsim synth: synthesis failed: ${e.message}`);
    if (opts.json) writeJson(opts.json, { command: 'synth', config: c, seed: opts.seed, status: 'failed', error: e.message });
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
  if (opts.json) writeJson(opts.json, { command: 'synth', config: c, seed: opts.seed, status: 'ok', ...r });
  return 0;
}

const scale = (m: Resources, n: number) => addResources(emptyResources(), m, n);
