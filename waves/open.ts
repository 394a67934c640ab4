/** Opens a dump in GTKWave when a display is available; otherwise says how to. */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { InputError } from '../lib/errors.ts';
import { unmarkedEnv } from '../lib/proc.ts';

export interface OpenResult {
  launched: boolean;
  /** The shell command that opens the dump. */
  command: string;
  gtkwPath?: string;
}

const quote = (s: string): string => (/^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Uses gtkwPath, else a save file beside the dump (run.vcd or run.fst -> run.gtkw) if there is one. */
export function openWaves(vcdPath: string, gtkwPath?: string): OpenResult {
  if (!fs.existsSync(vcdPath)) throw new InputError(`no such dump: ${vcdPath}`);
  if (gtkwPath !== undefined && !fs.existsSync(gtkwPath)) throw new InputError(`no such save file: ${gtkwPath}`);
  const sibling = vcdPath.replace(/\.(vcd|fst)$/i, '') + '.gtkw';
  const save = gtkwPath ?? (fs.existsSync(sibling) ? sibling : undefined);
  const args = save ? ['-a', save, vcdPath] : [vcdPath];
  const command = ['gtkwave', ...args].map(quote).join(' ');
  const hasGtkwave = spawnSync('sh', ['-c', 'command -v gtkwave'], { stdio: 'ignore' }).status === 0;
  if (!process.env.DISPLAY || !hasGtkwave) return { launched: false, command, gtkwPath: save };
  // Detached and unreferenced: the viewer outlives this command.
  const child = spawn('gtkwave', args, { detached: true, stdio: 'ignore', env: unmarkedEnv() });
  child.on('error', () => {}); // PATH raced away; the command is still reported
  child.unref();
  return { launched: true, command, gtkwPath: save };
}
