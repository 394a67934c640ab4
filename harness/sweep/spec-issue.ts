// A zod issue of a sweep spec as the one-line InputError the CLI prints: the field's path as
// the spec writes it (`points[1]`, `grid.expLut.addrBits`, `data.weights`; the file itself when
// the issue is at the top), then what was expected. An unknown field inside an object is named
// in the path (`data.weigths: unknown field`); at the top, where the path is the file, the
// schema's message names it.
import type { z } from 'zod';
import { InputError } from '../../lib/errors.ts';

export function pathText(path: readonly PropertyKey[], where: string): string {
  if (!path.length) return where;
  return path.reduce<string>((s, p, i) => (typeof p === 'number' ? `${s}[${p}]` : i === 0 ? String(p) : `${s}.${String(p)}`), '');
}

/** The first issue (a field unknown at the top before anything inside). */
export function specError(e: z.ZodError, where: string): InputError {
  const issue = e.issues.find((i) => i.code === 'unrecognized_keys' && i.path.length === 0) ?? e.issues[0]!;
  const path = issue.code === 'unrecognized_keys' && issue.path.length ? [...issue.path, issue.keys[0]!] : issue.path;
  return new InputError(`${pathText(path, where)}: ${issue.message}`);
}
