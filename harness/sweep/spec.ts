// The sweep spec (docs/contract.md §Sweep): { "base": {params}, "grid": {param: [values, …]}, "points": [{params}, …] }.
// The grid is the cross product of its value lists over base (last key varies fastest); points
// are added as given, each merged over base. Either may be absent; with neither, base alone is
// the one point. A parameter may be named with a dot to set one field of an object parameter
// ("expLut.addrBits": [6, 8, 10, 12]). Extensions: "vectors" and "seed" (accuracy vector set and
// the seed of weights and vectors), "description", "data" (the user's weights and vectors,
// harness/sweep/data-spec.ts), "target", "clock" and "pnrSeed" (what each point is synthesized
// for: xc7 by default, or an iCE40 part placed and routed; harness/synth/targets.ts). The spec is
// validated by its zod schema; every error is an InputError naming the field (spec-issue.ts).
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { configSchema, ConfigError, parseConfig, type HeadConfig } from '../../models/config.ts';
import { z } from 'zod';
import { InputError } from '../../lib/errors.ts';
import { readJsonFile } from '../../lib/files.ts';
import { LIMITS, readJsonCapped } from '../../lib/limits.ts';
import { resolveDataPaths, specDataSchema, type SpecData } from './data-spec.ts';
import { specError } from './spec-issue.ts';
import { DEFAULT_SYNTH_TARGET, targetOf, type SynthTarget } from '../synth/targets.ts';

export interface SweepSpec {
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  points: Record<string, unknown>[];
  vectors: number | null;
  seed: number | null;
  description: string | null;
  /** data sources (paths resolved against the spec's directory); null: generated from the seed */
  data: SpecData | null;
  /** the target the points are synthesized for */
  synthTarget: SynthTarget;
}

export interface SweepPoint {
  /** position in the expanded spec (grid first, then points) */
  index: number;
  /** where it came from, for messages: "grid[3]" or "points[1]" */
  origin: string;
  /** the parameters as the spec gives them (base merged with the grid entry or point) */
  params: Record<string, unknown>;
  config: HeadConfig;
}

const SHAPE = configSchema.shape as Record<string, unknown>;
const DEFAULTS = configSchema.parse({}) as Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with a parameter name (a dotted name sets one field of an object parameter), or null. */
function nameProblem(name: string): string | null {
  const [head, sub, ...rest] = name.split('.');
  if (!(head! in SHAPE)) return `unknown parameter '${head}' (parameters: ${Object.keys(SHAPE).join(', ')})`;
  if (head === 'labels') return `'labels' cannot be swept`;
  if (sub !== undefined) {
    const d = DEFAULTS[head!];
    if (rest.length || !isObject(d) || !(sub in d)) return `'${name}' is not a field of an object parameter`;
  }
  return null;
}

/** An object whose keys are parameter names (values are checked when the points are expanded: parseConfig). */
const named = <T extends z.ZodType>(values: T, expected: string) =>
  z.record(z.string(), values, { error: () => expected }).superRefine((v, ctx) => {
    for (const name of Object.keys(v)) {
      const why = nameProblem(name);
      if (why) ctx.addIssue({ code: 'custom', message: why, path: [name] });
    }
  });

const params = named(z.unknown(), 'expected an object of parameters');
const nonEmpty = { error: () => 'expected a non-empty array of values' };
const integer = (min: number) => {
  const error = (iss: { input?: unknown }) => `expected an integer ≥ ${min}, got ${JSON.stringify(iss.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).nullish();
};

const FIELDS = ['base', 'grid', 'points', 'vectors', 'seed', 'description', 'data', 'target', 'clock', 'pnrSeed'];

/** docs/contract.md §Sweep: the spec as written; every message names the field. */
const specSchema = z.strictObject(
  {
    base: params.optional(),
    grid: named(z.array(z.unknown(), nonEmpty).min(1, nonEmpty), 'expected an object { parameter: [values, …] }').optional(),
    points: z.array(params, { error: () => 'expected an array of parameter objects' }).optional(),
    vectors: integer(1),
    seed: integer(0),
    description: z.string({ error: () => 'expected a string' }).optional(),
    data: specDataSchema.nullish(),
    target: z.string({ error: (iss) => `expected a target name, got ${JSON.stringify(iss.input)}` }).optional(),
    clock: z.number({ error: (iss) => `expected a clock in MHz (0, 2000], got ${JSON.stringify(iss.input)}` }).gt(0, { error: (iss) => `expected a clock in MHz (0, 2000], got ${JSON.stringify(iss.input)}` }).lte(2000, { error: (iss) => `expected a clock in MHz (0, 2000], got ${JSON.stringify(iss.input)}` }).nullish(),
    pnrSeed: integer(0),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field '${iss.keys[0]}' (fields: ${FIELDS.join(', ')})` : 'expected a JSON object { base, grid, points }') },
);

