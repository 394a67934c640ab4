// The fault-injection campaign: each mutant is a copy of rtl/ with one deliberate bug (or one
// corrupted table entry), run in lockstep against the model, which must catch every one;
// `npm run mutants` exits 1 if any survives. A campaign over the checks, not a check itself.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type ConfigInput } from '../../models/config.ts';
import { runLockstep, type PortMismatch } from '../run/lockstep.ts';
import { writeMemFiles } from '../rtl/memfiles.ts';
import { RTL_DIR } from '../rtl/head-build.ts';
import { buildScenario } from '../inputs/scenario.ts';
import { DEFAULT_TRAFFIC, type TrafficOptions } from '../run/traffic.ts';
import { startHeadVerilator } from '../rtl/verilator/head.ts';
import { startHeadCocotb } from '../rtl/cocotb/head.ts';
import type { CorrespondenceHint } from '../formal/equiv.ts';

export interface Mutant {
  name: string;
  /** what kind of fault: the categories */
  kind: 'operator' | 'off-by-one' | 'handshake' | 'table' | 'pipeline' | 'datapath';
  /** rtl file and the exact text to replace, or a memory image line to corrupt */
  edit: { file: string; find: string; replace: string } | { mem: 'exp' | 'exp_hi' | 'exp_lo'; line: number };
  config: ConfigInput;
  /** the configuration the prover checks it in (`mutants --prove`; default: formalConfig's shrink of config) */
  formal?: ConfigInput;
  /**
   * An equivalent mutant: no input sequence tells it from the original, so lockstep cannot
   * catch it; `mutants --prove` proves the equivalence (harness/formal/equiv.ts) in these
   * configurations, with these hints.
   */
  equivalent?: { configs: ConfigInput[]; hints: CorrespondenceHint[] };
}

/** Small configurations keep each mutant's build and run to seconds. */
const SMALL: ConfigInput = { classes: 10, inputs: 48, kPar: 8 };
const REPLAY: ConfigInput = { classes: 10, cPar: 4, inputs: 48, kPar: 8 };
/** three exp lanes for ten classes: the last group has two lanes past N */
const LANES: ConfigInput = { classes: 10, cPar: 5, expPar: 3, inputs: 48, kPar: 8, mode: 'softmax' };
/** select = stream, three groups of four with two live rows in the last (cPar not dividing N) */
const STREAM: ConfigInput = { classes: 10, cPar: 4, inputs: 48, kPar: 8, select: 'stream' };
/** Narrow formats: the equivalence miter carries both datapaths whole (no cut), so it closes only where they are small. */
const NARROW: ConfigInput = {
  inFmt: { width: 4, frac: 2 },
  wFmt: { width: 4, frac: 2 },
  biasFmt: { width: 4, frac: 2 },
  logitFmt: { width: 6, frac: 2 },
  expLut: { addrBits: 4, outBits: 6, range: 4 },
  expSplit: { loBits: 'auto', hiWidth: 6, loWidth: 4 },
  probFmt: { width: 6, frac: 5 },
};
const EMIT_ALL_LANES: ConfigInput = { ...NARROW, inputs: 3, kPar: 1, mode: 'softmax', emit: 'all' };

