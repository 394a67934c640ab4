// .npz archives (np.savez, np.savez_compressed: a zip of .npy members), and the rule a source
// flag follows to pick its array from a .npy or a .npz file (docs/real-data.md).
import { InputError } from '../../lib/errors.ts';
import { parseNpy, readInput, readInputAsync, type NpyArray } from './npy.ts';
import { clip } from './py-literal.ts';
import { zipDirectory, zipMember, type ZipEntry } from './zip.ts';

import { ZIP_MAGIC } from './zip.ts';

/** A .npz archive: its arrays by name (member 'W.npy' → 'W'), decoded on demand. */
export interface NpzArchive {
  /** array names in archive order */
  names: string[];
  /** the array; its messages name it FILE.npz:NAME */
  read(name: string): NpyArray;
}

export function readNpz(path: string): NpzArchive {
  return parseNpz(readInput(path), path);
}


export function parseNpz(buf: Buffer, name: string): NpzArchive {
  const fail = (problem: string): never => {
    throw new InputError(`${name}: ${problem}`);
  };
  const members = new Map<string, ZipEntry>();
  for (const e of zipDirectory(buf, fail)) {
    if (!e.name.endsWith('.npy')) continue; // np.savez writes only .npy members; np.load would return others as bytes
    const key = e.name.slice(0, -4);
    if (members.has(key)) fail(`holds the member ${clip(e.name)} twice`);
    members.set(key, e);
  }
  return {
    names: [...members.keys()],
    read(key: string): NpyArray {
      const e = members.get(key);
      if (!e) return fail(`has no array '${clip(key)}' (it holds ${listNames([...members.keys()])})`);
      return parseNpy(zipMember(buf, e, (p) => fail(`member ${clip(e.name)}: ${p}`)), `${name}:${clip(key)}`);
    },
  };
}

function listNames(names: string[]): string {
  if (!names.length) return 'no .npy members';
  return clip(names.map((n) => `'${n}'`).join(', '), 200);
}

/** A source flag's value: FILE.npy, FILE.npz, or FILE.npz:NAME (one member). */
export function parseArraySpec(spec: string): { path: string; member?: string } {
  const m = /^(.+\.np[yz]):([^:/\\]+)$/i.exec(spec); // .npy:NAME too, to say it has no members
  return m ? { path: m[1]!, member: m[2]! } : { path: spec };
}

export interface LoadedArray {
  /** where it came from, for messages: W.npy, or model.npz:W */
  label: string;
  array: NpyArray;
}

/**
 * The array a source flag names, by the file's magic as np.load decides (.npy or a zip = .npz).
 * FILE.npz:NAME: its member NAME. FILE.npz alone: its only array, else its member `member`
 * (e.g. 'W'), else an error listing what it holds. `companion` (e.g. 'b' beside 'W'): returned too
 * when FILE.npz alone holds it besides the main array.
 */
export function loadArray(spec: string, member: string, companion?: string): { main: LoadedArray; companion?: LoadedArray } {
  const { path } = parseArraySpec(spec);
  return pickArray(spec, readInput(path), member, companion);
}

/** loadArray for the CLI: the file read asynchronously (a pipe is bounded in time, signals are obeyed). */
export async function loadArrayAsync(spec: string, member: string, companion?: string): Promise<{ main: LoadedArray; companion?: LoadedArray }> {
  const { path } = parseArraySpec(spec);
  return pickArray(spec, await readInputAsync(path), member, companion);
}

function pickArray(spec: string, buf: Buffer, member: string, companion?: string): { main: LoadedArray; companion?: LoadedArray } {
  const { path, member: named } = parseArraySpec(spec);
  if (buf.subarray(0, 4).equals(ZIP_MAGIC) || (buf.length >= 22 && buf.readUInt32LE(0) === 0x06054b50)) {
    const z = parseNpz(buf, path);
    const pick = named ?? (z.names.length === 1 ? z.names[0]! : member);
    if (named === undefined && !z.names.includes(pick)) {
      if (!z.names.length) throw new InputError(`${path}: holds no arrays (no .npy members)`);
      throw new InputError(`${path}: holds ${listNames(z.names)} but no '${member}'; name the array, e.g. ${path}:${z.names[0]}`);
    }
    const main = { label: `${path}:${clip(pick)}`, array: z.read(pick) };
    const other = named === undefined && companion !== undefined && companion !== pick && z.names.includes(companion);
    return { main, ...(other ? { companion: { label: `${path}:${companion}`, array: z.read(companion) } } : {}) };
  }
  if (named !== undefined) throw new InputError(`${spec}: ${path} is not a .npz archive, so it has no member '${named}'`);
  return { main: { label: path, array: parseNpy(buf, path) } };
}
