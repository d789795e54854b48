import { compareUtf8, InvalidRequestError, type MountConfigUpdate } from '@kv2/core';
import { REQUEST_MESSAGES, SETTING_FIELDS } from '@kv2/core/wire';
import { ConversionError, toUint32, weakBool, weakDurationSeconds, weakInt, weakIntList, weakMap, weakString } from './weak-types.js';

/** The framework field types the KV v2 endpoints use. */
type FieldType = 'string' | 'int' | 'bool' | 'map' | 'duration' | 'intList';

/** The fields one endpoint declares (OpenBao's `framework.Path.Fields`). */
export type Schema = Readonly<Record<string, FieldType>>;

/** The request parameters: a JSON body object, form fields, or the query string. */
export type Params = Readonly<Record<string, unknown>>;

// Field lists from OpenBao's path_*.go. A parameter outside the list is ignored with a warning;
// every listed parameter that is present is converted (and may fail) whatever the operation.
/** The settings `config` and `metadata/:path` share (max_versions, cas_required…). */
const SETTINGS_SCHEMA: Schema = Object.fromEntries(SETTING_FIELDS.map(({ field, type }) => [field, type]));
/** Fields of `config`. */
export const CONFIG_FIELDS: Schema = SETTINGS_SCHEMA;
/** Fields of `data/:path`. */
export const DATA_FIELDS: Schema = { path: 'string', version: 'int', options: 'map', data: 'map' };
/** Fields of `metadata/:path`. */
export const METADATA_FIELDS: Schema = {
  path: 'string',
  ...SETTINGS_SCHEMA,
  custom_metadata: 'map',
  metadata_cas: 'int',
  after: 'string',
  limit: 'int',
};
/** Fields of `detailed-metadata/:path`. */
export const DETAILED_METADATA_FIELDS: Schema = { path: 'string', after: 'string', limit: 'int' };
/** Fields of `delete/`, `undelete/` and `destroy/:path`. */
export const VERSIONS_FIELDS: Schema = { path: 'string', versions: 'intList' };
/** Fields of `subkeys/:path`. */
export const SUBKEYS_FIELDS: Schema = { path: 'string', version: 'int', depth: 'int' };

function convert(type: FieldType, value: unknown): unknown {
  switch (type) {
    case 'string':
      return weakString(value);
    case 'int':
      return weakInt(value);
    case 'bool':
      return weakBool(value);
    case 'map':
      return weakMap(value);
    case 'duration':
      return weakDurationSeconds(value);
    case 'intList':
      return weakIntList(value);
  }
}

/**
 * The validated fields of one request. Construction converts every declared field that is
 * present (OpenBao's `FieldData.Validate`) and throws OpenBao's `Field validation failed` 400
 * on the first failure; undeclared parameters become the "ignored" warning.
 */
export class RequestFields {
  readonly #values = new Map<string, unknown>();
  readonly #warnings: string[] = [];

  constructor(schema: Schema, params: Params | null) {
    if (params === null) return;
    let ignored: string[] | undefined;
    let replaced = false;
    for (const name of Object.keys(params)) {
      const type = Object.hasOwn(schema, name) ? schema[name] : undefined;
      if (type === undefined) {
        (ignored ??= []).push(name);
      } else if (name === 'path') {
        // The path captured from the URL always wins over a body parameter of that name.
        replaced = true;
      } else if (type === 'duration' && (params[name] === null || params[name] === undefined)) {
        // OpenBao's getPrimitive reports a null duration as absent; every other type decodes
        // null to its zero value and counts as present.
        continue;
      } else {
        try {
          this.#values.set(name, convert(type, params[name]));
        } catch (error) {
          if (!(error instanceof ConversionError)) throw error;
          throw new InvalidRequestError(
            `${REQUEST_MESSAGES.fieldValidation}: error converting input for field ${JSON.stringify(name)}: ${error.message}`,
            'invalid_parameter',
          );
        }
      }
    }
    if (ignored !== undefined) {
      this.#warnings.push(`Endpoint ignored these unrecognized parameters: [${ignored.sort(compareUtf8).join(' ')}]`);
    }
    if (replaced) {
      this.#warnings.push("Endpoint replaced the value of these parameters with the values captured from the endpoint's path: [path]");
    }
  }

  /** True when the request carried this (declared) field. */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** The converted value of an int field, or `fallback` when absent. */
  int(name: string, fallback = 0): number {
    return this.#values.has(name) ? (this.#values.get(name) as number) : fallback;
  }

  /** The converted value of a bool field, or undefined when absent. */
  bool(name: string): boolean | undefined {
    return this.#values.get(name) as boolean | undefined;
  }

  /** The converted value of a string field, or `""` when absent. */
  string(name: string): string {
    return (this.#values.get(name) as string | undefined) ?? '';
  }

  /** The converted value of a map field, or undefined when absent. */
  map(name: string): Record<string, unknown> | undefined {
    return this.#values.get(name) as Record<string, unknown> | undefined;
  }

  /** The converted value of an int-list field (empty when absent). */
  intList(name: string): number[] {
    return (this.#values.get(name) as number[] | undefined) ?? [];
  }

  /**
   * Warnings about ignored or replaced parameters. OpenBao adds them only to responses that
   * have a body, so a 204 never carries them.
   */
  get warnings(): readonly string[] {
    return this.#warnings;
  }
}

/**
 * The settings a `config` or `metadata/:path` request carries, as kv2 names them. `max_versions`
 * wraps like the Go uint32 OpenBao stores it in; `delete_version_after` keeps its sign (a
 * negative mount value disables expiry; the store refuses a negative key value).
 */
export function requestSettings(fields: RequestFields): MountConfigUpdate {
  const settings: Record<string, unknown> = {};
  for (const { name, field, type } of SETTING_FIELDS) {
    if (!fields.has(field)) continue;
    settings[name] = type === 'bool' ? fields.bool(field) : type === 'int' ? toUint32(fields.int(field)) : fields.int(field);
  }
  return settings;
}
