// Command-line flags → a config (parameters), the run options and the rest. Every parameter of
// models/config.ts is a flag of the same name; formats take "width,frac", expLut
// "addrBits,outBits,range", expSplit "loBits,hiWidth,loWidth" (loBits 'auto': ⌊addrBits/2⌋);
// anything may also be given as JSON.
import { readFileSync } from 'node:fs';
import { configSchema, MODES, type Mode } from '../models/config.ts';
import { InputError } from './errors.ts';

export interface CommonOptions {
  params: Record<string, unknown>;
  /** --mode a,b (or the config file's mode), checked against MODES */
  modes: Mode[] | null;
  vectors: number | null;
  seed: number;
  out: string;
  json: string | null;
  vcd: boolean;
  flags: Record<string, string | true>;
  positional: string[];
  /** every flag given on the command line (by name), to tell a given value from a default */
  given: Set<string>;
}

const PARAM_NAMES = new Set(Object.keys(configSchema.shape));
const FMT_PARAMS = new Set(['inFmt', 'wFmt', 'biasFmt', 'logitFmt', 'probFmt']);

/** Flags each command accepts beyond the parameters and the common ones. */
export function parseArgs(argv: string[], extra: Record<string, 'value' | 'bool'> = {}): CommonOptions {
  const o: CommonOptions = { params: {}, modes: null, vectors: null, seed: 1, out: 'out', json: null, vcd: false, flags: {}, positional: [], given: new Set() };
  const common: Record<string, 'value' | 'bool'> = { config: 'value', vectors: 'value', seed: 'value', out: 'value', json: 'value', vcd: 'bool', ...extra };
  const fileParams: Record<string, unknown> = {};
  const flagParams: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      o.positional.push(a);
      continue;
    }
    let [name, inline] = splitEq(a.slice(2));
    const kind = PARAM_NAMES.has(name) ? 'value' : common[name];
    if (!kind) throw new InputError(`unknown flag --${name} (see 'headsim help')`);
    let value: string | true = true;
    if (kind === 'value') {
      value = inline ?? argv[++i] ?? '';
      if (value === '' || (inline === undefined && value.startsWith('--'))) throw new InputError(`--${name}: needs a value`);
    } else if (inline !== undefined) throw new InputError(`--${name}: takes no value`);
    o.given.add(name);
    if (PARAM_NAMES.has(name)) {
      if (name === 'mode') o.modes = parseModes(String(value));
      else flagParams[name] = paramValue(name, String(value));
      continue;
    }
    switch (name) {
      case 'config':
        Object.assign(fileParams, readConfigFile(String(value)));
        break;
      case 'vectors':
        o.vectors = positiveInt('vectors', String(value));
        break;
      case 'seed':
        o.seed = positiveInt('seed', String(value), 0);
        break;
      case 'out':
        o.out = String(value);
        break;
      case 'json':
        o.json = String(value);
        break;
      case 'vcd':
        o.vcd = true;
        break;
      default:
        o.flags[name] = value;
    }
  }
  if (o.modes === null && typeof fileParams.mode === 'string') o.modes = parseModes(fileParams.mode);
  delete fileParams.mode;
  o.params = { ...fileParams, ...flagParams };
  return o;
}

function parseModes(v: string): Mode[] {
  const modes = v.split(',');
  for (const m of modes) if (!MODES.includes(m as Mode)) throw new InputError(`--mode: '${m}' is not one of ${MODES.join(', ')}`);
  return modes as Mode[];
}

function splitEq(s: string): [string, string | undefined] {
  const i = s.indexOf('=');
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

export function positiveInt(field: string, v: string, min = 1): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError(`--${field}: expected an integer ≥ ${min}, got '${v}'`);
  return n;
}

function paramValue(name: string, v: string): unknown {
  if (/^[[{]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      throw new InputError(`--${name}: malformed JSON '${v}'`);
    }
  }
  if (FMT_PARAMS.has(name)) {
    const [width, frac] = v.split(',').map(Number);
    return { width, frac };
  }
  if (name === 'expLut') {
    const [addrBits, outBits, range] = v.split(',').map(Number);
    return { addrBits, outBits, range };
  }
  if (name === 'expSplit') {
    const [loBits, hiWidth, loWidth] = v.split(',');
    return { loBits: loBits === 'auto' ? loBits : Number(loBits), hiWidth: Number(hiWidth), loWidth: Number(loWidth) };
  }
  if (v === 'true' || v === 'false') return v === 'true';
  if (v !== '' && !Number.isNaN(Number(v))) return Number(v);
  return v;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read config file (${(e as Error).message.split('\n')[0]})`);
  }
  try {
    const v = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v;
  } catch (e) {
    throw new InputError(`${path}: malformed config (${(e as Error).message})`);
  }
}
