import type { Output } from '../context.js';

/**
 * Progress on stderr for long operations: a line rewritten in place on a terminal, or (when
 * forced on a pipe with `-progress`) at most one line per second. Silent when disabled.
 */
export class Progress {
  readonly #out: Output;
  readonly #enabled: boolean;
  #lastLine = 0;
  #open = false;

  constructor(out: Output, enabled: boolean) {
    this.#out = out;
    this.#enabled = enabled;
  }

  /** Shows the current state; on a pipe, only if a second has passed since the last line. */
  update(text: string): void {
    if (!this.#enabled) return;
    if (this.#out.isTTY) {
      this.#out.write(`\r\x1b[K${text}`);
      this.#open = true;
      return;
    }
    const now = Date.now();
    if (now - this.#lastLine < 1000) return;
    this.#lastLine = now;
    this.#out.line(text);
  }

  /** Ends the progress display with a final line (always shown when enabled). */
  done(text: string): void {
    if (!this.#enabled) return;
    if (this.#out.isTTY && this.#open) this.#out.write('\r\x1b[K');
    this.#open = false;
    this.#out.line(text);
  }
}
