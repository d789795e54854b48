import { kvScenario } from './kv-scenario.js';

kvScenario('file store');
