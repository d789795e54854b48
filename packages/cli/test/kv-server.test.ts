import { kvScenario } from './kv-scenario.js';

kvScenario('server');
