// runCommand (lib/proc.ts), the process helper under the Verilator build.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommandError, CommandNotFoundError, runCommand } from '../../lib/proc.ts';
import { waitUntil } from '../helpers/wait.ts';

/** Gone, or a zombie waiting for a non-reaping init (containers): either way not running. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('runCommand', () => {
  it('returns status and output', async () => {
    const r = await runCommand('sh', ['-c', 'cat; echo err >&2; exit 3'], { input: 'in' });
    expect(r).toEqual({ code: 3, stdout: 'in', stderr: 'err\n' });
    await expect(runCommand('sh', ['-c', 'echo why >&2; exit 3'], { check: true })).rejects.toThrow(/exit status 3\nwhy/);
  });

  it('kills the whole process group on timeout and reports the stderr tail', async () => {
    // The grandchild sleeps past the test's own timeout: were it not killed with its group, the
    // call would wait for it (it holds stderr open) and the test would time out.
    const e = await runCommand('sh', ['-c', 'sleep 600 & echo "child $!" >&2; wait'], { timeoutMs: 300 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CommandError);
    expect((e as Error).message).toMatch(/timed out after 300 ms, killed\nchild \d+/);
    const pid = Number(/child (\d+)/.exec((e as Error).message)![1]);
    await waitUntil(() => !running(pid), `the end of the grandchild ${pid}`);
  });

  it('distinguishes a missing command', async () => {
    await expect(runCommand('no-such-tool-headsim', [])).rejects.toBeInstanceOf(CommandNotFoundError);
  });
});
