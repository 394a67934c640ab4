// headsim <command> [flags]: the command-line entry. Exit 0 = pass, 1 = a check failed (or a
// tool failed: one line, the log's path in it), 2 = bad usage or bad input (one line naming
// the flag, field or file). `--debug` adds the stack of an unexpected error.
import { Command, CommanderError } from '@commander-js/extra-typings';
import { ConfigError } from '../models/config.ts';
import { InputError, isErrnoException } from '../lib/errors.ts';
import { claimReport } from '../lib/files.ts';
import { benchCommand } from './commands/bench.ts';
import { cosimCommand } from './commands/cosim.ts';
import { exportCommand } from './commands/export.ts';
import { mutantsCommand } from './commands/mutants.ts';
import { proveCommand } from './commands/prove.ts';
import { simCommand } from './commands/sim.ts';
import { sweepCommand } from './commands/sweep.ts';
import { synthCommand } from './commands/synth.ts';
import { twinsCommand } from './commands/twins.ts';
import { wavesCommand } from './commands/waves.ts';

function program(): Command {
  const p = new Command('headsim')
    .description('cycle-accurate model, RTL co-simulation, synthesis and sweeps of an FPGA classifier head (dense + argmax/softmax)')
    .usage('<command> [flags]   (headsim <command> --help for its flags)')
    .showSuggestionAfterError()
    .enablePositionalOptions() // `waves diff … --json F`: the subcommand's flag, not the parent's
    .exitOverride()
    .configureOutput({ outputError: () => {} }); // errors are printed once, as one line, by run()
  p.helpCommand('help [command]', 'show the help of a command');
  // Before any command's work: a report at its --json path is an earlier run's; moved aside, so
  // that a run which crashes or is stopped leaves no older "pass" there (lib/files.ts).
  p.hook('preAction', (_, action) => {
    const json = (action.opts() as { json?: unknown }).json;
    if (typeof json === 'string') claimReport(json, '--json');
  });
  for (const add of [
    simCommand,
    cosimCommand,
    wavesCommand,
    synthCommand,
    sweepCommand,
    exportCommand,
    benchCommand,
    mutantsCommand,
    twinsCommand,
    proveCommand,
  ])
    add(p);
  return p;
}

/** Write failures that are the disk's, not the program's. */
const DISK_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EFBIG']);

/** Runs the CLI in this process and returns the exit status (tests call it directly). */
export async function run(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const name = args.find((a) => !a.startsWith('-')) ?? '';
  const where = `headsim${name ? ` ${name}` : ''}`;
  process.exitCode = undefined;
  try {
    await program().parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.help') return 2; // `headsim` alone: the help went to stderr
      console.error(`${where}: ${oneLine(e.message.replace(/^error: /, ''))}`);
      return 2;
    }
    if (e instanceof InputError || e instanceof ConfigError) {
      console.error(`${where}: ${e.message}`);
      return 2;
    }
    // The system refused a write the code did not name (a full disk under --out): name the place.
    if (isErrnoException(e) && DISK_ERRORS.has(e.code!)) {
      const out = args[args.indexOf('--out') + 1];
      console.error(`${where}: ${e.path ?? `--out ${args.includes('--out') && out ? out : 'out'}`}: cannot write (${e.code})`);
      return 2;
    }
    // A tool or a simulator failed: its first line says what and where the log is; the rest
    // (a log tail, the stack) with --debug.
    const err = e instanceof Error ? e : new Error(String(e));
    const first = err.message.split('\n')[0]!;
    console.error(
      debug ? `${where}: ${err.message}\n${err.stack ?? ''}` : `${where}: ${first}${err.message.includes('\n') || err.stack ? ' (--debug for details)' : ''}`,
    );
    return 1;
  }
}

/** commander's message as one line: "--flag: why" for a bad value, suggestions in parentheses. */
const oneLine = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/^option '(-[-\w]+)[^']*' argument '.*?' is invalid\. /s, '$1: ')
    .replace('(Did you mean', '(did you mean');

if (import.meta.url === `file://${process.argv[1]}`) {
  // exit() runs lib/proc.ts's hook, which kills the tool process groups still running
  // (Ctrl-C, a batch scheduler's time limit, a parent's timeout).
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  process.on('SIGHUP', () => process.exit(129));
  // Under cli/bin.mjs: if the supervisor is gone (killed outright), so is the run.
  const supervisor = Number(process.env.HEADSIM_SUPERVISOR);
  if (supervisor && process.ppid === supervisor) setInterval(() => process.ppid !== supervisor && process.exit(129), 500).unref();
  run(process.argv.slice(2)).then((code) => process.exit(code));
}
