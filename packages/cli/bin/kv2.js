#!/usr/bin/env node
// The kv2 command. Runs the TypeScript sources directly through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const [{ main }, { processContext }] = await Promise.all([import('../src/main.ts'), import('../src/context.ts')]);
process.exitCode = await main(process.argv.slice(2), processContext());
