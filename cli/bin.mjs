#!/usr/bin/env node
// `headsim` binary: runs the TypeScript CLI (cli/main.ts, lib/ts-runtime) in a child process and
// stays its faithful proxy: SIGINT, SIGTERM and SIGHUP are passed on (a CI cancel, `timeout`,
// a closed terminal stop the real run), and the child's exit status is ours, a death by
// signal as 128 + the signal's number.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('./main.ts', import.meta.url));
const register = new URL('../lib/ts-runtime/register.mjs', import.meta.url).href;
const child = spawn(process.execPath, ['--import', register, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('error', (e) => {
  console.error(`headsim: cannot start node: ${e.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
