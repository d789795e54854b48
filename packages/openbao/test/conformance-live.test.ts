// The conformance suite against a real OpenBao or Vault, when BAO_ADDR and BAO_TOKEN (or the
// VAULT_* names) point at one. Each behaviour gets a fresh, empty-looking store under its own
// scratch prefix, removed afterwards. Mount-config behaviours run only with
// KV2_ALLOW_MOUNT_CONFIG=1 (they change the whole mount); clock behaviours never run (the server
// keeps its own time). KV2_MOUNT names the KV v2 mount (default `secret`).
import { randomBytes } from 'node:crypto';
import { deleteKeysUnder, type MountConfig } from '@kv2/core';
import { ScopedKeyValueStore } from '@kv2/conformance';
import { describeConformance } from '@kv2/conformance/vitest';
import { afterAll, describe, it } from 'vitest';
import { OpenBaoKeyValueStore } from '../src/index.js';

const TITLE = 'OpenBaoKeyValueStore → live OpenBao/Vault';
const env = process.env;
const configured = Boolean((env.BAO_ADDR || env.VAULT_ADDR) && (env.BAO_TOKEN || env.VAULT_TOKEN));
const allowMountConfig = env.KV2_ALLOW_MOUNT_CONFIG === '1';
const DEFAULT_CONFIG: MountConfig = { maxVersions: 0, casRequired: false, metadataCasRequired: false, deleteVersionAfter: 0 };

if (configured) {
  const server = new OpenBaoKeyValueStore({ mountPoint: env.KV2_MOUNT || 'secret', allowMountConfig });
  const root = `kv2-conformance-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  let count = 0;
  let original: Promise<MountConfig> | undefined;

  afterAll(async () => {
    await deleteKeysUnder(server, root);
    if (original !== undefined) await server.writeConfig(await original);
  });

  describeConformance(`${TITLE} at ${String(server)}`, {
    async create() {
      const prefix = `${root}/${++count}`;
      if (!allowMountConfig) return new ScopedKeyValueStore(server, prefix);
      // Each behaviour starts from the default configuration; the one found is restored at the end.
      original ??= server.readConfig();
      await original;
      await server.writeConfig(DEFAULT_CONFIG);
      return new ScopedKeyValueStore(server, prefix, { allowMountConfig: true });
    },
    async cleanup(scope) {
      if (scope instanceof ScopedKeyValueStore) await deleteKeysUnder(server, scope.prefix);
    },
  });
} else {
  console.info(`[kv2] ${TITLE}: skipped; set BAO_ADDR and BAO_TOKEN (or VAULT_ADDR and VAULT_TOKEN) to run it against a real server`);
  describe.skip(`${TITLE} (set BAO_ADDR and BAO_TOKEN to run against a real server)`, () => {
    it('runs the whole conformance suite against the server, each behaviour under a scratch prefix', () => {});
  });
}