export const MUTANTS: Mutant[] = [
  {
    name: 'ready-ignores-stall',
    kind: 'handshake',
    config: { ...SMALL, mode: 'softmax', divider: 'serial' },
    edit: { file: 'input_stage.v', find: 'assign s_ready = (pass == 0) && !stall;', replace: 'assign s_ready = (pass == 0);' },
  },
  // The seed head (with the tree): its front end (64 beats) is slower than its back end, so only the default
  // traffic's backpressure phase fills both banks and stalls it.
  {
    name: 'ready-high-during-stall',
    kind: 'handshake',
    config: { mode: 'argmax', select: 'tree' },
    edit: { file: 'input_stage.v', find: 'assign s_ready = (pass == 0) && !stall;', replace: 'assign s_ready = (pass == 0) || !stall;' },
  },
  {
    name: 'first-beat-off-by-one',
    kind: 'off-by-one',
    config: { ...SMALL, mode: 'argmax' },
    edit: { file: 'input_stage.v', find: 'x_first <= (beat == 0);', replace: 'x_first <= (beat == 1);' },
  },
  {
    name: 'relu-missing',
    kind: 'datapath',
    config: { ...SMALL, mode: 'argmax' },
    edit: { file: 'input_stage.v', find: '(RELU != 0 && x[IN_W-1])', replace: "(RELU != 0 && 1'b0)" },
  },
  {
    name: 'tie-goes-right',
    kind: 'operator',
    config: { ...SMALL, classes: 8, mode: 'argmax', topK: 8, logitFmt: { width: 16, frac: 0 } },
    edit: { file: 'comparator_tree.v', find: 'P_VAL[2*i] >= P_VAL[2*i+1]', replace: 'P_VAL[2*i] > P_VAL[2*i+1]' },
  },
  {
    name: 'mask-not-set',
    kind: 'datapath',
    config: { ...SMALL, mode: 'argmax' },
    edit: { file: 'comparator_tree.v', find: "else if (record && top_idx == N) mask[n] <= 1'b1;", replace: '' },
  },
  {
    name: 'move-ignores-backpressure',
    kind: 'handshake',
    config: { ...SMALL, mode: 'approx' },
    edit: {
      file: 'output_stage.v',
      find: 'wire move = em_full && (state == S_EMIT) && (!WAIT_DIV || div_ready) && out_free;',
      replace: 'wire move = em_full && (state == S_EMIT) && (!WAIT_DIV || div_ready);',
    },
  },
  {
    name: 'valid-drops-early',
    kind: 'handshake',
    config: { ...SMALL, mode: 'argmax' },
    edit: { file: 'output_stage.v', find: "end else if (m_ready) m_valid <= 1'b0;", replace: "end else m_valid <= 1'b0;" },
  },
  {
    name: 'last-on-first-entry',
    kind: 'off-by-one',
    config: { ...SMALL, mode: 'argmax' },
    edit: { file: 'output_stage.v', find: 'wire f_last = (em_k == LAST_ENTRY);', replace: 'wire f_last = (em_k == 0);' },
  },
  {
    name: 'bank-overwrite',
    kind: 'handshake',
    config: { ...SMALL, inputs: 8, mode: 'softmax', divider: 'serial' },
    edit: { file: 'logit_bank.v', find: 'wire transfer = z_work_full && !z_hold_full;', replace: 'wire transfer = z_work_full;' },
  },
  {
    name: 'sum-misses-a-group',
    kind: 'pipeline',
    config: { ...REPLAY, mode: 'softmax' },
    edit: { file: 'normalizer.v', find: 'rd_last <= exp_issue && exp_group == LAST_GROUP;', replace: 'rd_last <= exp_issue && exp_group == LAST_GROUP - 1;' },
  },
  {
    name: 'divider-first-step-late',
    kind: 'off-by-one',
    config: { ...SMALL, mode: 'softmax', divider: 'serial' },
    edit: { file: 'divider.v', find: 'wire first = (div_cnt == 0);', replace: 'wire first = (div_cnt == 1);' },
  },
  {
    name: 'pass-end-skips-a-stage',
    kind: 'pipeline',
    config: { ...SMALL, mode: 'argmax' },
    edit: { file: 'mac_array.v', find: 'a_valid <= p_valid && p_last;', replace: 'a_valid <= x_valid && x_last;' },
  },
  { name: 'exp-table-entry', kind: 'table', config: { ...SMALL, mode: 'softmax', expImpl: 'table' }, edit: { mem: 'exp', line: 0 } },
  // the time-shared exp unit, the split product, the divided reciprocal, the logit read port
  {
    name: 'lane-past-n-not-zeroed',
    kind: 'pipeline',
    config: LANES,
    edit: { file: 'exp_unit.v', find: 'wire zero = mine && n_last && (j >= FIRST_PAST);', replace: "wire zero = 1'b0;" },
  },
  {
    name: 'exp-pass-before-the-max',
    kind: 'off-by-one',
    config: { ...SMALL, mode: 'softmax' },
    edit: {
      file: 'comparator_tree.v',
      find: 'assign max_rec = (state == S_SELECT) && (sel_count == LAST_CNT) && (round == 0);',
      replace: 'assign max_rec = (state == S_SELECT) && (sel_count == LAST_CNT - 1) && (round == 0);',
    },
  },
  {
    name: 'split-product-truncates',
    kind: 'operator',
    config: { ...SMALL, mode: 'softmax' },
    edit: { file: 'exp_unit.v', find: "assign pr = {1'b0, p} + ({{P_W{1'b0}}, 1'b1} << (EXP_SPLIT_SHIFT - 1));", replace: "assign pr = {1'b0, p};" },
  },
  { name: 'exp-hi-table-entry', kind: 'table', config: { ...SMALL, mode: 'softmax' }, edit: { mem: 'exp_hi', line: 1 } },
  {
    name: 'recip-done-a-cycle-early',
    kind: 'off-by-one',
    config: { ...SMALL, mode: 'softmax' },
    edit: {
      file: 'reciprocal.v',
      find: 'assign norm_done = sum_done && (rc_cnt >= CYC_M1);',
      replace: "assign norm_done = sum_done && (rc_cnt >= CYC_M1 - 1'b1);",
    },
  },
  {
    name: 'recip-step-drops-carry',
    kind: 'operator',
    config: { ...SMALL, mode: 'softmax' },
    edit: {
      file: 'reciprocal.v',
      find: "wire [T_W-1:0] t2 = {t1[T_W-2:0], 1'b0} + (s ^ {T_W{b2}}) + {{(T_W-1){1'b0}}, b2};",
      replace: "wire [T_W-1:0] t2 = {t1[T_W-2:0], 1'b0} + (s ^ {T_W{b2}});",
    },
  },
  // expPar 1: Σe completes after the selection, so NORM has cycles without it
  {
    name: 'shared-lane-taken-early',
    kind: 'handshake',
    config: { ...SMALL, mode: 'softmax', expPar: 1 },
    edit: {
      file: 'output_stage.v',
      find: 'wire phase = (state == S_EMIT) || (state == S_NORM && sum_done);',
      replace: 'wire phase = (state == S_EMIT) || (state == S_NORM);',
    },
  },
  {
    name: 'read-port-ignores-enable',
    kind: 'handshake',
    config: { classes: 6, inputs: 9, kPar: 3, emit: 'all', mode: 'argmax' },
    edit: { file: 'logit_bank.v', find: 'if (z_rd_en) z_rd_data[j] <= cand[z_rd_addr];', replace: 'z_rd_data[j] <= cand[z_rd_addr];' },
  },
  // select = stream: the stream selector and the logit RAM
  {
    name: 'stream-tie-goes-late',
    kind: 'operator',
    config: { ...STREAM, classes: 12, topK: 12, mode: 'argmax', logitFmt: { width: 16, frac: 0 } },
    edit: {
      file: 'stream_selector.v',
      find: 'assign beats[r] = !top_ok[r] || (d_val > top_val[r]);',
      replace: 'assign beats[r] = !top_ok[r] || (d_val >= top_val[r]);',
    },
  },
  {
    name: 'stream-drain-ignores-full-bank',
    kind: 'handshake',
    config: { ...STREAM, mode: 'softmax' },
    edit: { file: 'logit_bank.v', find: "wire drain = (grp_rows != {ROWS_W{1'b0}}) && !z_work_full;", replace: "wire drain = (grp_rows != {ROWS_W{1'b0}});" },
  },
  {
    name: 'ram-reads-the-write-bank',
    kind: 'datapath',
    config: { ...STREAM, mode: 'softmax' },
    edit: { file: 'logit_bank.v', find: 'wire [GRP_W:0] ra = {!wb, z_rd_addr};', replace: 'wire [GRP_W:0] ra = {wb, z_rd_addr};' },
  },
  {
    name: 'stream-last-group-full',
    kind: 'off-by-one',
    config: { ...STREAM, mode: 'argmax' },
    edit: {
      file: 'logit_bank.v',
      find: 'wire [ROWS_W-1:0] rows = (a_group == LAST_PASS) ? ROWS_LAST_32[ROWS_W-1:0] : CPAR_32[ROWS_W-1:0];',
      replace: 'wire [ROWS_W-1:0] rows = CPAR_32[ROWS_W-1:0];',
    },
  },
  // The AXI-Stream master's rules (the prover's m_stable and last_entry fail on these)
  {
    name: 'm-value-moves-under-backpressure',
    kind: 'handshake',
    config: { ...SMALL, mode: 'argmax' },
    edit: {
      file: 'output_stage.v',
      find: "end else if (m_ready) m_valid <= 1'b0;",
      replace: "end else begin if (m_ready) m_valid <= 1'b0; m_value <= value; end",
    },
  },
  {
    name: 'm-last-dropped',
    kind: 'handshake',
    config: { ...SMALL, mode: 'argmax' },
    edit: { file: 'output_stage.v', find: 'm_last <= em_last;', replace: "m_last <= 1'b0;" },
  },
  // Equivalent: rd_lane also loads on an advance without a fetch, but that advance clears
  // rd_valid, and rd_lane is read only while rd_valid (found by fault injection outside this
  // list: it survives every lockstep configuration; docs/verification.md).
  {
    name: 'rd-lane-on-every-advance',
    kind: 'pipeline',
    config: { classes: 10, cPar: 5, expPar: 2, inputs: 48, kPar: 8, mode: 'softmax', emit: 'all' },
    edit: { file: 'output_stage.v', find: 'if (adv && fetch) rd_lane <= em_lane;', replace: 'if (adv || fetch) rd_lane <= em_lane;' },
    equivalent: {
      configs: [
        { ...EMIT_ALL_LANES, classes: 4, expPar: 2 },
        { ...EMIT_ALL_LANES, classes: 4, expPar: 3 },
        { ...EMIT_ALL_LANES, classes: 5, expPar: 5 },
        { ...EMIT_ALL_LANES, classes: 4, expPar: 2, select: 'stream' },
        { ...EMIT_ALL_LANES, classes: 4, expPar: 3, select: 'stream' },
      ],
      hints: [{ when: 'output_stage.rd_valid', equal: 'output_stage.rd_lane' }],
    },
  },
  {
    name: 'hold-load-over-a-busy-bank',
    kind: 'handshake',
    config: { ...STREAM, mode: 'approx' },
    edit: {
      file: 'logit_bank.v',
      find: 'assign hold_load = !z_hold_full && (d_last || z_work_full);',
      replace: 'assign hold_load = d_last || (z_work_full && !z_hold_full);',
    },
  },
];

