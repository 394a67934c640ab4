// An RTL backend that refuses work past a deadline: a run that must end by a given time (the
// sweep's verification of a point) stops at its next batch with an error naming the limit,
// and its simulator is closed as after any failure. One clock read per batch, not per cycle.
import type { RtlBackend } from './backend.ts';

export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** `b`, whose run() rejects once Date.now() is past `at`; `limit` names the limit in the message. */
export function withDeadline(b: RtlBackend, at: number, limit: string): RtlBackend {
  const check = () => {
    if (Date.now() > at) throw new DeadlineError(`${b.name}: ${limit} exceeded; the simulation was stopped`);
  };
  return {
    name: b.name,
    run: async (batch, n) => {
      check();
      await b.run(batch, n);
    },
    traceStart: (path) => b.traceStart(path),
    traceStop: () => b.traceStop(),
    close: () => b.close(),
  };
}
