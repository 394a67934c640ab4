/**
 * Screenshots of GTKWave on a virtual X server (xvfb-run), for tests and reports: proof
 * that a dump and its save file open and show waves, without a display.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Runs inside xvfb-run: $1 dump, $2 save file, $3 png, $4 seconds to wait for the window.
// GTKWave may print warnings; its log is shown only if no screenshot results.
const SCRIPT = `
gtkwave -a "$2" "$1" >"$3.gtkwave.log" 2>&1 &
pid=$!
n=0
until xwininfo -root -tree 2>/dev/null | grep -q 'GTKWave - '; do
  n=$((n+1))
  if [ $n -gt $(($4*10)) ] || ! kill -0 $pid 2>/dev/null; then
    echo "gtkwave window did not appear" >&2; kill $pid 2>/dev/null; cat "$3.gtkwave.log" >&2; exit 3
  fi
  sleep 0.1
done
sleep 1.5  # the window exists before its first paint
timeout 20 import -window root "$3"; rc=$?
kill $pid 2>/dev/null; wait $pid 2>/dev/null
exit $rc
`;

let xvfbCalls = 0;
/**
 * xvfb-run's display: `-a` takes the first free number from `-n` on. Every search starting at
 * xvfb-run's default (99) lets concurrent runs (two test files at once) race for the same number
 * and one GTKWave land on the other's server, which goes away under it; so each call starts
 * its search apart, by process and by call.
 */
const xvfbServer = () => ['-a', '-n', String(100 + (process.pid % 997) * 16 + (xvfbCalls++ % 16))];

export interface ScreenshotOptions {
  timeoutMs?: number;
  /** Virtual screen size; match the save file's [size]. */
  size?: [width: number, height: number];
}

// Runs inside xvfb-run: $1 dump, $2 save file, $3 Tcl script. GTKWave loads both, runs the
// script (which prints and exits) and is killed if it does not.
const VALUES_SCRIPT = `timeout 60 gtkwave -S "$3" -a "$2" "$1" 2>&1`;

/**
 * The value strings GTKWave displays for every trace of a save file at time `at` (its own
 * rendering: radix, fixed-point shift, translate filters applied), by trace name as GTKWave
 * names them (`TOP.head.state[2:0]`). Through a Tcl script (`gtkwave -S`) under Xvfb.
 */
export async function gtkwaveValues(dumpPath: string, gtkwPath: string, at: number, opts: { timeoutMs?: number } = {}): Promise<Map<string, string>> {
  const tcl = path.resolve(`${gtkwPath}.values.tcl`);
  fs.writeFileSync(
    tcl,
    `gtkwave::setMarker ${at}\nforeach n [gtkwave::getDisplayedSignals] { puts "HSVAL\t$n\t[gtkwave::getTraceValueAtMarkerFromName $n]" }\nexit\n`,
  );
  const timeoutMs = opts.timeoutMs ?? 90_000;
  try {
    for (let attempt = 0; ; attempt++) {
      const r = spawnSync('xvfb-run', [...xvfbServer(), 'sh', '-c', VALUES_SCRIPT, 'sh', path.resolve(dumpPath), path.resolve(gtkwPath), tcl], {
        encoding: 'utf8',
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
      });
      const values = new Map<string, string>();
      for (const line of (r.stdout ?? '').split('\n')) {
        const m = /^HSVAL\t(\S+)\t(.*)$/.exec(line);
        if (m) values.set(m[1]!, m[2]!);
      }
      if (values.size || attempt > 0) {
        if (!values.size) throw new Error(`GTKWave printed no values (exit ${r.status}):\n${(r.stdout ?? '').slice(-1500)}${(r.stderr ?? '').slice(-500)}`);
        return values;
      }
      // one retry: a display number can still be lost to a concurrent run
    }
  } finally {
    fs.rmSync(tcl, { force: true });
  }
}

/** True when the tools for screenshotGtkwave are on PATH. */
export function canScreenshot(): boolean {
  return ['gtkwave', 'xvfb-run', 'import', 'xwininfo'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status === 0);
}

/**
 * Screenshot of GTKWave showing vcdPath with the save file gtkwPath, as a PNG at pngPath.
 * One retry: a display number can still be lost to a concurrent run (xvfbServer).
 */
export async function screenshotGtkwave(vcdPath: string, gtkwPath: string, pngPath: string, opts: ScreenshotOptions = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const [w, h] = opts.size ?? [1600, 900];
  const png = path.resolve(pngPath);
  const args = (server: string[]) => [
    ...server,
    '-e',
    `${png}.xvfb.log`,
    '-s',
    `-screen 0 ${w}x${h}x24`,
    'sh',
    '-c',
    SCRIPT,
    'sh',
    path.resolve(vcdPath),
    path.resolve(gtkwPath),
    png,
    String(Math.ceil(timeoutMs / 2000)),
  ];
  let failure = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    fs.rmSync(png, { force: true });
    const { code, stderr } = await runGroup('xvfb-run', args(xvfbServer()), timeoutMs);
    const xvfbLog = readTail(`${png}.xvfb.log`);
    // 5: xvfb-run could not remove its temporary directory after the command ran.
    if ((code === 0 || code === 5) && fs.existsSync(png) && fs.statSync(png).size > 0) {
      for (const f of [`${png}.xvfb.log`, `${png}.gtkwave.log`]) fs.rmSync(f, { force: true });
      return pngPath;
    }
    // the head of the output too: GTKWave ends a failure with its usage text
    const lines = [stderr, xvfbLog].join('\n').trim().split('\n');
    const shown = lines.length > 24 ? [...lines.slice(0, 10), '…', ...lines.slice(-12)] : lines;
    failure = `GTKWave screenshot failed (xvfb-run exit ${code}):\n${shown.join('\n')}`;
    if (code === 'timeout') break;
  }
  throw new Error(failure);
}

/**
 * Runs a command in its own process group with a timeout; afterwards the whole group is
 * killed, so nothing it started (Xvfb, gtkwave) outlives it even if it exits uncleanly.
 */
async function runGroup(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | string; stderr: string }> {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* group already gone */
    }
  };
  const code = await new Promise<number | string>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup();
      resolve('timeout');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c ?? 'signal');
    });
  });
  killGroup();
  return { code, stderr };
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

/** Colour statistics via ImageMagick's identify (/usr/bin: /usr/local/bin/convert is not it). */
function identify(pngPath: string, format: string): string {
  const r = spawnSync('/usr/bin/identify', ['-format', format, pngPath], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`identify ${pngPath} failed: ${(r.stderr ?? '').trim().slice(-500)}`);
  return r.stdout.trim();
}

/** A screenshot is blank if it is (nearly) one flat colour. */
export function isBlank(pngPath: string): boolean {
  const colours = Number(identify(pngPath, '%k'));
  const sd = Number(identify(pngPath, '%[fx:standard_deviation]'));
  return colours < 4 || sd < 0.01;
}

/**
 * Share of pixels in GTKWave's default trace colour (green): zero when the save file's
 * signals were not found in the dump, so the window shows no waves at all.
 */
export function traceFraction(pngPath: string): number {
  const r = spawnSync(
    '/usr/bin/convert',
    [pngPath, '-alpha', 'off', '-fuzz', '20%', '-fill', 'black', '+opaque', 'lime', '-fill', 'white', '-opaque', 'lime', '-format', '%[fx:mean]', 'info:'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (r.status !== 0) throw new Error(`convert ${pngPath} failed: ${(r.stderr ?? '').trim().slice(-500)}`);
  return Number(r.stdout.trim());
}
