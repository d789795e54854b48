import autocannon from 'autocannon';
import { startServerProcess } from '../harness/server-process.js';

/**
 * Loads one server with one request for a while, so that its CPU profile shows one workload:
 * `KV2_BENCH_PROFILE_DIR=DIR tsx src/profile/server-load.ts read|write [CONNECTIONS] [SECONDS] [kv2|bare]`.
 */
const [op = 'read', connectionsArg = '32', secondsArg = '5', mode = 'kv2'] = process.argv.slice(2).filter((a) => a !== '--');
const TOKEN = 'bench-root-token';
const server =
  mode === 'bare'
    ? await startServerProcess({ mode: 'bare', readBytes: 436, writeBytes: 273 })
    : await startServerProcess({ mode: 'kv2', token: TOKEN, readPath: 'bench/read' });
const result = await autocannon({
  url: `${server.url}/v1/secret/data/${op === 'read' ? 'bench/read' : 'bench/write'}`,
  method: op === 'read' ? 'GET' : 'POST',
  headers: { 'X-Vault-Token': TOKEN, 'Content-Type': 'application/json' },
  ...(op === 'read' ? {} : { body: JSON.stringify({ data: { username: 'u', password: 'p', host: 'h', database: 'd', region: 'r' } }) }),
  connections: Number(connectionsArg),
  duration: Number(secondsArg),
});
console.log(`${mode} ${op} c=${connectionsArg}: ${Math.round(result.requests.average)} req/s, ${result.non2xx} non-2xx`);
await server.stop();
