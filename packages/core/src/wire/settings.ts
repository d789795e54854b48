import type { MountConfig } from '../types.js';

/** How a setting is written on the wire: a JSON boolean, a JSON integer, or a Go duration string. */
export type SettingType = 'bool' | 'int' | 'duration';

/** One setting a mount's config and a key's metadata both carry. */
export interface SettingField {
  /** kv2's name ({@link MountConfig}, KeyMetadata, the update types). */
  readonly name: keyof MountConfig;
  /** OpenBao's name in request bodies and responses. */
  readonly field: string;
  readonly type: SettingType;
  /** True when older servers leave it out (OpenBao before 2.4, HashiCorp Vault: no metadata CAS). */
  readonly optional: boolean;
}

/**
 * The four settings, kv2 name ↔ OpenBao field, in Go's (sorted) field order. Every encoder,
 * decoder and request schema that handles them iterates this list, so a setting is named once.
 */
export const SETTING_FIELDS = [
  { name: 'casRequired', field: 'cas_required', type: 'bool', optional: false },
  { name: 'deleteVersionAfter', field: 'delete_version_after', type: 'duration', optional: false },
  { name: 'maxVersions', field: 'max_versions', type: 'int', optional: false },
  { name: 'metadataCasRequired', field: 'metadata_cas_required', type: 'bool', optional: true },
] as const satisfies readonly SettingField[];

type WireValue<T extends SettingType> = T extends 'bool' ? boolean : T extends 'int' ? number : string;

/** The settings as OpenBao writes them in a response (`delete_version_after` as a Go duration). */
export type WireSettings = { [S in (typeof SETTING_FIELDS)[number] as S['field']]: WireValue<S['type']> };
