// Any module of rtl/ as the Verilator top, with its own parameters and port list: the module's
// file and the files of the modules it instantiates (found in its text), verilated with the
// module driver and its generated port header. Cached by content like every build
// (harness/rtl/verilator/build.ts): a module's build does not change when another file of the
// directory does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../../lib/errors.ts';
import { RTL_DIR } from '../build.ts';
import { buildVerilator, type VerilatorBuild } from '../verilator/build.ts';
import { portsHeader } from './header.ts';
import type { ModuleLayout } from './layout.ts';

export const MODULE_DRIVER = fileURLToPath(new URL('../verilator/module_driver.cpp', import.meta.url));

/** The files a module needs: its own and, recursively, those of the modules it instantiates. */
export function moduleSources(module: string, rtlDir = RTL_DIR): string[] {
  const files: string[] = [];
  const visit = (m: string) => {
    const file = join(rtlDir, `${m}.v`);
    if (files.includes(file)) return;
    if (!existsSync(file)) throw new InputError(`no module ${m} in ${rtlDir} (${m}.v)`);
    files.push(file);
    // an instance: `name #(` or `name name (` at the start of a line
    for (const [, sub] of readFileSync(file, 'utf8').matchAll(/^\s*([A-Za-z_]\w*)\s+(?:#\s*\(|[A-Za-z_]\w*\s*\()/gm))
      if (sub !== m && existsSync(join(rtlDir, `${sub}.v`))) visit(sub!);
  };
  visit(module);
  return files;
}

export interface ModuleBuildOptions {
  layout: ModuleLayout;
  /** the module's parameters (`-G`), by their RTL names */
  params: Record<string, number>;
  rtlDir?: string;
  outRoot?: string;
  /** compile tracing in (VCD), so the driver can dump on request */
  trace?: boolean;
  onBuild?: (dir: string) => void;
}

export function buildModuleVerilator(o: ModuleBuildOptions): Promise<VerilatorBuild> {
  const rtlDir = o.rtlDir ?? RTL_DIR;
  return buildVerilator({
    top: o.layout.module,
    sources: moduleSources(o.layout.module, rtlDir),
    // no include directory: its every .v would be part of the cache key
    includeDirs: [],
    params: o.params,
    generated: { 'module_ports.h': portsHeader(o.layout) },
    main: MODULE_DRIVER,
    outRoot: o.outRoot ?? 'out/verilator',
    trace: o.trace ? 'vcd' : false,
    optimize: 'build',
    extraArgs: ['--trace-max-array', '65536'],
    onBuild: o.onBuild,
  });
}
