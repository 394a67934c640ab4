// With the simulators (issue: robustness, second pass): `waves shot` of an RTL dump lays out the
// RTL's names — GTKWave itself reads back every signal of every group of the shot's layout from
// the dump (before, the comparator tree's group was empty: the model's names); and a full disk
// under --out names the file cosim could not write, exit 2.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasCommand, hasVerilator, headsim } from './helpers.ts';
import { canScreenshot, gtkwaveValues } from '../waves/screenshot.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'headsim-robust-waves-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An --out whose Verilator builds are this checkout's shared cache (out/verilator, cached by content). */
function outDir(name: string): string {
  const out = join(tmp, name);
  mkdirSync(out, { recursive: true });
  mkdirSync(join(ROOT, 'out', 'verilator'), { recursive: true });
  symlinkSync(join(ROOT, 'out', 'verilator'), join(out, 'verilator'));
  return out;
}

/** The traces of a .gtkw, by group: GTKWave's names (`TOP.head.state[2:0]`). */
function layoutGroups(gtkw: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  let group: string | null = null;
  for (const line of readFileSync(gtkw, 'utf8').split('\n')) {
    if (line.startsWith('-')) group = group === null ? line.slice(1) : null; // a group opens and closes with its name
    else if (group !== null && /^TOP\./.test(line)) groups.set(group, [...(groups.get(group) ?? []), line]);
    if (group !== null && !groups.has(group)) groups.set(group, []);
  }
  return groups;
}

describe.skipIf(!hasVerilator)('waves and a full disk, with the simulators', () => {
  it.skipIf(!canScreenshot())('waves shot of an RTL dump: every group of its layout reads back from the dump (RTL names, g_select)', async () => {
    const out = outDir('shot');
    // the seed softmax head, as the shot's overview layout is (its build is shared with waves-cosim)
    const r = headsim(['cosim', '--mode', 'softmax', '--vectors', '3', '--waves', 'vcd', '--waves-to', '300', '--out', out, '--json', join(out, 'r.json')], 1_500_000);
    expect(r.code, r.stderr).toBe(0);
    const rtl = (JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')).runs[0].waves as string[]).find((w) => w.endsWith('rtl.vcd'))!;
    const png = join(out, 'shot.png');
    const shot = headsim(['waves', 'shot', rtl, png, '--to', '240']);
    expect(shot.code, shot.stderr + shot.stdout).toBe(0);
    const gtkw = rtl.replace(/\.vcd$/, '.overview.gtkw');
    const groups = layoutGroups(gtkw);
    expect(groups.get('comparator tree')!.every((t) => t.startsWith('TOP.head.g_select.comparator_tree.'))).toBe(true);
    // GTKWave shows what it finds in the dump: every trace of every group, none dropped
    const shown = await gtkwaveValues(rtl, gtkw, 1000);
    for (const [name, traces] of groups) {
      expect(traces.length, `group ${name}`).toBeGreaterThan(0);
      for (const t of traces) expect(shown.has(t), `${name}: ${t} is not in ${rtl}`).toBe(true);
    }
  }, 1_800_000);

  const canMount = process.getuid?.() === 0 && hasCommand('mount', '--version');
  it.skipIf(!canMount)('cosim on a full disk: exit 2 naming the file it could not write', () => {
    const out = outDir('full');
    const mnt = join(out, 'cosim');
    mkdirSync(mnt);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt]).status).toBe(0);
    try {
      writeFileSync(join(mnt, 'filler'), Buffer.alloc(12 * 1024));
      const r = headsim(['cosim', '--classes', '4', '--inputs', '16', '--kPar', '8', '--mode', 'argmax', '--vectors', '2000', '--out', out], 600_000);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/\/cosim\/seed1-\w+\/argmax\/mem\/\w+\.hex: cannot write \(ENOSPC\)/);
      expect(existsSync(join(mnt, 'filler'))).toBe(true);
    } finally {
      spawnSync('umount', [mnt]);
    }
  }, 900_000);
});
