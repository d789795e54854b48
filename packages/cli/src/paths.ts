/** Where a kv command points: the mount and the key inside it. */
export interface KvTarget {
  /** The mount path without slashes, e.g. `secret` or `team/kv`. */
  readonly mount: string;
  /** The key inside the mount, trimmed as bao trims it (the store applies the path rule); `''` for a mount's top level. */
  readonly key: string;
}

/** Trims a mount or path the way bao's `sanitizePath` does: spaces and leading/trailing slashes. */
export function sanitizePath(path: string): string {
  return path.trim().replace(/^\/+/, '').replace(/\/+$/, '');
}

/**
 * A key inside a mount, cleaned as bao's `path.Join` of mount and key cleans it: empty segments
 * (`a//b`) and `.` go, `..` takes the segment before it away (`a/../b` is `b`). A `..` that would
 * leave the mount stays, and the store refuses it with OpenBao's relative-path error.
 */
export function cleanKey(key: string): string {
  const out: string[] = [];
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(segment);
  }
  return out.join('/');
}

/** `<mount>/<prefix>/<key>` as bao prints paths (`secret/data/app/db`); no trailing slash. */
export function apiPath(target: KvTarget, prefix: string): string {
  const key = sanitizePath(target.key);
  return [target.mount, prefix, key].filter((part) => part !== '').join('/');
}
