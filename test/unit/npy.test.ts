// The .npy/.npz reader and writer: round trips over every dtype, and every malformed file an
// InputError naming the file and the problem (numpy itself writes the cross-checks when present).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.ts';
import { encodeNpy, parseNpy, readNpy, writeNpy, type NpyDtype, type NpyInput } from '../../harness/inputs/npy.ts';
import { loadArray, parseNpz, readNpz } from '../../harness/inputs/npz.ts';

const dir = mkdtempSync(join(tmpdir(), 'npy-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DTYPES: NpyDtype[] = ['f4', 'f8', 'i1', 'i2', 'i4'];
const valueArb = (dtype: NpyDtype): fc.Arbitrary<number> => {
  switch (dtype) {
    case 'f4':
      return fc.float(); // float32-representable, incl. -0, ±Infinity, NaN
    case 'f8':
      return fc.double();
    case 'i1':
      return fc.integer({ min: -128, max: 127 });
    case 'i2':
      return fc.integer({ min: -32768, max: 32767 });
    case 'i4':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
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

/** Asserts a one-line InputError holding every part; returns its message. */
function expectInputError(fn: () => unknown, ...parts: string[]): string {
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
  return msg;
}

describe('npy malformed input', () => {
  it('bad magic', () => {
    expectInputError(() => parseNpy(Buffer.from('PK\x03\x04 a zip file, not npy'), 'W.npy'), 'W.npy', 'bad magic (not a .npy file)');
    expectInputError(() => parseNpy(Buffer.alloc(0), 'W.npy'), 'W.npy', 'bad magic');
  });

  it('big-endian, native (=, |) and Fortran-ordered files read as C-order values', () => {
    const be = handMade(hdr('>f8', '(2,)'), 16);
    be.writeDoubleBE(-1.5, be.length - 16);
    be.writeDoubleBE(2 ** -1074, be.length - 8);
    expectSame(parseNpy(be, 'W.npy'), { dtype: 'f8', shape: [2], data: [-1.5, 2 ** -1074] });
    for (const order of ['=', '|']) {
      const ne = handMade(hdr(`${order}i2`, '(1,)'), 2);
      ne.writeInt16LE(-300, ne.length - 2);
      expectSame(parseNpy(ne, 'W.npy'), { dtype: 'i2' as NpyDtype, shape: [1], data: [-300] });
    }
    // Fortran: the file holds the first axis fastest; the reader returns row-major data, same shape
    const f2d = handMade(hdr('|u1', '(2, 3)', 'True'), 6);
    f2d.set([0, 3, 1, 4, 2, 5], f2d.length - 6);
    expect(parseNpy(f2d, 'W.npy')).toEqual({ dtype: 'u1', shape: [2, 3], data: Float64Array.of(0, 1, 2, 3, 4, 5) });
    const f3d = handMade(hdr('<u2', '(2, 3, 4)', 'True'), 48);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) f3d.writeUInt16LE(100 * i + 10 * j + k, f3d.length - 48 + 2 * (i + 2 * j + 6 * k));
    const got = parseNpy(f3d, 'W.npy');
    expect(got.shape).toEqual([2, 3, 4]);
    expect(Array.from(got.data)).toEqual(Array.from({ length: 24 }, (_, c) => 100 * Math.floor(c / 12) + 10 * (Math.floor(c / 4) % 3) + (c % 4)));
    expect(parseNpy(handMade(hdr('<f4', '()', 'True'), 4), 'W.npy').shape).toEqual([]);
  });

  it('float16 decodes exactly: zero, subnormals, normals, max, infinities, NaN', () => {
    const bits = [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0x3555, 0xc000, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00];
    // 0x3555: exponent 13, mantissa 0x155 → (1024 + 0x155) · 2^(13 − 25)
    const want = [0, -0, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 1, (1024 + 0x155) * 2 ** -12, -2, 65504, -65504, Infinity, -Infinity, NaN];
    for (const le of [true, false]) {
      const buf = handMade(hdr(le ? '<f2' : '>f2', `(${bits.length},)`), 2 * bits.length);
      bits.forEach((b, k) => (le ? buf.writeUInt16LE(b, buf.length - 2 * bits.length + 2 * k) : buf.writeUInt16BE(b, buf.length - 2 * bits.length + 2 * k)));
      expectSame(parseNpy(buf, 'h.npy'), { dtype: 'f2' as NpyDtype, shape: [bits.length], data: want });
    }
  });

  it('int64/uint64: every safe integer is exact; beyond ±(2^53 − 1) refused, naming the first element in C order', () => {
    const i8 = handMade(hdr('<i8', '(4,)'), 32);
    [2n ** 53n - 1n, -(2n ** 53n) + 1n, -1n, 0n].forEach((v, k) => i8.writeBigInt64LE(v, i8.length - 32 + 8 * k));
    expectSame(parseNpy(i8, 'y.npy'), { dtype: 'i8' as NpyDtype, shape: [4], data: [2 ** 53 - 1, -(2 ** 53) + 1, -1, 0] });
    const u8 = handMade(hdr('>u8', '(2,)'), 16);
    u8.writeBigUInt64BE(2n ** 53n - 1n, u8.length - 16);
    expectSame(parseNpy(u8, 'y.npy'), { dtype: 'u8' as NpyDtype, shape: [2], data: [2 ** 53 - 1, 0] });
    u8.writeBigUInt64BE(2n ** 64n - 1n, u8.length - 8);
    expectInputError(() => parseNpy(u8, 'y.npy'), 'y.npy: element 1 is 18446744073709551615: uint64 values beyond ±(2^53 − 1)');
    // Fortran [[0, 2^53], [-2^53, 0]]: the file holds 0, -2^53, 2^53, 0; the first in C order is [0, 1]
    const f = handMade(hdr('<i8', '(2, 2)', 'True'), 32);
    [0n, -(2n ** 53n), 2n ** 53n, 0n].forEach((v, k) => f.writeBigInt64LE(v, f.length - 32 + 8 * k));
    expectInputError(() => parseNpy(f, 'W.npy'), 'W.npy: element [0, 1] is 9007199254740992: int64 values beyond');
  });

  it('what is not a number is refused, naming the file and the dtype', () => {
    const cases: [string, number, string][] = [
      ['<c16', 16, "dtype '<c16' is complex"],
      ['<c8', 8, "dtype '<c8' is complex"],
      ['|O', 8, "dtype '|O' is Python objects"],
      ['<U5', 20, "dtype '<U5' is unicode strings"],
      ['|S3', 3, "dtype '|S3' is byte strings"],
      ['<M8[ns]', 8, "dtype '<M8[ns]' is datetime64"],
      ['<m8[s]', 8, "dtype '<m8[s]' is timedelta64"],
      ['|V4', 4, "dtype '|V4' is raw bytes (void)"],
      ['<f16', 16, "dtype '<f16' is long double"],
      ['<f3', 3, "unsupported dtype '<f3'"],
      ['<b2', 2, "unsupported dtype '<b2'"],
      ['<f4[ns]', 4, "unsupported dtype '<f4[ns]'"],
    ];
    for (const [descr, size, msg] of cases) expectInputError(() => parseNpy(handMade(hdr(descr, '(1,)'), size), 'W.npy'), 'W.npy: ', msg);
    expectInputError(() => parseNpy(handMade(hdr('<c8', '(1,)'), 8), 'W.npy'), 'not real numbers (headsim reads b1, i1–i8, u1–u8, f2–f8)');
    const structured = "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }";
    expectInputError(() => parseNpy(handMade(structured, 16), 'W.npy'), 'W.npy', "dtype is structured (fields 'a', 'b')");
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

  it('shapes that cannot fit the file are refused before anything is allocated', () => {
    expectInputError(
      () => parseNpy(handMade(hdr('<f8', '(1099511627776, 1099511627776, 1099511627776)'), 8), 'W.npy'),
      'data is 8 bytes',
      'needs 10633823966279326983230456482242756608',
    );
    expectInputError(() => parseNpy(handMade(hdr('<f8', '(100000000000000000000000,)'), 8), 'W.npy'), 'not a tuple of non-negative integers');
    expectInputError(() => parseNpy(handMade(hdr('<f8', '(-1,)'), 8), 'W.npy'), 'not a tuple of non-negative integers');
    expectInputError(() => parseNpy(handMade(hdr('<f8', `(${Array(65).fill(1).join(', ')})`), 8), 'W.npy'), 'has 65 dimensions');
    expectSame(parseNpy(handMade(hdr('<f8', '(0, 1099511627776)'), 0), 'W.npy'), { dtype: 'f8', shape: [0, 2 ** 40], data: [] });
  });

  it('malformed header text, unknown version, missing file', () => {
    expectInputError(() => parseNpy(handMade("{'descr': '<f4', 'shape': (2,", 8), 'W.npy'), 'W.npy', 'malformed header');
    expectInputError(() => parseNpy(handMade("{'descr': '<f4', 'shape': (2,), }", 8), 'W.npy'), 'W.npy', 'header keys');
    const v9 = handMade(hdr('<f4', '(2,)'), 8);
    v9[6] = 9;
    expectInputError(() => parseNpy(v9, 'W.npy'), 'W.npy', 'unsupported .npy format version 9.0');
    expectInputError(() => readNpy(join(dir, 'missing', 'W.npy')), 'W.npy', 'ENOENT');
    // found by the fuzz below: a flipped byte made a key hold a newline, and the message two lines
    expectInputError(
      () => parseNpy(handMade("{'descr': '<f4', 'fo\ntran_order': False, 'shape': (2,), }", 8), 'W.npy'),
      'header keys are {descr, fo\\x0atran_order, shape}',
    );
    // deep nesting (no stack overflow), a long header (the message stays short)
    expectInputError(() => parseNpy(handMade(`{'descr': ${'('.repeat(100000)}`, 0, 2), 'W.npy'), 'malformed header (nested deeper than 32');
    const long = handMade(`{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': '${'z'.repeat(100000)}'}`, 8, 2);
    expect(expectInputError(() => parseNpy(long, 'W.npy'), 'W.npy: header keys are {descr, fortran_order, shape, x}').length).toBeLessThan(400);
    expect(expectInputError(() => parseNpy(handMade(`{'descr': '<f4', 'x': ${'1'.repeat(100000)}!`, 0, 2), 'W.npy'), 'malformed header').length).toBeLessThan(
      400,
    );
  });

  it('devices and directories: refused at their first bytes unless they start a .npy/.npz (no endless read of /dev/zero)', () => {
    for (const dev of ['/dev/zero', '/dev/urandom']) expectInputError(() => readNpy(dev), `${dev}: bad magic (not a .npy or .npz file)`);
    expectInputError(() => readNpy(dir), 'cannot read file (EISDIR)');
  });

  it('a named pipe holding a .npy is read to its end', (ctx) => {
    if (spawnSync('mkfifo', [join(dir, 'fifo')]).status !== 0) return ctx.skip('no mkfifo here');
    const arr = { dtype: 'f4' as const, shape: [300, 300], data: new Float64Array(90000).map((_, k) => k) }; // > one 64 KiB pipe buffer
    writeNpy(join(dir, 'piped.npy'), arr);
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', join(dir, 'piped.npy'), join(dir, 'fifo')]);
    expectSame(loadArray(join(dir, 'fifo'), 'W').main.array, arr);
    writer.kill();
  });

  it('accepts version 2.0 and Python 2 long-int shapes', () => {
    const buf = handMade(hdr('<i2', '(2L, 1L)'), 4, 2);
    buf.writeInt16LE(-7, buf.length - 4);
    expectSame(parseNpy(buf, 'W.npy'), { dtype: 'i2', shape: [2, 1], data: [-7, 0] });
  });
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
/** Test titles say why they were skipped: vitest prints the title, not a reason. */
const NUMPY = hasNumpy ? 'NumPy' : 'NumPy (SKIPPED: python3 cannot import numpy)';

/** Runs a Python snippet with numpy (argv[1] = the test directory); returns its stdout parsed as JSON. */
function numpy<T>(code: string): T {
  const out = execFileSync('python3', ['-c', `import json, sys, numpy as np\nd = sys.argv[1]\n${code}`, dir], { maxBuffer: 1 << 28 });
  return JSON.parse(out.toString()) as T;
}
/** What NumPy itself reads from a file, as JSON: C-order values; NaN, ±Infinity and -0.0 as strings. */
const NP_VALUES = `
def values(a):
    out = []
    for x in np.asarray(a).ravel(order='C').tolist():
        if isinstance(x, float) and (x != x or x in (float('inf'), float('-inf')) or (x == 0 and str(x)[0] == '-')):
            out.append(str(x))
        else:
            out.append(int(x) if isinstance(x, bool) else x)
    return out
`;
const fromJson = (v: number | string): number =>
  typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
function expectValues(got: ArrayLike<number>, want: (number | string)[], what: string) {
  expect(got.length, what).toBe(want.length);
  for (let k = 0; k < want.length; k++) {
    const w = fromJson(want[k]!);
    if (!Object.is(got[k], w)) throw new Error(`${what}: element ${k} is ${got[k]}, NumPy reads ${w}`);
  }
}

describe.skipIf(!hasNumpy)(`npy interoperability with ${NUMPY}`, () => {
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
    const spec = cases.map((c, k) => ({
      name: `np${k}`,
      descr: NP_DTYPE[c.dtype],
      shape: c.shape,
      values: Array.from(c.data, (v) => (Object.is(v, -0) ? '-0.0' : v)),
    })); // JSON drops the sign of -0
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    execFileSync('python3', [
      '-c',
      `
import json, sys, numpy as np
d = sys.argv[1]
for c in json.load(open(d + '/spec.json')):
    a = np.array([float(x) if isinstance(x, str) else x for x in c['values']], dtype=c['descr']).reshape(c['shape'])
    for v in [(1, 0), (2, 0), (3, 0)]:
        with open(f"{d}/{c['name']}_v{v[0]}.npy", 'wb') as f:
            np.lib.format.write_array(f, a, version=v)
    np.save(f"{d}/{c['name']}_save.npy", a)
`,
      dir,
    ]);
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
    const out = execFileSync(
      'python3',
      [
        '-c',
        `
import json, sys, numpy as np
res = []
for k in range(int(sys.argv[2])):
    a = np.load(f"{sys.argv[1]}/ts{k}.npy")
    res.append({'descr': a.dtype.str, 'shape': list(a.shape), 'c': bool(a.flags.c_contiguous), 'values': a.ravel().tolist()})
print(json.dumps(res))
`,
        dir,
        String(cases.length),
      ],
      { maxBuffer: 1 << 28 },
    );
    const res = JSON.parse(out.toString()) as { descr: string; shape: number[]; c: boolean; values: number[] }[];
    cases.forEach((c, k) => {
      expect(res[k].descr).toBe(NP_DTYPE[c.dtype]);
      expect(res[k].c).toBe(true);
      expectSame({ dtype: c.dtype, shape: res[k].shape, data: res[k].values }, c);
    });
  });
});

describe.skipIf(!hasNumpy)(`every numeric dtype, written by ${NUMPY}`, () => {
  const ONE_BYTE = ['b1', 'i1', 'u1'];
  const MULTI_BYTE = ['f2', 'f4', 'f8', 'i2', 'i4', 'i8', 'u2', 'u4', 'u8'];
  const LAYOUTS = [
    [[], 'C'],
    [[7], 'C'],
    [[0, 3], 'C'],
    [[3, 5], 'C'],
    [[3, 5], 'F'],
    [[2, 3, 4], 'C'],
    [[2, 3, 4], 'F'],
  ] as const;

  it('b1 i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 × both byte orders × C and Fortran order × 0-d…3-D: values equal NumPy’s', () => {
    const descrs = [...ONE_BYTE.map((c) => `|${c}`), ...MULTI_BYTE.flatMap((c) => [`<${c}`, `>${c}`])];
    const files = numpy<{ file: string; descr: string; shape: number[]; fortran: boolean; values: (number | string)[] }[]>(
      `${NP_VALUES}
pools = {
    'b': [True, False, False, True, True],
    'f2': [0.0, -0.0, 1.0, -2.5, 65504.0, 6.1e-05, 6e-08, float('inf'), float('-inf'), float('nan'), 0.1, -0.3333],
    'f4': [0.0, -0.0, 0.1, -3.4028234663852886e+38, 1.401298464324817e-45, 1.1754943508222875e-38, float('inf'), float('nan'), 16777217.0],
    'f8': [0.0, -0.0, 0.1, -1.7976931348623157e+308, 5e-324, 2.2250738585072014e-308, float('-inf'), float('nan'), 1/3],
}
res = []
for descr in json.loads(sys.argv[2]):
    dt = np.dtype(descr)
    if dt.kind in 'iu':
        info = np.iinfo(dt)
        lo, hi = max(int(info.min), -(2**53 - 1)), min(int(info.max), 2**53 - 1)
        pool = [0, 1, lo, hi, -1 if lo < 0 else 2, lo + 1, hi - 1, 100 % (hi + 1)]
    else:
        pool = pools['b' if dt.kind == 'b' else descr[1:]]
    for shape, order in json.loads(sys.argv[3]):
        a = np.array(pool, dtype=dt)[(np.arange(int(np.prod(shape))) * 7 % len(pool)).reshape(shape)]
        a = np.array(a, dtype=dt, order=order)  # a 0-d index gave a native-order scalar; np.ascontiguousarray would make it 1-d
        name = f"m_{descr[1:]}_{'be' if descr[0] == '>' else 'le'}_{'x'.join(map(str, shape)) or 'scalar'}_{order}.npy"
        np.save(d + '/' + name, a)
        with open(d + '/' + name, 'rb') as f:
            np.lib.format.read_magic(f)
            _, fortran, _ = np.lib.format.read_array_header_1_0(f)
        b = np.load(d + '/' + name)
        res.append({'file': name, 'descr': b.dtype.str, 'shape': list(b.shape), 'fortran': fortran, 'values': values(b)})
print(json.dumps(res))
`
        .replace('sys.argv[2]', JSON.stringify(JSON.stringify(descrs)))
        .replace('sys.argv[3]', JSON.stringify(JSON.stringify(LAYOUTS))),
    );
    expect(files).toHaveLength(descrs.length * LAYOUTS.length); // 21 dtype/byte-order pairs × 7 layouts = 147
    const seen = new Set<string>();
    for (const f of files) {
      const got = readNpy(join(dir, f.file));
      expect(got.dtype, f.file).toBe(f.descr.slice(1));
      expect(got.shape, f.file).toEqual(f.shape);
      expectValues(got.data, f.values, f.file);
      seen.add(`${f.descr[0]}${f.fortran ? 'F' : 'C'}${f.shape.length}`);
      if (f.file.endsWith('_F.npy')) expect(f.fortran, `${f.file} is Fortran-ordered in its header`).toBe(true);
    }
    for (const key of ['|C0', '|C1', '|C2', '|F2', '|F3', '<F2', '<F3', '>C0', '>C1', '>F2', '>F3']) expect(seen.has(key), key).toBe(true);
  });

  it("'=' and '|' byte orders (native) read like '<'", () => {
    numpy<null>(`np.save(d + '/nat.npy', np.array([[1.5, -2], [3, 65504]], dtype='<f4')); print('null')`);
    const le = readFileSync(join(dir, 'nat.npy'));
    for (const order of ['=', '|']) {
      const buf = Buffer.from(le.toString('latin1').replace("'<f4'", `'${order}f4'`), 'latin1');
      expect(parseNpy(buf, 'nat.npy')).toEqual(parseNpy(le, 'nat.npy'));
    }
  });

  it('acceptance: np.save of an int64, a uint8 and a Fortran-ordered float32 array is read with NumPy’s values', () => {
    const res = numpy<Record<string, { descr: string; fortran: boolean; shape: number[]; values: (number | string)[] }>>(`${NP_VALUES}
rng = np.random.default_rng(15)
arrays = {
    'labels_int64': np.array([3, 0, 9, 2**53 - 1, -7, 1]),                                       # the default integer type
    'images_uint8': rng.integers(0, 256, size=(5, 28, 28)).astype(np.uint8),                     # MNIST-style pixels
    'coef_f32_F': np.asfortranarray(rng.normal(size=(10, 784)).astype(np.float32)),              # e.g. clf.coef_, W.T
}
res = {}
for k, a in arrays.items():
    np.save(f'{d}/{k}.npy', a)
    b = np.load(f'{d}/{k}.npy')
    res[k] = {'descr': b.dtype.str, 'fortran': bool(b.flags.f_contiguous and not b.flags.c_contiguous), 'shape': list(b.shape), 'values': values(b)}
print(json.dumps(res))
`);
    expect([res.labels_int64!.descr, res.images_uint8!.descr, res.coef_f32_F!.descr]).toEqual(['<i8', '|u1', '<f4']);
    expect(res.coef_f32_F!.fortran).toBe(true);
    for (const [k, r] of Object.entries(res)) {
      const got = readNpy(join(dir, `${k}.npy`));
      expect(got.shape).toEqual(r.shape);
      expectValues(got.data, r.values, k);
    }
  });

  it('int64 beyond ±(2^53 − 1) is refused naming the first such element in C order (Fortran file)', () => {
    numpy<null>(
      `np.save(d + '/big.npy', np.asfortranarray(np.array([[0, 2**53], [2**60, 5]]))); np.save(d + '/bigu.npy', np.array([1, 2**64 - 1], dtype=np.uint64)); print('null')`,
    );
    expectInputError(
      () => readNpy(join(dir, 'big.npy')),
      'big.npy: element [0, 1] is 9007199254740992: int64 values beyond ±(2^53 − 1) cannot be held exactly',
    );
    expectInputError(() => readNpy(join(dir, 'bigu.npy')), 'bigu.npy: element 1 is 18446744073709551615: uint64');
  });

  it('what NumPy writes that is not a number is refused, naming the file and the dtype', () => {
    const written = numpy<Record<string, string>>(`
import datetime
arrays = {
    'c8': np.ones(3, np.complex64), 'c16': np.ones((2, 2), np.complex128), 'obj': np.array([1, 'a', None], dtype=object),
    'rec': np.zeros(2, dtype=[('w', '<f4'), ('b', '<i8')]), 'u': np.array(['cat', 'dog']), 's': np.array([b'ab', b'c']),
    'dt': np.array(['2024-01-01'], dtype='datetime64[D]'), 'td': np.array([5], dtype='timedelta64[s]'),
    'v': np.zeros(2, dtype='V4'), 'ld': np.ones(2, dtype=np.longdouble),
}
out = {}
for k, a in arrays.items():
    np.save(f'{d}/rej_{k}.npy', a, allow_pickle=True)
    out[k] = a.dtype.str
print(json.dumps(out))
`);
    const expectation: Record<string, string> = {
      c8: 'is complex',
      c16: 'is complex',
      obj: 'is Python objects',
      u: 'is unicode strings',
      s: 'is byte strings',
      dt: 'is datetime64',
      td: 'is timedelta64',
      v: 'is raw bytes',
      ld: 'is long double',
    };
    for (const [k, descr] of Object.entries(written)) {
      const file = join(dir, `rej_${k}.npy`);
      if (k === 'rec') expectInputError(() => readNpy(file), `rej_rec.npy: dtype is structured (fields 'w', 'b')`);
      else if (k === 'ld' && descr === '<f8')
        continue; // a machine whose long double is double: that file is plain f8
      else expectInputError(() => readNpy(file), `rej_${k}.npy: `, `'${descr}' ${expectation[k]}`);
    }
  });

  it('.npz (np.savez stored, np.savez_compressed deflated, an unseekable stream with data descriptors): members equal NumPy’s', () => {
    const res = numpy<Record<string, Record<string, { shape: number[]; values: (number | string)[] }>>>(`${NP_VALUES}
import io
class Unseekable(io.RawIOBase):
    def __init__(s): s.buf = bytearray()
    def writable(s): return True
    def write(s, b): s.buf += b; return len(b)
rng = np.random.default_rng(3)
arrays = dict(
    W=np.asfortranarray(rng.normal(size=(4, 6)).astype('>f4')), b=rng.normal(size=4).astype(np.float16),
    X=rng.integers(0, 256, size=(9, 6)).astype(np.uint8), y=rng.integers(0, 4, size=9), flag=np.array(True), empty=np.zeros((0, 6)),
)
np.savez(d + '/stored.npz', **arrays)
np.savez_compressed(d + '/deflated.npz', **arrays)
u = Unseekable(); np.savez_compressed(u, **arrays); open(d + '/stream.npz', 'wb').write(bytes(u.buf))
np.savez(d + '/positional.npz', arrays['W'], arrays['b'])
res = {}
for f in ['stored', 'deflated', 'stream', 'positional']:
    z = np.load(f'{d}/{f}.npz')
    res[f] = {k: {'shape': list(z[k].shape), 'values': values(z[k])} for k in z.files}
print(json.dumps(res))
`);
    expect(Object.keys(res.positional!)).toEqual(['arr_0', 'arr_1']);
    for (const [f, members] of Object.entries(res)) {
      const z = readNpz(join(dir, `${f}.npz`));
      expect(z.names, f).toEqual(Object.keys(members));
      for (const [k, m] of Object.entries(members)) {
        const got = z.read(k);
        expect(got.shape, `${f}:${k}`).toEqual(m.shape);
        expectValues(got.data, m.values, `${f}.npz:${k}`);
      }
    }
  });

  it('which member a flag reads: FILE.npz:NAME, else the only array, else the role’s name (W/b, X/y)', () => {
    numpy<null>(`
np.savez(d + '/model.npz', W=np.ones((2, 3)), b=np.arange(2.0), extra=np.zeros(1))
np.savez(d + '/only.npz', coef=np.eye(2, dtype=np.float32))
np.savez(d + '/pos.npz', np.ones(2), np.zeros(2))
np.savez(d + '/none.npz')
np.save(d + '/plain.npy', np.ones(2))
print('null')`);
    const m = join(dir, 'model.npz');
    const both = loadArray(m, 'W', 'b');
    expect([both.main.label, both.companion?.label]).toEqual([`${m}:W`, `${m}:b`]);
    expect(Array.from(both.companion!.array.data)).toEqual([0, 1]);
    const named = loadArray(`${m}:extra`, 'W', 'b');
    expect([named.main.label, named.main.array.shape, named.companion]).toEqual([`${m}:extra`, [1], undefined]);
    expect(loadArray(`${m}:W`, 'W', 'b').companion).toBeUndefined(); // a named member comes alone
    expect(loadArray(join(dir, 'only.npz'), 'W', 'b').main.label).toBe(`${join(dir, 'only.npz')}:coef`);
    expect(loadArray(join(dir, 'plain.npy'), 'W', 'b')).toEqual({
      main: { label: join(dir, 'plain.npy'), array: { dtype: 'f8', shape: [2], data: Float64Array.of(1, 1) } },
    });
    expectInputError(() => loadArray(join(dir, 'pos.npz'), 'W', 'b'), "pos.npz: holds 'arr_0', 'arr_1' but no 'W'; name the array, e.g.", 'pos.npz:arr_0');
    expectInputError(() => loadArray(`${m}:V`, 'W'), "model.npz: has no array 'V' (it holds 'W', 'b', 'extra')");
    expectInputError(() => loadArray(join(dir, 'none.npz'), 'X'), 'none.npz: holds no arrays');
    expectInputError(() => loadArray(`${join(dir, 'plain.npy')}:W`, 'W'), 'plain.npy:W: ', "plain.npy is not a .npz archive, so it has no member 'W'");
  });
});

/** A minimal zip writer (stored or deflated members; zip64 records on request) for fuzzing the .npz reader without NumPy. */
function zip(members: [string, Buffer][], deflate: boolean, zip64 = false): Buffer {
  const parts: Buffer[] = [],
    central: Buffer[] = [];
  let at = 0;
  for (const [name, data] of members) {
    const body = deflate ? deflateRawSync(data) : data;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(45, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(45, 4);
    cd.writeUInt16LE(45, 6);
    cd.writeUInt16LE(deflate ? 8 : 0, 10);
    cd.writeUInt32LE(crc32(data), 16);
    cd.writeUInt16LE(name.length, 28);
    let extra = Buffer.alloc(0);
    if (zip64) {
      cd.fill(0xff, 20, 28); // sizes in the zip64 extra
      cd.writeUInt32LE(0xffffffff, 42);
      extra = Buffer.alloc(28);
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(data.length), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(at), 20);
      cd.writeUInt16LE(28, 30);
    } else {
      cd.writeUInt32LE(body.length, 20);
      cd.writeUInt32LE(data.length, 24);
      cd.writeUInt32LE(at, 42);
    }
    const entry = [local, Buffer.from(name, 'latin1'), body];
    parts.push(...entry);
    central.push(cd, Buffer.from(name, 'latin1'), extra);
    at += entry.reduce((a, b) => a + b.length, 0);
  }
  const cdBuf = Buffer.concat(central);
  const tail: Buffer[] = [];
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeBigUInt64LE(BigInt(members.length), 24);
    rec.writeBigUInt64LE(BigInt(members.length), 32);
    rec.writeBigUInt64LE(BigInt(cdBuf.length), 40);
    rec.writeBigUInt64LE(BigInt(at), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(at + cdBuf.length), 8);
    loc.writeUInt32LE(1, 16);
    tail.push(rec, loc);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(zip64 ? 0xffff : members.length, 8);
  eocd.writeUInt16LE(zip64 ? 0xffff : members.length, 10);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : cdBuf.length, 12);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : at, 16);
  return Buffer.concat([...parts, cdBuf, ...tail, eocd]);
}

describe('.npz reader on hand-built archives', () => {
  const W = encodeNpy({ dtype: 'f4', shape: [2, 2], data: [1, 2, 3, 4] });
  const b = encodeNpy({ dtype: 'i2', shape: [2], data: [-1, 1] });

  it('stored and deflated, with and without zip64 records', () => {
    for (const deflate of [false, true]) {
      for (const zip64 of [false, true]) {
        const z = parseNpz(
          zip(
            [
              ['W.npy', W],
              ['b.npy', b],
              ['notes.txt', Buffer.from('skipped')],
            ],
            deflate,
            zip64,
          ),
          'm.npz',
        );
        expect(z.names).toEqual(['W', 'b']);
        expect(Array.from(z.read('W').data)).toEqual([1, 2, 3, 4]);
        expect(Array.from(z.read('b').data)).toEqual([-1, 1]);
      }
    }
  });

  it('damaged archives: one line naming the archive (and member)', () => {
    const good = zip([['W.npy', W]], true);
    expectInputError(() => parseNpz(good.subarray(0, good.length - 5), 'm.npz'), 'm.npz: not a valid .npz (zip) archive: no end-of-central-directory record');
    const flipped = Buffer.from(good);
    flipped[40] = flipped[40]! ^ 0xff; // inside the deflated W.npy
    expectInputError(() => parseNpz(flipped, 'm.npz').read('W'), 'm.npz: member W.npy: ');
    const lying = Buffer.from(good);
    const cd = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(0xfffffff0, cd + 24); // declared size far beyond what the deflated bytes can give
    expectInputError(() => parseNpz(lying, 'm.npz').read('W'), 'm.npz: member W.npy: declares 4294967280 bytes, impossible');
    const dup = zip(
      [
        ['W.npy', W],
        ['W.npy', W],
      ],
      false,
    );
    expectInputError(() => parseNpz(dup, 'm.npz'), 'm.npz: holds the member W.npy twice');
    const member = zip([['W.npy', Buffer.from('not numpy')]], false);
    expectInputError(() => parseNpz(member, 'm.npz').read('W'), 'm.npz:W: bad magic');
  });
});

describe('fuzz: mutated .npy and .npz files → an array or one InputError, quickly', () => {
  const DESCRS = ['|b1', '|i1', '|u1', '<i2', '>u2', '<i4', '>i4', '<u4', '<i8', '>u8', '<f2', '>f2', '<f4', '>f4', '<f8', '>f8', '<c8', '|O', '<U2'];
  const SIZE: Record<string, number> = { b1: 1, i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8, f2: 2, f4: 4, f8: 8, c8: 8, O: 8, U2: 8 };
  const validArb = fc
    .record({
      descr: fc.constantFrom(...DESCRS),
      shape: fc.array(fc.nat(4), { maxLength: 3 }),
      fortran: fc.boolean(),
      version: fc.constantFrom(1, 2, 3),
      seed: fc.nat(),
    })
    .map(({ descr, shape, fortran, version, seed }) => {
      const n = shape.reduce((a, d) => a * d, 1) * SIZE[descr.slice(1)]!;
      const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
      const buf = handMade(hdr(descr, shapeText, fortran ? 'True' : 'False'), n, version);
      for (let k = buf.length - n, x = seed; k < buf.length; k++) buf[k] = x = (x * 1103515245 + 12345) & 0xff; // any bytes
      return buf;
    });
  const mutationArb = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('flip' as const),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
      headerOnly: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('shape' as const), shape: fc.array(fc.oneof(fc.nat(9), fc.constantFrom(2 ** 31, 2 ** 53, -1, 1e30)), { maxLength: 70 }) }),
    fc.record({ kind: fc.constant('header' as const), text: fc.string({ maxLength: 80 }) }),
  );
  function mutate(buf: Buffer, m: typeof mutationArb extends fc.Arbitrary<infer T> ? T : never): Buffer {
    const out = Buffer.from(buf);
    switch (m.kind) {
      case 'truncate':
        return out.subarray(0, m.at % (out.length + 1));
      case 'flip': {
        const span = m.headerOnly ? Math.min(out.length, 128) : out.length;
        for (const [at, x] of m.flips) if (span) out[at % span] = out[at % span]! ^ x;
        return out;
      }
      case 'shape':
        return Buffer.from(out.toString('latin1').replace(/'shape': \([^)]*\)/, `'shape': (${m.shape.join(', ')},)`), 'latin1');
      case 'header':
        return Buffer.concat([out.subarray(0, 10), Buffer.from(m.text, 'utf8'), out.subarray(10)]);
    }
  }
  // NPY_FUZZ_RUNS=40000 for a longer hunt. No time limit per case: the work is bounded by the
  // bytes given instead (whatever a mutated header claims, an array read holds no more values
  // than its file has bytes), and a hang trips the test's own timeout.
  const check = (bytes: number, fn: () => unknown) => {
    let read: unknown;
    try {
      read = fn();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      expect(e.message).not.toContain('\n');
      return;
    }
    if (read && typeof read === 'object' && 'data' in read) expect((read as { data: ArrayLike<number> }).data.length).toBeLessThanOrEqual(bytes);
  };

  it('.npy: truncation, byte flips, random shapes, junk headers', () => {
    fc.assert(
      fc.property(validArb, mutationArb, (buf, m) => {
        const bytes = mutate(buf, m);
        check(bytes.length, () => parseNpy(bytes, 'f.npy'));
      }),
      { numRuns: Number(process.env.NPY_FUZZ_RUNS ?? 2000) },
    );
  });

  it('.npz: the same mutations of archives (stored, deflated, zip64)', () => {
    const archiveArb = fc.tuple(fc.array(validArb, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean()).map(([bufs, deflate, z64]) =>
      zip(
        bufs.map((b, k) => [`a${k}.npy`, b]),
        deflate,
        z64,
      ),
    );
    fc.assert(
      // (an archive's members may inflate past its size: no bound on the values read here)
      fc.property(archiveArb, mutationArb, (buf, m) =>
        check(Infinity, () => {
          const z = parseNpz(mutate(buf, m), 'f.npz');
          for (const name of z.names) {
            try {
              z.read(name);
            } catch (e) {
              if (!(e instanceof InputError)) throw e;
            }
          }
        }),
      ),
      { numRuns: Number(process.env.NPY_FUZZ_RUNS ?? 1000) },
    );
  });
});
