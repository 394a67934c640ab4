// Another revision's simulator, extracted from git into out/bench/tree-<rev>/ (its lib, sim,
// models, waves, harness and bench folders), so that it runs in this process beside the
// current one: same machine, same moment, interleaved. A revision is loaded through its
// bench/guard-entry.ts, or, before that file existed, through the modules it wraps.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCommand } from '../lib/proc.ts';
import type { GuardModel, GuardModelOptions } from './guard-entry.ts';

/** The repository this file is in: the current revision's tree. */
export const REPO = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

const FOLDERS = ['lib', 'sim', 'models', 'waves', 'harness', 'bench'];

/** Extracts revision `rev` (once; cached by its full hash); an error when git or the revision is missing. */
export async function extractRevision(rev: string): Promise<string | { error: string }> {
  const full = await runCommand('git', ['-C', REPO, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { timeoutMs: 30_000 });
  if (full.code !== 0) return { error: `git revision ${rev} not found in ${REPO} (a shallow clone? fetch the history)` };
  const hash = full.stdout.trim();
  // Inside the repository, so that the revision's own imports (zod, commander) resolve to node_modules.
  const dir = path.join(REPO, 'out', 'bench', `tree-${hash.slice(0, 12)}`);
  if (existsSync(path.join(dir, '.complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const listed = await runCommand('git', ['-C', REPO, 'ls-tree', '--name-only', hash], { timeoutMs: 30_000 });
  const folders = FOLDERS.filter((f) => listed.stdout.split('\n').includes(f));
  const tar = path.join(dir, 'tree.tar');
  const a = await runCommand('git', ['-C', REPO, 'archive', '-o', tar, hash, ...folders], { timeoutMs: 60_000 });
  if (a.code !== 0) return { error: `git archive ${rev}: ${a.stderr.trim().split('\n')[0]}` };
  const x = await runCommand('tar', ['-xf', tar, '-C', dir], { timeoutMs: 60_000 });
  if (x.code !== 0) return { error: `tar: ${x.stderr.trim()}` };
  rmSync(tar);
  writeFileSync(path.join(dir, '.complete'), hash + '\n');
  return dir;
}

type Factory = (config: Record<string, unknown>, o: GuardModelOptions) => GuardModel;

/** The model factory of the tree at `root` (the current one: REPO). */
export async function modelFactory(root: string): Promise<Factory> {
  const url = (f: string) => pathToFileURL(path.join(root, f)).href;
  if (existsSync(path.join(root, 'bench', 'guard-entry.ts'))) return ((await import(url('bench/guard-entry.ts'))) as { guardModel: Factory }).guardModel;
  // Revisions before bench/guard-entry.ts: the same modules, at the paths they had then.
  const { parseConfig } = await import(url('models/config.ts'));
  const { buildScenario } = await import(url('harness/inputs/scenario.ts'));
  const { createModel } = await import(url('harness/run/model.ts'));
  const { STEADY_TRAFFIC } = await import(url('harness/run/traffic.ts'));
  const { PortBatch, portWidths } = await import(url('harness/rtl/ports.ts'));
  const { ModelTrace } = await import(url('harness/run/trace.ts'));
  return (config, o) => {
    const s = buildScenario(parseConfig(config), o.vectors, o.seed);
    const { tb, head } = createModel(s, STEADY_TRAFFIC);
    const batch = o.recorded ? new PortBatch(portWidths(s.g), o.batch) : null;
    let trace: { close(): Promise<unknown> } | null = null;
    return {
      run: (cycles: number) => tb.run(batch, cycles),
      trace: (p: string) => void (trace = new ModelTrace(head.k, p)),
      untrace: async () => {
        await trace?.close();
        trace = null;
      },
      generalScheduler: () => void (head.k.fused = false),
    };
  };
}
