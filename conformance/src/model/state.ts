/**
 * A small reference model of one KV v2 mount, written from the spec (sections 2-7) and
 * independently of @kv2/local: plain Maps, millisecond timestamps, no shared code with the engine.
 */
import type { JsonObject } from '@kv2/core';
import { byUtf8Bytes, copyJson, mergePatch, stripLeaves } from './json.js';

/** One version as the model keeps it. */
export interface ModelVersion {
  data: JsonObject | null;
  createdAt: number;
  deletedAt: number | null;
  destroyed: boolean;
}

/** One key as the model keeps it. */
export interface ModelKey {
  current: number;
  oldest: number;
  metadataVersion: number;
  maxVersions: number;
  casRequired: boolean;
  metadataCasRequired: boolean;
  deleteAfter: number;
  custom: Record<string, string> | null;
  createdAt: number;
  updatedAt: number;
  versions: Map<number, ModelVersion>;
}

/** The error an operation is expected to throw. */
export interface ExpectedError {
  name: 'SecretNotFoundError' | 'CheckAndSetError' | 'InvalidRequestError';
  code: string;
  message?: string;
  /** For not-found errors: the version's public metadata, or null when missing. */
  metadata?: PublicVersion | null;
}

/** What an operation is expected to do; `or` is an equally acceptable alternative. */
export type Expected = { ok: true; value: unknown } | { ok: false; error: ExpectedError; or?: ExpectedError };

/** The public metadata of a version, as the store returns it. */
export interface PublicVersion {
  version: number;
  createdTime: Date;
  deletionTime: Date | null;
  destroyed: boolean;
  customMetadata: Record<string, string> | null;
}

/** A metadata write or patch, as the model commands generate it. */
export interface ModelMetadataChange {
  maxVersions?: number | null;
  casRequired?: boolean | null;
  metadataCasRequired?: boolean | null;
  deleteVersionAfter?: number | null;
  customMetadata?: Record<string, string | null> | null;
  metadataCas?: number;
}

const ok = (value: unknown = undefined): Expected => ({ ok: true, value });
const missing = (): Expected => ({ ok: false, error: { name: 'SecretNotFoundError', code: 'secret_not_found', metadata: null } });
const casError = (code: string): ExpectedError => ({ name: 'CheckAndSetError', code });
const noVersions = (message: string): Expected => ({ ok: false, error: { name: 'InvalidRequestError', code: 'invalid_versions', message } });

/** The reference model. `nativePatch` false accepts the core default patch's order of checks too. */
export class KvModel {
  readonly keys = new Map<string, ModelKey>();
  readonly config = { maxVersions: 0, casRequired: false, metadataCasRequired: false, deleteAfter: 0 };

  constructor(
    public now: number,
    readonly nativePatch: boolean,
  ) {}

  private isDeleted(v: ModelVersion): boolean {
    return v.deletedAt !== null && v.deletedAt <= this.now;
  }

  private deleteAfterFor(key: ModelKey | undefined): number {
    const mount = this.config.deleteAfter;
    if (mount < 0) return 0;
    const own = key?.deleteAfter ?? 0;
    if (own === 0 || mount === 0) return own || mount;
    return Math.min(own, mount);
  }

  private publicVersion(key: ModelKey, number: number, v: ModelVersion): PublicVersion {
    return {
      version: number,
      createdTime: new Date(v.createdAt),
      deletionTime: v.deletedAt === null ? null : new Date(v.deletedAt),
      destroyed: v.destroyed,
      customMetadata: key.custom === null ? null : { ...key.custom },
    };
  }

  private unreadable(key: ModelKey, number: number, v: ModelVersion): ExpectedError | undefined {
    if (!this.isDeleted(v) && !v.destroyed) return undefined;
    return { name: 'SecretNotFoundError', code: 'secret_not_found', metadata: this.publicVersion(key, number, v) };
  }

  read(path: string, version: number | undefined): Expected {
    const key = this.keys.get(path);
    if (key === undefined) return missing();
    const number = version || key.current;
    const v = key.versions.get(number);
    if (v === undefined) return missing();
    const error = this.unreadable(key, number, v);
    if (error !== undefined) return { ok: false, error };
    return ok({ data: copyJson(v.data as JsonObject), metadata: this.publicVersion(key, number, v) });
  }

  private casProblem(key: ModelKey | undefined, cas: number | undefined): ExpectedError | undefined {
    if (cas !== undefined) return cas === (key?.current ?? 0) ? undefined : casError('cas_mismatch');
    return this.config.casRequired || key?.casRequired === true ? casError('cas_required') : undefined;
  }

  private newKey(metadataVersion: number): ModelKey {
    return {
      current: 0,
      oldest: 0,
      metadataVersion,
      maxVersions: 0,
      casRequired: false,
      metadataCasRequired: false,
      deleteAfter: 0,
      custom: null,
      createdAt: this.now,
      updatedAt: this.now,
      versions: new Map(),
    };
  }

