// The stimulus of a counterexample: an AIGER witness (ABC's `write_cex -a`: the initial latch
// values, then one line of input values per cycle; the AIGER 1.9 form adds a status line and the
// property before, and '.' after) read through the model's map (.aim: `input <index> <bit>
// <name>`) into the head's port inputs per cycle. Inputs without a name (the datapath cut's
// free values) are not stimulus.
import { readFileSync } from 'node:fs';

export interface Stimulus {
  cycles: number;
  rst: Uint8Array;
  sValid: Uint8Array;
  sLast: Uint8Array;
  mReady: Uint8Array;
  /** s_data per cycle as a bigint (lane l at bits [l·inW, (l+1)·inW)) */
  sData: bigint[];
}

export function readStimulus(witnessFile: string, aimFile: string): Stimulus {
  const names = new Map<number, { bit: number; name: string }>();
  for (const m of readFileSync(aimFile, 'utf8').matchAll(/^input (\d+) (\d+) (\S+)$/gm)) names.set(Number(m[1]), { bit: Number(m[2]), name: m[3]! });
  let lines = readFileSync(witnessFile, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '');
  if (lines[0] === '1' && /^b\d+$/.test(lines[1] ?? '')) lines = lines.slice(2);
  else if (lines[0] === '0' || lines[0] === '2') throw new Error(`${witnessFile}: not a counterexample (status ${lines[0]})`);
  const end = lines.indexOf('.');
  // lines[0]: the initial latch values; then one line per cycle
  const frames = lines.slice(1, end < 0 ? undefined : end);
  if (!frames.length || frames.some((f) => !/^[01x]+$/.test(f))) throw new Error(`${witnessFile}: not an AIGER witness`);
  const n = frames.length;
  const st: Stimulus = {
    cycles: n,
    rst: new Uint8Array(n),
    sValid: new Uint8Array(n),
    sLast: new Uint8Array(n),
    mReady: new Uint8Array(n),
    sData: new Array<bigint>(n).fill(0n),
  };
  frames.forEach((f, t) => {
    for (const [i, { bit, name }] of names) {
      const v = f[i] === '1' ? 1 : 0;
      if (name === 'rst') st.rst[t] = v;
      else if (name === 's_valid') st.sValid[t] = v;
      else if (name === 's_last') st.sLast[t] = v;
      else if (name === 'm_ready') st.mReady[t] = v;
      else if (name === 's_data' && v) st.sData[t]! |= 1n << BigInt(bit);
    }
  });
  return st;
}
