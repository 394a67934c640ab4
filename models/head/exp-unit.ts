// exp_unit: the head's one exp unit, expPar lanes (softmax; one lane in approx, none in argmax).
// Lane j turns a logit z into e = exp(-(base − z)) (base = the max in softmax, 0 in approx):
// d → index (tables.ts expIndex) → expImpl table: e_q = EXP[index] (a synchronous ROM read, one
// stage); split: hi_q = EXP_HI[index >> loBits], lo_q = EXP_LO[index & …] (LUT ROMs, stage 1),
// e_q = hi_q · lo_q >> shift rounded (one multiplier, stage 2). The normalizer feeds every lane
// from the logit bank's read port during its EXP pass; afterwards (lane0ToOutput) lane 0 belongs to the
// output stage, which re-computes the exps of the entries it emits. hi_q and lo_q are the unit's
// own registers (written in place, stage 2 before stage 1).
import type { Code } from '../../sim/kernel.ts';
import type { HeadContext, Ports } from './context.ts';
import { expIndexCode, splitProductCode } from '../inline.ts';

/** What drives the lanes: the normalizer's pipeline and, for lane 0 once it owns it, the output stage. */
export interface ExpUnitInputs {
  /** the max (softmax), or none: base 0 (approx) */
  base: number | null;
  /** normalizer: z_rd_data lanes (signal base id), stage-0 valid (load stage 1), stage-1 valid (load stage 2), last group */
  rdData: number;
  nEn1: number;
  nEn2: number;
  nLast: number;
  /** lane 0 belongs to the output stage (code) */
  lane0ToOutput: (c: Code) => string;
  /** output stage: load stage 1 / stage 2 of lane 0 (code), and its logit (code) */
  oEn1: (c: Code) => string;
  oEn2: (c: Code) => string;
  oZ: (c: Code) => string;
}

export class ExpUnit {
  readonly lanes: number;
  readonly hi_q: number;
  readonly lo_q: number;
  readonly e_q: number;

  constructor(private readonly ctx: HeadContext) {
    const { k, g } = ctx;
    const m = 'head.exp_unit.';
    this.lanes = g.mode === 'argmax' ? 0 : g.expPar;
    // expPar entries each (1 outside softmax); registers the configuration does not use stay 0, as in the RTL
    this.hi_q = k.array(m + 'hi_q', g.expHiWidth, g.expPar, 0, false, { fixed: { frac: g.expHiWidth, signed: false } });
    this.lo_q = k.array(m + 'lo_q', g.expLoWidth, g.expPar, 0, false, { fixed: { frac: g.expLoWidth, signed: false } });
    this.e_q = k.array(m + 'e_q', g.expOutBits, g.expPar, 0, false, ctx.fmt.exp);
  }

  connect(p: Ports, x: ExpUnitInputs): void {
    const { k, g, t } = this.ctx;
    if (this.lanes === 0) return;
    const { hi_q, lo_q, e_q } = this;
    const softmax = g.mode === 'softmax';
    // Lanes at or past this one hold no class in the last group (their exp is forced to 0).
    const firstPast = g.N - (g.G - 1) * g.expPar;
    const mask = 2 ** g.expLoBits - 1;
    k.posedgeCode('exp_unit', p.clk, (c) => {
      const exp = c.ext(t.exp);
      const hiT = c.ext(t.expHi);
      const loT = c.ext(t.expLo);
      const base = x.base === null ? '0' : c.v(x.base);
      // Lane j: lane0ToOutput (lane 0 only) selects the output stage's inputs.
      const lane = (j: number) => {
        const mine = softmax ? (j === 0 ? `!(${x.lane0ToOutput(c)})` : 'true') : 'false';
        const en1 = `(${mine} ? ${c.v(x.nEn1)} === 1 : ${softmax || j === 0 ? x.oEn1(c) : 'false'})`;
        const en2 = `(${mine} ? ${c.v(x.nEn2)} === 1 : ${softmax || j === 0 ? x.oEn2(c) : 'false'})`;
        const z = softmax ? `(${mine} ? ${c.v(x.rdData, j)} : ${j === 0 ? x.oZ(c) : 0})` : x.oZ(c);
        const zero = j >= firstPast && softmax ? `(${mine} && ${c.v(x.nLast)} === 1)` : 'false';
        const stage1 = g.split
          ? `const i = ${expIndexCode(`${base} - (${z})`, g)};
             ${c.own(hi_q, j)} = ${zero} ? 0 : ${hiT}[i >>> ${g.expLoBits}];
             ${c.own(lo_q, j)} = ${loT}[i & ${mask}];`
          : `${c.next(e_q, j)} = ${zero} ? 0 : ${exp}[${expIndexCode(`${base} - (${z})`, g)}];`;
        const stage2 = g.split ? `if (${en2}) ${c.next(e_q, j)} = ${splitProductCode(c.v(hi_q, j), c.v(lo_q, j), g.expSplitShift, g.expOutBits)};` : '';
        // stage 2 first: hi_q and lo_q are the unit's own registers, read before stage 1 writes them
        return `${stage2}\nif (${en1}) { ${stage1} }`;
      };
      let body = '';
      for (let j = 0; j < this.lanes; j++) body += lane(j) + '\n';
      return body + c.nbaRange(e_q, this.lanes);
    });
  }
}
