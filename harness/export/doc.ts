// NAME.md, the datasheet of an exported head: what it computes, its AXI4-Stream interface and
// the fixed-point format of every field, latency and II for this configuration, resources,
// the verification it passed, the hashes that identify it, and how to use it in Vivado,
// FuseSoC, Yosys, Verilator, Icarus and cocotb.
import { RECIP_BITS, SCALE_FRAC, SCALE_WIDTH, timing, type Geometry } from '../../models/geometry.ts';
import type { Scenario } from '../inputs/scenario.ts';
import { qFormat, type AxisLayout } from './axis.ts';
import type { ExportManifest, ResourceFigures } from './manifest.ts';

const fmt = (w: number, f: number, signed = true) => `${qFormat(w, f, signed)} ({${w}, ${f}}${signed ? ', signed' : ', unsigned'})`;

function whatItComputes(s: Scenario): string {
  const c = s.config;
  const g = s.g;
  const out =
    g.mode === 'argmax'
      ? 'the logits themselves'
      : g.mode === 'softmax'
        ? `softmax probabilities exp(z − max z) / Σ exp(z − max z) (exp from ${g.split ? 'two split LUT tables and a multiplier' : `a ${2 ** g.expAddrBits}-entry table`}, ${g.serial ? 'a serial divider' : g.recipDivide ? '1/Σe by one division per vector' : `1/Σe from a ${2 ** RECIP_BITS}-entry table`})`
        : 'approx scores exp(z) · 1/Σexp(w) (the question\'s "approx": no max subtraction)';
  const order = g.emitAll ? `all ${g.N} classes in class order` : `the top ${g.E} classes, best first (ties: the lower index)`;
  return [
    `A classifier head: ${c.relu ? 'ReLU on the input, then ' : ''}a dense layer of ${g.N} classes × ${g.K} inputs (${g.kPar} input lanes per beat, ${g.cPar} class rows in parallel${g.P > 1 ? `, ${g.P} passes` : ''}), bias, requantized logits, ranked by ${g.stream ? 'a stream selector (the top-K kept as each group of logits arrives)' : 'a comparator tree'}; it emits ${order}, each with ${out}.`,
  ].join('\n');
}

