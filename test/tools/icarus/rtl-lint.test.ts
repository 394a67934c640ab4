// rtl/ is lint-clean (verilator --lint-only -Wall) and compiles under Icarus (iverilog -g2012)
// for configurations that reach every generate branch: softmax (reciprocal and serial), argmax,
// approx, multi-pass (cPar < classes, kPar not dividing inputs), emit all, a saturating
// accumulator, negative requant/exp shifts, a 10-level comparator tree, the exp unit as one
// table per lane and as split tables (expPar 1, several, not dividing N), both reciprocals, and
// both selects (stream with and without the logit RAM, block and distributed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, provenAccWidth, type ConfigInput } from '../../../models/config.ts';
import { geometry } from '../../../models/geometry.ts';
import { rtlParams } from '../../../harness/rtl/params.ts';
import { rtlSources, RTL_DIR } from '../../../harness/rtl/head-build.ts';
import { hasIcarus, hasVerilator } from '../../helpers/cli-and-tools.ts';

const sources = rtlSources();

const CONFIGS: Record<string, ConfigInput> = {
  'seed softmax': {},
  'seed argmax': { mode: 'argmax' },
  'old back end: table per lane, reciprocal table': {
    mode: 'softmax',
    expPar: 10,
    expImpl: 'table',
    recipImpl: 'table',
    expLut: { addrBits: 12, outBits: 16, range: 16 },
  },
  'emit all softmax, expPar 3 of 11, coarse split (expShift > 0)': {
    classes: 11,
    cPar: 4,
    expPar: 3,
    inputs: 9,
    kPar: 3,
    emit: 'all',
    expLut: { addrBits: 9, outBits: 14, range: 16 },
    expSplit: { loBits: 4, hiWidth: 20, loWidth: 20 },
  },
  'emit all argmax': { classes: 6, inputs: 9, kPar: 3, emit: 'all', mode: 'argmax' },
  'multi-pass approx, emit all': { classes: 7, cPar: 3, inputs: 13, kPar: 4, topK: 7, mode: 'approx', emit: 'all', relu: false },
  'serial, saturating acc, negative shifts': {
    classes: 2,
    inputs: 16,
    kPar: 4,
    topK: 2,
    mode: 'softmax',
    divider: 'serial',
    accWidth: 16,
    inFmt: { width: 8, frac: 2 },
    wFmt: { width: 8, frac: 2 },
    biasFmt: { width: 8, frac: 2 },
    logitFmt: { width: 12, frac: 6 },
    probFmt: { width: 20, frac: 20 },
  },
  'stream: argmax, no RAM': { classes: 1000, cPar: 16, mode: 'argmax', select: 'stream' },
  'stream: softmax, block RAM, expPar 1': { classes: 1000, cPar: 16, mode: 'softmax', select: 'stream' },
  'stream: emit all softmax, distributed RAM, expPar 3 of 11': { classes: 11, cPar: 4, expPar: 3, inputs: 16, kPar: 4, emit: 'all', select: 'stream' },
  'stream: single group, topK = N, serial': { classes: 5, inputs: 12, kPar: 4, topK: 5, divider: 'serial', select: 'stream' },
  '10-level tree, approx left shift': {
    classes: 1000,
    cPar: 50,
    inputs: 8,
    kPar: 8,
    mode: 'approx',
    expLut: { addrBits: 10, outBits: 4, range: 16 },
    probFmt: { width: 26, frac: 24 },
  },
};

function params(c: ConfigInput): Record<string, number> {
  const cfg = parseConfig(c);
  return rtlParams(geometry(cfg, provenAccWidth(cfg)), cfg.relu);
}

const show = (r: ReturnType<typeof spawnSync>) => `exit ${r.status}\n${String(r.stdout)}${String(r.stderr)}`;

describe.skipIf(!hasVerilator)('rtl lint: verilator --lint-only -Wall', () => {
  for (const [name, c] of Object.entries(CONFIGS)) {
    it(
      name,
      () => {
        const g = Object.entries(params(c)).map(([k, v]) => `-G${k}=${v}`);
        const r = spawnSync('verilator', ['--lint-only', '-Wall', `-I${RTL_DIR}`, '--top-module', 'head', ...g, ...sources], {
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect(r.status, show(r)).toBe(0);
        expect(r.stderr + r.stdout, show(r)).not.toMatch(/%Warning|%Error/);
      },
      150_000,
    );
  }
});

describe.skipIf(!hasIcarus)('rtl compile: iverilog -g2012', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'headsim-rtl-lint-'));
  for (const [name, c] of Object.entries(CONFIGS)) {
    it(
      name,
      () => {
        const p = Object.entries(params(c)).map(([k, v]) => `-Phead.${k}=${v}`);
        const r = spawnSync('iverilog', ['-g2012', '-Wall', '-o', path.join(out, 'head.vvp'), '-s', 'head', ...p, ...sources], {
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect(r.status, show(r)).toBe(0);
        expect(r.stderr + r.stdout, show(r)).toBe('');
      },
      150_000,
    );
  }
});
