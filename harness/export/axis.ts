// The AXI4-Stream face of an exported head: which bits of s_axis_tdata and m_axis_tdata carry
// which field, derived from the geometry once and used by the top (top.ts), the lockstep's
// adapter (shim.ts), the testbench and NAME.md, so the four cannot disagree. TDATA widths are
// whole bytes, as AXI4-Stream requires; fields sit on byte boundaries so software reads them as
// plain integers.
import type { Geometry } from '../../models/geometry.ts';

export interface AxisLayout {
  /** input lanes per beat (kPar), lane i at s_axis_tdata[i·laneW +: laneW] */
  lanes: number;
  /** bits per lane: the input format's width, signed two's complement */
  laneW: number;
  laneFrac: number;
  /** bits of s_axis_tdata the head reads (lanes · laneW); the bits above are ignored */
  sUsedW: number;
  sDataW: number;
  /** significant bits of the value: the logit (argmax) or the probability / score */
  valueW: number;
  valueFrac: number;
  valueSigned: boolean;
  /** the value field: m_axis_tdata[valueFieldW-1:0], sign- (argmax) or zero-extended */
  valueFieldW: number;
  /** bits of the class index, zero-extended in m_axis_tdata[indexLsb +: indexFieldW] */
  indexW: number;
  indexLsb: number;
  indexFieldW: number;
  mDataW: number;
  /** what the value is, in words */
  valueName: string;
}

const bytes = (bits: number) => 8 * Math.ceil(bits / 8);

export function axisLayout(g: Geometry): AxisLayout {
  const argmax = g.mode === 'argmax';
  const valueW = argmax ? g.logitW : g.probW;
  const valueFieldW = bytes(valueW);
  const indexFieldW = bytes(g.idxW);
  return {
    lanes: g.kPar,
    laneW: g.inW,
    laneFrac: g.inFrac,
    sUsedW: g.kPar * g.inW,
    sDataW: bytes(g.kPar * g.inW),
    valueW,
    valueFrac: argmax ? g.logitFrac : g.probFrac,
    valueSigned: argmax,
    valueFieldW,
    indexW: g.idxW,
    indexLsb: valueFieldW,
    indexFieldW,
    mDataW: valueFieldW + indexFieldW,
    valueName: { argmax: 'logit', softmax: 'probability', approx: 'approx score' }[g.mode],
  };
}

/** A fixed-point format as the docs write it: Q<int>.<frac>, prefixed s/u for the sign. */
export function qFormat(width: number, frac: number, signed: boolean): string {
  return `${signed ? 's' : 'u'}Q${width - frac - (signed ? 1 : 0)}.${frac}`;
}
