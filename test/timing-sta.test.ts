// The two timing analyses on small hand-made netlists (no tools): the routed one over an SDF as
// nextpnr writes it (ideal clock, the SB_MAC16 arcs by configuration, the wrapper's constant
// clocks ignored) and the pre-route one over a Yosys JSON with sta arrivals (register inputs
// only, an unused carry output is not a path).
import { describe, expect, it } from 'vitest';
import { analyzeEstimate } from '../harness/synth/estimate.ts';
import { mac16Arcs, MAC16_PS } from '../harness/synth/mac16-timing.ts';
import { moduleOf } from '../harness/synth/netlist.ts';
import { analyzeRouted } from '../harness/synth/routed-sta.ts';
import { readSdf } from '../harness/synth/sdf.ts';
import { cyclesToNs } from '../harness/synth/timing-types.ts';

const cell = (type: string, inst: string, body: string) => `  (CELL (CELLTYPE "${type}") (INSTANCE ${inst})\n${body}\n  )\n`;
const ff = (inst: string, setupPin: string, setup: number) =>
  cell('ICESTORM_LC', inst, `    (DELAY (ABSOLUTE (IOPATH CLK O (1390:1390:1390) (1390:1390:1390))))\n    (TIMINGCHECK (SETUPHOLD (posedge ${setupPin}) (posedge CLK) (${setup}:${setup}:${setup}) (0:0:0)))`);
const lut = (inst: string, d: number) => cell('ICESTORM_LC', inst, `    (DELAY (ABSOLUTE (IOPATH I0 O (${d}:${d}:${d}) (${d}:${d}:${d}))))`);
const ic = (from: string, to: string, d: number) => `      (INTERCONNECT ${from} ${to} (${d}:${d}:${d}) (${d}:${d}:${d}))\n`;

/** a → LUT → b (the register chain), a → DSP (combinational) → c, plus a clock net and a tied-off clock */
function design(dspParams: Record<string, string>) {
  const sdf = `(DELAYFILE (SDFVERSION "3.0") (DIVIDER /) (TIMESCALE 1ps)
  (CELL (CELLTYPE "top") (INSTANCE )
    (DELAY (ABSOLUTE
${ic('a_SB_DFF_Q_DFFLC/O', 'l_SB_LUT4_O_LC/I0', 700)}${ic('l_SB_LUT4_O_LC/O', 'b_SB_DFF_Q_DFFLC/I0', 800)}${ic('a_SB_DFF_Q_DFFLC/O', 'm_SB_MAC16_O_DSP/A_0', 2000)}${ic('m_SB_MAC16_O_DSP/O_3', 'c_SB_DFF_Q_DFFLC/I1', 1500)}${ic('\\$gbuf_clk/GLOBAL_BUFFER_OUTPUT', 'a_SB_DFF_Q_DFFLC/CLK', 900)}${ic('\\$gbuf_\\$PACKER_GND_NET_\\$glb_clk/GLOBAL_BUFFER_OUTPUT', 'm_SB_MAC16_O_DSP/CLK', 900)}    ))
  )
${ff('a_SB_DFF_Q_DFFLC', 'I0', 500)}${lut('l_SB_LUT4_O_LC', 449)}${ff('b_SB_DFF_Q_DFFLC', 'I0', 1234)}${ff('c_SB_DFF_Q_DFFLC', 'I1', 1000)}${cell('ICESTORM_DSP', 'm_SB_MAC16_O_DSP', '    (DELAY (ABSOLUTE (IOPATH CLK O_3 (100:100:100) (100:100:100))))\n    (TIMINGCHECK (SETUPHOLD (posedge A_0) (posedge CLK) (100:100:100) (0:0:0)))')})`;
  const bits = (n: number) => Array.from({ length: n }, (_, i) => 10 + i);
  const json = JSON.stringify({
    modules: {
      top: {
        ports: {},
        cells: {
          'a_SB_DFF_Q': { type: 'SB_DFF', attributes: { src: 'mac_array.v:12.3-14.6' }, port_directions: { C: 'input', D: 'input', Q: 'output' }, connections: { C: [2], D: [3], Q: [4] } },
          'l_SB_LUT4_O': { type: 'SB_LUT4', port_directions: { I0: 'input', O: 'output' }, connections: { I0: [4], O: [5] } },
          'b_SB_DFF_Q': { type: 'SB_DFF', attributes: { src: 'logit_bank.v:40.3-41.6' }, port_directions: { C: 'input', D: 'input', Q: 'output' }, connections: { C: [2], D: [5], Q: [6] } },
          'c_SB_DFF_Q': { type: 'SB_DFF', attributes: { src: 'exp_unit.v:40.3-41.6' }, port_directions: { C: 'input', D: 'input', Q: 'output' }, connections: { C: [2], D: [7], Q: [8] } },
          'm_SB_MAC16_O': { type: 'SB_MAC16', parameters: dspParams, port_directions: { A: 'input', O: 'output' }, connections: { A: [4], O: bits(32) } },
        },
        netnames: {
          'core.mac_array.a_group': { bits: [4] },
          'core.a_group': { bits: [4] },
          'core.logit_bank.grp': { bits: [6] },
          'core.exp_unit.e_q': { bits: [8] },
        },
      },
    },
  });
  return { sdf: readSdf(sdf), json };
}

