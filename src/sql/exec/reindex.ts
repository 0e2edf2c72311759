/**
 * REINDEX INDEX name / REINDEX TABLE name (PostgreSQL's ReindexIndex / ReindexTable): each
 * index's structure is built again from the table's current rows and replaces the old one.
 * For IVFFlat this recomputes the centers (an index created on an empty or small table has
 * poor lists until then, pgvector's advice); for HNSW it drops the space of vacuumed nodes.
 * The build goes through `buildIndexOverTable` as CREATE INDEX does (its NOTICEs included).
 * It is transactional DDL (ddl_txn.ts `reindexTx`): inside a transaction block the old
 * structure is kept until COMMIT and put back by ROLLBACK (or ROLLBACK TO a savepoint before
 * it); the catalog logs the rebuild with the transaction id, so recovery rebuilds the index if
 * the transaction committed and keeps the old definition if not.
 *
 * REINDEX [ (CONCURRENTLY) ] ... CONCURRENTLY rebuilds as the plain form, in one step (other
 * sessions wait for it, where PostgreSQL's builds a copy beside the index and swaps it in), with
 * PostgreSQL's rules: not in a transaction block (25001), and REINDEX TABLE CONCURRENTLY skips an
 * INVALID index with a WARNING (REINDEX INDEX CONCURRENTLY of one rebuilds it valid). Where
 * PostgreSQL's concurrent rebuild fails it leaves an INVALID `<name>_ccnew` index; here the
 * failed rebuild leaves the index as it was.
 *
 * Not supported (0A000): REINDEX SCHEMA / DATABASE / SYSTEM, options other than CONCURRENTLY
 * (VERBOSE, TABLESPACE).
 */
import { checkUtilitySchema } from './ddl.js';
import { isOrderedAm, isOrderedIndex } from '../../access/am.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { Table } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import type { Notices } from './ddl.js';
import { buildIndexOverTable } from './index_build.js';
import { compileIndexDef } from './index_keys.js';
import { buildUniqueChecked } from './ordered_index.js';
import { reindexTx } from './ddl_txn.js';
import { skipRelfilenodeOids } from './catalog_describe.js';
import { ensureXid } from './txn.js';

/**
 * Runs a ReindexStmt.
 * @throws PgError 42P01 for an unknown relation, 42809 when an index is named as a table or
 *   the reverse (PostgreSQL's texts), 0A000 for the unsupported forms, and whatever the build
 *   throws (53200 out of memory: the old structure stays).
 */
export function reindex(env: SqlEnv, s: PgNode, notices: Notices): void {
  const kind = String(s.kind ?? '');
  if (kind !== 'REINDEX_OBJECT_INDEX' && kind !== 'REINDEX_OBJECT_TABLE') {
    throw pgErr.featureNotSupported(`REINDEX ${kind.replace('REINDEX_OBJECT_', '')}`);
  }
  let concurrently = false;
  for (const p of (s.params ?? []) as PgNode[]) {
    const name = String(p.DefElem?.defname ?? '');
    if (name !== 'concurrently') throw pgErr.featureNotSupported(`REINDEX option "${name}"`);
    concurrently = p.DefElem.arg === undefined || p.DefElem.arg?.Boolean?.boolval !== false;
  }
  // PostgreSQL's PreventInTransactionBlock (ExecReindex), before the relation is looked up.
  if (concurrently && env.txn.inBlock) throw new PgError(SQLSTATE.active_sql_transaction, 'REINDEX CONCURRENTLY cannot run inside a transaction block');
  const name = checkUtilitySchema(env, s.relation);
  if (kind === 'REINDEX_OBJECT_INDEX') {
    const def = env.catalog.getIndex(name);
    if (def === undefined) {
      if (env.catalog.getTable(name) !== undefined) throw new PgError(SQLSTATE.wrong_object_type, `"${name}" is not an index`);
      throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`); // no position, as PostgreSQL
    }
    reindexOne(env, def, env.catalog.getTable(def.table)!, notices);
    if (!concurrently) skipRelfilenodeOids(env, env.catalog.getTable(def.table)!, 'reindex index');
    return;
  }
  const table = env.catalog.getTable(name);
  if (table === undefined) {
    if (env.catalog.getIndex(name) !== undefined) throw new PgError(SQLSTATE.wrong_object_type, `"${name}" is not a table or materialized view`);
    throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`); // no position, as PostgreSQL
  }
  let rebuilt = 0;
  for (const def of env.catalog.indexesOf(table.name)) {
    if (concurrently && def.valid === false) {
      notices.push(new PgError(SQLSTATE.feature_not_supported, `cannot reindex invalid index "public.${def.name}" concurrently, skipping`, { severity: 'WARNING' }));
      continue;
    }
    reindexOne(env, def, table, notices);
    rebuilt++;
  }
  if (!concurrently) skipRelfilenodeOids(env, table, 'reindex table');
  if (concurrently && rebuilt === 0) {
    notices.push(new PgError(SQLSTATE.successful_completion, `table "${table.name}" has no indexes that can be reindexed concurrently`, { severity: 'NOTICE' }));
  }
}

/**
 * Builds `def`'s structure again over `table` and swaps it in, in the session's transaction (the
 * primary key has none). An INVALID index (a failed CREATE INDEX CONCURRENTLY: no structure) is
 * built from its definition and becomes valid (Catalog.reindexIndex); a UNIQUE one over
 * duplicate keys fails with 23505 and stays INVALID.
 */
export function reindexOne(env: SqlEnv, def: IndexDef, table: Table, notices: Notices): void {
  const am = env.methods.get(def.method);
  const old = env.indexes.get(def.name);
  if (am === undefined || (old === undefined && def.valid !== false)) return;
  let fresh;
  if (isOrderedAm(am)) {
    fresh = buildUniqueChecked(env, am, def, table);
  } else {
    if (old !== undefined && isOrderedIndex(old)) return;
    const opclass = old?.opclass ?? am.opclasses.find((o) => o.name === def.keys[0]!.opclass);
    if (opclass === undefined) return;
    const dim = old?.dim ?? compileIndexDef(env, def, table).keyTypes[0]!.typmod;
    fresh = buildIndexOverTable(env, am, { name: def.name, table, def, dim, opclass, options: new Map(def.options), notices });
  }
  ensureXid(env);
  reindexTx(env, env.txn, def.name, fresh);
  env.engine.indexBuilt?.(fresh.size);
}
