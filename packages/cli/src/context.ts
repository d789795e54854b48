import type { Style } from './output/style.js';
import { styleFor } from './output/style.js';

/** One output stream as commands see it. */
export interface Output {
  /** Writes text as is (add the newline yourself, or use {@link Output.line}). */
  write(text: string): void;
  /** Writes text and a newline. */
  line(text?: string): void;
  readonly isTTY: boolean;
  /** Colours for this stream (no-ops unless it is a TTY without NO_COLOR). */
  readonly style: Style;
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
}

/** Wraps a stream as an {@link Output}. */
export function outputFor(stream: WritableLike, env: Readonly<Record<string, string | undefined>>): Output {
  const isTTY = stream.isTTY === true;
  return {
    write: (text) => void stream.write(text),
    line: (text = '') => void stream.write(`${text}\n`),
    isTTY,
    style: styleFor(isTTY, env),
  };
}

/** The context of the real process. */
export function processContext(): CommandContext {
  const env = process.env;
  return {
    stdout: outputFor(process.stdout, env),
    stderr: outputFor(process.stderr, env),
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
