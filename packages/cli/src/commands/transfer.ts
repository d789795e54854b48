import type { CommandSpec } from '../command.js';
/** Placeholder until @kv2/server lands. */
export const transferCommands: readonly CommandSpec[] = [];
