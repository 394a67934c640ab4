/**
 * What the cocotb backend needs on the machine, checked before anything is spawned, each
 * missing piece a one-line InputError with its fix: the project venv (.venv, `make venv`) with
 * cocotb 2.x, and Icarus Verilog (iverilog/vvp).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../lib/errors.ts';
import { CommandError, CommandNotFoundError, runCommand } from '../../../lib/proc.ts';

/** Repository root (where .venv and the Makefile live). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');

/** A missing or broken Python venv / cocotb install. */
export class CocotbSetupError extends InputError {
  override name = 'CocotbSetupError';
}

export interface CocotbSetup {
  python: string;
  cocotbVersion: string;
  iverilogVersion: string;
}

const checked = new Map<string, Promise<CocotbSetup>>();

/** Checks (once per python path and process) the venv, cocotb and iverilog. */
export function checkCocotbSetup(python = DEFAULT_PYTHON): Promise<CocotbSetup> {
  const key = `${python}\0${process.env.PATH ?? ''}`; // PATH decides which iverilog runs
  let p = checked.get(key);
  if (!p) {
    p = doCheck(python);
    checked.set(key, p);
    p.catch(() => checked.delete(key));
  }
  return p;
}

async function doCheck(python: string): Promise<CocotbSetup> {
  const fix =
    python === DEFAULT_PYTHON
      ? 'run `make venv`'
      : `run \`make venv\` (creates .venv), or: python3 -m venv ${path.dirname(path.dirname(python))} && ${path.dirname(python)}/pip install -r harness/rtl/cocotb/requirements.txt`;
  if (!existsSync(python)) throw new CocotbSetupError(`cocotb backend: Python venv not found (${python} is missing): ${fix}`);
  let cocotbVersion: string;
  try {
    const r = await runCommand(python, ['-c', 'import cocotb, cocotb_tools.runner; print(cocotb.__version__)'], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new CocotbSetupError(`cocotb backend: cocotb is not installed in ${python}: ${fix}`);
    cocotbVersion = r.stdout.trim();
  } catch (e) {
    if (e instanceof CocotbSetupError) throw e;
    throw new CocotbSetupError(`cocotb backend: ${python} does not run (${(e as Error).message.split('\n')[0]}): ${fix}`);
  }
  if (!/^2\./.test(cocotbVersion))
    throw new CocotbSetupError(
      `cocotb backend: cocotb ${cocotbVersion} in ${python}, need 2.1 (harness/rtl/cocotb/requirements.txt): rm -rf .venv && make venv`,
    );
  let iverilogVersion: string;
  try {
    const r = await runCommand('iverilog', ['-V'], { timeoutMs: 30_000 });
    iverilogVersion = (r.stdout.split('\n')[0] ?? '').trim();
  } catch (e) {
    if (e instanceof CommandNotFoundError) throw new InputError('iverilog not found: apt-get install -y iverilog');
    throw e instanceof CommandError ? new InputError(`iverilog -V failed: ${e.message.split('\n')[0]}`) : e;
  }
  return { python, cocotbVersion, iverilogVersion };
}
