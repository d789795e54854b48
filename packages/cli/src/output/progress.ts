import type { Output } from '../context.js';

/** Options for {@link Progress}. */
export interface ProgressOptions {
  /** Show anything at all (a terminal, or `-progress`). */
  enabled: boolean;
  /** What is being done, e.g. `Importing`. */
  label: string;
  /** What is counted, plural, e.g. `keys`. */
  unit: string;
  /** Milliseconds between two terminal redraws (default 250: at most four a second). */
  intervalMs?: number;
  /** Milliseconds between two plain lines on a pipe with `-progress` (default 2000). */
  pipeIntervalMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * Progress of a long command on stderr. On a terminal: one line redrawn in place at most a few
 * times a second, with done/total, percent, rate and time left
 * (`Importing 1200/20000 keys  6%  410 keys/s  46s left`). On a pipe (only with `-progress`):
 * a plain line now and then, never escape codes. {@link Progress.done} clears the line; the
 * command then prints its plain summary, which is all a pipe gets without `-progress`.
 */
export class Progress {
  readonly #out: Output;
  readonly #options: Required<Omit<ProgressOptions, 'now'>> & { now: () => number };
  readonly #started: number;
  #last = -Infinity;
  #open = false;

  constructor(out: Output, options: ProgressOptions) {
    this.#out = out;
    this.#options = { intervalMs: 250, pipeIntervalMs: 2000, now: () => performance.now(), ...options };
    this.#started = this.#options.now();
  }

  /** Shows a phase without counts (`reading snapshot.json…`); drawn at once. */
  note(text: string): void {
    if (!this.#options.enabled) return;
    this.#draw(text);
    this.#last = this.#options.now();
  }

  /** Reports `done` of `total` (total unknown: undefined); drawn only if the interval has passed. */
  update(done: number, total?: number): void {
    if (!this.#options.enabled) return;
    const now = this.#options.now();
    const interval = this.#out.isTTY ? this.#options.intervalMs : this.#options.pipeIntervalMs;
    if (now - this.#last < interval && !(total !== undefined && done >= total && this.#out.isTTY)) return;
    this.#last = now;
    this.#draw(this.line(done, total, now));
  }

  /** The progress line for `done` of `total` at time `now`. */
  line(done: number, total: number | undefined, now = this.#options.now()): string {
    const { label, unit } = this.#options;
    const seconds = (now - this.#started) / 1000;
    const parts = [total === undefined ? `${label} ${done} ${unit}` : `${label} ${done}/${total} ${unit}`];
    if (total !== undefined && total > 0) parts.push(`${Math.floor((done / total) * 100)}%`);
    // A rate over less than half a second says little; leave it (and the time left) out until then.
    if (seconds >= 0.5 && done > 0) {
      const rate = done / seconds;
      parts.push(`${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} ${unit}/s`);
      if (total !== undefined && total > done) parts.push(`${duration((total - done) / rate)} left`);
    }
    return parts.join('  ');
  }

  /** Ends the display: clears the terminal line (the command prints its summary after). */
  done(): void {
    if (this.#open) this.#out.write('\r\x1b[K');
    this.#open = false;
  }

  #draw(text: string): void {
    if (this.#out.isTTY) {
      this.#out.write(`\r\x1b[K${text}`);
      this.#open = true;
    } else {
      this.#out.line(text);
    }
  }
}

/** `42s`, `3m05s`, `1h02m`. */
function duration(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
