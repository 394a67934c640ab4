// Builds the formal model of one configuration with Debian's Yosys (`yosys`, read -formal):
// rtl/*.v + the property file + the generated top (top.ts), taps connected, the arithmetic of
// the datapath cut (below), then an AIGER model whose outputs are the properties' bad signals
// (model.aig, model.aim) for ABC (engine.ts), and the same design before bit-blasting
// (model.il) for replaying a counterexample into a VCD (cex.ts).
//
// Memories: the weight, bias and exp ROMs are loaded with the scenario's images
// (harness/rtl/memfiles.ts, as synthesis loads them), but every ROM read, multiplier and wide
// adder, shifter and comparator of the head (results ≥ DATA_W bits) is replaced by a free value
// (`cutpoint`). The control of the head (valid bits, counters, sequencer, handshakes) never
// depends on a datapath value, so the stream properties then hold for every datapath value
// the cut could produce, the real ones included (a sound over-approximation); without the cut
// the SMT and SAT engines spend minutes on 16 × 16 multipliers they do not need. Registers
// without a reset start at any value (write_aiger -zinit adds an input for each).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rtlSources } from '../rtl/head-build.ts';
import { rtlParams } from '../rtl/params.ts';
import { writeMemFiles, type MemFiles } from '../rtl/memfiles.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { CommandNotFoundError, runCommand, tail } from '../../lib/proc.ts';
import { InputError } from '../../lib/errors.ts';
import { HEAD_PROPS, PROPS_DIR, harnessTopSource, propertiesOf, tapsOf, topSource, type PropertyDecl } from './top.ts';

/** Cells of the head whose result (or compared operands) is at least this wide are datapath. */
export const DATA_W = 12;

export const DUT = 'c:$flatten\\dut.* %i';

/** The datapath cut (see the header): ROM reads, multipliers, wide arithmetic and compares. */
export const CUT = [
  `cutpoint t:$mul ${DUT}`,
  `cutpoint t:$memrd t:$memrd_v2 %u ${DUT}`,
  `cutpoint t:$add t:$sub t:$neg t:$shl t:$shr t:$sshr t:$shift t:$shiftx %u %u %u %u %u %u %u r:Y_WIDTH>=${DATA_W} %i ${DUT}`,
  `cutpoint t:$lt t:$le t:$gt t:$ge t:$eq t:$ne %u %u %u %u %u r:A_WIDTH>=${DATA_W} r:B_WIDTH>=${DATA_W} %u %i ${DUT}`,
];

export class FormalToolError extends Error {
  override name = 'FormalToolError';
}

export interface FormalModel {
  dir: string;
  aig: string;
  aim: string;
  /** the design before bit-blasting (RTLIL), for counterexample replay */
  il: string;
  properties: PropertyDecl[];
  mem: MemFiles;
  seconds: number;
}

/** Yosys lines that elaborate head from `rtlDir` with these parameters, flattened (equivalence checks). */
export function elaborateHead(rtlDir: string, params: Record<string, number | string>): string[] {
  const set = Object.entries(params)
    .map(([k, v]) => `-set ${k} ${typeof v === 'number' ? v : JSON.stringify(v)}`)
    .join(' ');
  return [
    `read_verilog -defer -DSYNTHESIS ${rtlSources(rtlDir)
      .map((f) => `"${f}"`)
      .join(' ')}`,
    `chparam ${set} head`,
    'hierarchy -top head',
    'proc',
    'flatten',
  ];
}

/** The file parameters of head: the scenario's memory images by absolute path. */
const fileParams = (m: MemFiles): Record<string, string> => ({
  WEIGHTS_FILE: m.weights,
  BIAS_FILE: m.bias,
  EXP_FILE: m.exp,
  EXP_HI_FILE: m.exp_hi,
  EXP_LO_FILE: m.exp_lo,
  RECIP_FILE: m.recip,
  SCALE_FILE: m.scale,
});

/** The Yosys script (read, taps, cut, AIGER). */
export function buildScript(sources: string[], properties: PropertyDecl[], taps: { wire: string; path: string }[], opts: { cut: boolean }): string {
  return [
    // -DSYNTHESIS: the RTL reads its memory images by parameter ($value$plusargs is simulation only)
    `read_verilog -defer -formal -DSYNTHESIS ${sources.map((s) => `"${s}"`).join(' ')}`,
    'hierarchy -check -top formal_top',
    'proc',
    'flatten',
    'cd formal_top',
    ...taps.map((t) => `connect -nounset -set props.${t.wire} dut.${t.path}`),
    ...properties.map((p) => `connect -nounset -set ok_${p.name} props.p_${p.name}`),
    'connect -nounset -set env_ok props.env_ok',
    'cd ..',
    'opt_clean',
    'prep -top formal_top',
    'memory_collect',
    ...(opts.cut ? CUT : []),
    'opt_clean',
    'memory_map',
    'opt -fast',
    'async2sync',
    'dffunmap',
    'setundef -undriven -anyseq',
    'opt -fast -keepdc',
    'check -assert',
    'write_rtlil model.il',
    // the properties are the outputs now, the source's rules folded into them (env_ok)
    'chformal -remove',
    'techmap',
    'opt -fast',
    'dffunmap',
    'abc -g AND -fast',
    'opt_clean',
    'write_aiger -zinit -miter -map model.aim model.aig',
    '',
  ].join('\n');
}

