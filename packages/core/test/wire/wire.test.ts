import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServerError } from '../../src/errors.js';
import { compareUtf8 } from '../../src/sort.js';
import type { KeyMetadata, MountConfig, VersionMetadata, VersionState } from '../../src/types.js';
import {
  CAS_MESSAGES,
  cliSecret,
  configBody,
  dataBody,
  decodeKeyMetadata,
  decodeKeys,
  decodeMountConfig,
  decodeResponse,
  decodeVersionMetadata,
  encodeErrors,
  encodeKeyMetadata,
  encodeMountConfig,
  encodeResponse,
  encodeVersionMetadata,
  formatGoTime,
  formatMultiError,
  goJson,
  metadataBody,
  multiErrorItems,
  parseGoTime,
  SETTING_FIELDS,
} from '../../src/wire/index.js';

const T1 = new Date('2024-05-01T10:11:12.500Z');
const T2 = new Date('2024-05-02T00:00:00.000Z');

// Go's time.RFC3339Nano output: UTC, no trailing zeros in the fraction, no fraction when zero.
const GO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d*[1-9])?Z$/;

function keyMetadata(overrides: Partial<KeyMetadata> = {}): KeyMetadata {
  return {
    currentVersion: 10,
    oldestVersion: 1,
    currentMetadataVersion: 4,
    maxVersions: 5,
    casRequired: true,
    metadataCasRequired: false,
    deleteVersionAfter: 3600,
    customMetadata: { owner: 'a&b', '10': 'ten', '2': 'two' },
    createdTime: T1,
    updatedTime: T2,
    versions: {
      1: { createdTime: T1, deletionTime: null, destroyed: false },
      2: { createdTime: T1, deletionTime: T2, destroyed: false },
      10: { createdTime: T2, deletionTime: null, destroyed: true },
    },
    ...overrides,
  };
}

describe("Go's time format", () => {
  it('prints RFC3339Nano: UTC, trailing fraction zeros dropped, no fraction when zero, "" for unset', () => {
    expect(formatGoTime(new Date('2024-05-01T10:11:12.000Z'))).toBe('2024-05-01T10:11:12Z');
    expect(formatGoTime(new Date('2024-05-01T10:11:12.500Z'))).toBe('2024-05-01T10:11:12.5Z');
    expect(formatGoTime(new Date('2024-05-01T10:11:12.120Z'))).toBe('2024-05-01T10:11:12.12Z');
    expect(formatGoTime(new Date('2024-05-01T10:11:12.123Z'))).toBe('2024-05-01T10:11:12.123Z');
    expect(formatGoTime(null)).toBe('');
  });

  it('reads what OpenBao writes (nanoseconds, offsets) and nothing looser', () => {
    expect(parseGoTime('2024-05-01T10:11:12.123456789Z')?.toISOString()).toBe('2024-05-01T10:11:12.123Z');
    expect(parseGoTime('2024-05-01T12:11:12+02:00')?.toISOString()).toBe('2024-05-01T10:11:12.000Z');
    for (const loose of ['2024-05-01', '2024-05-01 10:11:12Z', 'May 1 2024', '2024-05-01T10:11:12', '2024-13-01T10:11:12Z', '']) {
      expect(parseGoTime(loose), loose).toBeUndefined();
    }
  });

  it('round-trips every time in Go format', () => {
    const date = fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
    fc.assert(
      fc.property(date, (d) => {
        const text = formatGoTime(d);
        expect(text).toMatch(GO_TIME);
        expect(parseGoTime(text)?.getTime()).toBe(d.getTime());
      }),
      { numRuns: 2000 },
    );
  });
});

describe('goJson', () => {
  it("writes every object's keys in Go's byte order, integer-like keys included", () => {
    expect(goJson({ b: 1, '10': [true, null, { z: 'x', a: 'y' }], '2': 'two', a: undefined, é: 0 })).toBe(
      '{"10":[true,null,{"a":"y","z":"x"}],"2":"two","b":1,"é":0}',
    );
  });

  it('is JSON that parses back to the value, with object keys in UTF-8 byte order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = goJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    // Keys without quotes or backslashes, so that `"key":` marks exactly where each key stands.
    const key = fc.string({ unit: fc.constantFrom('0', '1', '2', 'a', 'B', 'é', '\uFFFD', '\u{1F600}') });
    fc.assert(
      fc.property(fc.dictionary(key, fc.integer()), (map) => {
        const text = goJson(map);
        const positions = Object.keys(map)
          .sort(compareUtf8)
          .map((k) => text.indexOf(`${JSON.stringify(k)}:`));
        expect(positions.every((p, i) => p > 0 && (i === 0 || p > (positions[i - 1] as number)))).toBe(true);
      }),
    );
  });
});

