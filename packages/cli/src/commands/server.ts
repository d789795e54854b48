import type { CommandSpec } from '../command.js';
/** Placeholder until @kv2/server lands. */
export const serverCommands: readonly CommandSpec[] = [];
