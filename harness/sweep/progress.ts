// Progress on stderr: on a terminal one line redrawn in place (bar, points done, failed, cached,
// elapsed, ETA, what is running); otherwise one line per finished point.
export interface ProgressState {
  done: number;
  failed: number;
  cached: number;
  total: number;
  /** estimated cost done / total of the points this session runs (for the ETA) */
  costDone: number;
  costTotal: number;
  /** points evaluated in parallel */
  jobs: number;
  running: string[];
}

export const duration = (s: number) => {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  return t >= 3600
    ? `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`
    : t >= 60
      ? `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`
      : `${t}s`;
};

export class Progress {
  private readonly t0 = performance.now();
  private readonly tty: boolean;
  private drawn = false;
  private timer: NodeJS.Timeout | null = null;
  private last: ProgressState | null = null;
  private readonly onExit = () => this.finish();

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly label = 'sweep',
  ) {
    this.tty = Boolean(stream.isTTY);
    if (this.tty) {
      this.timer = setInterval(() => this.last && this.draw(this.last), 1000);
      this.timer.unref();
    }
    process.on('exit', this.onExit);
  }

  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  eta(p: ProgressState): number {
    const e = this.elapsed();
    // Before the first point finishes: the cost model alone (estimated seconds per point, in parallel).
    if (p.costDone <= 0) return p.costTotal > 0 ? Math.max(0, p.costTotal / Math.max(1, p.jobs) - e) : NaN;
    return (e / p.costDone) * Math.max(0, p.costTotal - p.costDone);
  }

  private line(p: ProgressState): string {
    const width = 24;
    const fill = p.total ? Math.round((p.done / p.total) * width) : width;
    const eta = p.done >= p.total ? '' : ` ETA ${p.costDone <= 0 ? '~' : ''}${duration(this.eta(p))}`;
    return (
      `${this.label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${p.done}/${p.total} points` +
      (p.cached ? `, ${p.cached} cached` : '') +
      (p.failed ? `, ${p.failed} failed` : '') +
      `, ${duration(this.elapsed())} elapsed${eta}`
    );
  }

  private draw(p: ProgressState): void {
    const cols = this.stream.columns || 120;
    let text = this.line(p);
    if (p.running.length) text += ` | ${p.running.join('; ')}`;
    if (text.length > cols - 1) text = text.slice(0, cols - 2) + '…';
    this.stream.write(`\r\x1b[2K${text}`);
    this.drawn = true;
  }

  update(p: ProgressState, finished?: string): void {
    this.last = p;
    if (this.tty) {
      if (finished) {
        this.stream.write(`\r\x1b[2K${finished}\n`);
        this.drawn = false;
      }
      this.draw(p);
    } else if (finished) this.stream.write(`${finished}  (${this.line(p)})\n`);
  }

  /** A finished piece of work: only logged when there is no live bar (batch logs). */
  note(text: string): void {
    if (!this.tty) this.stream.write(`${text}\n`);
  }

  /** Print a message above the bar. */
  log(text: string): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(text + '\n');
    if (this.tty && this.last) this.draw(this.last);
  }

  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    process.off('exit', this.onExit);
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
