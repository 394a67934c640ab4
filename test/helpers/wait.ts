// Waiting for something to happen, not for a time: a condition polled until it holds, or a line
// a child process prints. The deadline only guards against a hang: generous, far beyond any
// wait a loaded machine needs, and it fails naming what never happened (no test asserts on
// how long something took).
import type { ChildProcess } from 'node:child_process';

/** The hang guard of a wait: far past any real wait, well within a test's own timeout. */
export const HANG_GUARD_MS = 90_000;

/** Resolves once `cond()` holds; rejects naming `what` if it has not after `guardMs`. */
export async function waitUntil(cond: () => boolean, what: string, guardMs = HANG_GUARD_MS, everyMs = 20): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`hang guard: ${what} did not happen within ${guardMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Resolves with the output so far once `child` prints a line matching `line` (stdout or stderr,
 * which must be pipes); rejects if the child exits first or nothing matches within `guardMs`.
 */
export function printed(child: ChildProcess, line: RegExp, guardMs = HANG_GUARD_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const guard = setTimeout(() => reject(new Error(`hang guard: no line matching ${line} within ${guardMs / 1000} s:\n${text}`)), guardMs);
    const look = (d: Buffer) => {
      text += d;
      if (line.test(text)) {
        clearTimeout(guard);
        resolve(text);
      }
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      reject(new Error(`exited (${signal ?? code}) before a line matching ${line}:\n${text}`));
    });
  });
}

/** `p`, or a rejection naming `what` if it has not settled within `guardMs`: a hang, not a slow run. */
export function withinHangGuard<T>(p: Promise<T>, what: string, guardMs = HANG_GUARD_MS): Promise<T> {
  let guard: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    guard = setTimeout(() => reject(new Error(`hang guard: ${what} did not finish within ${guardMs / 1000} s`)), guardMs);
  });
  return Promise.race([p, hung]).finally(() => clearTimeout(guard));
}