function portsTable(g: Geometry, a: AxisLayout): string {
  const rows = [
    ['`aclk`', 'in', '1', 'clock; every register on the rising edge'],
    ['`aresetn`', 'in', '1', 'synchronous reset, active low; hold low for at least one cycle. Vectors in flight are dropped'],
    ['`s_axis_tdata`', 'in', String(a.sDataW), `one beat: ${a.lanes} input lanes${a.sDataW > a.sUsedW ? ` in [${a.sUsedW - 1}:0], [${a.sDataW - 1}:${a.sUsedW}] ignored` : ''}`],
    ['`s_axis_tvalid`', 'in', '1', ''],
    ['`s_axis_tready`', 'out', '1', 'low while the head cannot take a beat (backpressure from m_axis, or the input stage busy)'],
    ['`s_axis_tlast`', 'in', '1', `high on the last beat of a vector; the head counts ${g.B} beats per vector and does not check it`],
    ['`m_axis_tdata`', 'out', String(a.mDataW), `one entry: ${a.valueName} and class index`],
    ['`m_axis_tvalid`', 'out', '1', ''],
    ['`m_axis_tready`', 'in', '1', 'backpressure is honoured: entries wait, nothing is dropped'],
    ['`m_axis_tlast`', 'out', '1', `high on the last entry of a vector (${g.E} entries per vector)`],
  ];
  return ['| port | dir | bits | meaning |', '|---|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function formatsTable(s: Scenario, a: AxisLayout): string {
  const g = s.g;
  const c = s.config;
  const valueExt = a.valueFieldW > a.valueW ? `, ${a.valueSigned ? 'sign' : 'zero'}-extended to ${a.valueFieldW} bits` : '';
  const rows: string[][] = [
    ['`s_axis_tdata[' + `${a.laneW}·i + ${a.laneW - 1} : ${a.laneW}·i` + ']`', `input x[${g.kPar}·beat + i], lane i = 0 … ${a.lanes - 1}; lanes past K = ${g.K} in the last beat are ignored`, fmt(c.inFmt.width, c.inFmt.frac)],
    ['`m_axis_tdata[' + `${a.valueFieldW - 1}:0` + ']`', `${a.valueName}${valueExt}`, fmt(a.valueW, a.valueFrac, a.valueSigned)],
    ['`m_axis_tdata[' + `${a.mDataW - 1}:${a.indexLsb}` + ']`', `class index 0 … ${g.N - 1} (${a.indexW} bits, zero-extended)`, 'unsigned integer'],
  ];
  const inner: string[][] = [
    ['weights', `weight ROM, ${c.wFmt.width}-bit words`, fmt(c.wFmt.width, c.wFmt.frac)],
    ['bias', 'bias ROM', fmt(c.biasFmt.width, c.biasFmt.frac)],
    ['accumulator', g.accSat ? 'saturating (narrower than the proven width)' : 'the proven width: never wraps', fmt(g.accW, c.inFmt.frac + c.wFmt.frac)],
    ['logit', 'requantized: round half up, saturate', fmt(c.logitFmt.width, c.logitFmt.frac)],
  ];
  if (g.mode !== 'argmax') {
    inner.push(['exp', `exp table output, index = d >> ${g.expShift} over d ∈ [0, ${c.expLut.range})`, fmt(g.expOutBits, g.expOutBits, false)]);
    if (g.mode === 'softmax') inner.push(['Σe', 'sum of exps', `${g.sumW}-bit unsigned integer of exp LSBs`]);
    else inner.push(['scale', 'approx constant 1/Σexp(w) (in the scale image)', fmt(SCALE_WIDTH, SCALE_FRAC, false)]);
    inner.push([g.mode === 'softmax' ? 'probability' : 'score', 'emitted value', fmt(c.probFmt.width, c.probFmt.frac, false)]);
  }
  return [
    '| bits | field | format |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Inside (${qFormat(16, 10, true)} means a sign bit, 5 integer bits, 10 fraction bits: value = integer / 2^10):`,
    '',
    '| value | | format |',
    '|---|---|---|',
    ...inner.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function timingText(g: Geometry): string {
  const t = timing(g);
  const st = t.stages;
  const firstMove = (st.select ?? 0) + (st.normalize ?? 0) + (st.emit ?? 0) - 1;
  const symbols = { P: g.P, B: g.B, cPar: g.cPar, rowsLast: g.rowsLast, L: g.L, R: g.R, E: g.E, G: g.G, X: g.X, D: g.D, DIV: g.mode === 'softmax' && g.serial ? g.Q : 0, FIRST_MOVE: firstMove };
  return [
    `- **Latency ${t.latency} cycles**: first input beat accepted → first \`m_axis_tvalid\`, no stalls. ${t.formula.latency} = ${Object.entries(st)
      .map(([k, v]) => `${v} (${k})`)
      .join(' + ')}.`,
    `- **II ${t.ii} cycles** between the first outputs of consecutive vectors (inputs back to back, no backpressure): ${t.formula.ii}. One vector every ${t.ii} cycles: ${(1e3 / t.ii).toFixed(2)} M vectors/s per GHz of \`aclk\`.`,
    `- With ${Object.entries(symbols)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ')} (docs/ARCHITECTURE.md §Timing of headsim; checked against the model and the RTL on every headsim run).`,
  ].join('\n');
}

const RES_COLS: [keyof ResourceFigures, string][] = [
  ['lut', 'LUT'],
  ['ff', 'FF'],
  ['dsp', 'DSP48E1'],
  ['bram', 'BRAM (RAMB36 eq.)'],
  ['carry', 'CARRY4'],
  ['srl', 'SRL'],
  ['lutram', 'LUTRAM cells'],
  ['logicDepth', 'logic depth'],
];

function resourcesText(m: ExportManifest): string {
  const r = m.resources;
  if (!r) return 'Not synthesized (`--verify` without `synth`); `headsim synth` with the same configuration gives the figures.';
  const row = (what: string, x: ResourceFigures) => `| ${what} | ${RES_COLS.map(([k]) => x[k]).join(' | ')} |`;
  return [
    `Yosys \`synth_xilinx -family xc7 -flatten\` (${r.yosysVersion}), the flattened design:`,
    '',
    `| | ${RES_COLS.map(([, h]) => h).join(' | ')} |`,
    `|---|${RES_COLS.map(() => '---').join('|')}|`,
    row('`headsim synth` of this configuration and data', r.headsimSynth),
    row(`its script on this directory's files (top \`${m.embedded ? `${m.name}_head` : 'head'}\` with the parameters \`${m.name}.v\` gives it)`, r.sameScript),
    row(`this directory as a user synthesizes it (top \`${m.name}\`, \`read_verilog -defer\`)`, r.top),
    '',
    `${m.embedded ? 'The second reads the renamed copies with the contents inline, so only FF, DSP, block RAM, CARRY4, SRL and LUTRAM must equal the first (checked).' : 'The first two are equal in every column (checked): what ships is what \`headsim synth\` measured.'} The third has FF, DSP, block RAM, CARRY4, SRL and LUTRAM equal (checked); its LUT count differs by ${r.top.lut - r.headsimSynth.lut >= 0 ? '+' : ''}${r.top.lut - r.headsimSynth.lut}: Yosys' ABC maps the same logic to a different number of LUTs when it sits one hierarchy level deeper, under a top that inverts the reset (up to some 15 % on the seed heads). Vivado's figures are its own.`,
  ].join('\n');
}

export function exportDoc(s: Scenario, m: ExportManifest, o: { command: string }): string {
  const g = s.g;
  const a = m.axis;
  const name = m.name;
  const mems = m.memories;
  const verify = m.verify.length
    ? ['| check | result | |', '|---|---|---|', ...m.verify.map((v) => `| ${v.step} | ${v.ok ? 'pass' : '**FAIL**'} | ${v.detail} |`)].join('\n')
    : 'None ran (`--verify none`).';
  return [
    `# ${name}`,
    '',
    `Exported by \`headsim export\` (\`${o.command}\`): ${g.mode}, ${g.N} classes, ${g.K} inputs. Generated; re-export instead of editing.`,
    '',
    whatItComputes(s),
    '',
    '## Files',
    '',
    '| file | |',
    '|---|---|',
    `| \`${name}.v\` | the top: AXI4-Stream ports, every parameter of \`head\` resolved |`,
    `| ${Object.keys(m.files)
      .filter((f) => f.endsWith('.v') && f !== `${name}.v`)
      .map((f) => `\`${f}\``)
      .join(', ')} | the head's modules${m.embedded ? `, renamed ${name}_<module>, memory contents embedded as initial assignments (--embed-memories)` : ', copied unchanged from headsim’s rtl/'} |`,
    ...mems.filter((x) => x.file).map((x) => `| \`${x.file}\` | ${x.words} words × ${x.width} bits: ${x.what} |`),
    `| \`${name}.f\`, \`${name}.tcl\`, \`${name}.core\` | file list; Vivado snippet; FuseSoC core |`,
    '| `tb/` | cocotb testbench (cocotbext-axi), golden vectors from the bit-true reference |',
    '| `headsim-export.json` | configuration, parameters, hashes, results (what `headsim cosim --rtl DIR` reads) |',
    '',
    '## Interface',
    '',
    portsTable(g, a),
    '',
    `A vector is ${g.B} beats on s_axis (${g.K} inputs, ${g.kPar} per beat); its result is ${g.E} entries on m_axis, the last with TLAST. Vectors may follow back to back; gaps inside a vector and backpressure anywhere are allowed. \`m_axis_tdata\`, TVALID and TLAST hold while TREADY is low. No TKEEP/TSTRB (every byte valid), TUSER, TID or TDEST: the index and value are all an entry carries, and a flag the head does not have (a first-entry TUSER) would be logic outside what headsim verified.`,
    '',
    '## Data formats',
    '',
    formatsTable(s, a),
    '',
    '## Timing',
    '',
    timingText(g),
    '',
    '## Resources',
    '',
    resourcesText(m),
    '',
    '## Verification',
    '',
    verify,
    '',
    `\`headsim cosim --rtl <this directory>${m.data.weights ? ' --weights …' : ''}\` runs headsim's lockstep (model and RTL compared on every port at every cycle, every value against the bit-true reference) on these files.`,
    '',
    '## Identity',
    '',
    `- configuration sha256 \`${m.configHash}\` (headsim-export.json \`config\`: usable as \`--config\`)`,
    `- data: ${m.data.describe}, seed ${m.seed}${m.data.weights ? `; weights + bias sha256 \`${m.data.weights}\`` : ''}`,
    `- rtl/ sha256 \`${m.rtlHash}\``,
    ...mems.map((x) => `- ${x.name} image sha256 \`${x.sha256}\``),
    '',
    '## Use',
    '',
    '```verilog',
    `${name} u_head (`,
    '  .aclk(clk), .aresetn(rst_n),',
    '  .s_axis_tdata(x_tdata), .s_axis_tvalid(x_tvalid), .s_axis_tready(x_tready), .s_axis_tlast(x_tlast),',
    '  .m_axis_tdata(y_tdata), .m_axis_tvalid(y_tvalid), .m_axis_tready(y_tready), .m_axis_tlast(y_tlast)',
    ');',
    '```',
    '',
    ...(m.embedded
      ? ['The memory contents are inside the Verilog: add the `.v` files, nothing else.']
      : [
          `The memory images are read by \`$readmemh\` with the file names of the \`*_FILE\` parameters of \`${name}\`, relative to the tool's working directory:`,
          '',
          `- **Vivado**: \`source ${name}.tcl\` (read_verilog + read_mem: synthesis and xsim find the images by name).`,
          `- **FuseSoC**: \`fusesoc library add ${name} <dir>\`, then \`fusesoc run --target lint|synth headsim:head:${name}\` (the images are copied into the build directory).`,
          '- **Yosys**: from this directory, `read_verilog -defer *.v` (`-defer`: a module is elaborated only as instantiated, with these parameters), then `synth_xilinx -top ' + name + '`.',
          `- **Verilator / Icarus**: run from this directory, or override the \`*_FILE\` parameters with paths (\`-G\` / \`-P${name}.WEIGHTS_FILE=\\"…\\"\`, as \`tb/Makefile\` does).`,
        ]),
    '',
    `**Testbench**: \`make -C tb\` (Icarus; \`pip install -r tb/requirements.txt\` for cocotb 2.x and cocotbext-axi): ${m.tbVectors} golden vectors through AxiStreamSource/AxiStreamSink with random pauses on both sides (\`TB_PAUSE\`, default 0.3), every entry compared, the AXI4-Stream rules checked on m_axis every cycle.`,
    '',
  ].join('\n');
}
