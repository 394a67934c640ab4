// Lockstep against the RTL under Verilator over a matrix of configurations: every port equal
// at every cycle, every value equal to the bit-true reference, RTL latency/II = the formulas.
import { hasVerilator } from './helpers.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ConfigInput } from '../models/config.ts';
import { timing } from '../models/geometry.ts';
import { runLockstep } from '../harness/run/lockstep.ts';
import { writeMemFiles } from '../harness/rtl/memfiles.ts';
import { buildScenario } from '../harness/inputs/scenario.ts';
import { score } from '../harness/check/scoreboard.ts';
import { startHeadVerilator } from '../harness/rtl/verilator/head.ts';


const MATRIX: [string, ConfigInput, number][] = [
  ['seed argmax', { mode: 'argmax' }, 30],
  ['seed softmax reciprocal', { mode: 'softmax' }, 30],
  ['seed approx', { mode: 'approx' }, 30],
  ['seed softmax serial', { mode: 'softmax', divider: 'serial' }, 30],
  ['N=2 K=1 topK=N serial', { classes: 2, inputs: 1, kPar: 1, topK: 2, mode: 'softmax', divider: 'serial' }, 40],
  ['cPar, kPar not dividing, topK=N (stream by default)', { classes: 7, cPar: 3, inputs: 13, kPar: 4, topK: 7, mode: 'argmax' }, 40],
  ['cPar, kPar not dividing, topK=N, tree', { classes: 7, cPar: 3, inputs: 13, kPar: 4, topK: 7, mode: 'argmax', select: 'tree' }, 40],
  ['emit all approx, cPar not dividing', { classes: 12, cPar: 5, inputs: 9, kPar: 9, emit: 'all', mode: 'approx' }, 40],
  ['emit all softmax', { classes: 5, inputs: 20, kPar: 3, emit: 'all', mode: 'softmax' }, 40],
  ['N=100 topK=1', { classes: 100, cPar: 16, inputs: 64, kPar: 8, topK: 1, mode: 'softmax' }, 20],
  ['N=1000 K=1024 tree', { classes: 1000, cPar: 64, inputs: 1024, kPar: 16, topK: 3, mode: 'argmax', select: 'tree' }, 4],
  ['N=33 no ReLU approx', { classes: 33, cPar: 7, inputs: 1000, kPar: 32, topK: 5, relu: false, mode: 'approx' }, 15],
  ['saturating acc, small exp table', { classes: 16, inputs: 300, kPar: 7, accWidth: 24, inFmt: { width: 16, frac: 14 }, expLut: { addrBits: 8, outBits: 12, range: 8 }, mode: 'softmax', divider: 'serial' }, 20],
  ['N=3 K=1024 wide lanes', { classes: 3, inputs: 1024, kPar: 64, topK: 3, mode: 'softmax' }, 20],
  // the exp unit and the reciprocal: expPar 1 (above), 2, cPar, not dividing N; table and split; every divider
  ['old back end: expPar = cPar, table, reciprocal table', { mode: 'softmax', expPar: 10, expImpl: 'table', recipImpl: 'table', expLut: { addrBits: 12, outBits: 16, range: 16 } }, 20],
  ['expPar 2, table, reciprocal table, multi-pass', { classes: 10, cPar: 5, expPar: 2, inputs: 24, kPar: 8, expImpl: 'table', recipImpl: 'table', mode: 'softmax' }, 30],
  ['expPar 3 of N=11, split, divide, emit all', { classes: 11, cPar: 4, expPar: 3, inputs: 12, kPar: 4, emit: 'all', mode: 'softmax' }, 30],
  ['serial divider, split, expPar 2', { classes: 7, expPar: 2, inputs: 16, kPar: 8, topK: 2, mode: 'softmax', divider: 'serial' }, 30],
  ['auto expPar on a short front end, coarse split', { classes: 12, inputs: 3, kPar: 3, topK: 4, mode: 'softmax', expLut: { addrBits: 9, outBits: 14, range: 16 }, expSplit: { loBits: 4, hiWidth: 20, loWidth: 20 } }, 30],
  ['approx, exp table', { classes: 6, inputs: 20, kPar: 5, topK: 2, mode: 'approx', expImpl: 'table' }, 30],
  ['emit all argmax (read port)', { classes: 6, cPar: 4, inputs: 9, kPar: 3, emit: 'all', mode: 'argmax' }, 30],
  // select = stream: the stream selector and the logit RAM (N 2 … 1000, topK 1 / 3 / N, emit all, cPar not dividing N)
  ['stream N=1000 cPar 16 (the large head)', { classes: 1000, cPar: 16, inputs: 512, kPar: 8, mode: 'argmax', select: 'stream' }, 4],
  ['stream N=1000 softmax, block RAM', { classes: 1000, cPar: 16, inputs: 512, kPar: 8, mode: 'softmax', select: 'stream' }, 3],
  ['stream N=2 topK=N softmax serial', { classes: 2, cPar: 1, inputs: 4, kPar: 1, topK: 2, mode: 'softmax', divider: 'serial', select: 'stream' }, 40],
  ['stream emit all softmax, expPar 3 of N=11, cPar not dividing', { classes: 11, cPar: 4, expPar: 3, inputs: 16, kPar: 4, emit: 'all', mode: 'softmax', select: 'stream' }, 30],
  ['stream topK=1 softmax, expPar 2, table', { classes: 20, cPar: 6, expPar: 2, inputs: 32, kPar: 4, topK: 1, expImpl: 'table', recipImpl: 'table', mode: 'softmax', select: 'stream' }, 30],
  ['stream cPar > B: the drain stalls the front end, approx', { classes: 30, cPar: 8, inputs: 12, kPar: 4, topK: 5, mode: 'approx', select: 'stream' }, 30],
  ['stream N=100 topK=N emit all argmax', { classes: 100, cPar: 10, inputs: 64, kPar: 8, topK: 100, emit: 'all', mode: 'argmax', select: 'stream' }, 12],
  ['stream single group (P = 1), topK=N', { classes: 9, inputs: 40, kPar: 4, topK: 9, mode: 'softmax', select: 'stream' }, 30],
];

describe.skipIf(!hasVerilator)('lockstep matrix (Verilator)', () => {
  const out = mkdtempSync(join(tmpdir(), 'headsim-matrix-'));
  it.each(MATRIX)('%s', async (_name, raw, vectors) => {
    const s = buildScenario(parseConfig(raw), vectors, 11);
    const mem = writeMemFiles(s, join(out, _name.replace(/\W+/g, '_')));
    const backend = await startHeadVerilator(s, { mem });
    try {
      const r = await runLockstep(s, backend, { seed: 3, validRate: 0.6, readyRate: 0.5, resetCycles: 2, probe: 4, phases: true, midRunReset: true });
      expect(r.mismatch).toBeNull();
      expect(r.tb.done).toBe(vectors);
      expect(score(s, r.tb.outIndex, r.tb.outValue, r.tb.done).mismatches).toBe(0);
      const t = timing(s.g);
      expect(r.timing.rtl).toEqual({ latency: t.latency, ii: t.ii });
    } finally {
      await backend.close();
    }
  }, 900_000);
});