  private addVersion(path: string, key: ModelKey, data: JsonObject): Expected {
    const number = key.current + 1;
    const after = this.deleteAfterFor(key);
    const v: ModelVersion = { data: copyJson(data), createdAt: this.now, deletedAt: after > 0 ? this.now + after * 1000 : null, destroyed: false };
    key.versions.set(number, v);
    key.current = number;
    key.updatedAt = this.now;
    const limit = Math.max(key.maxVersions, this.config.maxVersions) || 10;
    if (number - key.oldest >= limit) {
      const last = number - limit;
      for (const n of [...key.versions.keys()]) if (n <= last) key.versions.delete(n);
      key.oldest = last + 1;
    }
    this.keys.set(path, key);
    return ok(this.publicVersion(key, number, v));
  }

  write(path: string, data: JsonObject, cas: number | undefined): Expected {
    const key = this.keys.get(path);
    const problem = this.casProblem(key, cas);
    if (problem !== undefined) return { ok: false, error: problem };
    return this.addVersion(path, key ?? this.newKey(0), data);
  }

  patch(path: string, changes: JsonObject, cas: number | undefined): Expected {
    const key = this.keys.get(path);
    if (key === undefined) return missing();
    const problem = this.casProblem(key, cas);
    const v = key.versions.get(key.current);
    const state = v === undefined ? undefined : this.unreadable(key, key.current, v);
    if (problem !== undefined) {
      // The core default patch reads first, so it may report the unreadable version instead.
      return !this.nativePatch && state !== undefined ? { ok: false, error: problem, or: state } : { ok: false, error: problem };
    }
    if (v === undefined) return missing();
    if (state !== undefined) return { ok: false, error: state };
    return this.addVersion(path, key, mergePatch(v.data, changes) as JsonObject);
  }

  private eachVersion(path: string, versions: number[], change: (v: ModelVersion) => void): Expected {
    const key = this.keys.get(path);
    if (key === undefined) return ok();
    for (const n of versions) {
      const v = key.versions.get(n);
      if (v !== undefined) change(v);
    }
    return ok();
  }

  delete(path: string, versions: number[]): Expected {
    if (versions.length === 0) return noVersions('No version number provided');
    return this.eachVersion(path, versions, (v) => {
      if (!v.destroyed && !this.isDeleted(v)) v.deletedAt = this.now;
    });
  }

  undelete(path: string, versions: number[]): Expected {
    if (versions.length === 0) return noVersions('No version number provided');
    const after = this.deleteAfterFor(this.keys.get(path));
    return this.eachVersion(path, versions, (v) => {
      if (!v.destroyed) v.deletedAt = after > 0 ? this.now + after * 1000 : null;
    });
  }

  destroy(path: string, versions: number[]): Expected {
    if (versions.length === 0) return noVersions('no version number provided');
    return this.eachVersion(path, versions, (v) => {
      v.destroyed = true;
      v.data = null;
    });
  }

  deleteLatest(path: string): Expected {
    const key = this.keys.get(path);
    return key === undefined ? ok() : this.delete(path, [key.current]);
  }

