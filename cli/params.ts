// The head's parameters as flags: every field of models/config.ts is a flag of the same name,
// declared from the schema (its description is the help text), so a new parameter is a flag
// without a line here. Formats take "width,frac", expLut "addrBits,outBits,range",
// expSplit "loBits,hiWidth,loWidth" (loBits may be 'auto'), labels a
// JSON array; anything may also be given as JSON. `--config FILE` gives the same names in a
// JSON object; flags win over the file.
import { InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import { configSchema, type Mode } from '../models/config.ts';
import { InputError } from '../lib/errors.ts';
import { LIMITS, readJsonCapped } from '../lib/limits.ts';
import { DECIMAL, modeList } from './values.ts';

type Kind = 'number' | 'boolean' | 'enum' | 'object' | 'array' | 'union';
interface ZodLike {
  _zod: { def: { type: string; innerType?: ZodLike } };
  description?: string;
  shape?: Record<string, unknown>;
}

const SHAPE = configSchema.shape as unknown as Record<string, ZodLike>;
/** Parameter names, in schema order. `mode` is a parameter but also the run list (--mode a,b). */
export const PARAM_NAMES = Object.keys(SHAPE);

function inner(s: ZodLike): ZodLike {
  while (['default', 'nullable', 'optional', 'prefault', 'pipe'].includes(s._zod.def.type) && s._zod.def.innerType) s = s._zod.def.innerType;
  return s;
}

const kindOf = (name: string) => inner(SHAPE[name]!)._zod.def.type as Kind;

/** One flag value of parameter `name` as the config schema takes it (the schema validates it). */
export function paramValue(name: string, v: string): unknown {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(why);
  };
  if (/^\s*[[{]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return bad(`malformed JSON '${v}'`);
    }
  }
  switch (kindOf(name)) {
    case 'number': {
      // Not a decimal number: kept as text for the places that take a file instead (--inputs X.npy), else the schema names the field.
      if (/^\s*[+-]?0[xob]/i.test(v)) bad(`expected a decimal number, got '${v}'`);
      return DECIMAL.test(v) ? Number(v) : v === 'null' ? null : v;
    }
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : bad(`expected true or false, got '${v}'`);
    case 'object': {
      const fields = Object.keys(inner(SHAPE[name]!).shape!);
      const parts = v.split(',');
      if (parts.length !== fields.length) bad(`expected ${fields.join(',')} (${fields.length} numbers), got '${v}'`);
      // A field may be 'auto' (expSplit's loBits); the schema says which may.
      return Object.fromEntries(
        fields.map((f, i) => {
          const p = parts[i]!.trim();
          if (p === 'auto') return [f, 'auto'];
          if (!DECIMAL.test(p)) bad(`${f}: expected a decimal number, got '${p}' in '${v}'`);
          return [f, Number(p)];
        }),
      );
    }
    case 'array':
      return v; // --labels y.npy (the input labels file); names are a JSON array
    case 'union': // expPar: 'auto' or a number
      if (DECIMAL.test(v)) return Number(v);
      return v === 'auto' ? v : bad(`expected 'auto' or a decimal number, got '${v}'`);
    default:
      return v;
  }
}

const show = (v: unknown) => (v === null ? null : typeof v === 'object' && !Array.isArray(v) ? Object.values(v as object).join(',') : String(v));

/** Adds every parameter flag (but `mode`, which each command declares itself) and --config. */
export function withParams<C extends Command<any, any, any>>(cmd: C): C {
  cmd.option('--config <file>', 'JSON file of parameters (flags win over it)');
  // The schema's defaults as given, not as resolved for the seed: select and expPar are 'auto'
  // (chosen per configuration), expSplit's loBits 'auto', cPar and accWidth derived.
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  for (const name of PARAM_NAMES) {
    if (name === 'mode') continue;
    const dflt = name === 'labels' ? null : show(defaults[name]);
    const help = `${SHAPE[name]!.description ?? name}${dflt !== null && !/\(default/.test(SHAPE[name]!.description ?? '') ? ` (default: ${dflt})` : ''}`;
    cmd.addOption(new Option(`--${name} <value>`, help).argParser((v: string) => paramValue(name, v)).helpGroup('Parameters of the head:'));
  }
  return cmd;
}

export interface ParamFlags {
  /** the parameters: the --config file's, then the flags' */
  params: Record<string, unknown>;
  /** modes: --mode, else the config file's "mode" (a name or a comma list), else null */
  modes: Mode[] | null;
}

/** The parameters given to `cmd` (after parsing), merged over its --config file. */
export async function paramsOf(cmd: Command<any, any, any>, modeFlag: Mode[] | undefined): Promise<ParamFlags> {
  const o = cmd.opts() as Record<string, unknown>;
  const file: Record<string, unknown> = typeof o.config === 'string' ? await readConfigFile(o.config) : {};
  let modes: Mode[] | null = modeFlag ?? null;
  if ('mode' in file) {
    const m = file.mode;
    if (typeof m !== 'string') throw new InputError(`${o.config}: "mode" must be a string such as "softmax" or "argmax,softmax", got ${JSON.stringify(m)}`);
    try {
      modes ??= modeList(m);
    } catch (e) {
      throw new InputError(`${o.config}: "mode": ${(e as Error).message}`);
    }
    delete file.mode;
  }
  const flags = Object.fromEntries(PARAM_NAMES.filter((n) => o[n] !== undefined).map((n) => [n, o[n]]));
  return { params: { ...file, ...flags }, modes };
}

/** Config files are small (LIMITS.configBytes); anything past that is not one (e.g. /dev/zero). */
async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  const v = await readJsonCapped(path, { what: 'config file', maxBytes: LIMITS.configBytes });
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(`${path}: malformed config (not a JSON object)`);
  return v as Record<string, unknown>;
}
