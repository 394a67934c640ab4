// A module's port list as the module driver exchanges it (harness/rtl/verilator/module_driver.cpp):
// every input but clk packed into whole u32 words per cycle, in list order, then every output
// likewise; a bus entry i of w bits at bits [i*w +: w] of its port, as in the RTL. A signature
// (a hash of the list) in the driver's hello catches an executable built for another list.
import { InputError } from '../../../lib/errors.ts';

export interface ModulePort {
  name: string;
  dir: 'in' | 'out';
  /** bits of the RTL port */
  bits: number;
}

export interface PlacedPort extends ModulePort {
  /** first word of the port in a cycle's input (or output) words */
  word: number;
  words: number;
}

export interface ModuleLayout {
  module: string;
  /** the inputs packed per cycle (clk is the driver's own) */
  inputs: PlacedPort[];
  outputs: PlacedPort[];
  inWords: number;
  outWords: number;
  hasClk: boolean;
  /** FNV-1a of the port list, in the driver's hello */
  signature: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function moduleLayout(module: string, ports: readonly ModulePort[]): ModuleLayout {
  if (!IDENT.test(module)) throw new InputError(`module name '${module}' is not a Verilog identifier`);
  const place = (dir: 'in' | 'out') => {
    let word = 0;
    const placed: PlacedPort[] = [];
    for (const p of ports) {
      if (p.dir !== dir || (dir === 'in' && p.name === 'clk')) continue;
      if (!IDENT.test(p.name)) throw new InputError(`${module}: port name '${p.name}' is not a Verilog identifier`);
      if (!Number.isInteger(p.bits) || p.bits < 1) throw new InputError(`${module}.${p.name}: ${p.bits} bits`);
      const words = Math.ceil(p.bits / 32);
      placed.push({ ...p, word, words });
      word += words;
    }
    return { placed, words: word };
  };
  const i = place('in');
  const o = place('out');
  const clk = ports.find((p) => p.name === 'clk');
  if (clk && (clk.dir !== 'in' || clk.bits !== 1)) throw new InputError(`${module}: clk must be a 1-bit input`);
  return { module, inputs: i.placed, outputs: o.placed, inWords: Math.max(i.words, 1), outWords: Math.max(o.words, 1), hasClk: !!clk, signature: fnv1a(ports.map((p) => `${p.name}:${p.dir}:${p.bits}`).join(';')) };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
