import type { MountConfig } from './types.js';

/** The largest `max_versions` OpenBao stores (a Go uint32). */
export const UINT32_MAX = 4_294_967_295;

/**
 * A new mount's configuration in OpenBao: keep 10 versions (0 = the built-in default), no CAS
 * required, versions never expire. Frozen; spread it for a mutable copy.
 */
export const DEFAULT_MOUNT_CONFIG: Readonly<MountConfig> = Object.freeze({
  maxVersions: 0,
  casRequired: false,
  metadataCasRequired: false,
  deleteVersionAfter: 0,
});
