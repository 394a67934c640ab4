// --embed-memories: the memory contents inside the Verilog instead of .mem files. The ROMs are
// declared, and loaded, inside rtl/ modules, so the copies of those modules change in exactly
// two ways: each `ifndef SYNTHESIS … $readmemh … `endif loader becomes the image's words as
// initial assignments (a memory this configuration does not read becomes a comment), and every
// module is renamed NAME_<module> (the contents are this export's: two exports in one project
// must not clash). Instance names stay, so hierarchical paths are those of rtl/.
import type { MemImage, MemName } from '../rtl/memfiles.ts';
import { MEM_NAMES } from './memories.ts';

const LOADER = /^`ifndef SYNTHESIS\n[\s\S]*?^`else\n([\s\S]*?)^`endif\n/gm;
const READMEM = /^(\s*)\$readmemh\((\w+)_FILE, (\w+)\);$/;

/** The initial assignments that load `arr` with the image. */
function assignments(indent: string, arr: string, m: MemImage): string {
  return m.words.map((w, i) => `${indent}${arr}[${i}] = ${m.width}'h${w};\n`).join('');
}

/**
 * One rtl/ module's text with its loaders replaced by the used images' contents. The *_FILE
 * parameters stay (head.v passes them on) but nothing reads them any more: their declarations
 * get a Verilator lint waiver (UNUSEDPARAM) on their own line.
 */
export function embedLoaders(text: string, file: string, images: Partial<Record<MemName, MemImage>>): string {
  const replaced = text.replace(LOADER, (_all, synthBranch: string) =>
    synthBranch
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((line) => {
        const m = READMEM.exec(line);
        if (!m) throw new Error(`${file}: a SYNTHESIS branch that is not a $readmemh loader: '${line.trim()}'`);
        const [, indent, param, arr] = m;
        const name = param!.toLowerCase() as MemName;
        const image = images[name];
        if (!MEM_NAMES.includes(name)) throw new Error(`${file}: unknown memory parameter ${param}_FILE`);
        return image ? `${indent}// ${param}_FILE embedded: ${image.words.length} words of ${image.width} bits\n${assignments(indent!, arr!, image)}` : `${indent}// ${param}_FILE: not read by this configuration\n`;
      })
      .join(''),
  );
  if (replaced === text) return text;
  return replaced.replace(/^(\s*)(parameter \w+_FILE = "[^"]*",?)$/gm, '$1/* verilator lint_off UNUSEDPARAM */ $2 /* verilator lint_on UNUSEDPARAM */');
}

/** Module declarations and instantiations of `modules` prefixed with `prefix`. */
export function renameModules(text: string, modules: string[], prefix: string): string {
  const alt = modules.join('|');
  return text.replace(new RegExp(`^module (${alt})\\b`, 'gm'), `module ${prefix}$1`).replace(new RegExp(`^(\\s*)(${alt})(\\s*#\\s*\\()`, 'gm'), `$1${prefix}$2$3`);
}