describe('response shapes (exact text, Go field order)', () => {
  it('version metadata: five keys, custom_metadata sorted, an unset time as ""', () => {
    const metadata: VersionMetadata = { version: 3, createdTime: T1, deletionTime: null, destroyed: false, customMetadata: { b: '2', a: '1' } };
    expect(goJson(encodeVersionMetadata(metadata))).toBe(
      '{"created_time":"2024-05-01T10:11:12.5Z","custom_metadata":{"a":"1","b":"2"},"deletion_time":"","destroyed":false,"version":3}',
    );
    expect(encodeVersionMetadata({ ...metadata, customMetadata: {} }).custom_metadata).toBeNull();
  });

  it('key metadata: settings among the other fields in sorted order, versions keyed "1","10","2"', () => {
    expect(goJson(encodeKeyMetadata(keyMetadata()))).toBe(
      '{"cas_required":true,"created_time":"2024-05-01T10:11:12.5Z","current_metadata_version":4,"current_version":10,' +
        '"custom_metadata":{"10":"ten","2":"two","owner":"a&b"},"delete_version_after":"1h0m0s","max_versions":5,' +
        '"metadata_cas_required":false,"oldest_version":1,"updated_time":"2024-05-02T00:00:00Z","versions":{' +
        '"1":{"created_time":"2024-05-01T10:11:12.5Z","deletion_time":"","destroyed":false},' +
        '"10":{"created_time":"2024-05-02T00:00:00Z","deletion_time":"","destroyed":true},' +
        '"2":{"created_time":"2024-05-01T10:11:12.5Z","deletion_time":"2024-05-02T00:00:00Z","destroyed":false}}}',
    );
  });

  it("key metadata as an object: members in Go's order for JSON.stringify (the CLI)", () => {
    expect(Object.keys(encodeKeyMetadata(keyMetadata()))).toEqual([
      'cas_required',
      'created_time',
      'current_metadata_version',
      'current_version',
      'custom_metadata',
      'delete_version_after',
      'max_versions',
      'metadata_cas_required',
      'oldest_version',
      'updated_time',
      'versions',
    ]);
  });

  it('mount config', () => {
    const config: MountConfig = { maxVersions: 0, casRequired: false, metadataCasRequired: true, deleteVersionAfter: -1 };
    expect(goJson(encodeMountConfig(config))).toBe(
      '{"cas_required":false,"delete_version_after":"-1s","max_versions":0,"metadata_cas_required":true}',
    );
  });

  it("the response envelope: Go's struct order, escaped HTML characters, newline only from json.Encoder", () => {
    const body = encodeResponse({ requestId: 'id-1', dataJson: '{"a":"<&>"}', warnings: ['w'], trailingNewline: true });
    expect(body).toBe(
      '{"request_id":"id-1","lease_id":"","renewable":false,"lease_duration":0,"data":{"a":"\\u003c\\u0026\\u003e"},' +
        '"wrap_info":null,"warnings":["w"],"auth":null}\n',
    );
    expect(encodeResponse({ requestId: 'id-2', dataJson: null, warnings: [], trailingNewline: false })).toBe(
      '{"request_id":"id-2","lease_id":"","renewable":false,"lease_duration":0,"data":null,"wrap_info":null,"warnings":null,"auth":null}',
    );
    expect(encodeErrors(['a\u2028b'])).toBe('{"errors":["a\\u2028b"]}\n');
    expect(decodeResponse(body)).toEqual({ data: { a: '<&>' }, warnings: ['w'], errors: undefined });
  });

  it("bao's -format=json printout: the API client's member order", () => {
    expect(Object.keys(cliSecret('id', { a: 1 }))).toEqual(['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings']);
    expect(cliSecret('id', null).warnings).toBeNull();
    expect(cliSecret('id', null, ['w']).warnings).toEqual(['w']);
  });
});

