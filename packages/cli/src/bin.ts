#!/usr/bin/env node
/**
 * The `kv2` executable of the published package (`dist/bin.js`): the built library, no TypeScript
 * at run time. Inside the repository `bin/kv2.js` runs the same two calls from the sources.
 */
import { main, processContext } from './index.js';

process.exitCode = await main(process.argv.slice(2), processContext());
