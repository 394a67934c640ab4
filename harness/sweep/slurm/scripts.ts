// The two job scripts of a sweep on Slurm, written for a person to read and to submit by hand:
// every input is a literal in the script (absolute paths, the spec, every flag, the RTL hash),
// the #SBATCH lines carry the resources, and the comments say how to submit, resume and retry.
//   array.sh  one array task per shard: `headsim sweep SPEC --shard i/n` into the shard's cache;
//   merge.sh  after the array: `headsim sweep merge` of every shard's cache into the outputs.
import { dirname, join } from 'node:path';
import { keyArgs, runArgs, shardCache, shellLine, shellWord, slurmDir, type SweepInvocation } from './invocation.ts';

/** What the scheduler is asked for, as the #SBATCH lines of both scripts say it. */
export interface SlurmResources {
  partition: string | null;
  /** time limit per task, Slurm's syntax (e.g. 2:00:00) */
  time: string | null;
  cpus: number;
  /** memory per task, Slurm's syntax (e.g. 8G) */
  mem: string | null;
  /** more #SBATCH options, each one word (--account=x) */
  extra: string[];
}

export interface ScriptPaths {
  array: string;
  retry: string;
  merge: string;
  logs: string;
}

export const scriptPaths = (inv: SweepInvocation): ScriptPaths => {
  const dir = slurmDir(inv);
  return { array: join(dir, 'array.sh'), retry: join(dir, 'array-retry.sh'), merge: join(dir, 'merge.sh'), logs: join(dir, 'logs') };
};

/** Compact Slurm index list: [1,2,3,5] → "1-3,5". */
export function indexList(xs: number[]): string {
  const s = [...new Set(xs)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j]! + 1) j++;
    parts.push(j > i ? `${s[i]}-${s[j]}` : `${s[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const directives = (r: SlurmResources, cpus: number) => [
  `#SBATCH --cpus-per-task=${cpus}`,
  ...(r.partition ? [`#SBATCH --partition=${r.partition}`] : []),
  ...(r.time ? [`#SBATCH --time=${r.time}`] : []),
  ...(r.mem ? [`#SBATCH --mem=${r.mem}`] : []),
  ...r.extra.map((x) => `#SBATCH ${x}`),
];

/**
 * The part both scripts share: the inputs as variables, PATH with the node that submitted, the
 * project, and its dependencies checked before anything runs (a node without them fails here,
 * with the reason in the job's log, not an hour later).
 */
function preamble(inv: SweepInvocation, who: string): string[] {
  const nodeDir = dirname(process.execPath);
  return [
    'set -uo pipefail',
    '',
    `PROJECT=${shellWord(inv.project)}   # the headsim checkout: rtl/, cli/, node_modules/`,
    `SPEC=${shellWord(inv.spec)}`,
    `RTL_HASH=${inv.rtlHash}   # rtl/*.v at submission; other RTL fails the task`,
    `export PATH=${shellWord(nodeDir)}:"$PATH"   # node ${process.version}, as on the submitting machine`,
    '',
    `fail() { echo "${who}: \$*" >&2; exit 2; }`,
    'cd "$PROJECT" || fail "cannot cd to $PROJECT: the project must be on a file system this node mounts"',
    'command -v node >/dev/null || fail "node not found on PATH ($PATH): install Node >= 20 on this node"',
    `node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || fail "node $(node --version) is too old: headsim needs Node >= 20"`,
    'for dep in esbuild @yowasp/yosys @commander-js/extra-typings; do',
    '  [ -f "node_modules/$dep/package.json" ] || fail "$PROJECT/node_modules lacks $dep: the project\'s dependencies are not installed (run \'npm ci\' in $PROJECT)"',
    'done',
  ];
}