describe('decoding answers', () => {
  it('reads servers without metadata CAS (OpenBao < 2.4, Vault) as metadata CAS off', () => {
    const wire = JSON.parse(goJson(encodeKeyMetadata(keyMetadata()))) as Record<string, unknown>;
    delete wire.metadata_cas_required;
    delete wire.current_metadata_version;
    expect(decodeKeyMetadata(wire)).toMatchObject({ metadataCasRequired: false, currentMetadataVersion: 0 });
    expect(decodeMountConfig({ cas_required: true, delete_version_after: '0s', max_versions: 3 })).toEqual({
      maxVersions: 3,
      casRequired: true,
      metadataCasRequired: false,
      deleteVersionAfter: 0,
    });
  });

  it('refuses anything not of the documented shape with a 502 naming the field', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => decodeVersionMetadata('x', 'data'), 'data is not an object'],
      [() => decodeVersionMetadata({ version: -1 }, 'data'), 'data.version is not a non-negative integer'],
      [() => decodeVersionMetadata({ version: 1, created_time: '2024-05-01' }), 'metadata.created_time is not an RFC 3339 timestamp'],
      [() => decodeMountConfig({ cas_required: 'yes' }), 'data.cas_required is not a boolean'],
      [() => decodeMountConfig({ cas_required: true, delete_version_after: 'soon', max_versions: 1 }), 'data.delete_version_after is not a duration'],
      [() => decodeKeyMetadata({ ...JSON.parse(goJson(encodeKeyMetadata(keyMetadata()))), versions: { x: {} } }), 'data.versions has the key "x"'],
      [() => decodeKeys(['a', 1]), 'data.keys is not a list of strings'],
    ];
    for (const [call, problem] of cases) {
      let thrown: unknown;
      try {
        call();
      } catch (error) {
        thrown = error;
      }
      expect(ServerError.is(thrown), problem).toBe(true);
      expect((thrown as ServerError).status).toBe(502);
      expect((thrown as ServerError).errors).toEqual([`unexpected answer from the server: ${problem}`]);
    }
  });

  it('reads bodies that are empty, not JSON or not an object', () => {
    expect(decodeResponse('')).toEqual({ data: null, warnings: [], errors: undefined });
    expect(decodeResponse('<html>')).toBeUndefined();
    expect(decodeResponse('[1]')).toBeUndefined();
    expect(decodeResponse('{"errors":["a",1],"warnings":"x"}')).toEqual({ data: null, warnings: [], errors: ['a'] });
  });
});

describe('request bodies', () => {
  it('send exactly the fields present; a patch keeps nulls; durations as Go durations', () => {
    expect(dataBody({ a: 1 }, undefined)).toEqual({ data: { a: 1 } });
    expect(dataBody({ a: 1 }, 0)).toEqual({ data: { a: 1 }, options: { cas: 0 } });
    expect(metadataBody({ maxVersions: null, deleteVersionAfter: 90, customMetadata: { gone: null }, metadataCas: 1 })).toEqual({
      max_versions: null,
      delete_version_after: '1m30s',
      custom_metadata: { gone: null },
      metadata_cas: 1,
    });
    expect(metadataBody({ deleteVersionAfter: null })).toEqual({ delete_version_after: null });
    expect(configBody({})).toEqual({});
    expect(configBody({ metadataCasRequired: true, deleteVersionAfter: -1 })).toEqual({ metadata_cas_required: true, delete_version_after: '-1s' });
  });
});

describe('error texts', () => {
  it("go-multierror's format and its reading", () => {
    expect(formatMultiError(['one'])).toBe('1 error occurred:\n\t* one\n\n');
    expect(formatMultiError(['one', 'two'])).toBe('2 errors occurred:\n\t* one\n\t* two\n\n');
    expect(multiErrorItems('plain text')).toEqual(['plain text']);
    expect(multiErrorItems('')).toEqual([]);
  });

  it('lists the metadata CAS texts before the data CAS texts they contain', () => {
    const texts = Object.values(CAS_MESSAGES);
    texts.forEach((text, i) => {
      for (const later of texts.slice(i + 1)) expect(later.includes(text), `${later} contains ${text}`).toBe(false);
    });
  });

  it('multierror round-trips any list of trimmed single-line messages', () => {
    const message = fc
      .string({ minLength: 1 })
      .map((s) => s.replace(/\s+/g, ' ').trim())
      .filter((s) => s !== '');
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), (messages) => {
        expect(multiErrorItems(formatMultiError(messages))).toEqual(messages);
      }),
    );
  });
});