export async function runYosys(dir: string, script: string, what: string, timeoutMs = 10 * 60_000): Promise<string> {
  writeFileSync(join(dir, `${what}.ys`), script);
  const r = await runCommand('yosys', ['-q', '-l', `${what}.log`, '-s', `${what}.ys`], { cwd: dir, timeoutMs }).catch((e) => {
    if (e instanceof CommandNotFoundError) throw new InputError('yosys not found: apt-get install -y yosys (Debian yosys with yosys-abc; make deps)');
    throw e;
  });
  if (r.code !== 0) {
    const first = (r.stderr || r.stdout).split('\n').find((l) => /ERROR/.test(l)) ?? tail(r.stderr || r.stdout, 1);
    throw new FormalToolError(`yosys (${what}) failed: ${first.trim()}; log: ${join(dir, `${what}.log`)}`);
  }
  return r.stdout;
}

/** The model of one configuration in `dir` (created by the caller). */
export async function buildFormalModel(s: Scenario, dir: string, opts: { cut?: boolean; rtlDir?: string; mem?: MemFiles } = {}): Promise<FormalModel> {
  const t0 = performance.now();
  const mem = opts.mem ?? writeMemFiles(s, join(dir, 'mem'));
  const properties = propertiesOf(HEAD_PROPS);
  const top = join(dir, 'formal_top.v');
  writeFileSync(top, topSource(s.g, { ...rtlParams(s.g, s.config.relu), ...fileParams(mem) }, properties));
  const sources = [...rtlSources(opts.rtlDir), HEAD_PROPS, top];
  await runYosys(dir, buildScript(sources, properties, tapsOf(HEAD_PROPS), { cut: opts.cut !== false }), 'model');
  return {
    dir,
    aig: join(dir, 'model.aig'),
    aim: join(dir, 'model.aim'),
    il: join(dir, 'model.il'),
    properties,
    mem,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The ranking harness of the configuration's selector: its module and property file. */
export const selectorHarness = (g: { stream: boolean }) => {
  const module = g.stream ? 'stream_rank' : 'tree_rank';
  return { module, file: `${PROPS_DIR}${module}.v` };
};

/**
 * The logit width of the ranking harness. The selectors (comparator_tree.v, stream_selector.v)
 * only compare logits (signed >, >=) and copy them, and are parametric in LOGIT_W; so the
 * ranking they produce depends only on the order of the logits, ties included, and every order
 * of N logits (ties included) occurs among the values 0 … N−1, which a signed clog2(N)+1-bit
 * logit holds. A proof at that width covers every logit width (at the config's own width, 16
 * bits, pdr does not close in minutes).
 */
export const rankLogitWidth = (g: { N: number; logitW: number }) => Math.min(g.logitW, Math.max(2, Math.ceil(Math.log2(g.N)) + 1));

/**
 * The ranking harness of the configuration's selector (props/tree_rank.v or stream_rank.v): the
 * selector alone, its inputs driven as the head drives them, the logits free and not cut (the
 * comparisons are what it checks), at rankLogitWidth.
 */
export async function buildSelectorModel(s: Scenario, dir: string, mem: MemFiles, opts: { rtlDir?: string } = {}): Promise<FormalModel> {
  const t0 = performance.now();
  const g = s.g;
  const { module, file } = selectorHarness(g);
  const properties = propertiesOf(file);
  const w = rankLogitWidth(g);
  const params: Record<string, number> = { CLASSES: g.N, ROUNDS: g.R, IDX_W: g.idxW, LOGIT_W: w, ...(g.stream ? {} : { LEVELS: g.L }) };
  // the harness's free inputs (its ports besides clk and rst)
  const inputs = g.stream
    ? [
        { name: 'drain', width: 1 },
        { name: 'hold', width: 1 },
        { name: 'd_val', width: w },
      ]
    : [
        { name: 'load', width: 1 },
        { name: 'done', width: 1 },
        { name: 'z_next', width: g.N * w },
      ];
  const top = join(dir, 'formal_top.v');
  writeFileSync(top, harnessTopSource(module, params, properties, inputs));
  const sources = [...rtlSources(opts.rtlDir), file, top];
  await runYosys(dir, buildScript(sources, properties, [], { cut: false }), 'model');
  return {
    dir,
    aig: join(dir, 'model.aig'),
    aim: join(dir, 'model.aim'),
    il: join(dir, 'model.il'),
    properties,
    mem,
    seconds: (performance.now() - t0) / 1000,
  };
}
