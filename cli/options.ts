// Flag groups that several commands share, each declared once with its type, range, default
// and help: what a run writes (--out, --json, --seed), where its data comes from (--weights …, made
// from the table of data sources, harness/inputs/data-sources.ts),
// and the testbench traffic. A group adds typed options to a commander command.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { DataOptions } from '../harness/inputs/sources.ts';
import { DATA_SOURCE_NAMES, flagOf, sourceDef, type DataSourceName, type DataSources } from '../harness/inputs/data-sources.ts';
import { DEFAULT_TRAFFIC } from '../harness/run/traffic.ts';
import { int, number, oneOf, text } from './values.ts';

/** More vectors than this is a mistake, not a run (memory grows with the vectors). */
export const MAX_VECTORS = 1_000_000;
/** Handshake rates below this make a run crawl for no gain in coverage. */
export const MIN_RATE = 0.01;

export const outputOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  c
    .option('--seed <n>', 'seed of the generated weights, vectors and traffic', int(0), 1)
    .option('--out <dir>', 'directory for build products, dumps and reports', text, 'out')
    .option('--json <file>', 'write the report as JSON', text);

export const vectorsOption = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  c.option('--vectors <n>', `input vectors (default: all of --input-vectors, else 1000; at most ${MAX_VECTORS})`, int(1, MAX_VECTORS));

/** The values of the data flags as commander gives them: a switch is true or absent. */
export type DataFlags = { [K in DataSourceName]?: Exclude<DataSources[K], false> };

/** The data flags, one per source of harness/inputs/data-sources.ts (flag, value, help). */
export const dataOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) => {
  for (const name of DATA_SOURCE_NAMES) c.addOption(dataOption(name));
  return c as unknown as Command<A, O & DataFlags, G>;
};

function dataOption(name: DataSourceName): Option {
  const d = sourceDef(name);
  if (d.kind === 'switch') return new Option(flagOf(name), d.help).helpGroup('Data:');
  const parse = d.kind === 'choice' ? oneOf(d.choices!) : text;
  return new Option(`${flagOf(name)} <${d.arg}>`, d.help).argParser(parse).helpGroup('Data:');
}

export const trafficOptions = <A extends unknown[], O extends OptionValues, G extends OptionValues>(c: Command<A, O, G>) =>
  c
    .option('--valid-rate <p>', `probability that the source offers a beat in a cycle (${MIN_RATE}…1)`, number(MIN_RATE - 1e-12, 1, `a probability in [${MIN_RATE}, 1]`), DEFAULT_TRAFFIC.validRate)
    .option('--ready-rate <p>', `probability that the sink accepts in a cycle (${MIN_RATE}…1)`, number(MIN_RATE - 1e-12, 1, `a probability in [${MIN_RATE}, 1]`), DEFAULT_TRAFFIC.readyRate);

/** The data flags as harness/inputs takes them. */
export function dataOf(o: DataFlags & { vectors?: number; seed: number; out: string }, params: Record<string, unknown>): DataOptions {
  const sources = Object.fromEntries(DATA_SOURCE_NAMES.filter((k) => k !== 'autoFormats').map((k) => [k, o[k]])) as DataSources;
  return { params, ...sources, autoFormats: o.autoFormats === true, vectors: o.vectors ?? null, seed: o.seed, out: o.out };
}
