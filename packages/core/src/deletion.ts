/**
 * Whether a version whose deletion time is `deletionTime` counts as soft-deleted at `now`: the
 * one rule every door (engine, CLI import, conformance) uses.
 *
 * OpenBao tests `deletion_time < now` with nanosecond clocks. kv2's clock has milliseconds, so a
 * read in the same millisecond as a delete would still see the version live; kv2 therefore uses
 * `deletion_time <= now`. The only other effect is that a scheduled deletion takes effect at its
 * exact instant rather than one nanosecond after it.
 *
 * @param deletionTime - null (never) or the ISO 8601 string as stored.
 */
export function isDeletedAt(deletionTime: string | null, now: Date): boolean {
  return deletionTime !== null && Date.parse(deletionTime) <= now.getTime();
}
