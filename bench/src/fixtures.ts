import type { SecretData } from '@kv2/core';

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
