// The batch protocol's numbers in C++ (verilator/protocol.h) and Python (cocotb/headsim_protocol.py)
// are generated from the TypeScript definitions: the committed files must be what the generator
// writes now, their values (parsed back) the TypeScript values, and the driver and the bridge
// must take the numbers from them rather than define their own.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CPP_HEADER, cppHeader, PROTOCOL_CONSTANTS, PYTHON_MODULE, pythonModule } from '../harness/rtl/protocol-constants.ts';
import { HELLO_MAGIC, OP_BATCH, OP_FINISH } from '../harness/rtl/protocol.ts';
import { IN_M_READY, OUT_M_LAST } from '../harness/rtl/ports.ts';

const read = (rel: string) => readFileSync(fileURLToPath(new URL(`../${rel}`, import.meta.url)), 'utf8');
const REGENERATE = 'regenerate: node --import ./lib/ts-runtime/register.mjs harness/rtl/protocol-constants.ts';

/** NAME → value of `static constexpr T NAME = …;` or `NAME = …` lines (hex, decimal, `1 << k`, a `u` suffix). */
function parse(text: string, line: RegExp): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(line)) {
    const expr = m[2]!.replace(/(\d)u\b/g, '$1').trim();
    const shift = /^(\w+)\s*<<\s*(\d+)$/.exec(expr);
    out.set(m[1]!, shift ? Number(shift[1]) * 2 ** Number(shift[2]) : Number(expr));
  }
  return out;
}
const CPP_LINE = /^static constexpr \w+ (\w+) = ([^;]+);/gm;
const PY_LINE = /^([A-Z][A-Z0-9_]*) = ([^#\n]+)/gm;

describe('protocol constants', () => {
  it('the committed C++ header and Python module are what the generator writes', () => {
    expect(readFileSync(CPP_HEADER, 'utf8'), REGENERATE).toBe(cppHeader());
    expect(readFileSync(PYTHON_MODULE, 'utf8'), REGENERATE).toBe(pythonModule());
  });

  it('parsed back, both carry every TypeScript value', () => {
    const want = new Map(PROTOCOL_CONSTANTS.map((c) => [c.name, c.value]));
    expect(want.get('HELLO_MAGIC')).toBe(HELLO_MAGIC);
    expect(want.get('OP_BATCH')).toBe(OP_BATCH);
    expect(want.get('OP_FINISH')).toBe(OP_FINISH);
    expect(want.get('IN_M_READY')).toBe(IN_M_READY);
    expect(want.get('OUT_M_LAST')).toBe(OUT_M_LAST);
    expect(parse(readFileSync(CPP_HEADER, 'utf8'), CPP_LINE)).toEqual(want);
    expect(parse(readFileSync(PYTHON_MODULE, 'utf8'), PY_LINE)).toEqual(want);
  });

  it('the driver, its headers and the cocotb bridge define none of them themselves', () => {
    const names = PROTOCOL_CONSTANTS.map((c) => c.name);
    const sources = {
      'harness/rtl/verilator/driver.cpp': CPP_LINE,
      'harness/rtl/verilator/ports.h': CPP_LINE,
      'bench/verilator_alone.cpp': CPP_LINE,
      'harness/rtl/cocotb/headsim_bridge.py': PY_LINE,
    };
    for (const [file, line] of Object.entries(sources)) {
      const defined = [...parse(read(file), line).keys()].filter((n) => names.includes(n));
      expect(defined, file).toEqual([]);
    }
    expect(read('harness/rtl/verilator/ports.h')).toContain('#include "protocol.h"');
    expect(read('harness/rtl/cocotb/headsim_bridge.py')).toMatch(/^from headsim_protocol import \(/m);
  });
});
