import type { ProgressEvent } from './progress-events.ts';

/** Where the bar is drawn: `process.stderr` or anything with `write` (tests pass a recorder). */
export interface ProgressStream {
  write(chunk: string): unknown;
  /** True when the stream is a terminal: the bar redraws in place with `\r`. */
  readonly isTTY?: boolean;
  /** Terminal width; default 80. */
  readonly columns?: number;
}

/** Options of the terminal progress bar. */
export interface ProgressBarOptions {
  /** Output stream. Default `process.stderr`. */
  readonly stream?: ProgressStream;
  /** Minimum ms between two redraws on a TTY. Default 100. */
  readonly redrawMs?: number;
  /** Without a TTY, one plain line is printed at most this often (plus start and end). Default 5000. */
  readonly logEveryMs?: number;
  /** Clock in ms (injectable for tests). Default `performance.now`. */
  readonly now?: () => number;
}

/**
 * Renders UDF progress events for the CLI: on a TTY a single redrawn line with a bar, percentage,
 * done/total, rate (rows/s over the whole run) and ETA; elsewhere (CI logs, pipes) plain lines at
 * most every `logEveryMs`. Feed it every event: `executeUdf(..., { onProgress: bar.handle })`.
 */
export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly redrawMs: number;
  private readonly logEveryMs: number;
  private readonly now: () => number;
  private step = '';
  private total: number | undefined;
  private done = 0;
  /** Rows of the current step committed before this run (a resumed checkpoint). */
  private committed = 0;
  private errors = 0;
  private rate = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drewLine = false;

  constructor(options: ProgressBarOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.redrawMs = options.redrawMs ?? 100;
    this.logEveryMs = options.logEveryMs ?? 5000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Handles one event (bound: pass it directly as `onProgress`). */
  readonly handle = (event: ProgressEvent): void => {
    switch (event.type) {
      case 'started':
        this.step = event.step;
        // A resumed step: rows committed by earlier runs count as done (the bar does not start at 0).
        this.committed = event.committed ?? 0;
        this.total = event.total === undefined ? undefined : event.total + this.committed;
        this.done = this.committed;
        this.draw(true);
        return;
      case 'batchCommitted':
        this.done = this.committed + event.done;
        this.total = event.total === undefined ? this.total : event.total + this.committed;
        this.rate = event.rate;
        this.errors += event.errors;
        this.draw(false);
        return;
      case 'rowFailed':
      case 'rowRetrying':
        return;
      case 'finished':
        this.done = this.committed + event.done;
        this.rate = event.rate;
        this.errors = event.errors;
        this.draw(true);
        if (this.stream.isTTY && this.drewLine) this.stream.write('\n');
        this.stream.write(
          `${this.step}: ${event.status}, ${fmtInt(event.done)} rows in ${formatDuration(event.elapsedMs)}` +
            `${this.committed > 0 ? ` (+ ${fmtInt(this.committed)} committed by an earlier run)` : ''}\n`,
        );
        return;
    }
  };

  /** The status line for the current state (no control characters). */
  line(): string {
    const parts = [this.step];
    const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - 60));
    if (this.total !== undefined && this.total > 0) {
      const fraction = Math.min(1, this.done / this.total);
      const filled = Math.round(fraction * width);
      parts.push(
        `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`,
        `${(fraction * 100).toFixed(0).padStart(3)}%`,
      );
      parts.push(`${fmtInt(this.done)}/${fmtInt(this.total)}`);
    } else {
      parts.push(`${fmtInt(this.done)} rows`);
    }
    parts.push(`${fmtInt(Math.round(this.rate))} rows/s`);
    if (this.total !== undefined && this.rate > 0 && this.done < this.total) {
      parts.push(`ETA ${formatDuration(((this.total - this.done) / this.rate) * 1000)}`);
    }
    if (this.errors > 0) parts.push(`${fmtInt(this.errors)} errors`);
    return parts.join(' ');
  }

  private draw(force: boolean): void {
    const at = this.now();
    const interval = this.stream.isTTY ? this.redrawMs : this.logEveryMs;
    if (!force && at - this.lastDraw < interval) return;
    this.lastDraw = at;
    if (this.stream.isTTY) {
      const text = this.line().slice(0, (this.stream.columns ?? 80) - 1);
      this.stream.write(`\r${text}\x1b[K`);
      this.drewLine = true;
    } else {
      this.stream.write(`${this.line()}\n`);
    }
  }
}

/** `1h02m`, `3m05s`, `12s`, `0.4s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
