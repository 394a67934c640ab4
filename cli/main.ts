// headsim <command> [flags]: the command-line entry. Exit 0 = pass, 1 = a check failed,
// 2 = bad usage or bad input (one line naming the field or file).
import { ConfigError } from '../models/config.ts';
import { InputError } from '../lib/errors.ts';

const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  sim: async () => (await import('./commands/sim.ts')).simCommand,
  cosim: async () => (await import('./commands/cosim.ts')).cosimCommand,
  waves: async () => (await import('./commands/waves.ts')).wavesCommand,
  synth: async () => (await import('./commands/synth.ts')).synthCommand,
  sweep: async () => (await import('./commands/sweep.ts')).sweepCommand,
  bench: async () => (await import('./commands/bench.ts')).benchCommand,
};

const USAGE = `usage: headsim <command> [flags]
commands: ${Object.keys(COMMANDS).join(', ')}
common flags: --config FILE  --<parameter> VALUE (e.g. --classes 100, --inFmt 16,10)  --mode argmax,softmax,approx
              --vectors N  --seed S  --out DIR  --json FILE  --vcd  --weights FILE [--bias FILE]`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    console.error(`headsim: unknown command '${cmd}'\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (e) {
    if (e instanceof InputError || e instanceof ConfigError) {
      console.error(`headsim ${cmd}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

// exit() runs lib/proc.ts's hook, which kills the tool process groups still running
// (Ctrl-C, a batch scheduler's time limit, a parent's timeout).
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`headsim: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1);
  },
);