describe('routed timing from nextpnr\'s SDF', () => {
  it('reads cells, arcs, setups and connections (escaped names, the largest of min:typ:max)', () => {
    const { sdf } = design({});
    expect(sdf.cells.get('m_SB_MAC16_O_DSP')).toBe('ICESTORM_DSP');
    expect(sdf.interconnects.find((i) => i.from.inst === '$gbuf_$PACKER_GND_NET_$glb_clk')?.to).toEqual({ inst: 'm_SB_MAC16_O_DSP', port: 'CLK' });
    expect(sdf.checks.find((c) => c.inst === 'b_SB_DFF_Q_DFFLC')).toEqual({ inst: 'b_SB_DFF_Q_DFFLC', port: 'I0', clock: 'CLK', setup: 1234 });
  });

  it('a combinational SB_MAC16 costs its multiply: the path through it is the critical one', () => {
    const { sdf, json } = design({});
    const r = analyzeRouted(sdf, json, 'top');
    // clock-to-out 1390, route 2000, multiply 9050, route 1500, setup 1000
    expect(r.period).toBeCloseTo((1390 + 2000 + MAC16_PS.mult16 + 1500 + 1000) / 1000, 6);
    expect(r.kind).toBe('routed');
    expect(r.path.routing).toBeCloseTo(3.5, 6);
    expect(r.path.from).toMatchObject({ module: 'mac_array', register: 'mac_array.a_group' });
    expect(r.path.to).toMatchObject({ module: 'exp_unit', register: 'exp_unit.e_q' });
    // each module's longest path in: the exp unit (through the DSP), then the logit bank (a → LUT → b)
    expect(r.stages).toEqual({ exp_unit: r.period, logit_bank: (1390 + 700 + 449 + 800 + 1234) / 1000 });
  });

  it('with its output registered the multiply is the input\'s setup; the register chain is then critical', () => {
    const { sdf, json } = design({ TOPOUTPUT_SELECT: '01', BOTOUTPUT_SELECT: '01' });
    const r = analyzeRouted(sdf, json, 'top');
    // a → DSP: 1390 + 2000 + 9050 setup = 12.44 ns; DSP → c: 2009 + 1500 + 1000 = 4.509; a → b: 1390 + 700 + 449 + 800 + 1234
    expect(r.period).toBeCloseTo((1390 + 2000 + MAC16_PS.mult16) / 1000, 6);
    expect(r.path.to.type).toBe('ICESTORM_DSP.A_0');
  });

  it('SB_MAC16 arcs by configuration', () => {
    const pins = new Set(['A_0', 'B_0', 'C_0', 'O_3', 'O_20', 'CE']);
    const comb = mac16Arcs({}, pins);
    expect(comb.launch).toEqual([]);
    expect(comb.comb).toContainEqual({ from: 'A_0', to: 'O_3', delay: MAC16_PS.mult16 });
    expect(comb.comb).toContainEqual({ from: 'C_0', to: 'O_3', delay: MAC16_PS.adder });
    expect(comb.setup).toEqual([]);
    const inReg = mac16Arcs({ A_REG: 1, B_REG: 1, TOPOUTPUT_SELECT: 3, BOTOUTPUT_SELECT: 3 }, pins);
    expect(inReg.comb.filter((a) => /^[AB]/.test(a.from))).toEqual([]);
    expect(inReg.launch).toContainEqual({ to: 'O_20', delay: MAC16_PS.mult16 });
    expect(inReg.setup).toContainEqual({ port: 'A_0', setup: MAC16_PS.dataSetup });
    const small = mac16Arcs({ MODE_8x8: 1 }, pins);
    expect(small.comb).toContainEqual({ from: 'B_0', to: 'O_3', delay: MAC16_PS.mult8 });
  });
});