  list(prefix: string): Expected {
    const base = prefix === '' ? '' : `${prefix}/`;
    const names = new Set<string>();
    for (const path of this.keys.keys()) {
      if (!path.startsWith(base)) continue;
      const rest = path.slice(base.length);
      const slash = rest.indexOf('/');
      names.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return ok([...names].sort(byUtf8Bytes));
  }

  readMetadata(path: string): Expected {
    const key = this.keys.get(path);
    if (key === undefined) return missing();
    const versions: Record<number, unknown> = {};
    for (const [n, v] of key.versions) {
      versions[n] = { createdTime: new Date(v.createdAt), deletionTime: v.deletedAt === null ? null : new Date(v.deletedAt), destroyed: v.destroyed };
    }
    return ok({
      currentVersion: key.current,
      oldestVersion: key.oldest,
      currentMetadataVersion: key.metadataVersion,
      maxVersions: key.maxVersions,
      casRequired: key.casRequired,
      metadataCasRequired: key.metadataCasRequired,
      deleteVersionAfter: key.deleteAfter,
      customMetadata: key.custom === null ? null : { ...key.custom },
      createdTime: new Date(key.createdAt),
      updatedTime: new Date(key.updatedAt),
      versions,
    });
  }

  private metadataCasProblem(key: ModelKey | undefined, cas: number | undefined): Expected | undefined {
    // Required by the mount or by the key (spec 4.8); a new key can only be bound by the mount.
    const required = this.config.metadataCasRequired || key?.metadataCasRequired === true;
    if (cas === undefined) return required ? { ok: false, error: casError('metadata_cas_required') } : undefined;
    if (key === undefined) return cas === 0 ? undefined : { ok: false, error: casError('metadata_cas_not_zero') };
    return cas === key.metadataVersion ? undefined : { ok: false, error: casError('metadata_cas_mismatch') };
  }

  private warnings(change: ModelMetadataChange): Expected {
    // A null in a patch reads as false (OpenBao's GetOk on a null bool), so it warns too.
    const unset = (flag: boolean | null | undefined): boolean => flag === false || flag === null;
    const warnings =
      (unset(change.casRequired) && this.config.casRequired ? 1 : 0) + (unset(change.metadataCasRequired) && this.config.metadataCasRequired ? 1 : 0);
    return ok({ warnings });
  }

  /**
   * True when a metadata write or patch has none of the five settable fields (then it is a
   * no-op). A null duration counts as absent: OpenBao's GetOk does not report it.
   */
  private static nothingToChange(change: ModelMetadataChange): boolean {
    return (
      ['maxVersions', 'casRequired', 'metadataCasRequired', 'customMetadata'].every(
        (field) => change[field as keyof ModelMetadataChange] === undefined,
      ) &&
      (change.deleteVersionAfter === undefined || change.deleteVersionAfter === null)
    );
  }

  writeMetadata(path: string, change: ModelMetadataChange): Expected {
    const { maxVersions, casRequired, metadataCasRequired, deleteVersionAfter, customMetadata } = change;
    if (KvModel.nothingToChange(change)) return ok({ warnings: 0 });
    const existing = this.keys.get(path);
    const problem = this.metadataCasProblem(existing, change.metadataCas);
    if (problem !== undefined) return problem;
    const key = existing ?? this.newKey(0);
    key.metadataVersion += 1;
    key.updatedAt = this.now;
    if (typeof maxVersions === 'number') key.maxVersions = maxVersions;
    if (typeof casRequired === 'boolean') key.casRequired = casRequired;
    if (typeof metadataCasRequired === 'boolean') key.metadataCasRequired = metadataCasRequired;
    if (typeof deleteVersionAfter === 'number') key.deleteAfter = deleteVersionAfter;
    if (customMetadata !== undefined) {
      const entries = Object.entries(customMetadata ?? {}) as Array<[string, string]>;
      key.custom = entries.length === 0 ? null : Object.fromEntries(entries);
    }
    this.keys.set(path, key);
    return this.warnings(change);
  }

  patchMetadata(path: string, change: ModelMetadataChange): Expected {
    const { maxVersions, casRequired, metadataCasRequired, deleteVersionAfter, customMetadata } = change;
    if (KvModel.nothingToChange(change)) return ok({ warnings: 0 });
    const key = this.keys.get(path);
    if (key === undefined) return missing();
    const problem = this.metadataCasProblem(key, change.metadataCas);
    if (problem !== undefined) return problem;
    key.metadataVersion += 1;
    key.updatedAt = this.now;
    if (maxVersions !== undefined) key.maxVersions = maxVersions ?? 0;
    if (casRequired !== undefined) key.casRequired = casRequired ?? false;
    if (metadataCasRequired !== undefined) key.metadataCasRequired = metadataCasRequired ?? false;
    // OpenBao quirk: a zero (or null) duration merge-patches as "no change".
    if (typeof deleteVersionAfter === 'number' && deleteVersionAfter > 0) key.deleteAfter = deleteVersionAfter;
    if (customMetadata === null) key.custom = null;
    else if (customMetadata !== undefined) {
      const merged = new Map(Object.entries(key.custom ?? {}));
      for (const [k, value] of Object.entries(customMetadata)) {
        if (value === null) merged.delete(k);
        else merged.set(k, value);
      }
      key.custom = merged.size === 0 ? null : Object.fromEntries(merged);
    }
    return this.warnings(change);
  }

  deleteMetadata(path: string): Expected {
    this.keys.delete(path);
    return ok();
  }

  subkeys(path: string, version: number | undefined, depth: number): Expected {
    const read = this.read(path, version);
    if (!read.ok) return read;
    const { data, metadata } = read.value as { data: JsonObject; metadata: PublicVersion };
    return ok({ subkeys: stripLeaves(data, depth < 0 ? 1 : depth), metadata });
  }

  writeConfig(change: { maxVersions?: number; casRequired?: boolean; metadataCasRequired?: boolean; deleteVersionAfter?: number }): Expected {
    if (change.maxVersions !== undefined) this.config.maxVersions = change.maxVersions;
    if (change.casRequired !== undefined) this.config.casRequired = change.casRequired;
    if (change.metadataCasRequired !== undefined) this.config.metadataCasRequired = change.metadataCasRequired;
    if (change.deleteVersionAfter !== undefined) this.config.deleteAfter = change.deleteVersionAfter < 0 ? -1 : change.deleteVersionAfter;
    return ok();
  }

  /** The mount config as `readConfig` reports it (max_versions as stored, disabled as -1). */
  readConfig(): Expected {
    const { maxVersions, casRequired, metadataCasRequired, deleteAfter } = this.config;
    return ok({ maxVersions, casRequired, metadataCasRequired, deleteVersionAfter: deleteAfter });
  }
}