export interface MutantResult {
  name: string;
  kind: string;
  caught: boolean;
  mismatch: PortMismatch | null;
}

/** The default traffic (phases of backpressure, bursts and sparse input; a reset mid-run). */
const TRAFFIC: TrafficOptions = { ...DEFAULT_TRAFFIC, seed: 9 };

export type MutantBackend = 'verilator' | 'cocotb';

/** A copy of rtl/ in dir/rtl with the mutant's RTL edit applied (a memory mutant: unchanged); returns its path. */
export function mutantCopy(m: Mutant, dir: string): string {
  const rtlDir = join(dir, 'rtl');
  mkdirSync(dir, { recursive: true });
  cpSync(RTL_DIR, rtlDir, { recursive: true });
  if ('file' in m.edit) {
    const path = join(rtlDir, m.edit.file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(m.edit.find)) throw new Error(`mutant ${m.name}: '${m.edit.find}' not found in rtl/${m.edit.file} (update the mutant list)`);
    writeFileSync(path, text.replace(m.edit.find, m.edit.replace));
  }
  return rtlDir;
}

export async function runMutant(m: Mutant, outRoot: string, vectors = 60, backendName: MutantBackend = 'verilator'): Promise<MutantResult> {
  const dir = join(outRoot, m.name);
  const rtlDir = mutantCopy(m, dir);
  const s = buildScenario(parseConfig(m.config), vectors, 5);
  const mem = writeMemFiles(s, join(dir, 'mem'));
  if ('mem' in m.edit) {
    const file = mem[m.edit.mem];
    const lines = readFileSync(file, 'utf8').split('\n');
    const v = parseInt(lines[m.edit.line]!, 16) ^ 1; // one bit of one entry
    lines[m.edit.line] = v.toString(16).padStart(lines[m.edit.line]!.length, '0');
    writeFileSync(file, lines.join('\n'));
  }
  const backend =
    backendName === 'cocotb'
      ? await startHeadCocotb(s, { dir: join(dir, 'cocotb'), buildRoot: join(outRoot, 'cocotb', 'build'), mem, rtlDir })
      : await startHeadVerilator(s, { mem, rtlDir, outRoot: join(outRoot, 'verilator') });
  try {
    const r = await runLockstep(s, backend, TRAFFIC);
    return { name: m.name, kind: m.kind, caught: r.mismatch !== null, mismatch: r.mismatch };
  } finally {
    await backend.close();
  }
}
