/** Exit codes of the kv2 command. */
export const EXIT = Object.freeze({
  /** Everything worked. */
  ok: 0,
  /** The command ran and failed: a store error, nothing found, a failed check. */
  failure: 1,
  /** The command line itself is wrong: unknown flag, missing argument, bad value. */
  usage: 2,
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
