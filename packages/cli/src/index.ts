/**
 * @kv2/cli: the `kv2` command as a library, for embedding or running commands in-process.
 * The executable is `bin/kv2.js`.
 */
export { main } from './main.js';
export { processContext, outputFor, type CommandContext, type Output, type WritableLike } from './context.js';
export { parseFlags, ParsedFlags, versionNumbers, type FlagGroup, type FlagKind, type FlagSpec } from './flags.js';
export { CliError, EXIT, UsageError } from './errors.js';
export type { CommandGroup, CommandSpec } from './command.js';
