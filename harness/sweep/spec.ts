// The sweep spec (docs/contract.md §Sweep): { "base": {params}, "grid": {param: [values, …]}, "points": [{params}, …] }.
// The grid is the cross product of its value lists over base (last key varies fastest); points
// are added as given, each merged over base. Either may be absent; with neither, base alone is
// the one point. A parameter may be named with a dot to set one field of an object parameter
// ("expLut.addrBits": [6, 8, 10, 12]). Extensions: "vectors" and "seed" (accuracy vector set and
// the seed of weights and vectors), "description", "data" (the user's weights and vectors,
// harness/sweep/data-spec.ts), "target", "clock" and "pnrSeed" (what each point is synthesized
// for: xc7 by default, or an iCE40 part placed and routed; harness/synth/targets.ts). Every
// error is an InputError naming the field.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { configSchema, ConfigError, parseConfig, type HeadConfig } from '../../models/config.ts';
import { InputError } from '../../lib/errors.ts';
import { parseSpecData, type SpecData } from './data-spec.ts';
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

const TOP_KEYS = ['base', 'grid', 'points', 'vectors', 'seed', 'description', 'data', 'target', 'clock', 'pnrSeed'];
const SHAPE = configSchema.shape as Record<string, unknown>;
const DEFAULTS = configSchema.parse({}) as Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkName(field: string, name: string): void {
  const [head, sub, ...rest] = name.split('.');
  if (!(head! in SHAPE)) throw new InputError(`${field}: unknown parameter '${head}' (parameters: ${Object.keys(SHAPE).join(', ')})`);
  if (head === 'labels') throw new InputError(`${field}: 'labels' cannot be swept`);
  if (sub !== undefined) {
    const d = DEFAULTS[head!];
    if (rest.length || !isObject(d) || !(sub in d)) throw new InputError(`${field}: '${name}' is not a field of an object parameter`);
  }
}

function checkParams(field: string, v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw new InputError(`${field}: expected an object of parameters`);
  for (const name of Object.keys(v)) checkName(`${field}.${name}`, name);
  return v;
}

/** `baseDir`: where the data paths are relative to (the spec's directory; null: as given). */
export function parseSpec(raw: unknown, where = 'spec', baseDir: string | null = null): SweepSpec {
  if (!isObject(raw)) throw new InputError(`${where}: expected a JSON object { base, grid, points }`);
  for (const k of Object.keys(raw)) if (!TOP_KEYS.includes(k)) throw new InputError(`${where}: unknown field '${k}' (fields: ${TOP_KEYS.join(', ')})`);
  const base = raw.base === undefined ? {} : checkParams('base', raw.base);
  const grid: Record<string, unknown[]> = {};
  if (raw.grid !== undefined) {
    if (!isObject(raw.grid)) throw new InputError(`grid: expected an object { parameter: [values, …] }`);
    for (const [name, values] of Object.entries(raw.grid)) {
      checkName(`grid.${name}`, name);
      if (!Array.isArray(values) || values.length === 0) throw new InputError(`grid.${name}: expected a non-empty array of values`);
      grid[name] = values;
    }
  }
  let points: Record<string, unknown>[] = [];
  if (raw.points !== undefined) {
    if (!Array.isArray(raw.points)) throw new InputError(`points: expected an array of parameter objects`);
    points = raw.points.map((p, i) => checkParams(`points[${i}]`, p));
  }
  const int = (name: 'vectors' | 'seed', min: number): number | null => {
    const v = raw[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InputError(`${name}: expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  const description = raw.description;
  if (description !== undefined && typeof description !== 'string') throw new InputError(`description: expected a string`);
  const data = raw.data === undefined || raw.data === null ? null : parseSpecData(raw.data, baseDir);
  return { base, grid, points, vectors: int('vectors', 1), seed: int('seed', 0), description: description ?? null, data, synthTarget: parseSynthTarget(raw) };
}

function parseSynthTarget(raw: Record<string, unknown>): SynthTarget {
  const t = raw.target ?? DEFAULT_SYNTH_TARGET.target;
  if (typeof t !== 'string') throw new InputError(`target: expected a target name, got ${JSON.stringify(t)}`);
  const target = targetOf(t, 'target');
  const clock = raw.clock ?? null;
  if (clock !== null && (typeof clock !== 'number' || !(clock > 0 && clock <= 2000))) throw new InputError(`clock: expected a clock in MHz (0, 2000], got ${JSON.stringify(clock)}`);
  const seed = raw.pnrSeed ?? DEFAULT_SYNTH_TARGET.pnrSeed;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) throw new InputError(`pnrSeed: expected an integer ≥ 0, got ${JSON.stringify(seed)}`);
  if (target.family === 'xc7' && (raw.clock !== undefined || raw.pnrSeed !== undefined)) throw new InputError(`${raw.clock !== undefined ? 'clock' : 'pnrSeed'}: only iCE40 targets are placed and routed (target is xc7)`);
  return { target: target.name, clock: clock as number | null, pnrSeed: seed };
}

export function readSpec(path: string): SweepSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read sweep spec (${(e as Error).message.split('\n')[0]})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: malformed JSON (${(e as Error).message})`);
  }
  return parseSpec(raw, path, dirname(path));
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