/** The array job: task i runs shard i of n and resumes from its cache when resubmitted. */
export function arrayScript(inv: SweepInvocation, r: SlurmResources, o: { shards: number[]; retryFailed: boolean; submittedBy: string; statusCommand: string }): string {
  const p = scriptPaths(inv);
  const n = inv.tasks;
  // The task's cache: the path around "${SLURM_ARRAY_TASK_ID}", each part quoted for bash.
  const [before, after] = shardCache(inv, '\0').split('\0') as [string, string];
  const cache = `${shellWord(before)}"\${SLURM_ARRAY_TASK_ID}"${shellWord(after)}`;
  const all = o.shards.length === n;
  return [
    '#!/bin/bash',
    `# headsim sweep on Slurm: the sweep ${inv.name} in ${n} shards, one array task each; this array runs shard${o.shards.length > 1 ? 's' : ''} ${indexList(o.shards)}.`,
    `# Written by: ${o.submittedBy}`,
    '# Task i runs `headsim sweep SPEC --shard i/n` into its own cache, appended piece by piece:',
    '# a task killed by the scheduler (time limit, preemption, scancel) loses only its running',
    '# pieces, and resubmitting the same index resumes it:',
    `#   sbatch --array=<i> ${p.array}`,
    ...(o.retryFailed ? ['# --retry-failed: points that failed in an earlier run are run again.'] : []),
    `# When the array is done: sbatch --dependency=afterany:<array job id> ${p.merge}`,
    `# Progress: ${o.statusCommand}`,
    `#SBATCH --job-name=headsim-${inv.name}`,
    `#SBATCH --array=${all ? `1-${n}` : indexList(o.shards)}`,
    `#SBATCH --output=${shellWord(join(p.logs, 'task-%A_%a.log'))}`,
    ...directives(r, r.cpus),
    ...preamble(inv, `headsim sweep task \${SLURM_ARRAY_TASK_ID:-?}/${n}`),
    '[ -n "${SLURM_ARRAY_TASK_ID:-}" ] || fail "SLURM_ARRAY_TASK_ID is not set: submit this script with sbatch (it is an array job)"',
    '',
    `echo "headsim sweep: shard \${SLURM_ARRAY_TASK_ID}/${n}, job \${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID} on $(hostname), $(date -Is)"`,
    `node cli/bin.mjs sweep "$SPEC" \\`,
    `  --shard "\${SLURM_ARRAY_TASK_ID}/${n}" \\`,
    `  --cache ${cache} \\`,
    '  --rtl-hash "$RTL_HASH" \\',
    `  ${shellLine([...keyArgs(inv), ...runArgs(inv), ...(o.retryFailed ? ['--retry-failed'] : []), '--out', inv.outRoot])}`,
    'status=$?',
    `echo "headsim sweep: shard \${SLURM_ARRAY_TASK_ID}/${n} exit status $status, $(date -Is)"`,
    'exit $status',
    '',
  ].join('\n');
}

/** The merge job: every shard's cache into the sweep's outputs; exit 1 naming missing points. */
export function mergeScript(inv: SweepInvocation, r: SlurmResources, o: { submittedBy: string; retryCommand: string; statusCommand: string }): string {
  const p = scriptPaths(inv);
  const caches = Array.from({ length: inv.tasks }, (_, i) => shardCache(inv, i + 1));
  return [
    '#!/bin/bash',
    `# headsim sweep on Slurm: merge the ${inv.tasks} shards of the sweep ${inv.name} into ${inv.outDir}.`,
    `# Written by: ${o.submittedBy}`,
    `# Submitted after the array job, whatever its tasks' end: sbatch --dependency=afterany:<array job id> ${p.merge}`,
    '# Exits 1 naming the missing points when a shard is incomplete (a task killed or failed); then',
    '# resubmit only the incomplete or failed shards (a new array and merge job):',
    `#   ${o.retryCommand}`,
    `#SBATCH --job-name=headsim-${inv.name}-merge`,
    `#SBATCH --output=${shellWord(join(p.logs, 'merge-%j.log'))}`,
    ...directives(r, 1),
    ...preamble(inv, 'headsim sweep merge'),
    '',
    'node cli/bin.mjs sweep merge \\',
    ...caches.map((c) => `  ${shellWord(c)} \\`),
    '  --spec "$SPEC" --rtl-hash "$RTL_HASH" \\',
    `  ${shellLine([...keyArgs(inv), '--out', inv.outDir, ...(inv.json ? ['--json', inv.json] : [])])}`,
    'status=$?',
    'if [ $status -ne 0 ]; then',
    '  echo "headsim sweep merge: exit status $status: the sweep is incomplete or has failed points. Status and resubmission:" >&2',
    `  echo ${shellWord(`  ${o.statusCommand}`)} >&2`,
    `  echo ${shellWord(`  ${o.retryCommand}`)} >&2`,
    'fi',
    'exit $status',
    '',
  ].join('\n');
}
