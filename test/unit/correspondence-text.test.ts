// The text side of the correspondence proof (harness/formal/correspondence.ts): undriven wires
// get names that two elaborations share, hint observers are appended to the module, and the
// unproven pairs are read back from equiv_status.
import { describe, expect, it } from 'vitest';
import { portsOf, prepareCopy, stableName, unprovenSignals, widthOf } from '../../harness/formal/correspondence.ts';

const MODULE = `module \\gold
  wire width 2 input 1 \\s_data
  wire width 6 output 2 \\m_value
  wire \\output_stage.rd_valid
  wire width 2 \\output_stage.rd_lane
  wire width 16 $memory\\mac_array.rom$rdmux[0][1][1]$b$1268
  cell $mux $m1
    connect \\B $memory\\mac_array.rom$rdmux[0][1][1]$b$1268
  end
end
`;

describe('correspondence text', () => {
  it('names an undriven wire without source paths or running ids', () => {
    expect(stableName('$memory\\mac_array.rom$rdmux[0][1][1]$b$1268')).toBe('\\dc.memory\\mac_array.rom$rdmux[0][1][1]$b');
    const a = stableName('$flatten\\exp_unit.$memrd$\\g_roms.hi_rom$/work/main/rtl/exp_unit.v:131$134_DATA');
    const b = stableName('$flatten\\exp_unit.$memrd$\\g_roms.hi_rom$/tmp/m/rtl/exp_unit.v:131$140_DATA');
    expect(a).toBe(b);
    expect(a).not.toMatch(/\/|\s/);
  });

  it('renames exposed wires everywhere and appends one observer per hint', () => {
    const out = prepareCopy(MODULE, ['$memory\\mac_array.rom$rdmux[0][1][1]$b$1268'], [{ when: 'output_stage.rd_valid', equal: 'output_stage.rd_lane' }]);
    expect(out).not.toContain('$b$1268');
    expect(out.match(/\\dc\.memory\\mac_array\.rom\$rdmux\[0\]\[1\]\[1\]\$b\b/g)).toHaveLength(2);
    expect(out).toMatch(
      /cell \$mux \$hint_0_mux\n {4}parameter \\WIDTH 2\n {4}connect \\A 2'00\n {4}connect \\B \\output_stage\.rd_lane\n {4}connect \\S \\output_stage\.rd_valid\n/,
    );
    expect(out.trimEnd().endsWith('  end\nend')).toBe(true);
  });

  it('refuses a hint on a missing signal or a wide condition', () => {
    expect(() => prepareCopy(MODULE, [], [{ when: 'output_stage.nope', equal: 'output_stage.rd_lane' }])).toThrow(/no signal 'output_stage.nope'/);
    expect(() => prepareCopy(MODULE, [], [{ when: 'output_stage.rd_lane', equal: 'm_value' }])).toThrow(/not a 1-bit condition/);
  });

  it('reads widths, ports and unproven pairs', () => {
    expect(widthOf(MODULE, 'output_stage.rd_valid')).toBe(1);
    expect(widthOf(MODULE, 'm_value')).toBe(6);
    expect(portsOf(MODULE)).toEqual(['s_data', 'm_value']);
    const log = [
      '  Unproven $equiv $auto$equiv_make.cc:274:find_same_wires$2791: \\exp_unit.o_z_gold [5] \\exp_unit.o_z_gate [5]',
      '  Unproven $equiv $auto$equiv_make.cc:274:find_same_wires$2790: \\exp_unit.o_z_gold [4] \\exp_unit.o_z_gate [4]',
      '  Unproven $equiv $auto$equiv_make.cc:274:find_same_wires$1479: \\output_stage.lane_gold \\output_stage.lane_gate',
    ].join('\n');
    expect(unprovenSignals(log)).toEqual(['exp_unit.o_z', 'output_stage.lane']);
  });
});
