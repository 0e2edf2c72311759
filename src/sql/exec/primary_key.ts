/**
 * ALTER TABLE ... ADD [CONSTRAINT name] PRIMARY KEY (columns), as pg_dump writes every
 * primary key after the data: the key columns become NOT NULL, the existing rows are checked
 * (NULL: 23502; a duplicate: 23505 naming the index, as PostgreSQL's index build reports it),
 * then the definition and the key's index are installed in the statement's transaction.
 */
import { relationKey } from '../../storage/schema_def.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { columnKey, type IndexDef } from '../../storage/catalog.js';
import { primaryKeyIndex } from './ordered_index.js';
import type { Table, TableDef, Value } from '../../storage/table.js';
import { valueToText } from '../analyze/types.js';
import type { SqlEnv } from '../env.js';
import { alterTableTx, createIndexTx } from './ddl_txn.js';
import { pkeyOf } from './insert.js';
import { assignAlteredColumnOids } from './catalog_describe.js';
import { objectKey } from '../stats/store.js';
import { chooseConstraintName, constraintNamesOf, nameNewNotNulls } from './constraints.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PgNode = any;

/**
 * Adds the primary key `node` (a Constraint of contype CONSTR_PRIMARY) to `t`, whose rows are
 * all committed (the caller checked).
 * @throws PgError 42P16 when it has one; 42703 for a missing column; 0A000 for a key type
 *   vecgres does not index; 23502 / 23505 for the rows that break it; 42P07 for a taken name.
 */
export function addPrimaryKey(env: SqlEnv, t: Table, node: PgNode): void {
  if (t.def.primaryKey.length > 0) throw new PgError('42P16', `multiple primary keys for table "${t.name}" are not allowed`);
  if (node.including !== undefined || node.indexname !== undefined) throw pgErr.featureNotSupported('ALTER TABLE ... ADD PRIMARY KEY USING INDEX or INCLUDE');
  const names: string[] = ((node.keys ?? []) as PgNode[]).map((k) => k.String.sval as string);
  const cols = names.map((n) => {
    const i = t.def.columns.findIndex((c) => c.name === n);
    if (i < 0) throw new PgError(SQLSTATE.undefined_column, `column "${n}" of relation "${t.name}" does not exist`);
    return i;
  });
  const indexName: string = node.conname !== undefined ? relationKey(env.catalog.splitKey(t.name).schema, node.conname as string) : chooseConstraintName(env, t.name, [], 'pkey', new Set(constraintNamesOf(env, t.def)));
  if (env.catalog.relationExists(indexName)) throw new PgError(SQLSTATE.duplicate_table, `relation "${indexName}" already exists`);
  const def: TableDef = {
    ...t.def,
    primaryKey: cols,
    // The key's columns become NOT NULL; a new constraint is named as CREATE TABLE names it.
    columns: nameNewNotNulls(
      env, t.name, t.def.columns.map((c, i) => (cols.includes(i) ? { ...c, notNull: true } : c)),
      cols.filter((i) => !t.def.columns[i]!.notNull), new Set([...constraintNamesOf(env, t.def), indexName]),
    ),
  };
  // The rows, checked before anything changes.
  const shell = { def } as Table;
  const seen = new Set<unknown>();
  for (let r = 0; r < t.slots; r++) {
    if (!t.isLive(r)) continue;
    const row: Value[] = t.def.columns.map((_, c) => t.get(c, r));
    for (const c of cols) {
      if (row[c] === null) throw new PgError(SQLSTATE.not_null_violation, `column "${t.def.columns[c]!.name}" of relation "${t.name}" contains null values`);
    }
    const key = pkeyOf(shell, row);
    if (seen.has(key)) {
      const shown = cols.map((c) => valueToText(row[c]!, t.def.columns[c]!.type, env.settings.timeZone())).join(', ');
      throw new PgError(SQLSTATE.unique_violation, `could not create unique index "${indexName}"`, { detail: `Key (${names.join(', ')})=(${shown}) is duplicated.` });
    }
    seen.add(key);
  }
  const nullable = cols.filter((c) => !t.def.columns[c]!.notNull);
  alterTableTx(env, env.txn, t.name, def);
  // PostgreSQL 18's order: the NOT NULL constraints the key adds, its index, its constraint.
  const altered = env.catalog.getTable(t.name)!;
  for (const c of nullable) assignAlteredColumnOids(env, altered, c);
  const pkDef: IndexDef = { name: indexName, table: t.name, keys: cols.map((c) => columnKey(c, '')), predicate: null, unique: true, method: 'btree', options: [], primaryKey: true };
  createIndexTx(env, env.txn, pkDef, primaryKeyIndex(env, pkDef, altered));
  if (env.stats.hasOid(t.name)) env.stats.relOid(objectKey('c', t.name, indexName));
}
