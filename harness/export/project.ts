// The files that put an exported head into other people's flows, every path relative to the
// directory: NAME.f (a plain file list), NAME.tcl (Vivado: read_verilog and read_mem), NAME.core
// (a FuseSoC CAPI2 core with lint and synthesis targets) and tb/Makefile (cocotb's makefiles,
// Icarus, the memory paths passed as parameters because vvp runs in tb/).
import type { ExportMemory } from './memories.ts';

export interface ProjectFiles {
  name: string;
  /** Verilog files of the directory, the top last */
  sources: string[];
  memories: ExportMemory[];
  description: string;
}

export function fileList(p: ProjectFiles): string {
  return [`// ${p.name}: Verilog sources, relative to this file's directory (verilator -F ${p.name}.f, or run from there)`, ...p.sources, ''].join('\n');
}

export function vivadoTcl(p: ProjectFiles): string {
  const list = (files: string[]) => files.map((f) => `  [file join $dir ${f}]`).join(' \\\n');
  return [
    `# ${p.name}: add the exported head to a Vivado project or non-project run: source ${p.name}.tcl`,
    `# read_verilog the sources; read_mem the memory images, so that $readmemh finds them by name in`,
    `# synthesis and simulation. Top module: ${p.name} (AXI4-Stream; interface in ${p.name}.md).`,
    'set dir [file dirname [file normalize [info script]]]',
    `read_verilog [list \\\n${list(p.sources)}]`,
    ...(p.memories.length ? [`read_mem [list \\\n${list(p.memories.map((m) => m.file))}]`] : []),
    '',
  ].join('\n');
}

/** YAML scalars here are file names and plain words: quoting is not needed but keeps them strings. */
const q = (s: string) => JSON.stringify(s);

export function fusesocCore(p: ProjectFiles): string {
  const files = (fs: string[], extra = '') => fs.map((f) => `      - ${q(f)}${extra}`).join('\n');
  const mem = p.memories.length
    ? ['  mem:', '    files:', ...p.memories.map((m) => `      - ${q(m.file)}: {copyto: ${q(m.file)}}`), '    file_type: user', '']
    : [];
  const sets = p.memories.length ? '[rtl, mem]' : '[rtl]';
  return [
    'CAPI=2:',
    `# FuseSoC core of ${p.name}, exported by headsim. The memory images are copied into the build`,
    `# directory (copyto), where $readmemh looks for them.`,
    `name: headsim:head:${p.name}:1.0.0`,
    `description: ${q(p.description)}`,
    '',
    'filesets:',
    '  rtl:',
    '    files:',
    files(p.sources),
    '    file_type: verilogSource',
    '',
    ...mem,
    'targets:',
    '  default: &default',
    `    filesets: ${sets}`,
    `    toplevel: ${p.name}`,
    '  lint:',
    '    <<: *default',
    '    default_tool: verilator',
    '    tools:',
    '      verilator:',
    '        mode: lint-only',
    '        verilator_options: [-Wall]',
    '  synth:',
    '    <<: *default',
    '    default_tool: vivado',
    '    tools:',
    '      vivado:',
    '        part: xc7a100tcsg324-1',
    '      yosys:',
    '        arch: xilinx',
    '        yosys_read_options: [-defer]',
    '',
  ].join('\n');
}

export function tbMakefile(p: ProjectFiles): string {
  const params = p.memories.map((m) => `COMPILE_ARGS += -P$(COCOTB_TOPLEVEL).${m.param}=\\"$(SRC)/${m.file}\\"`);
  return [
    `# cocotb testbench of ${p.name} (test_head.py, golden.json): make -C tb from the export directory.`,
    '# Needs Icarus Verilog and, in the active Python, cocotb 2.x and cocotbext-axi (requirements.txt).',
    '# vvp runs in tb/: the memory images are passed by their path as parameters of the top.',
    'SIM ?= icarus',
    'TOPLEVEL_LANG ?= verilog',
    'SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)',
    `VERILOG_SOURCES = ${p.sources.map((s) => `$(SRC)/${s}`).join(' \\\n  ')}`,
    `COCOTB_TOPLEVEL = ${p.name}`,
    'COCOTB_TEST_MODULES = test_head',
    ...params,
    '',
    'include $(shell cocotb-config --makefiles)/Makefile.sim',
    '',
  ].join('\n');
}

export const TB_REQUIREMENTS = 'cocotb==2.1.*\ncocotbext-axi==0.1.*\n';
