// `headsim synth`: resources and clock of one configuration of rtl/ for a target. xc7 (default):
// @yowasp/yosys synth_xilinx, LUT, FF, DSP48E1, BRAM, CARRY4, logic depth in total (flattened)
// and per module, and a pre-route timing estimate (no routing). iCE40 parts: synth_ice40 and
// nextpnr-ice40 placement and routing: LUT4, FF, EBR, SB_MAC16, SPRAM, the routed clock and
// its critical path (cached by key under --out). Latency and II in ns at that clock. With
// several modes (--mode argmax,softmax) each is run and the differences are printed.
// Exit 0 = done, 1 = a tool failed or the clock asked for (--clock) is not met, 2 = bad input,
// a head that does not fit the part, or a run past --timeout. The ROMs hold generated weights,
// or the user's (--weights, --model: the data flags of sim).
import { InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import { join } from 'node:path';
import { parseConfig, type HeadConfig } from '../../models/config.ts';
import { timing } from '../../models/geometry.ts';
import { checkWritableFile, writeJson } from '../../lib/files.ts';
import { InputError } from '../../lib/errors.ts';
import { buildScenario } from '../../harness/inputs/scenario.ts';
import { DEFAULT_YOSYS_TIMEOUT_MS } from '../../harness/synth/yosys.ts';
import { SynthError, synthInputs, synthesize, type SynthReport } from '../../harness/synth/synth.ts';
import { targetOf, TARGET_NAMES, type Target } from '../../harness/synth/targets.ts';
import { cyclesToNs, pathLabel, type TimingFigures } from '../../harness/synth/timing-types.ts';
import type { Ice40Report } from '../../harness/synth/ice40.ts';
import { textTable } from '../../lib/table.ts';
import { addResources, emptyResources, type Resources } from '../../harness/synth/stat.ts';
import { paramsOf, withParams } from '../params.ts';
import { dataOf, dataOptions } from '../options.ts';
import { sourcedScenario } from '../../harness/inputs/sources.ts';
import { anySource } from '../../harness/inputs/data-sources.ts';
import { withMode, type Scenario } from '../../harness/inputs/scenario.ts';
import { int, modeList, number, text } from '../values.ts';
import { MODES, type Mode } from '../../models/config.ts';
import { cachedIce40, printIce40 } from './synth-ice40.ts';

const target = (v: string): string => {
  if (!TARGET_NAMES.includes(v)) throw new InvalidArgumentError(`'${v}' is not one of ${TARGET_NAMES.join(', ')}`);
  return v;
};

export const synthCommand = (program: Command) =>
  dataOptions(withParams(program.command('synth').description('FPGA resources and clock of one configuration: Yosys synth_xilinx and a timing estimate (xc7), or synth_ice40 and nextpnr-ice40 place and route (iCE40)')))
    .option('--mode <modes>', `${MODES.join(', ')}, or a comma list (each is run, the differences printed; default: softmax)`, modeList)
    .option('--target <target>', `${TARGET_NAMES.join(', ')}`, target, 'xc7')
    .option('--clock <MHz>', 'the clock to meet (iCE40: nextpnr\'s constraint, default: none, the fastest found is reported; xc7: checked against the estimate)', number(0, 2000, 'a clock in MHz'))
    .option('--pnr-seed <n>', 'nextpnr --seed (placement is deterministic for a seed)', int(0, 2 ** 31 - 1), 1)
    .option('--seed <n>', 'seed of the generated weights (the ROM contents)', int(0), 1)
    .option('--json <file>', 'write the report as JSON', text)
    .option('--timeout <seconds>', 'per tool run (Yosys, nextpnr) and per module', int(1), DEFAULT_YOSYS_TIMEOUT_MS / 1000)
    .option('--out <dir>', 'iCE40: the place-and-route cache goes to <dir>/synth/', text, 'out')
    .option('--no-cache', 'iCE40: place and route again even when the cache has the result')
    .option('--no-modules', 'xc7: skip the per-module breakdown')
    .addOption(new Option('--keep-bram-init', 'xc7: plain synth_xilinx, BRAM contents kept through mapping (docs/sweep.md)'))
    .action(async (o, cmd) => {
      process.exitCode = await synth(o, cmd);
    });

type DataFlags = Parameters<typeof dataOf>[0];

interface Opts extends Omit<DataFlags, 'out'> {
  mode?: Mode[];
  target: string;
  clock?: number;
  pnrSeed: number;
  seed: number;
  json?: string;
  timeout: number;
  out: string;
  cache: boolean;
  modules: boolean;
  keepBramInit?: true;
}

/** One mode's result in the units both targets share. */
interface Run {
  config: HeadConfig;
  report: (SynthReport & { target: 'xc7' }) | (Ice40Report & { key: string });
  clock: TimingFigures;
  lut: number;
  bram: number;
  bramUnit: string;
  dsp: number;
  latency: number;
  ii: number;
  latencyNs: number | null;
  iiNs: number | null;
}

async function synth(o: Opts, cmd: Command<any, any, any>): Promise<number> {
  const { params, modes: given } = await paramsOf(cmd, o.mode);
  const modes = given ?? ['softmax' as Mode];
  const t = targetOf(o.target);
  if (t.family === 'xc7' && (cmd.getOptionValueSource('pnrSeed') === 'cli')) throw new InputError('--pnr-seed: only iCE40 targets are placed and routed');
  if (o.json) checkWritableFile(o.json, '--json');
  const runs: Run[] = [];
  // with data flags, the weights (and with --auto-formats the formats) are the user's
  const sourced = anySource(o) ? await sourcedScenario(dataOf({ ...o, out: o.out }, params), modes) : null;
  for (const note of sourced?.src.notes ?? []) console.log(note);
  for (const mode of modes) {
    const s = sourced ? withMode(sourced.base, mode) : buildScenario(parseConfig({ ...params, mode }), 1, o.seed);
    const config = s.config;
    const c = config;
    console.log(`synth ${t.name}: ${c.mode}${c.mode === 'softmax' ? ` (${c.divider})` : ''}, classes ${c.classes}, inputs ${c.inputs}, kPar ${c.kPar}, cPar ${c.cPar}, select ${c.select}, topK ${c.topK}, expLut ${c.expLut.addrBits}/${c.expLut.outBits}/${c.expLut.range}, seed ${o.seed}`);
    try {
      runs.push(await runOne(s, t, o));
    } catch (e) {
      if (o.json) writeJson(o.json, { command: 'synth', target: t.name, config: c, seed: o.seed, status: e instanceof InputError ? 'does-not-fit' : 'failed', error: e instanceof Error ? e.message : String(e) });
      if (e instanceof SynthError && /timed out after/.test(e.message)) throw new InputError(`${e.message.split('\n')[0]!.replace(/: timed out after (\d+) s, killed/, ' ran past --timeout $1 s and was stopped')}`);
      if (!(e instanceof SynthError)) throw e;
      console.error(`headsim synth: synthesis failed: ${e.message}`);
      return 1;
    }
  }
  const diff = runs.length > 1 ? runs.slice(1).map((r) => difference(runs[0]!, r)) : null;
  for (const d of diff ?? []) console.log(d.line);
  const missed = o.clock !== undefined ? runs.filter((r) => r.clock.fmax < o.clock!) : [];
  for (const r of missed) console.log(`clock not met: ${r.config.mode} reaches ${r.clock.fmax} MHz (${r.clock.kind}) < --clock ${o.clock} MHz`);
  if (o.json) {
    const one = (r: Run) => ({ command: 'synth', config: r.config, seed: o.seed, status: 'ok', fmax: r.clock.fmax, fmaxKind: r.clock.kind, latency: r.latency, ii: r.ii, latencyNs: r.latencyNs, iiNs: r.iiNs, ...r.report, target: t.name });
    writeJson(o.json, runs.length === 1 ? one(runs[0]!) : { command: 'synth', target: t.name, runs: runs.map(one), differences: diff!.map(({ line: _l, ...d }) => d) });
  }
  return missed.length ? 1 : 0;
}

async function runOne(s: Scenario, t: Target, o: Opts): Promise<Run> {
  const config = s.config;
  const tm = timing(s.g);
  const base = { config, latency: tm.latency, ii: tm.ii };
  const inNs = (clock: TimingFigures) => ({ latencyNs: cyclesToNs(tm.latency, clock.fmax), iiNs: cyclesToNs(tm.ii, clock.fmax) });
  if (t.family === 'xc7') {
    const r = await synthesize(s, { timeoutMs: o.timeout * 1000, modules: o.modules, keepBramInit: o.keepBramInit === true });
    printXc7(r);
    const clock = r.timing!;
    const run = { ...base, report: { ...r, target: 'xc7' as const }, clock, lut: r.lut, bram: r.bram, bramUnit: 'BRAM36', dsp: r.dsp, ...inNs(clock) };
    printClock(run);
    return run;
  }
  const inputs = synthInputs(s);
  const { report, key, cached } = await cachedIce40(inputs, t, { clock: o.clock ?? null, pnrSeed: o.pnrSeed, timeoutMs: o.timeout * 1000, cacheDir: o.cache ? join(o.out, 'synth') : null });
  printIce40(report, cached);
  const run = { ...base, report: { ...report, key }, clock: report.routed, lut: report.head.lut4, bram: report.head.ebr, bramUnit: 'EBR', dsp: report.head.dsp, ...inNs(report.routed) };
  printClock(run);
  return run;
}

function printClock(r: Run): void {
  const st = Object.entries(r.clock.stages ?? {});
  if (st.length) console.log(`  longest path into each module (${r.clock.kind}): ${st.map(([m, t]) => `${m} ${t} ns`).join(', ')}`);
  console.log(`latency ${r.latency} cycles = ${r.latencyNs} ns, II ${r.ii} cycles = ${r.iiNs} ns at ${r.clock.fmax} MHz (${r.clock.kind})`);
}

function printXc7(r: SynthReport): void {
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
  if (r.timing) console.log(`clock, pre-route estimate (Yosys sta, 7-series cell delays, no routing: the routed clock is lower): ${r.timing.fmax} MHz (${r.timing.period} ns)\n  critical path: ${pathLabel(r.timing.path)}`);
}

/** b − a in the resources both targets report, and in ns. */
function difference(a: Run, b: Run) {
  const d = {
    from: a.config.mode,
    to: b.config.mode,
    lut: b.lut - a.lut,
    dsp: b.dsp - a.dsp,
    bram: Math.round((b.bram - a.bram) * 10) / 10,
    bramUnit: a.bramUnit,
    fmax: Math.round((b.clock.fmax - a.clock.fmax) * 100) / 100,
    latency: b.latency - a.latency,
    latencyNs: a.latencyNs !== null && b.latencyNs !== null ? Math.round((b.latencyNs - a.latencyNs) * 10) / 10 : null,
    iiNs: a.iiNs !== null && b.iiNs !== null ? Math.round((b.iiNs - a.iiNs) * 10) / 10 : null,
  };
  const sg = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x}`);
  const lutUnit = a.bramUnit === 'EBR' ? 'LUT4' : 'LUT';
  const line = `${b.config.mode} − ${a.config.mode}: ${sg(d.lut)} ${lutUnit}, ${sg(d.bram)} ${d.bramUnit}, ${sg(d.dsp)} ${a.bramUnit === 'EBR' ? 'SB_MAC16' : 'DSP48E1'}, clock ${sg(d.fmax)} MHz, latency ${sg(d.latency)} cycles = ${sg(d.latencyNs)} ns, II ${sg(d.iiNs)} ns`;
  return { ...d, line };
}

const scale = (m: Resources, n: number) => addResources(emptyResources(), m, n);
