// Delay arcs of an iCE40 UltraPlus SB_MAC16 for the routed timing analysis. nextpnr-ice40 times
// every DSP port as a register port with 0.1 ns setup and clock-to-output (its ICESTORM_DSP
// model), whatever the block's registers: a multiplier used combinationally (CLK tied low, as
// synth_ice40 -dsp maps a product with no register around it) falls into a clock domain of
// its own, and a product that must settle before the block's output register costs nothing.
// Here each block gets arcs by its configuration instead, with Lattice's delays for the
// iCE40 UltraPlus as IceStorm lists them (icefuzz/timings_up5k.txt, largest over bits and
// edges): 16×16 multiply, input to output 9.05 ns (8×8: 5.96 ns); C or D through the adder to
// the output 5.12 ns; a registered output 2.01 ns after the clock; the ADDSUB controls' setup
// 1.87 ns. The path inside the block from its input registers to its output register is not
// characterised there: it is taken to meet the clock. The input registers' own clock-to-output
// is not separate in the data either: a registered input feeding a combinational product
// launches the product 9.05 ns after the clock.
export const MAC16_PS = {
  mult16: 9050,
  mult8: 5959,
  adder: 5122,
  clockToOut: 2009,
  addsubSetup: 1873,
  controlSetup: 454,
  dataSetup: 256,
};

export interface Mac16Arcs {
  comb: { from: string; to: string; delay: number }[];
  launch: { to: string; delay: number }[];
  setup: { port: string; setup: number }[];
}

const DATA = /^([ABCD])_(\d+)$/;
const OUT = /^O_(\d+)$/;
const CONTROL = /^(CE|AHOLD|BHOLD|CHOLD|DHOLD|IRSTTOP|IRSTBOT|ORSTTOP|ORSTBOT|OLOADTOP|OLOADBOT|OHOLDTOP|OHOLDBOT|ADDSUBTOP|ADDSUBBOT|CI|ACCUMCI)$/;

/**
 * Arcs of one block. `params`: the SB_MAC16's parameters (numbers); `pins`: its connected SDF
 * ports (A_0 … O_31, CLK, CE, …).
 */
export function mac16Arcs(params: Record<string, number>, pins: Set<string>): Mac16Arcs {
  const p = (k: string) => params[k] ?? 0;
  const mult = p('MODE_8x8') ? MAC16_PS.mult8 : MAC16_PS.mult16;
  const anyReg = ['A_REG', 'B_REG', 'C_REG', 'D_REG', 'TOP_8x8_MULT_REG', 'BOT_8x8_MULT_REG', 'PIPELINE_16x16_MULT_REG1', 'PIPELINE_16x16_MULT_REG2'].some((k) => p(k)) || p('TOPOUTPUT_SELECT') === 1 || p('BOTOUTPUT_SELECT') === 1;
  const arcs: Mac16Arcs = { comb: [], launch: [], setup: [] };
  const outs = [...pins].filter((x) => OUT.test(x));
  const ins = [...pins].filter((x) => DATA.test(x));
  /** the output half's product or sum passes a register inside the block */
  const registered = (o: string) => {
    const top = Number(OUT.exec(o)![1]) >= 16;
    const sel = p(top ? 'TOPOUTPUT_SELECT' : 'BOTOUTPUT_SELECT');
    if (sel === 1) return true;
    if (sel === 3) return !!(p('PIPELINE_16x16_MULT_REG1') || p('PIPELINE_16x16_MULT_REG2'));
    if (sel === 2) return !!p(top ? 'TOP_8x8_MULT_REG' : 'BOT_8x8_MULT_REG');
    return !!(p('PIPELINE_16x16_MULT_REG1') || p('PIPELINE_16x16_MULT_REG2'));
  };
  const usesAdder = (o: string) => p(Number(OUT.exec(o)![1]) >= 16 ? 'TOPOUTPUT_SELECT' : 'BOTOUTPUT_SELECT') <= 1;
  const inReg = (i: string) => !!p(`${DATA.exec(i)![1]}_REG`);
  const through = (i: string) => (/^[AB]/.test(i) ? mult : MAC16_PS.adder);
  for (const o of outs) {
    if (registered(o)) {
      arcs.launch.push({ to: o, delay: MAC16_PS.clockToOut });
      continue;
    }
    for (const i of ins) {
      if (/^[CD]/.test(i) && !usesAdder(o)) continue;
      if (inReg(i)) arcs.launch.push({ to: o, delay: through(i) });
      else arcs.comb.push({ from: i, to: o, delay: through(i) });
    }
  }
  const regOut = outs.some(registered);
  for (const i of ins) {
    if (inReg(i)) arcs.setup.push({ port: i, setup: MAC16_PS.dataSetup });
    else if (regOut) arcs.setup.push({ port: i, setup: through(i) });
  }
  if (anyReg)
    for (const c of pins) if (CONTROL.test(c)) arcs.setup.push({ port: c, setup: /^ADDSUB/.test(c) ? MAC16_PS.addsubSetup : MAC16_PS.controlSetup });
  return arcs;
}
