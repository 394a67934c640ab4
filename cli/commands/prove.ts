// `headsim prove [config flags]`: formal checks of the head's stream contract for one
// configuration (harness/formal/): per property proved (an inductive invariant), failed (a
// counterexample VCD + .gtkw) or unknown at the depth reached. Exit 0 when every property is
// proved, 1 otherwise. `--campaign`: the same in a fixed list of configurations (campaign.ts),
// `--only`/`--ci` a part of it, `--jobs` configurations at once.
import { InvalidArgumentError, type Command } from '@commander-js/extra-typings';
import { MODES, parseConfig, type Mode } from '../../models/config.ts';
import { buildScenario } from '../../harness/inputs/scenario.ts';
import { prove, runDirOf, verdictText } from '../../harness/formal/prove.ts';
import { CAMPAIGN, campaignEntries, runCampaign, type CampaignRow } from '../../harness/formal/campaign.ts';
import { checkWritableDir, checkWritableFile, writeJson } from '../../lib/files.ts';
import { InputError } from '../../lib/errors.ts';
import { textTable } from '../../lib/table.ts';
import { paramsOf, withParams } from '../params.ts';
import { int, modeList, text } from '../values.ts';

const oneMode = (v: string): Mode => {
  const modes = modeList(v);
  if (modes.length > 1) throw new InvalidArgumentError(`prove takes one mode, got '${v}'`);
  return modes[0]!;
};

export const proveCommand = (program: Command) =>
  withParams(program.command('prove').description("formal proof of the head's stream contract and its selector's ranking for one configuration (Yosys + ABC)"))
    .option('--mode <mode>', `one of ${MODES.join(', ')} (default: softmax)`, oneMode)
    .option('--seed <n>', 'seed of the generated weights (the ROM images loaded)', int(0), 1)
    .option('--timeout <seconds>', 'per property: the unbounded proof (pdr), then as long for the bounded check', int(1, 86_400), 120)
    .option('--depth <k>', 'depth of the bounded check when the proof does not close', int(1, 10_000), 40)
    .option('--property <names>', 'comma-separated properties to check (default: all)', text)
    .option('--out <dir>', 'directory for the models and counterexamples', text, 'out')
    .option('--json <file>', 'write the report as JSON', text)
    .option('--campaign', `every property in the campaign's ${CAMPAIGN.length} configurations (harness/formal/campaign.ts) instead of one; minutes`)
    .option('--only <names>', 'with --campaign: only these configurations (comma-separated names)', text)
    .option('--ci', `with --campaign: only the ${CAMPAIGN.filter((e) => e.ci).length} that CI proves (npm run prove:ci)`)
    .option('--jobs <n>', 'with --campaign: configurations proved at once (one core each)', int(1, 64), 1)
    .action(async (o, cmd) => {
      const { params, modes } = await paramsOf(cmd, o.mode ? [o.mode] : undefined);
      if (o.campaign) {
        if (Object.keys(params).length || modes) throw new InputError('--campaign: it runs its own configurations; drop the config flags');
        if (o.property) throw new InputError('--campaign: it checks every property; drop --property');
        const entries = campaignEntries({ only: o.only, ci: o.ci });
        checkWritableDir(o.out, '--out');
        if (o.json) checkWritableFile(o.json, '--json');
        const rows = await runCampaign(o.out, entries, { timeout: o.timeout, depth: o.depth, seed: o.seed, jobs: o.jobs }, (r) =>
          console.log(`prove --campaign: ${r.name}: ${campaignVerdict(r)}, ${r.seconds.toFixed(1)} s`),
        );
        console.log(
          textTable(
            ['configuration', 'verdict', 'seconds'],
            rows.map((r) => [r.name, campaignVerdict(r), r.seconds.toFixed(1)]),
          ),
        );
        if (o.json) writeJson(o.json, { command: 'prove --campaign', seed: o.seed, timeout: o.timeout, depth: o.depth, jobs: o.jobs, rows });
        process.exitCode = rows.every((r) => r.proved === r.total) ? 0 : 1;
        return;
      }
      if (o.only !== undefined || o.ci || o.jobs !== 1)
        throw new InputError('--only, --ci, --jobs: they choose and run campaign configurations; add --campaign');
      if (modes && modes.length > 1) throw new InputError(`mode: prove takes one mode, got '${modes.join(',')}'`);
      const config = parseConfig({ mode: 'softmax', ...params, ...(modes ? { mode: modes[0] } : {}) });
      checkWritableDir(o.out, '--out');
      if (o.json) checkWritableFile(o.json, '--json');
      const s = buildScenario(config, 1, o.seed);
      const g = s.g;
      if (g.P * g.B > 256 || g.N > 64) console.log(`prove: ${g.N} classes, ${g.P * g.B} beats per vector is large for a proof: expect "unknown"`);
      const c = config;
      console.log(
        `prove: ${c.mode}, classes ${c.classes}, inputs ${c.inputs}, kPar ${c.kPar}, cPar ${c.cPar}, topK ${c.topK}, select ${g.stream ? 'stream' : 'tree'}, emit ${c.emit}, expPar ${g.expPar}, seed ${o.seed}`,
      );
      const only = o.property?.split(',').map((p) => p.trim());
      const dir = runDirOf(o.out, s);
      const r = await prove(s, dir, { timeout: o.timeout, depth: o.depth, only }, (p) =>
        console.log(
          `  ${p.verdict.status === 'proved' ? 'proved ' : p.verdict.status === 'failed' ? 'FAILED ' : 'unknown'} ${p.name}${p.lemma ? ' (lemma)' : ''}: ${verdictText(p)}, ${p.seconds.toFixed(1)} s`,
        ),
      );
      console.log(
        textTable(
          ['property', 'verdict', 'seconds', 'counterexample'],
          r.properties.map((p) => [p.name + (p.lemma ? ' (lemma)' : ''), verdictText(p), p.seconds.toFixed(1), p.cex ? `${p.cex.vcd} (+ .gtkw)` : '-']),
        ),
      );
      console.log(
        `prove: ${r.proved}/${r.properties.length} proved, ${r.failed} failed, ${r.unknown} unknown; model ${r.buildSeconds.toFixed(1)} s, total ${r.seconds.toFixed(1)} s; ${r.dir}`,
      );
      if (o.json) writeJson(o.json, { command: 'prove', config, seed: o.seed, ...r });
      process.exitCode = r.proved === r.properties.length ? 0 : 1;
    });

const campaignVerdict = (r: CampaignRow) =>
  [
    `${r.proved}/${r.total} proved`,
    ...(r.failed.length ? [`FAILED ${r.failed.join(', ')}`] : []),
    ...(r.unknown.length ? [`unknown ${r.unknown.map((u) => `${u.name} (depth ${u.depth})`).join(', ')}`] : []),
  ].join('; ');
