/**
 * A one-line progress bar on stderr for long data commands: bytes done, rate and, when the size
 * is known, percentage and time left. Shown only when stderr is a terminal and the command is
 * not in `--json` mode (scripts and logs never see control characters). Redrawn at most five
 * times a second, from the data path itself (no timer keeps the process alive).
 */

export interface Progress {
  /** Counts `n` more bytes done. */
  add(n: number): void;
  /** Draws the final state and ends the line (success). */
  done(): void;
  /** Erases the bar (before an error message). */
  clear(): void;
}

export interface ProgressOptions {
  readonly stream: NodeJS.WritableStream;
  /** What is being done (`encrypting report.pdf`). */
  readonly label: string;
  /** Total bytes, when known. */
  readonly total?: number | undefined;
  /** Clock in milliseconds (tests). */
  readonly now?: () => number;
  /** Least time between redraws, ms (default 200). */
  readonly interval?: number;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`. */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${UNITS[u] ?? ''}`;
}

/** Seconds → `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The text of the bar for `done` of `total` bytes after `elapsed` ms, fit to `width` columns. */
export function renderProgress(
  label: string,
  done: number,
  total: number | undefined,
  elapsedMs: number,
  width: number,
): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const speed = `${formatBytes(Math.round(rate))}/s`;
  if (total === undefined || total <= 0) {
    return fit(`${label}  ${formatBytes(done)}  ${speed}`, width);
  }
  const ratio = Math.min(1, done / total);
  const pct = `${String(Math.floor(ratio * 100)).padStart(3)}%`;
  const eta = rate > 0 && done < total ? `  ETA ${formatDuration((total - done) / rate)}` : '';
  const tail = `${pct} ${formatBytes(done)} / ${formatBytes(total)}  ${speed}${eta}`;
  // A fixed width (room for the longest tail), so that the bar does not jump as numbers change.
  const barWidth = Math.min(30, width - label.length - 60);
  if (barWidth < 5) return fit(`${label}  ${tail}`, width);
  const filled = Math.round(ratio * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  return fit(`${label}  ${bar} ${tail}`, width);
}

function fit(text: string, width: number): string {
  return text.length < width ? text : text.slice(0, Math.max(0, width - 1));
}

const NONE: Progress = Object.freeze({ add() {}, done() {}, clear() {} });

/** True when a bar may be drawn on `stream`. */
export function progressWanted(stream: NodeJS.WritableStream, json: boolean): boolean {
  return !json && (stream as { isTTY?: boolean }).isTTY === true;
}

/** A progress bar, or a no-op when `enabled` is false. */
export function createProgress(enabled: boolean, options: ProgressOptions): Progress {
  if (!enabled) return NONE;
  const now = options.now ?? (() => performance.now());
  const interval = options.interval ?? 200;
  const start = now();
  let last = -Infinity;
  let done = 0;
  let shown = false;
  const width = (): number => {
    const columns = (options.stream as { columns?: number }).columns;
    return columns !== undefined && columns >= 20 ? columns : 80;
  };
  const draw = (t: number): void => {
    options.stream.write(
      `\r${renderProgress(options.label, done, options.total, t - start, width())}\x1b[K`,
    );
    shown = true;
    last = t;
  };
  return {
    add(n) {
      done += n;
      const t = now();
      if (t - last >= interval) draw(t);
    },
    done() {
      draw(now());
      options.stream.write('\n');
      shown = false;
    },
    clear() {
      if (shown) options.stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
