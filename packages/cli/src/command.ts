import type { CommandContext } from './context.js';
import type { FlagGroup, ParsedFlags } from './flags.js';

/** One runnable command, e.g. `kv get`: what `--help` shows and what runs. */
export interface CommandSpec {
  /** The words after `kv2`, e.g. `kv get`. */
  readonly name: string;
  /** The usage line after `kv2 <name>`, e.g. `[flags] PATH`. */
  readonly usage: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraphs shown in `--help`. */
  readonly description: string;
  /** Example command lines (each shown as `$ …`), optionally with a `# comment` line before. */
  readonly examples: readonly string[];
  readonly flags: readonly FlagGroup[];
  /**
   * False for commands that take no positional arguments: a literal `--` is then ignored, so
   * `pnpm start -- -address=…` (pnpm passes the `--` on) works.
   */
  readonly positionals?: false;
  /** Runs the command; resolves to the exit code. Throws UsageError/CliError/KvError on failure. */
  run(ctx: CommandContext, flags: ParsedFlags): Promise<number>;
}

/** A command group such as `kv` or `kv metadata`: a list of subcommands. */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  /** The subcommand names with their summaries, in display order. */
  readonly entries: readonly { readonly name: string; readonly summary: string }[];
}
