import type { SecretData } from '@kv2/core';
import { applyChanges, emptyDocument, executeCommand, type StoreDocument } from '@kv2/local';

/** A small secret: five string fields, as an application's database credentials might be. */
export function smallSecret(i: number): SecretData {
  return {
    username: `service-account-${i}`,
    password: `pw-${(i * 2654435761) % 4294967296}-Xq7!vR2#`,
    host: `db-${i % 16}.internal.example`,
    database: `orders_${i % 7}`,
    region: 'eu-west-1',
  };
}

/** The path of secret number `i`: ten folders, so listing a folder returns a tenth of the keys. */
export function secretPath(i: number): string {
  return `bench/folder-${i % 10}/secret-${i}`;
}

/** The folder {@link secretPath} puts secret `i` in. */
export function folderOf(i: number): string {
  return `bench/folder-${i % 10}`;
}

const documents = new Map<number, StoreDocument>();

/**
 * A store document of `secrets` small secrets, one version each, with the mount's max_versions
 * set to 1, so that writing a new version of an existing secret replaces the old one and the
 * store keeps its size however long a benchmark writes. Built with the engine (as the stores
 * build their own), memoised per size: sections share it and never change it (the stores
 * validate and copy what `importDocument` is given).
 */
export function storeDocument(secrets: number): StoreDocument {
  let doc = documents.get(secrets);
  if (doc === undefined) {
    doc = emptyDocument();
    doc.config.maxVersions = 1;
    const now = new Date();
    for (let i = 0; i < secrets; i++) {
      applyChanges(doc, executeCommand(doc, { op: 'write', path: secretPath(i), data: smallSecret(i) }, now).changes);
    }
    documents.set(secrets, doc);
  }
  return doc;
}

/** Spreads `i` over `secrets` keys in a scattered order; consecutive `i` give distinct keys. */
export function spread(i: number, secrets: number): number {
  // 7919 is prime and none of the sizes used is a multiple of it, so this visits every key.
  return (i * 7919) % secrets;
}
