// `headsim export`: the chosen head as a drop-in AXI4-Stream IP directory (harness/export),
// verified as it is written (lint, synthesis against `headsim synth`, its cocotb testbench).
// Exit 0 = written and every check passed, 1 = written but a check failed, 2 = bad input.
import { basename, dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from '@commander-js/extra-typings';
import { checkWritableDir, checkWritableFile, writeJson } from '../../lib/files.ts';
import { InputError } from '../../lib/errors.ts';
import { MODES, type Mode } from '../../models/config.ts';
import { sourcedScenario } from '../../harness/inputs/sources.ts';
import { dataHash } from '../../harness/sweep/data.ts';
import { checkTarget, writeExport } from '../../harness/export/export.ts';
import { checkName, defaultName } from '../../harness/export/name.ts';
import { VERIFY_STEPS, type VerifyStep } from '../../harness/export/verify.ts';
import { DEFAULT_YOSYS_TIMEOUT_MS } from '../../harness/synth/yosys.ts';
import { PATH_SOURCES } from '../../harness/inputs/data-sources.ts';
import { dataOf, dataOptions } from '../options.ts';
import { paramsOf, withParams } from '../params.ts';
import { int, modeList, text } from '../values.ts';

const oneMode = (v: string): Mode => {
  const modes = modeList(v);
  if (modes.length > 1) throw new InvalidArgumentError(`export takes one mode, got '${v}'`);
  return modes[0]!;
};

const verifySteps = (v: string): VerifyStep[] => {
  if (v === 'none') return [];
  const steps = v.split(',').map((x) => x.trim());
  for (const x of steps) if (!(VERIFY_STEPS as readonly string[]).includes(x)) throw new InvalidArgumentError(`'${x}' is not one of ${VERIFY_STEPS.join(', ')} (or none)`);
  return VERIFY_STEPS.filter((x) => steps.includes(x));
};

/** Flags whose values are paths: NAME.md shows their file names only (the directory moves). */
const PATH_FLAGS = new Set<string>(['config', ...PATH_SOURCES, 'out', 'json', 'work']);

/** The command as given, path values cut to their base names. */
function commandLine(cmd: Command<any, any, any>): string {
  const parts = ['headsim export'];
  for (const opt of cmd.options) {
    const key = opt.attributeName();
    if (cmd.getOptionValueSource(key) !== 'cli') continue;
    const v = cmd.getOptionValue(key) as unknown;
    const flag = opt.long!;
    if (v === true) parts.push(flag);
    else if (key === 'verify') parts.push(flag, (v as string[]).join(',') || 'none');
    else if (typeof v === 'string' && PATH_FLAGS.has(key)) parts.push(flag, basename(v));
    else if (v !== undefined) parts.push(flag, typeof v === 'object' ? (Array.isArray(v) ? v.join(',') : Object.values(v as object).join(',')) : String(v));
  }
  return parts.join(' ');
}

export const exportCommand = (program: Command) =>
  dataOptions(withParams(program.command('export').description('write the head as a drop-in AXI4-Stream IP directory (Verilog, memory images, datasheet, cocotb testbench, FuseSoC core, Vivado TCL), verified as it is written')))
    .option('--mode <mode>', `one of ${MODES.join(', ')} (default: softmax)`, oneMode)
    .requiredOption('--out <dir>', 'the directory to write (replaced if it holds an earlier export)', text)
    .option('--name <name>', 'top module and file prefix (default: headsim_<mode>_n<classes>)', text)
    .option('--seed <n>', 'seed of generated weights and of the golden vectors', int(0), 1)
    .option('--vectors <n>', 'golden vectors of the testbench (Icarus runs about 1.5 k cycles/s)', int(1, 1000), 16)
    .addOption(new Option('--embed-memories', 'memory contents as initial assignments in the Verilog instead of .mem files'))
    .option('--verify <steps>', `checks to run on the written directory: ${VERIFY_STEPS.join(',')} or none`, verifySteps, [...VERIFY_STEPS])
    .option('--work <dir>', 'build caches and verification logs (<work>/export/<name>/)', text, 'out')
    .option('--timeout <seconds>', 'per Yosys run and for the testbench', int(1), DEFAULT_YOSYS_TIMEOUT_MS / 1000)
    .option('--json <file>', 'write the manifest (headsim-export.json) here too', text)
    .action(async (o, cmd) => {
      const { params, modes } = await paramsOf(cmd, o.mode ? [o.mode] : undefined);
      if (modes && modes.length > 1) throw new InputError(`mode: export takes one mode, got '${modes.join(',')}'`);
      const mode = modes?.[0] ?? 'softmax';
      if (o.name !== undefined) checkName(o.name);
      // Found now, not after the checks: where the directory and the logs go.
      try {
        checkWritableDir(dirname(o.out), '--out');
      } catch (e) {
        throw new InputError(`--out ${o.out}: ${(e as Error).message.replace(/^--out (.*?): /, '$1: ')}`);
      }
      checkTarget(o.out);
      checkWritableDir(o.work, '--work');
      if (o.json) checkWritableFile(o.json, '--json');
      // The golden vectors: generated, or the first --vectors rows of --input-vectors (all of a shorter file unless --vectors is given).
      const given = cmd.getOptionValueSource('vectors') === 'cli';
      const data = { ...dataOf({ ...o, out: o.work }, params), vectors: o.inputVectors && !given ? null : o.vectors };
      const { base: s, src } = await sourcedScenario(data, [mode]);
      for (const note of src.notes) console.log(note);
      const name = o.name ?? defaultName(mode, s.config.classes);
      checkName(name);
      const hash = dataHash(src);
      const files = [o.weights, o.bias].filter((f): f is string => f !== undefined).map((f) => basename(f));
      const describe = o.dataset ? `dataset ${o.dataset}` : files.length ? `weights ${files.join(' + ')} (${o.weightsLayout ?? 'out-in'})` : 'generated weights';
      console.log(`export: ${name} (${mode}, ${s.config.classes} classes, ${s.config.inputs} inputs, kPar ${s.config.kPar}, cPar ${s.config.cPar}, select ${s.config.select}) → ${o.out}`);
      const r = await writeExport(s, {
        out: resolve(o.out),
        name,
        embed: o.embedMemories === true,
        vectors: o.vectors,
        verify: o.verify,
        work: o.work,
        seed: o.seed,
        command: commandLine(cmd),
        data: { describe, weights: hash.weights, inputs: hash.inputs },
        timeoutMs: o.timeout * 1000,
        log: (l) => console.log(l),
      });
      if (o.json) writeJson(o.json, r.manifest);
      const failed = r.manifest.verify.filter((v) => !v.ok);
      for (const f of failed) console.log(`FAIL ${f.step}: ${f.detail}`);
      console.log(failed.length ? `export: ${o.out} written; ${failed.length} check(s) failed (logs: ${r.logDir})` : `export: ${o.out} written and verified (${r.manifest.verify.map((v) => v.step).join(', ') || 'no checks'}); logs: ${r.logDir}`);
      process.exitCode = failed.length ? 1 : 0;
    });
