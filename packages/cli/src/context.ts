import type { Style } from './output/style.js';
import { styleFor } from './output/style.js';

/** One output stream as commands see it. */
export interface Output {
  /** Writes text as is (add the newline yourself, or use {@link Output.line}). */
  write(text: string): void;
  /** Writes text and a newline. */
  line(text?: string): void;
  readonly isTTY: boolean;
  /** Colours for this stream (see `colourEnabled`: FORCE_COLOR, NO_COLOR, TERM=dumb, a TTY). */
  readonly style: Style;
  /**
   * True once the reader went away (EPIPE: `kv2 … | head -1`). Later writes are dropped, so a
   * command finishes its work quietly instead of crashing with a stack trace.
   */
  readonly closed: boolean;
}

/** The process as commands see it, so tests and embedders can run commands in-process. */
export interface CommandContext {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Reads all of standard input (for `-` arguments). */
  readStdin(): Promise<string>;
  readonly stdinIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths (such as `.kv2/data.json`) are resolved against. */
  readonly cwd: string;
  /**
   * Registers work to run on SIGINT/SIGTERM (cleanup of `kv2 check`, graceful server stop).
   * Returns a function that removes it.
   */
  onSignal(handler: (signal: NodeJS.Signals) => void): () => void;
}

/** A writable stream with an optional TTY flag, as `process.stdout` is. */
export interface WritableLike {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
  /** Streams that can fail (pipes) report it here; EPIPE marks the output closed. */
  on?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

/** The exit code after stdout's reader went away: what a shell reports for bao, killed by SIGPIPE. */
export const BROKEN_PIPE_EXIT = 141;

/** Options for {@link outputFor}. */
export interface OutputOptions {
  /**
   * Collects the writes made in one turn of the event loop into one `write` (see
   * {@link WriteQueue}). Off by default, so in-process callers see every write at once.
   */
  queue?: WriteQueue;
  /** Called once when the stream reports EPIPE (or another write error). */
  onClosed?: () => void;
}

/**
 * Joins the writes made to several streams in one turn of the event loop into one write per
 * stream run, keeping their order. A table then reaches the reader in one piece, as bao writes
 * it: `kv2 kv get … | head -1` reads it and exits without kv2 writing into a closed pipe
 * afterwards (which is what made the EPIPE crash depend on timing).
 */
class WriteQueue {
  #items: { stream: WritableLike; text: string; closed: () => boolean }[] = [];
  #scheduled = false;

  /** Queues `text` for `stream`; `closed` is checked when the queue is written. */
  push(stream: WritableLike, text: string, closed: () => boolean): void {
    const last = this.#items.at(-1);
    if (last !== undefined && last.stream === stream) last.text += text;
    else this.#items.push({ stream, text, closed });
    if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  /** Writes everything queued now. */
  flush(): void {
    this.#scheduled = false;
    const items = this.#items;
    this.#items = [];
    for (const item of items) if (!item.closed()) item.stream.write(item.text);
  }
}

/** Wraps a stream as an {@link Output}. */
export function outputFor(stream: WritableLike, env: Readonly<Record<string, string | undefined>>, options: OutputOptions = {}): Output {
  const isTTY = stream.isTTY === true;
  let closed = false;
  // Without a listener an EPIPE is an uncaught 'error' event: a stack trace and exit code 1.
  stream.on?.('error', () => {
    if (closed) return;
    closed = true;
    options.onClosed?.();
  });
  const isClosed = (): boolean => closed;
  const write = (text: string): void => {
    if (closed || text === '') return;
    if (options.queue === undefined) stream.write(text);
    else options.queue.push(stream, text, isClosed);
  };
  return {
    write,
    line: (text = '') => write(`${text}\n`),
    isTTY,
    style: styleFor(isTTY, env),
    get closed() {
      return closed;
    },
  };
}

/** The context of the real process. */
export function processContext(): CommandContext {
  const env = process.env;
  const queue = new WriteQueue();
  return {
    // A closed stdout ends the run with 141, as a shell reports bao killed by SIGPIPE; kv2
    // finishes the work in hand (a write is never cut off half-way) and prints nothing more.
    stdout: outputFor(process.stdout, env, { queue, onClosed: () => (process.exitCode = BROKEN_PIPE_EXIT) }),
    stderr: outputFor(process.stderr, env, { queue }),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks).toString('utf8');
    },
    stdinIsTTY: process.stdin.isTTY === true,
    env,
    cwd: process.cwd(),
    onSignal: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
