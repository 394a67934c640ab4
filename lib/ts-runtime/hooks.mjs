// Module hooks that run headsim's TypeScript on Node 20 (registered by ./register.mjs, in the
// loader thread): a .ts file is compiled by esbuild (types stripped, an inline source map), and
// the result kept in a cache by content (the temp directory, like tsx's), so a run compiles only
// what changed; every other module loads as Node loads it. Sources reach the main thread as
// strings: Node detaches the ArrayBuffer of a source handed over as bytes, and one detached
// buffer anywhere in the process makes V8 check every typed-array access of the simulator for
// detachment (bench/optimizations.md: the model ran 1.4–1.8× slower under tsx for that reason).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { transform, version } from 'esbuild';

const CACHE = join(tmpdir(), `headsim-ts-${userInfo().uid}`);
const OPTIONS = { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline' };

async function compile(url) {
  const source = await readFile(new URL(url), 'utf8');
  const key = createHash('sha256').update(`${version}\0${JSON.stringify(OPTIONS)}\0${url}\0${source}`).digest('hex');
  const file = join(CACHE, `${key}.mjs`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    const { code } = await transform(source, { ...OPTIONS, sourcefile: url });
    try {
      mkdirSync(CACHE, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, file); // atomic: concurrent runs write the same bytes
    } catch {
      // no cache (read-only or full temp directory): compiled again next time
    }
    return code;
  }
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.ts')) return { format: 'module', source: await compile(url), shortCircuit: true };
  const loaded = await nextLoad(url, context);
  if (loaded.source != null && typeof loaded.source !== 'string' && loaded.format !== 'commonjs') return { ...loaded, source: Buffer.from(loaded.source).toString('utf8') };
  return loaded;
}
