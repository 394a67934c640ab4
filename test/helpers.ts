import { execSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../harness/cli.ts', import.meta.url));

/** Run the real CLI in a child process. */
export function headsim(args: string[], timeoutMs = 300_000, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: timeoutMs, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Is `cmd` (with its version flag) runnable here? Tests of real tools skip without them. */
export function hasCommand(cmd: string): boolean {
  try {
    execSync(cmd, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
