// Module hooks that run headsim's TypeScript on Node 20 (registered by ./register.mjs, in the
// loader thread): a .ts file is compiled by esbuild (types stripped, an inline source map);
// every other module loads as Node loads it. Sources reach the main thread as strings: Node
// detaches the ArrayBuffer of a source handed over as bytes, and one detached buffer anywhere
// in the process makes V8 check every typed-array access of the simulator for detachment
// (bench/optimizations.md: the model ran 1.4–1.8× slower under tsx for that reason).
import { readFile } from 'node:fs/promises';
import { transform } from 'esbuild';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const source = await readFile(new URL(url), 'utf8');
    const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline', sourcefile: url });
    return { format: 'module', source: code, shortCircuit: true };
  }
  const loaded = await nextLoad(url, context);
  if (loaded.source != null && typeof loaded.source !== 'string' && loaded.format !== 'commonjs') return { ...loaded, source: Buffer.from(loaded.source).toString('utf8') };
  return loaded;
}
