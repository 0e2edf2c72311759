/**
 * Lookups in registries kept as plain objects, by names that come from SQL text.
 */

/**
 * `rec[key]` when `key` is one of `rec`'s own keys, else undefined, so that a name such as
 * `constructor` or `toString` never reaches Object.prototype (it would read as an entry and
 * fail later with an internal error instead of PostgreSQL's).
 */
export function own<T>(rec: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}
