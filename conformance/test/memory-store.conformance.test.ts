// The reference stores run the suite here, in the suite's own package, so that @kv2/local needs no
// (dev) dependency on @kv2/conformance: the two packages would otherwise depend on each other.
import { MemoryKeyValueStore } from '@kv2/local';
import { describeConformance } from '../src/vitest.js';

describeConformance('MemoryKeyValueStore', { create: ({ now }) => new MemoryKeyValueStore({ now }) });
