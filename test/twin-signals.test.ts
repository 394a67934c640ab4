// Every component's signal list (models/head/*: ports and registers) against its RTL module as
// Verilator elaborates rtl/head.v, in configurations that reach every generate branch: the same
// parameters by their RTL names, the same ports (names, directions, widths), every model signal
// a module-level variable of the same name and shape, every register of the RTL that is not a
// constant zero a model signal. The head itself is checked the same way.
import { describe, expect, it } from 'vitest';
import { parseConfig, provenAccWidth, type ConfigInput } from '../models/config.ts';
import { geometry } from '../models/geometry.ts';
import { headSignals } from '../models/head/head.ts';
import { STAGES } from '../models/head/modules.ts';
import { rtlParams } from '../harness/rtl/params.ts';
import { rtlSources } from '../harness/rtl/build.ts';
import { elaborate } from '../harness/rtl/module/elaborate.ts';
import { signalDifferences } from '../harness/twins/signal-check.ts';
import { hasVerilator } from './helpers.ts';

const CONFIGS: Record<string, ConfigInput> = {
  'seed softmax (tree, split exps, divided reciprocal)': {},
  'stream, emit all, three lanes of eleven classes, serial divider': { classes: 11, cPar: 4, expPar: 3, inputs: 16, kPar: 4, emit: 'all', divider: 'serial', select: 'stream' },
  'approx, one exp table, replay': { classes: 10, cPar: 4, inputs: 20, kPar: 8, mode: 'approx', expImpl: 'table', select: 'tree' },
  'argmax, stream without RAM, saturating accumulator': { classes: 10, cPar: 4, inputs: 24, kPar: 8, mode: 'argmax', select: 'stream', accWidth: 24 },
  'softmax, exp tables, reciprocal table, two lanes': { classes: 10, cPar: 5, expPar: 2, inputs: 24, kPar: 8, expImpl: 'table', recipImpl: 'table', select: 'tree' },
};

describe('the modules of rtl/ are the stages of the model', () => {
  it('one stage per module file (head aside)', () => {
    const files = rtlSources().map((f) => f.replace(/^.*\/|\.v$/g, '')).filter((m) => m !== 'head');
    expect(STAGES.map((s) => s.module).sort()).toEqual(files.sort());
  });
});

describe.skipIf(!hasVerilator)('every component against its RTL module, as Verilator elaborates it', () => {
  it.each(Object.entries(CONFIGS))('%s', async (_name, raw) => {
    const c = parseConfig(raw);
    const g = geometry(c, provenAccWidth(c));
    const cells = await elaborate('head', rtlParams(g, c.relu), rtlSources());
    const head = cells.get('head')!;
    const problems = signalDifferences('head', rtlParams(g, c.relu), headSignals(g), head);
    const checked: string[] = [];
    for (const stage of STAGES) {
      const hier = [...cells.keys()].find((h) => h.endsWith(`.${stage.module}`));
      if (!hier) continue;
      checked.push(stage.module);
      problems.push(...signalDifferences(stage.module, stage.params(g, c.relu), stage.signals(g), cells.get(hier)!));
    }
    expect(problems).toEqual([]);
    // the configuration's own stages, no other: one selector, the scaler in approx only
    const expected = STAGES.map((s) => s.module).filter((m) => (m === 'comparator_tree' ? !g.stream : m === 'stream_selector' ? g.stream : m === 'approx_scaler' ? g.mode === 'approx' : true));
    expect(checked).toEqual(expected);
  }, 180_000);
});
