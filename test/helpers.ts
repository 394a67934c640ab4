import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsNodeArgs } from '../lib/ts-runtime/node-args.ts';

const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

/** Run the real CLI in a child process. */
export function headsim(args: string[], timeoutMs = 300_000, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [...tsNodeArgs(), CLI, ...args], { encoding: 'utf8', timeout: timeoutMs, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Does `cmd args…` run and exit 0 here? Tests of real tools skip without them. */
export const hasCommand = (cmd: string, ...args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
export const hasVerilator = hasCommand('verilator', '--version');
export const hasIcarus = hasCommand('iverilog', '-V');
