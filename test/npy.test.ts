import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import { encodeNpy, parseNpy, readNpy, writeNpy, type NpyDtype, type NpyInput } from '../harness/inputs/npy.ts';

const dir = mkdtempSync(join(tmpdir(), 'npy-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DTYPES: NpyDtype[] = ['f4', 'f8', 'i1', 'i2', 'i4'];
const valueArb = (dtype: NpyDtype): fc.Arbitrary<number> => {
  switch (dtype) {
    case 'f4': return fc.float(); // float32-representable, incl. -0, ±Infinity, NaN
    case 'f8': return fc.double();
    case 'i1': return fc.integer({ min: -128, max: 127 });
    case 'i2': return fc.integer({ min: -32768, max: 32767 });
    case 'i4': return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  }
};
const arrayArb: fc.Arbitrary<NpyInput> = fc.constantFrom(...DTYPES).chain((dtype) =>
  fc.array(fc.nat(5), { maxLength: 3 }).chain((shape) => {
    const n = shape.reduce((a, d) => a * d, 1);
    return fc.array(valueArb(dtype), { minLength: n, maxLength: n }).map((data) => ({ dtype, shape, data }));
  }),
);

function expectSame(got: { dtype: string; shape: number[]; data: ArrayLike<number> }, want: NpyInput) {
  expect(got.dtype).toBe(want.dtype);
  expect(got.shape).toEqual([...want.shape]);
  expect(got.data.length).toBe(want.data.length);
  for (let k = 0; k < want.data.length; k++) {
    if (!Object.is(got.data[k], want.data[k])) throw new Error(`element ${k}: got ${got.data[k]}, want ${want.data[k]}`);
  }
}

describe('npy round trip', () => {
  it('writeNpy → readNpy is the identity (all dtypes, rank 0..3)', () => {
    let n = 0;
    fc.assert(
      fc.property(arrayArb, (arr) => {
        const path = join(dir, `rt${n++}.npy`);
        writeNpy(path, arr);
        expectSame(readNpy(path), arr);
      }),
      { numRuns: 300 },
    );
  });

  it('aligns the data start to 64 bytes', () => {
    fc.assert(
      fc.property(arrayArb, (arr) => {
        const buf = encodeNpy(arr);
        expect((10 + buf.readUInt16LE(8)) % 64).toBe(0);
      }),
    );
  });

  it('rejects values that do not fit an integer dtype', () => {
    expect(() => encodeNpy({ dtype: 'i1', shape: [1], data: [128] })).toThrow(RangeError);
    expect(() => encodeNpy({ dtype: 'i4', shape: [1], data: [0.5] })).toThrow(RangeError);
    expect(() => encodeNpy({ dtype: 'f8', shape: [2], data: [1] })).toThrow(RangeError);
  });
});

/** A .npy file with a hand-written header (padded like numpy) and raw data bytes. */
function handMade(header: string, dataBytes: number, version = 1): Buffer {
  const prefix = version === 1 ? 10 : 12;
  const body = header + ' '.repeat(63 - ((prefix + header.length) % 64)) + '\n';
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(body.length, 8);
  else head.writeUInt32LE(body.length, 8);
  return Buffer.concat([head, Buffer.from(body, 'latin1'), Buffer.alloc(dataBytes)]);
}
const hdr = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

function expectInputError(fn: () => unknown, ...parts: string[]) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  const msg = (err as Error).message;
  expect(msg).not.toContain('\n');
  for (const p of parts) expect(msg).toContain(p);
}

describe('npy malformed input', () => {
  it('bad magic', () => {
    expectInputError(() => parseNpy(Buffer.from('PK\x03\x04 a zip file, not npy'), 'W.npy'), 'W.npy', 'bad magic (not a .npy file)');
    expectInputError(() => parseNpy(Buffer.alloc(0), 'W.npy'), 'W.npy', 'bad magic');
  });

  it('big-endian dtype', () => {
    expectInputError(() => parseNpy(handMade(hdr('>f8', '(2,)'), 16), 'W.npy'), 'W.npy', "unsupported dtype '>f8' (big-endian)");
  });

  it('unsupported dtype', () => {
    expectInputError(() => parseNpy(handMade(hdr('<c16', '(2,)'), 32), 'W.npy'), 'W.npy', "unsupported dtype '<c16'");
    expectInputError(() => parseNpy(handMade(hdr('|b1', '(2,)'), 2), 'W.npy'), 'W.npy', "unsupported dtype '|b1'");
    const structured = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }";
    expectInputError(() => parseNpy(handMade(structured, 8), 'W.npy'), 'W.npy', 'unsupported dtype', 'structured');
  });

  it('fortran order', () => {
    expectInputError(
      () => parseNpy(handMade(hdr('<f4', '(3, 4)', 'True'), 48), 'W.npy'),
      'W.npy',
      'fortran_order arrays are not supported; save with np.ascontiguousarray',
    );
  });

  it('short data', () => {
    expectInputError(() => parseNpy(handMade(hdr('<f4', '(3, 4)'), 40), 'W.npy'), 'W.npy', 'data is 40 bytes, shape [3,4] of f4 needs 48');
  });

  it('truncated header', () => {
    const full = encodeNpy({ dtype: 'f8', shape: [2], data: [1, 2] });
    for (const len of [3, 7, 9, 50]) {
      expectInputError(() => parseNpy(full.subarray(0, len), 'W.npy'), 'W.npy', 'truncated header');
    }
  });

  it('malformed header text, unknown version, missing file', () => {
    expectInputError(() => parseNpy(handMade("{'descr': '<f4', 'shape': (2,", 8), 'W.npy'), 'W.npy', 'malformed header');
    expectInputError(() => parseNpy(handMade("{'descr': '<f4', 'shape': (2,), }", 8), 'W.npy'), 'W.npy', 'header keys');
    const v9 = handMade(hdr('<f4', '(2,)'), 8);
    v9[6] = 9;
    expectInputError(() => parseNpy(v9, 'W.npy'), 'W.npy', 'unsupported .npy format version 9.0');
    expectInputError(() => readNpy(join(dir, 'missing', 'W.npy')), 'W.npy', 'ENOENT');
  });

  it('accepts version 2.0 and Python 2 long-int shapes', () => {
    const buf = handMade(hdr('<i2', '(2L, 1L)'), 4, 2);
    buf.writeInt16LE(-7, buf.length - 4);
    expectSame(parseNpy(buf, 'W.npy'), { dtype: 'i2', shape: [2, 1], data: [-7, 0] });
  });
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasNumpy)('npy interoperability with numpy', () => {
  const cases: NpyInput[] = [
    { dtype: 'f8', shape: [3, 4], data: [0, -0, 1.5, -2.25, 1e308, -1e-308, 5e-324, Math.PI, Math.E, -1 / 3, 2 ** 53, 7] },
    { dtype: 'f4', shape: [2, 3], data: [0.1, -0.5, 3.4028234663852886e38, 1.401298464324817e-45, -0, 1e-3].map(Math.fround) },
    { dtype: 'i1', shape: [4], data: [-128, 127, 0, -1] },
    { dtype: 'i2', shape: [2, 2, 1], data: [-32768, 32767, 1, -2] },
    { dtype: 'i4', shape: [], data: [-(2 ** 31)] },
    { dtype: 'i4', shape: [0, 3], data: [] },
    { dtype: 'f8', shape: [100003], data: new Float64Array(100003).map((_, k) => k / 7) },
  ];
  const NP_DTYPE: Record<NpyDtype, string> = { f4: '<f4', f8: '<f8', i1: '|i1', i2: '<i2', i4: '<i4' };

  it('parses numpy-written files identically (versions 1.0, 2.0, 3.0) and matches np.save byte for byte', () => {
    const spec = cases.map((c, k) => ({ name: `np${k}`, descr: NP_DTYPE[c.dtype], shape: c.shape, values: Array.from(c.data, (v) => (Object.is(v, -0) ? '-0.0' : v)) })); // JSON drops the sign of -0
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    execFileSync('python3', ['-c', `
import json, sys, numpy as np
d = sys.argv[1]
for c in json.load(open(d + '/spec.json')):
    a = np.array([float(x) if isinstance(x, str) else x for x in c['values']], dtype=c['descr']).reshape(c['shape'])
    for v in [(1, 0), (2, 0), (3, 0)]:
        with open(f"{d}/{c['name']}_v{v[0]}.npy", 'wb') as f:
            np.lib.format.write_array(f, a, version=v)
    np.save(f"{d}/{c['name']}_save.npy", a)
`, dir]);
    cases.forEach((c, k) => {
      for (const v of [1, 2, 3]) {
        const buf = readFileSync(join(dir, `np${k}_v${v}.npy`));
        expect(buf[6]).toBe(v);
        expectSame(parseNpy(buf, `np${k}_v${v}.npy`), c);
      }
      expect(encodeNpy(c).equals(readFileSync(join(dir, `np${k}_save.npy`)))).toBe(true);
    });
  });

  it('numpy reads what writeNpy writes', () => {
    cases.forEach((c, k) => writeNpy(join(dir, `ts${k}.npy`), c));
    const out = execFileSync('python3', ['-c', `
import json, sys, numpy as np
res = []
for k in range(int(sys.argv[2])):
    a = np.load(f"{sys.argv[1]}/ts{k}.npy")
    res.append({'descr': a.dtype.str, 'shape': list(a.shape), 'c': bool(a.flags.c_contiguous), 'values': a.ravel().tolist()})
print(json.dumps(res))
`, dir, String(cases.length)], { maxBuffer: 1 << 28 });
    const res = JSON.parse(out.toString()) as { descr: string; shape: number[]; c: boolean; values: number[] }[];
    cases.forEach((c, k) => {
      expect(res[k].descr).toBe(NP_DTYPE[c.dtype]);
      expect(res[k].c).toBe(true);
      expectSame({ dtype: c.dtype, shape: res[k].shape, data: res[k].values }, c);
    });
  });
});