/** `baseDir`: where the data paths are relative to (the spec's directory; null: as given). */
export function parseSpec(raw: unknown, where = 'spec', baseDir: string | null = null): SweepSpec {
  const r = specSchema.safeParse(raw);
  if (!r.success) throw specError(r.error, where);
  const s = r.data;
  return {
    base: s.base ?? {},
    grid: s.grid ?? {},
    points: s.points ?? [],
    vectors: s.vectors ?? null,
    seed: s.seed ?? null,
    description: s.description ?? null,
    data: s.data ? resolveDataPaths(s.data, baseDir) : null,
    synthTarget: synthTargetOf(s),
  };
}

/** The spec's target fields (checked by the schema for type; here against the target list). */
function synthTargetOf(s: { target?: string; clock?: number | null; pnrSeed?: number | null }): SynthTarget {
  const target = targetOf(s.target ?? DEFAULT_SYNTH_TARGET.target, 'target');
  if (target.family === 'xc7' && (s.clock != null || s.pnrSeed != null)) throw new InputError(`${s.clock != null ? 'clock' : 'pnrSeed'}: only iCE40 targets are placed and routed (target is xc7)`);
  return { target: target.name, clock: s.clock ?? null, pnrSeed: s.pnrSeed ?? DEFAULT_SYNTH_TARGET.pnrSeed };
}

/** A spec file: JSON of at most LIMITS.specBytes (a spec is a page of text, not a stream). */
export function readSpec(path: string): SweepSpec {
  return parseSpec(readJsonFile(path, { what: 'sweep spec', maxBytes: LIMITS.specBytes }), path, dirname(path));
}

/** readSpec for the CLI: a pipe or a device is read asynchronously (signals are obeyed) and given up on when silent. */
export async function loadSpec(path: string): Promise<SweepSpec> {
  return parseSpec(await readJsonCapped(path, { what: 'sweep spec', maxBytes: LIMITS.specBytes }), path, dirname(path));
}

/** Apply {name: value} (dotted names set one field of an object parameter) over params. */
export function mergeParams(into: Record<string, unknown>, add: Record<string, unknown>): Record<string, unknown> {
  const r: Record<string, unknown> = { ...into };
  // Whole values first, then dotted fields, so {"expLut": {...}, "expLut.addrBits": 8} works in any order.
  for (const [name, v] of Object.entries(add)) if (!name.includes('.')) r[name] = v;
  for (const [name, v] of Object.entries(add)) {
    if (!name.includes('.')) continue;
    const [head, sub] = name.split('.') as [string, string];
    const cur = r[head];
    r[head] = { ...(isObject(cur) ? cur : (DEFAULTS[head] as Record<string, unknown>)), [sub]: v };
  }
  return r;
}

/** A spec with more points than this is a mistake (and would not fit in memory to list). */
export const MAX_POINTS = 100_000;

function cross(grid: Record<string, unknown[]>): Record<string, unknown>[] {
  const n = Object.values(grid).reduce((p, v) => p * v.length, 1);
  if (n > MAX_POINTS) throw new InputError(`grid: ${Object.entries(grid).map(([k, v]) => `${k} (${v.length})`).join(' × ')} = ${n.toLocaleString('en-US')} points exceeds ${MAX_POINTS.toLocaleString('en-US')}; split the spec`);
  let combos: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(grid)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  return combos;
}

const describe = (p: Record<string, unknown>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');

/** All points of the spec, validated (InputError naming the point and the field), duplicates dropped. */
export function expandSpec(spec: SweepSpec, overrides: Record<string, unknown> = {}): SweepPoint[] {
  const base = mergeParams(spec.base, overrides);
  const entries: { origin: string; add: Record<string, unknown> }[] = [];
  if (Object.keys(spec.grid).length) cross(spec.grid).forEach((add, i) => entries.push({ origin: `grid[${i}] (${describe(add)})`, add }));
  spec.points.forEach((add, i) => entries.push({ origin: `points[${i}]`, add }));
  if (!entries.length) entries.push({ origin: 'base', add: {} });
  const seen = new Set<string>();
  const out: SweepPoint[] = [];
  for (const { origin, add } of entries) {
    const params = mergeParams(base, add);
    let config: HeadConfig;
    try {
      config = parseConfig(params);
    } catch (e) {
      if (e instanceof ConfigError) throw new InputError(`${origin}: ${e.message}`);
      throw e;
    }
    const key = configKey(config);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ index: out.length, origin, params, config });
  }
  return out;
}

/** Everything about a configuration that reaches hardware or numbers (labels do not). */
export function canonicalConfig(c: HeadConfig): Record<string, unknown> {
  const { labels: _labels, ...rest } = c;
  return rest;
}

/** JSON with sorted keys, so equal values give equal text. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

export const sha = (v: unknown) => createHash('sha256').update(typeof v === 'string' ? v : stableStringify(v)).digest('hex').slice(0, 24);

export const configKey = (c: HeadConfig) => sha(canonicalConfig(c));
