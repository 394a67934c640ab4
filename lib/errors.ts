/**
 * Bad user input (a malformed file, an out-of-range flag). The CLI maps it to exit status 2;
 * its message is one line that names the offending file or field.
 */
export class InputError extends Error {
  override name = 'InputError';
  constructor(message: string) {
    super(message);
  }
}

/** True for Node system errors (ENOENT, EACCES, ...), so callers can turn them into InputErrors. */
export function isErrnoException(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}
