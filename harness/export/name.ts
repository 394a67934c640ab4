// The export's name: the top module's name and the prefix of its files, so a Verilog identifier
// that is neither a keyword nor the name of a module it ships (rtl/*.v).
import { basename } from 'node:path';
import { InputError } from '../../lib/errors.ts';
import { rtlSources } from '../rtl/build.ts';
import { SHIM_MODULE } from './shim.ts';

const KEYWORDS = new Set(
  (
    'always and assign automatic begin buf case casex casez cell config deassign default defparam design disable edge else end endcase ' +
    'endconfig endfunction endgenerate endmodule endprimitive endspecify endtable endtask event for force forever fork function generate ' +
    'genvar if ifnone incdir include initial inout input instance integer join large liblist library localparam macromodule medium module ' +
    'nand negedge nmos nor not or output parameter pmos posedge primitive pull0 pull1 pulldown pullup real realtime reg release repeat ' +
    'signed small specify specparam strong0 strong1 supply0 supply1 table task time tran tri tri0 tri1 triand trior trireg unsigned use ' +
    'uwire vectored wait wand weak0 weak1 while wire wor xnor xor logic bit byte int shortint longint interface package class'
  ).split(' '),
);

/** A default name that says what the head is: headsim_<mode>_n<classes>. */
export const defaultName = (mode: string, classes: number) => `headsim_${mode}_n${classes}`;

export function checkName(name: string): void {
  const bad = (why: string): never => {
    throw new InputError(`--name: '${name}' ${why}`);
  };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) bad('is not a Verilog identifier (letters, digits, _; not starting with a digit)');
  if (name.length > 64) bad('is longer than 64 characters');
  if (KEYWORDS.has(name)) bad('is a Verilog keyword');
  const modules = rtlSources().map((f) => basename(f, '.v'));
  if (modules.includes(name) || name === SHIM_MODULE) bad(`is the name of a module the export ships (${modules.join(', ')})`);
}
