// The `chparam` line that gives head its RTL parameters in a Yosys script. Yosys reads a
// parameter value as a Verilog constant and cannot decode "-5": a negative integer (EXP_SHIFT
// when the exp index is a left shift of d) is written as its 32-bit two's complement, signed.
export const chparamValue = (v: number): string => (v < 0 ? `32'sh${(v >>> 0).toString(16).toUpperCase()}` : String(v));

export const chparamLine = (params: Record<string, number>, top: string): string =>
  `chparam ${Object.entries(params)
    .map(([k, v]) => `-set ${k} ${chparamValue(v)}`)
    .join(' ')} ${top}`;
