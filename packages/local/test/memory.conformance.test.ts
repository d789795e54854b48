import { describeConformance } from '@kv2/conformance/vitest';
import { MemoryKeyValueStore } from '../src/index.js';

describeConformance('MemoryKeyValueStore', { create: ({ now }) => new MemoryKeyValueStore({ now }) });
