// NAME.v, the top of an exported head: AXI4-Stream ports around rtl/head.v, every parameter
// resolved to the number harness/rtl/params.ts derives for this configuration. Pure wiring (the
// reset inverted, fields padded): synthesis of the export counts what `headsim synth` counts.
import type { Scenario } from '../inputs/scenario.ts';
import { rtlParams } from '../rtl/params.ts';
import { axisLayout, qFormat, type AxisLayout } from './axis.ts';
import type { ExportMemory } from './memories.ts';

export interface TopOptions {
  name: string;
  /** the images loaded by $readmemh (empty: contents embedded in the module copies) */
  memories: ExportMemory[];
  /** module name of the head inside (embed: NAME_head) */
  headModule: string;
  /** header lines (provenance: config and data hashes) */
  header: string[];
}

/** `.A(1), .B(2), …` wrapped at about 96 columns. */
function paramLines(params: [string, string | number][], indent: string): string {
  const items = params.map(([k, v]) => `.${k}(${v})`);
  const lines: string[] = [];
  let cur = '';
  for (const it of items) {
    if (cur && cur.length + it.length + 2 > 96) {
      lines.push(cur + ',');
      cur = '';
    }
    cur = cur ? `${cur}, ${it}` : it;
  }
  if (cur) lines.push(cur);
  return lines.map((l) => indent + l).join('\n');
}

export function topVerilog(s: Scenario, o: TopOptions): string {
  const { g } = s;
  const a: AxisLayout = axisLayout(g);
  const params: [string, string | number][] = Object.entries(rtlParams(g, s.config.relu));
  for (const m of o.memories) params.push([m.param, m.param]);
  const range = (w: number) => `[${w - 1}:0]`;
  const lane = qFormat(a.laneW, a.laneFrac, true);
  const value = qFormat(a.valueW, a.valueFrac, a.valueSigned);
  const valueExt = a.valueFieldW > a.valueW ? `, ${a.valueSigned ? 'sign' : 'zero'}-extended to ${a.valueFieldW} bits` : '';
  const lines = [
    ...o.header.map((l) => `// ${l}`),
    `module ${o.name}${o.memories.length ? ' #(' : ' ('}`,
  ];
  if (o.memories.length) {
    lines.push(`  // Memory images for $readmemh, relative to the working directory of the simulator or synthesis`);
    lines.push(`  // tool (or found by name once added to a project: vivado.tcl); ${o.name}.md lists what each holds.`);
    o.memories.forEach((m, i) => lines.push(`  parameter ${m.param} = "${m.file}"${i < o.memories.length - 1 ? ',' : ''}`));
    lines.push(') (');
  }
  const sPad = a.sDataW - a.sUsedW;
  const port = (dir: 'input ' | 'output', w: number, name: string, comment: string, last = false) =>
    `  ${dir} wire ${(w > 1 ? range(w) : '').padEnd(8)} ${name}${last ? '' : ','}${comment ? `  // ${comment}` : ''}`;
  lines.push(
    port('input ', 1, 'aclk', 'every register on the rising edge'),
    port('input ', 1, 'aresetn', 'synchronous, active low; hold low for at least one cycle'),
    port('input ', a.sDataW, 's_axis_tdata', `${a.lanes} input lanes, lane i (${lane}) at [${a.laneW}*i +: ${a.laneW}]${sPad ? `; [${a.sDataW - 1}:${a.sUsedW}] ignored` : ''}`),
    port('input ', 1, 's_axis_tvalid', ''),
    port('output', 1, 's_axis_tready', ''),
    port('input ', 1, 's_axis_tlast', `last beat of a vector (${g.B} beats; the head counts them, tlast is not checked)`),
    port('output', a.mDataW, 'm_axis_tdata', `[${a.valueFieldW - 1}:0] ${a.valueName} (${value}${valueExt}), [${a.mDataW - 1}:${a.indexLsb}] class index`),
    port('output', 1, 'm_axis_tvalid', ''),
    port('input ', 1, 'm_axis_tready', ''),
    port('output', 1, 'm_axis_tlast', `last entry of a vector (${g.E} entries${g.emitAll ? ', class order' : ', best first'})`, true),
    ');',
    `  wire [${g.idxW - 1}:0] m_index;`,
    `  wire [${g.valW - 1}:0] m_value;`,
    '',
    `  ${o.headModule} #(`,
    paramLines(params, '    '),
    '  ) head (',
    '    .clk(aclk), .rst(!aresetn),',
    `    .s_valid(s_axis_tvalid), .s_ready(s_axis_tready), .s_data(s_axis_tdata[${a.sUsedW - 1}:0]), .s_last(s_axis_tlast),`,
    '    .m_valid(m_axis_tvalid), .m_ready(m_axis_tready), .m_index(m_index), .m_value(m_value), .m_last(m_axis_tlast)',
    '  );',
    '',
  );
  const valueBits = a.valueW < g.valW ? `m_value[${a.valueW - 1}:0]` : 'm_value';
  const valueField =
    a.valueFieldW > a.valueW ? `{{${a.valueFieldW - a.valueW}{${a.valueSigned ? `m_value[${a.valueW - 1}]` : "1'b0"}}}, ${valueBits}}` : valueBits;
  const indexField = a.indexFieldW > a.indexW ? `{{${a.indexFieldW - a.indexW}{1'b0}}, m_index}` : 'm_index';
  lines.push(`  assign m_axis_tdata = {${indexField}, ${valueField}};`);
  const unused = [...(sPad ? [`s_axis_tdata[${a.sDataW - 1}:${a.sUsedW}]`] : []), ...(a.valueW < g.valW ? [`m_value[${g.valW - 1}:${a.valueW}]`] : [])];
  if (unused.length) lines.push(`  wire unused = &{1'b0, ${unused.join(', ')}};  // padding, and the value's extension bits`);
  lines.push('endmodule', '');
  return lines.join('\n');
}
