import { randomUUID } from 'node:crypto';
import { compareUtf8, type KeyMetadata, type MountConfig, type VersionMetadata } from '@kv2/core';
import { encodeErrors, encodeKeyMetadata, encodeMountConfig, encodeResponse, encodeVersionMetadata, goJson } from '@kv2/core/wire';

// The JSON texts of the server's answers. The shapes and Go's field order come from the wire
// codec (@kv2/core/wire); what is left here is how the server wraps them. Secret data itself is
// serialised as stored (see the README's divergence list), so it arrives here as text.

/** The five-key version metadata of data reads and writes. */
export function versionMetadataJson(metadata: VersionMetadata): string {
  return goJson(encodeVersionMetadata(metadata));
}

/** `GET data/:path`: `{"data": …, "metadata": …}`; `data` is null for a deleted/destroyed version. */
export function secretJson(dataJson: string, metadata: VersionMetadata): string {
  return `{"data":${dataJson},"metadata":${versionMetadataJson(metadata)}}`;
}

/** `GET subkeys/:path`: `{"metadata": …, "subkeys": …}`. */
export function subkeysJson(subkeys: string, metadata: VersionMetadata): string {
  return `{"metadata":${versionMetadataJson(metadata)},"subkeys":${subkeys}}`;
}

/** `GET metadata/:path`, also each leaf's entry in `detailed-metadata` key_info. */
export function keyMetadataJson(metadata: KeyMetadata): string {
  return goJson(encodeKeyMetadata(metadata));
}

/** `GET config`. */
export function configJson(config: MountConfig): string {
  return goJson(encodeMountConfig(config));
}

/**
 * `{"keys": […]}` of a list, or `{"key_info": {…}, "keys": […]}` of a detailed list, whose
 * entries are already JSON text (keyMetadataJson).
 */
export function keysJson(keys: readonly string[], keyInfo?: ReadonlyMap<string, string>): string {
  const list = JSON.stringify(keys);
  if (keyInfo === undefined) return `{"keys":${list}}`;
  let info = '{';
  for (const name of [...keyInfo.keys()].sort(compareUtf8)) {
    info += `${info.length === 1 ? '' : ','}${JSON.stringify(name)}:${keyInfo.get(name) as string}`;
  }
  return `{"key_info":${info}},"keys":${list}}`;
}

/**
 * OpenBao's response envelope with a fresh request id. `trailingNewline` is true for normal
 * responses and false for the raw 404 bodies.
 */
export function envelopeJson(dataJson: string | null, warnings: readonly string[] | null, trailingNewline: boolean): string {
  return encodeResponse({ requestId: randomUUID(), dataJson, warnings, trailingNewline });
}

/** OpenBao's error body: `{"errors":[…]}` and a newline. */
export function errorsJson(messages: readonly string[]): string {
  return encodeErrors(messages);
}
