// A sweep point's verification: `headsim cosim` on the point (its mode only, few vectors), run
// in the calling thread (a sweep worker) through the same mode loop and checks as the command
// (harness/check/modes.ts), on the sweep's RTL, in the point's own directory. Verified when the
// RTL and the model agree on every port at every cycle, every value matches the bit-true
// reference and the timing matches the formulas. The accuracy bar is not part of it (the sweep
// reports accuracy separately; small exp tables miss the default bar by design). Any error is
// this point's (its detail), never the sweep's; past timeoutMs the simulation is stopped.
import { join } from 'node:path';
import { makeDir, writeFileAtomic, writeJson } from '../../lib/files.ts';
import { checkModes } from '../check/modes.ts';
import { cosimRunner } from '../run/cosim-runner.ts';
import { DEFAULT_TRAFFIC } from '../run/traffic.ts';
import { verifyScenario } from './data.ts';
import type { PointSpec } from './point.ts';

/** A point's verification: passed or not, and the line that says why. */
export interface Verification {
  ok: boolean;
  detail: string;
  seconds: number;
}

export interface VerifyOptions {
  vectors: number;
  timeoutMs: number;
  /** directory for the cosim run's files */
  dir: string;
}

/** Verified, or why not (the failed checks, the error). */
export async function verify(p: PointSpec, v: VerifyOptions): Promise<Verification> {
  const t0 = performance.now();
  const done = (ok: boolean, detail: string) => ({ ok, detail, seconds: (performance.now() - t0) / 1000 });
  const runner = cosimRunner({ backend: 'verilator', out: v.dir, rtlDir: p.rtlDir, deadline: { at: Date.now() + v.timeoutMs, limit: `the verification's time limit of ${v.timeoutMs} ms` } });
  try {
    makeDir(v.dir);
    // what reproduces the run: headsim cosim --config config.json --mode <mode> and the data flags
    writeFileAtomic(join(v.dir, 'config.json'), JSON.stringify(p.params, null, 2) + '\n');
    const sourced = await verifyScenario(p, v.vectors, v.dir);
    const mode = sourced.config.mode;
    const r = await checkModes({ command: 'cosim', sourced, modes: [mode], traffic: { ...DEFAULT_TRAFFIC, seed: p.seed }, bars: { maxProbError: 1 }, concurrent: true }, runner.run);
    writeJson(join(v.dir, 'cosim.json'), r.report);
    if (!r.failed.length) return done(true, 'cosim: all checks passed');
    return done(false, `cosim: ${r.failed.length} check(s) failed\n${r.failed.map((f) => `FAIL ${f}`).join('\n')}`);
  } catch (e) {
    return done(false, `cosim: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    runner.release();
  }
}
