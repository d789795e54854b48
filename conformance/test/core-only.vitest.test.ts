// describeConformance on a core-only store: the extension behaviours appear as skipped tests
// whose titles name the missing capability; the core behaviours and the core model run.
import { describeConformance } from '../src/vitest.js';
import { CoreOnlyStore } from './broken-stores.js';

describeConformance('MemoryKeyValueStore declared core-only', { create: ({ now }) => new CoreOnlyStore({ now }) }, { numRuns: 50 });
