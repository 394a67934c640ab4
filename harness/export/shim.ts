// The lockstep's adapter to an exported head: a module with head's ports (clk, rst, s_*, m_*),
// the ones every RTL backend drives, around the export's AXI4-Stream top: the reset inverted,
// s_data padded into s_axis_tdata, m_index and m_value unpacked from m_axis_tdata (the value
// sign- or zero-extended back to head's VAL_W). Written into the run directory, not the export.
import type { Geometry } from '../../models/geometry.ts';
import { EXPORT_SHIM_SCOPE } from '../../waves/vcd-source.ts';
import { axisLayout } from './axis.ts';

export const SHIM_MODULE = EXPORT_SHIM_SCOPE;

export function shimVerilog(g: Geometry, top: string): string {
  const a = axisLayout(g);
  const pad = a.sDataW - a.sUsedW;
  const sData = pad ? `{{${pad}{1'b0}}, s_data}` : 's_data';
  const value = `tdata[${a.valueW - 1}:0]`;
  const ext = g.valW > a.valueW ? `{{${g.valW - a.valueW}{${a.valueSigned ? `tdata[${a.valueW - 1}]` : "1'b0"}}}, ${value}}` : value;
  return [
    `// ${SHIM_MODULE}: head's ports around the exported top ${top}, for headsim's lockstep (cosim --rtl).`,
    `module ${SHIM_MODULE} (`,
    '  input  wire clk,',
    '  input  wire rst,',
    '  input  wire s_valid,',
    '  output wire s_ready,',
    `  input  wire [${a.sUsedW - 1}:0] s_data,`,
    '  input  wire s_last,',
    '  output wire m_valid,',
    '  input  wire m_ready,',
    `  output wire [${g.idxW - 1}:0] m_index,`,
    `  output wire [${g.valW - 1}:0] m_value,`,
    '  output wire m_last',
    ');',
    `  wire [${a.mDataW - 1}:0] tdata;`,
    `  ${top} dut (`,
    '    .aclk(clk), .aresetn(!rst),',
    `    .s_axis_tdata(${sData}), .s_axis_tvalid(s_valid), .s_axis_tready(s_ready), .s_axis_tlast(s_last),`,
    '    .m_axis_tdata(tdata), .m_axis_tvalid(m_valid), .m_axis_tready(m_ready), .m_axis_tlast(m_last)',
    '  );',
    `  assign m_index = tdata[${a.indexLsb + g.idxW - 1}:${a.indexLsb}];`,
    `  assign m_value = ${ext};`,
    'endmodule',
    '',
  ].join('\n');
}
