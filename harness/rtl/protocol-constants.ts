// The numbers both ends of the batch protocol must agree on (hello magic, opcodes, batch bound,
// port flag bits), taken from their TypeScript definitions (protocol.ts, ports.ts) and written
// out for the other two languages: verilator/protocol.h (driver.cpp and bench/verilator_alone.cpp,
// through ports.h) and cocotb/headsim_protocol.py (headsim_bridge.py). The generated files are
// committed; test/protocol-constants.test.ts fails when they differ from what this renders.
// Regenerate: node --import ./lib/ts-runtime/register.mjs harness/rtl/protocol-constants.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HELLO_MAGIC, MAX_BATCH, OP_BATCH, OP_FINISH, OP_TRACE_OFF, OP_TRACE_ON } from './protocol.ts';
import { IN_M_READY, IN_RST, IN_S_LAST, IN_S_VALID, OUT_M_LAST, OUT_M_VALID, OUT_S_READY } from './ports.ts';

export interface ProtocolConstant {
  name: string;
  value: number;
  /** C++ type: 32-bit protocol words, 8-bit flag bytes */
  type: 'uint32_t' | 'uint8_t';
  /** how the value is written: 0x31565348, 1 << 22, 4 */
  show: 'hex' | 'shift' | 'dec';
  doc: string;
}

export const PROTOCOL_CONSTANTS: readonly ProtocolConstant[] = [
  { name: 'HELLO_MAGIC', value: HELLO_MAGIC, type: 'uint32_t', show: 'hex', doc: '"HSV1": first word of the server\'s hello (then S_W, IDX_W, VAL_W)' },
  { name: 'OP_BATCH', value: OP_BATCH, type: 'uint32_t', show: 'dec', doc: 'arg n; payload flags[n] u8 (padded to 4), s_data[n*SW32]' },
  { name: 'OP_TRACE_ON', value: OP_TRACE_ON, type: 'uint32_t', show: 'dec', doc: 'arg path length; payload path bytes (padded to 4)' },
  { name: 'OP_TRACE_OFF', value: OP_TRACE_OFF, type: 'uint32_t', show: 'dec', doc: 'arg 0' },
  { name: 'OP_FINISH', value: OP_FINISH, type: 'uint32_t', show: 'dec', doc: 'arg 0; no reply' },
  { name: 'MAX_BATCH', value: MAX_BATCH, type: 'uint32_t', show: 'shift', doc: 'largest n of one BATCH' },
  { name: 'IN_RST', value: IN_RST, type: 'uint8_t', show: 'dec', doc: 'input flag bits of a cycle (PortBatch.flags)' },
  { name: 'IN_S_VALID', value: IN_S_VALID, type: 'uint8_t', show: 'dec', doc: '' },
  { name: 'IN_S_LAST', value: IN_S_LAST, type: 'uint8_t', show: 'dec', doc: '' },
  { name: 'IN_M_READY', value: IN_M_READY, type: 'uint8_t', show: 'dec', doc: '' },
  { name: 'OUT_S_READY', value: OUT_S_READY, type: 'uint8_t', show: 'dec', doc: 'output flag bits of a cycle (PortBatch.outFlags)' },
  { name: 'OUT_M_VALID', value: OUT_M_VALID, type: 'uint8_t', show: 'dec', doc: '' },
  { name: 'OUT_M_LAST', value: OUT_M_LAST, type: 'uint8_t', show: 'dec', doc: '' },
];

export const CPP_HEADER = fileURLToPath(new URL('./verilator/protocol.h', import.meta.url));
export const PYTHON_MODULE = fileURLToPath(new URL('./cocotb/headsim_protocol.py', import.meta.url));

const GENERATED = 'Generated from harness/rtl/protocol.ts and harness/rtl/ports.ts by harness/rtl/protocol-constants.ts: do not edit.';

function literal(c: ProtocolConstant, lang: 'cpp' | 'python'): string {
  const u = lang === 'cpp' && c.type === 'uint32_t' ? 'u' : '';
  if (c.show === 'hex') return `0x${c.value.toString(16).padStart(8, '0')}${u}`;
  if (c.show === 'shift') {
    const k = Math.log2(c.value);
    if (!Number.isInteger(k)) throw new Error(`${c.name}: ${c.value} is not a power of two`);
    return `1${u} << ${k}`;
  }
  return `${c.value}${u}`;
}

const comment = (c: ProtocolConstant, mark: string) => (c.doc ? `  ${mark} ${c.doc}` : '');

/** verilator/protocol.h */
export function cppHeader(): string {
  const lines = PROTOCOL_CONSTANTS.map((c) => `static constexpr ${c.type} ${c.name} = ${literal(c, 'cpp')};${comment(c, '//')}`);
  return [`// ${GENERATED}`, '// The batch protocol\'s numbers (README.md next to this file); included by ports.h.', '#pragma once', '', '#include <cstdint>', '', ...lines, ''].join('\n');
}

/** cocotb/headsim_protocol.py */
export function pythonModule(): string {
  const lines = PROTOCOL_CONSTANTS.map((c) => `${c.name} = ${literal(c, 'python')}${comment(c, '#')}`);
  return [`"""${GENERATED}`, '', "The batch protocol's numbers, for headsim_bridge.py.", '"""', '', ...lines, ''].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(CPP_HEADER, cppHeader());
  writeFileSync(PYTHON_MODULE, pythonModule());
  console.log(`wrote ${CPP_HEADER}, ${PYTHON_MODULE}`);
}
