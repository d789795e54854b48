/** Exit codes of the kv2 command. */
export const EXIT = Object.freeze({
  /** Everything worked. */
  ok: 0,
  /** The command ran and failed: a store error, nothing found, a failed check. */
  failure: 1,
  /** The command line itself is wrong: unknown flag, missing argument, bad value. */
  usage: 2,
  /** `kv2` without a command: usage on stderr, bao's (hashicorp/cli's) 127. */
  noCommand: 127,
});

/** The command line is wrong; printed with a pointer to `--help` and exit code 2. */
export class UsageError extends Error {
  /** The command whose help to point at, e.g. `kv get`; empty for the top level. */
  readonly command: string;

  constructor(message: string, command: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** A failure with a message meant for the user as is (exit code 1 unless given). */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/**
 * A store call failed: printed in bao's shape, so scripts that look for `Code: 400` or the
 * server's message find them:
 *
 * ```text
 * Error writing data to secret/data/app: Error making API request.
 *
 * URL: PUT http://127.0.0.1:8200/v1/secret/data/app
 * Code: 400. Errors:
 *
 * * check-and-set parameter did not match the current version
 * ```
 *
 * A local store has no URL; its line names the store instead (`Store: file store …`).
 */
export class StoreCallError extends CliError {
  /** What was being done, as bao says it: `writing data to secret/data/app`. */
  readonly action: string;
  /** The HTTP method bao would have used (`PUT`, `PATCH`, `GET`, `LIST`, `DELETE`). */
  readonly method: string;
  /** The API path (`secret/data/app`). */
  readonly path: string;
  /** The HTTP status OpenBao answers (or answered) for this failure. */
  readonly status: number;
  /** The server's (or the store's) messages. */
  readonly errors: readonly string[];
  /** False for failures without an answer (network, timeout): then only `Error <action>: <message>`. */
  readonly answered: boolean;
  /** Where the call went: `URL: PUT http://…/v1/<path>` or `Store: file store …`; set by the kv commands. */
  where: string | undefined;

  constructor(init: { action: string; method: string; path: string; status: number; errors: readonly string[]; answered: boolean }) {
    super(`Error ${init.action}: ${init.errors.join('; ')}`);
    this.name = 'StoreCallError';
    this.action = init.action;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.errors = init.errors;
    this.answered = init.answered;
    this.where = undefined;
  }

  /** The lines to print. */
  text(): string {
    if (!this.answered) return this.message;
    const lines = [`Error ${this.action}: Error making API request.`, ''];
    if (this.where !== undefined) lines.push(this.where);
    lines.push(`Code: ${this.status}. Errors:`, '', ...this.errors.map((error) => `* ${error}`));
    return lines.join('\n');
  }
}

/** A failure bao reports in a line of its own (`Cannot roll back to …`): printed without `Error:`. */
export class PlainError extends CliError {
  /** A second line, e.g. which local store was read. */
  note: string | undefined;

  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message, exitCode);
    this.name = 'PlainError';
    this.note = undefined;
  }
}

/**
 * Nothing at a path (`No value found at secret/data/app`, bao's words, without `Error:`). For a
 * local store the kv commands add which store was read, so a forgotten `BAO_ADDR` is visible.
 */
export class NotFoundError extends PlainError {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}
