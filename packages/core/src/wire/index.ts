// @kv2/core/wire: OpenBao's KV v2 wire format, both ways, in one place. The server writes it, the
// OpenBao adapter writes requests in it and reads answers, the CLI prints it.

export { formatGoTime, parseGoTime } from './time.js';
export { goEscape, goJson } from './go-json.js';
export { SETTING_FIELDS, type SettingField, type SettingType, type WireSettings } from './settings.js';
export {
  decodeJsonObject,
  decodeKeyMetadata,
  decodeKeys,
  decodeMountConfig,
  decodeVersionMetadata,
  encodeKeyMetadata,
  encodeMountConfig,
  encodeVersionMetadata,
  encodeVersionState,
  unexpected,
  type WireKeyMetadata,
  type WireMountConfig,
  type WireVersionMetadata,
  type WireVersionState,
} from './shapes.js';
export { configBody, dataBody, metadataBody } from './bodies.js';
export { cliSecret, decodeResponse, encodeErrors, encodeResponse, type ResponseParts, type WireResponse } from './response.js';
export { CAS_MESSAGES, PATH_MESSAGES, REQUEST_MESSAGES, formatMultiError, multiErrorItems } from './messages.js';