describe('pre-route estimate from Yosys sta arrivals', () => {
  // FDRE q0 → LUT → FDRE q1 (D, 700 ps), and a CARRY4 whose unused output arrives later (900 ps)
  const json = JSON.stringify({
    modules: {
      head: {
        ports: { clk: { direction: 'input', bits: [2] }, m_valid: { direction: 'output', bits: [6] } },
        cells: {
          bufg: { type: 'BUFG', port_directions: { I: 'input', O: 'output' }, connections: { I: [2], O: [3] } },
          q0: { type: 'FDRE', attributes: { src: 'reciprocal.v:80.3-90.6' }, port_directions: { C: 'input', D: 'input', CE: 'input', R: 'input', Q: 'output' }, connections: { C: [3], D: ['0'], CE: ['1'], R: ['0'], Q: [4] } },
          lut: { type: 'LUT2', port_directions: { I0: 'input', I1: 'input', O: 'output' }, connections: { I0: [4], I1: [4], O: [5] } },
          q1: { type: 'FDRE', attributes: { src: 'output_stage.v:100.3-120.6' }, port_directions: { C: 'input', D: 'input', CE: 'input', R: 'input', Q: 'output' }, connections: { C: [3], D: [5], CE: ['1'], R: ['0'], Q: [6] } },
          carry: { type: 'CARRY4', port_directions: { S: 'input', O: 'output' }, connections: { S: [5, 5, 5, 5], O: [7, 8, 9, 10] } },
        },
        netnames: {
          clk: { bits: [2], attributes: { sta_arrival: '0' } },
          'clk_buf': { bits: [3], attributes: { sta_arrival: '96' } },
          'reciprocal.rc_t': { bits: [4], attributes: { sta_arrival: '399' } },
          'divider.recip_q': { bits: [4] },
          '$lut_o': { bits: [5], attributes: { sta_arrival: '700' } },
          'output_stage.m_valid': { bits: [6], attributes: { sta_arrival: '399' } },
          m_valid: { bits: [6] },
          '$carry_o': { bits: [7, 8, 9, 10], attributes: { sta_arrival: '800 850 880 900' } },
        },
      },
    },
  });

  it('the latest register input, not the latest net; the clock tree is taken off; names from the register\'s module', () => {
    const r = analyzeEstimate(json, 'xc7');
    expect(r.kind).toBe('estimate');
    expect(r.period).toBeCloseTo((700 - 96) / 1000, 6);
    expect(r.fmax).toBeCloseTo(1e6 / (700 - 96), 1);
    expect(r.path.routing).toBe(0);
    expect(r.path.from).toMatchObject({ module: 'reciprocal', register: 'reciprocal.rc_t', type: 'FDRE' });
    expect(r.path.to).toMatchObject({ module: 'output_stage', register: 'output_stage.m_valid', type: 'FDRE.D' });
    expect(r.path.steps.map((s) => s.type)).toEqual(['FDRE', 'LUT2']);
    expect(r.stages).toEqual({ output_stage: r.period });
  });

  it('a DSP48E1 without its P register passes the path on (a cascade of post-adders is one path)', () => {
    const dsp = (a: number[], c: (number | string)[], p: number[]) => ({
      type: 'DSP48E1',
      parameters: { AREG: '01', BREG: '01', MREG: '0', PREG: '0', CREG: '0' },
      attributes: { src: 'mac_array.v:85.5-85.30' },
      port_directions: { CLK: 'input', A: 'input', C: 'input', P: 'output' },
      connections: { CLK: [3], A: a, C: c, P: p },
    });
    const chain = JSON.stringify({
      modules: {
        head: {
          ports: { clk: { direction: 'input', bits: [2] } },
          cells: {
            bufg: { type: 'BUFG', port_directions: { I: 'input', O: 'output' }, connections: { I: [2], O: [3] } },
            x: { type: 'FDRE', port_directions: { C: 'input', D: 'input', Q: 'output' }, connections: { C: [3], D: ['0'], Q: [4] } },
            d1: dsp([4], ['0'], [5]),
            d2: dsp([4], [5], [6]),
            acc: { type: 'FDRE', attributes: { src: 'mac_array.v:110.7-111.30' }, port_directions: { C: 'input', D: 'input', Q: 'output' }, connections: { C: [3], D: [6], Q: [7] } },
          },
          netnames: {
            'clk_buf': { bits: [3], attributes: { sta_arrival: '96' } },
            'mac_array.w_data': { bits: [4], attributes: { sta_arrival: '399' } },
            'mac_array.g_row[0].g_sum[0].s': { bits: [5], attributes: { sta_arrival: '3048' } },
            'mac_array.g_row[0].g_sum[1].s': { bits: [6], attributes: { sta_arrival: '4500' } },
            'mac_array.acc': { bits: [7], attributes: { sta_arrival: '399' } },
          },
        },
      },
    });
    const r = analyzeEstimate(chain, 'xc7');
    expect(r.period).toBeCloseTo((4500 - 96) / 1000, 6);
    expect(r.path.steps.map((s) => s.cell)).toEqual(['d1', 'd2']);
    expect(r.path.from.register).toBe('mac_array.g_row[0].g_sum[0].s');
    expect(r.path.to.register).toBe('mac_array.acc');
  });

  it('module names and ns', () => {
    expect(moduleOf('g_select.stream_selector.top_val')).toBe('stream_selector');
    expect(moduleOf('core.exp_unit.g_lane[0].e_q')).toBe('exp_unit');
    expect(moduleOf('cap_SB_DFF_Q')).toBe('wrapper');
    expect(moduleOf('state')).toBe('head');
    expect(cyclesToNs(97, 200)).toBe(485);
    expect(cyclesToNs(97, null)).toBeNull();
  });
});
