/**
 * Changing a setting sessions may not SET (shared_buffers, autovacuum, max_wal_size: 55P02, as
 * PostgreSQL) on an open database, as a configuration reload does: tests switch the buffer
 * cache's size between statements this way.
 */
import type { Vecgres } from '../../src/index.js';

/** Sets `name`'s start value of `db` (null: back to the built-in default). */
export function reloadSetting(db: Vecgres, name: string, value: string | null): void {
  if (value === null) db.database.registry.clearStartValue(name);
  else db.database.registry.setStartValue(name, value);
}