// Round trips: what the server encodes, the adapter decodes to the same value (times at the
// millisecond precision of a Date; an empty custom_metadata map is null on the wire).
const date = fc.date({ min: new Date('1970-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
const customMetadata = fc.option(
  fc.dictionary(fc.oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.constantFrom('1', '10', '2', '__proto__')), fc.string({ unit: 'binary' }), {
    minKeys: 1,
  }),
  { nil: null },
);
const versionMetadata: fc.Arbitrary<VersionMetadata> = fc.record({
  version: fc.nat(),
  createdTime: date,
  deletionTime: fc.option(date, { nil: null }),
  destroyed: fc.boolean(),
  customMetadata,
});
const versionState: fc.Arbitrary<VersionState> = fc.record({
  createdTime: date,
  deletionTime: fc.option(date, { nil: null }),
  destroyed: fc.boolean(),
});
const settings: fc.Arbitrary<MountConfig> = fc.record({
  maxVersions: fc.nat({ max: 4_294_967_295 }),
  casRequired: fc.boolean(),
  metadataCasRequired: fc.boolean(),
  // Up to 2^53 nanoseconds (104 days): above that, parseDuration (core/src/durations.ts) sums
  // nanoseconds in floating point and can read "2100033h56m21s" one second short.
  deleteVersionAfter: fc.integer({ min: -1, max: 9_007_199 }),
});
const keyMetadataArb: fc.Arbitrary<KeyMetadata> = fc
  .tuple(
    settings,
    fc.record({
      currentVersion: fc.nat(),
      oldestVersion: fc.nat(),
      currentMetadataVersion: fc.nat(),
      customMetadata,
      createdTime: date,
      updatedTime: date,
      versions: fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 1000 }), versionState), { selector: ([n]) => n, maxLength: 12 }),
    }),
  )
  .map(([s, rest]) => ({ ...s, ...rest, versions: Object.fromEntries(rest.versions) }));

function viaText(value: unknown): unknown {
  return JSON.parse(goJson(value));
}

describe('round trips (encode → JSON text → decode)', () => {
  it('version metadata', () => {
    fc.assert(
      fc.property(versionMetadata, (m) => {
        expect(decodeVersionMetadata(viaText(encodeVersionMetadata(m)))).toEqual(m);
      }),
    );
  });

  it('key metadata', () => {
    fc.assert(
      fc.property(keyMetadataArb, (m) => {
        expect(decodeKeyMetadata(viaText(encodeKeyMetadata(m)))).toEqual(m);
      }),
    );
  });

  it('mount config, as an answer and as a request body', () => {
    fc.assert(
      fc.property(settings, (config) => {
        expect(decodeMountConfig(viaText(encodeMountConfig(config)))).toEqual(config);
        expect(decodeMountConfig(viaText(configBody(config)))).toEqual(config);
        expect(decodeMountConfig(viaText(metadataBody(config)))).toEqual(config);
      }),
    );
  });

  it('the response envelope', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.string()), (data, warnings) => {
        const text = encodeResponse({ requestId: 'r', dataJson: goJson(data), warnings, trailingNewline: true });
        expect(decodeResponse(text)).toEqual({ data: JSON.parse(JSON.stringify(data)) as unknown, warnings, errors: undefined });
      }),
    );
  });

  it('every setting is named once: SETTING_FIELDS covers MountConfig exactly', () => {
    const config: MountConfig = { maxVersions: 1, casRequired: true, metadataCasRequired: true, deleteVersionAfter: 1 };
    expect(SETTING_FIELDS.map(({ name }) => name).sort()).toEqual(Object.keys(config).sort());
    expect(SETTING_FIELDS.map(({ field }) => field)).toEqual(SETTING_FIELDS.map(({ field }) => field).sort(compareUtf8));
  });
});
