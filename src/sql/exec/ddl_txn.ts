/**
 * Transactional DDL: each change goes through the catalog (logged with the transaction id,
 * relations locked until the transaction ends) and leaves a `ddl` entry among the
 * transaction's writes whose `commit` frees what was dropped or replaced and whose `undo`
 * restores the catalog and the index structures (exec/txn.ts runs them). The statements
 * (ddl.ts, dml.ts TRUNCATE) and recovery (engine/recovery.ts, replaying a DDL record of
 * transaction `xid`) call the same functions, so a rolled-back transaction's DDL is undone the
 * same way at run time and at recovery.
 *
 * To add a kind of DDL (as ALTER TABLE's below): make the catalog change log a Change that
 * carries the xid and return a `DdlUndo` (storage/catalog.ts), wrap any SQL-layer state it
 * replaces here, and hand it to {@link registerDdl}; in recovery, replay the record through the
 * same function with the replayed transaction's state.
 */
import type { DdlUndo, ExtensionRecord, IndexDef } from '../../storage/catalog.js';
import type { ColumnDef, Table, TableDef, Value } from '../../storage/table.js';
import type { OrderedIndex, VectorIndex } from '../../access/am.js';
import type { SqlEnv, TxnState } from '../env.js';
import type { SequenceDef } from '../../storage/sequence.js';
import type { ViewDef } from '../../storage/view.js';
import type { EnumTypeDef } from '../../storage/enum_type.js';
import type { SchemaDef } from '../../storage/schema_def.js';
import { rebuildIndexes } from './dml.js';
import { pkeyOf } from './insert.js';
import { setRelStats } from '../stats/rel_size.js';
import { objectKey } from '../stats/store.js';

type IndexStructure = VectorIndex | OrderedIndex;

/**
 * Records DDL change `ddl` in transaction `txn`, finished at its end. `txn` null (a log record
 * of an old log, written before DDL was transactional): committed at once.
 */
export function registerDdl(txn: TxnState | null, ddl: DdlUndo): void {
  if (txn === null) ddl.commit();
  else txn.writes.push({ kind: 'ddl', ddl });
}

/** The xid a change of `txn` is logged with (0 for none: an old log's record, committed at once). */
function xidOf(txn: TxnState | null): number {
  return txn === null ? 0 : txn.xid;
}

/**
 * CREATE TABLE (definition and sequences) in `txn`. Undone, it forgets the oids its objects
 * took (they stay consumed: a new table of the same name takes new ones, as in PostgreSQL).
 */
export function createTableTx(env: SqlEnv, txn: TxnState | null, def: TableDef, sequences: readonly string[]): Table {
  const { table, ddl } = env.catalog.createTable(def, sequences, xidOf(txn));
  registerDdl(txn, {
    commit: () => ddl.commit(),
    undo: () => {
      ddl.undo();
      env.stats.forgetOids([def.name, ...sequences], [def.name]);
    },
  });
  return table;
}

/** CREATE SEQUENCE in `txn` (recovery passes the logged state). */
export function createSequenceTx(env: SqlEnv, txn: TxnState | null, def: SequenceDef, last: bigint = def.start, called = false): void {
  env.stats.relOid(def.name);
  const ddl = env.catalog.createSequence(def, xidOf(txn), last, called);
  registerDdl(txn, {
    commit: () => ddl.commit(),
    undo: () => {
      ddl.undo();
      env.stats.forgetOids([def.name]);
    },
  });
}

/** ALTER SEQUENCE in `txn`: a new definition (a new name renames it) and state. */
export function alterSequenceTx(env: SqlEnv, txn: TxnState | null, name: string, def: SequenceDef, last: bigint, called: boolean, logCnt = 0): void {
  registerRenamed(env, txn, env.catalog.alterSequence(name, def, last, called, xidOf(txn), logCnt), name, def.name);
}

/**
 * Registers `ddl`, which may rename a relation from `from` to `to`: a renamed relation keeps its
 * oid (moved now, moved back if the transaction rolls back).
 */
function registerRenamed(env: SqlEnv, txn: TxnState | null, ddl: DdlUndo, from: string, to: string): void {
  if (from === to) {
    registerDdl(txn, ddl);
    return;
  }
  env.stats.moveOids([[from, to]]);
  registerDdl(txn, {
    commit: () => ddl.commit(),
    undo: () => {
      ddl.undo();
      env.stats.moveOids([[to, from]]);
    },
  });
}

/** DROP SEQUENCE in `txn`. */
export function dropSequenceTx(env: SqlEnv, txn: TxnState | null, name: string): void {
  const ddl = env.catalog.dropSequence(name, xidOf(txn));
  registerForgotten(env, txn, ddl, env.stats.forgetOids([name]));
}

/**
 * Registers DROP `ddl` in `txn` with the oids it made the statistics store forget, which its
 * undo puts back (a dropped object's name is free for a new object with a new oid at once,
 * also inside the dropping transaction, as in PostgreSQL).
 */
function registerForgotten(env: SqlEnv, txn: TxnState | null, ddl: DdlUndo, forgotten: ReturnType<SqlEnv['stats']['forgetOids']>): void {
  registerDdl(txn, {
    commit: () => ddl.commit(),
    undo: () => {
      ddl.undo();
      env.stats.restoreOids(forgotten);
    },
  });
}

/** DROP TABLE in `txn`: its index structures leave the index map now and are disposed at commit. */
export function dropTableTx(env: SqlEnv, txn: TxnState | null, name: string): void {
  const names = env.catalog.indexesOf(name).map((d) => d.name);
  const sequences = env.catalog.sequencesOwnedBy(name).map((q) => q.def.name);
  const ddl = env.catalog.dropTable(name, xidOf(txn)); // logged first: if the log refuses it, nothing is dropped
  const kept = detach(env, names);
  const forgotten = env.stats.forgetOids([name, ...names, ...sequences], [name]);
  registerDdl(txn, {
    commit: () => {
      ddl.commit();
      for (const [n, idx] of kept) {
        env.stats.dropIndex(n);
        idx.dispose();
      }
    },
    undo: () => {
      ddl.undo();
      for (const [n, idx] of kept) env.indexes.set(n, idx);
      env.stats.restoreOids(forgotten);
    },
  });
}

/** TRUNCATE of one table in `txn`: the old rows and index structures are kept until commit. */
export function truncateTx(env: SqlEnv, txn: TxnState | null, name: string): Table {
  const { table, ddl } = env.catalog.truncateTable(name, xidOf(txn));
  registerRebuilt(env, txn, table, ddl);
  return table;
}

/**
 * CREATE INDEX in `txn`: the definition (logged) and its built structure `index` (null for the
 * primary key's). The structure is disposed if the catalog refuses the definition. Recovery
 * passes `replay`: the index's oid comes from the log (an OIDS record before this one, or
 * after it for a REINDEX), never from the counter.
 */
export function createIndexTx(env: SqlEnv, txn: TxnState | null, def: IndexDef, index: IndexStructure | null, replay = false): void {
  // Its oid now, in creation order; a CREATE TABLE's indexes get theirs after the table's
  // other objects (catalog_describe.ts assignTableOids).
  if (!replay && env.stats.hasOid(def.table)) env.stats.relOid(def.name);
  let ddl: DdlUndo;
  try {
    ddl = env.catalog.createIndex(def, xidOf(txn));
  } catch (e) {
    index?.dispose();
    throw e;
  }
  if (index !== null) env.indexes.set(def.name, index);
  // PostgreSQL's index build records the table's row count and pages in pg_class.
  const table = env.catalog.peekTable(def.table);
  if (table !== undefined) setRelStats(env.stats, table, false);
  registerDdl(txn, {
    commit: () => ddl.commit(),
    undo: () => {
      ddl.undo();
      env.stats.forgetOids([def.name, objectKey('c', def.table, def.name)]);
      if (index !== null && env.indexes.get(def.name) === index) {
        env.indexes.delete(def.name);
        env.stats.dropIndex(def.name);
        index.dispose();
      }
    },
  });
}

/** DROP INDEX in `txn`: the structure is disposed at commit, put back by the undo. */
export function dropIndexTx(env: SqlEnv, txn: TxnState | null, name: string): void {
  const table = env.catalog.allIndexes().find((d) => d.name === name)?.table;
  const ddl = env.catalog.dropIndex(name, xidOf(txn));
  const kept = detach(env, [name]);
  const forgotten = env.stats.forgetOids(table === undefined ? [name] : [name, objectKey('c', table, name)]);
  registerDdl(txn, {
    commit: () => {
      ddl.commit();
      for (const [n, idx] of kept) {
        env.stats.dropIndex(n);
        idx.dispose();
      }
    },
    undo: () => {
      ddl.undo();
      for (const [n, idx] of kept) env.indexes.set(n, idx);
      env.stats.restoreOids(forgotten);
    },
  });
}

/**
 * REINDEX of index `name` in `txn`: `fresh` (built from the table's rows) replaces its
 * structure now; the old one is disposed at commit, put back by the undo (ROLLBACK, an error,
 * recovery of a transaction without a commit record). `fresh` is disposed if the catalog
 * refuses the change (55P03, a failed log write).
 *
 * The change is logged as a dropIndex and a createIndex record, which recovery replays through
 * {@link dropIndexTx} and {@link createIndexTx} as two DDL entries; so it registers two entries
 * here too (the old structure's, then the new one's), and a ROLLBACK TO SAVEPOINT record, which
 * counts DDL entries, undoes the same at run time and at recovery.
 */
export function reindexTx(env: SqlEnv, txn: TxnState | null, name: string, fresh: IndexStructure): void {
  let ddl: DdlUndo;
  try {
    ddl = env.catalog.reindexIndex(name, xidOf(txn));
  } catch (e) {
    fresh.dispose();
    throw e;
  }
  // Logged after the drop and create records recovery replays it as, so the index (and its
  // constraint) keeps its oid.
  env.stats.reassertOid(name);
  const table = env.catalog.allIndexes().find((d) => d.name === name)?.table;
  if (table !== undefined) env.stats.reassertOid(objectKey('c', table, name));
  const old = env.indexes.get(name);
  env.indexes.set(name, fresh);
  registerDdl(txn, {
    commit: () => {
      ddl.commit();
      old?.dispose();
    },
    undo: () => {
      ddl.undo();
      if (old !== undefined && !env.indexes.has(name)) env.indexes.set(name, old);
    },
  });
  registerDdl(txn, {
    commit: () => undefined,
    undo: () => {
      if (env.indexes.get(name) !== fresh) return;
      env.indexes.delete(name);
      fresh.dispose();
    },
  });
}

/** Takes the structures of indexes `names` out of the index map, returning them. */
function detach(env: SqlEnv, names: readonly string[]): Map<string, IndexStructure> {
  const kept = new Map<string, IndexStructure>();
  for (const n of names) {
    const idx = env.indexes.get(n);
    if (idx === undefined) continue;
    kept.set(n, idx);
    env.indexes.delete(n);
  }
  return kept;
}

/** ALTER TABLE of a definition (constraints, names, defaults, NOT NULL, RENAME) in `txn`. */
export function alterTableTx(env: SqlEnv, txn: TxnState | null, name: string, def: TableDef): void {
  const t = env.catalog.getTable(name);
  const oldDef = t?.def;
  const ddl0 = env.catalog.alterTable(name, def, xidOf(txn));
  const undoOids = oldDef === undefined ? () => undefined : alterOids(env, oldDef, def);
  const ddl: DdlUndo = {
    commit: () => ddl0.commit(),
    undo: () => {
      ddl0.undo();
      undoOids();
    },
  };
  if (t === undefined || oldDef === undefined || sameKey(oldDef.primaryKey, def.primaryKey)) {
    registerDdl(txn, ddl);
    return;
  }
  // A primary key added (ALTER TABLE ADD PRIMARY KEY): the key map over the live rows, which
  // the undo empties again.
  rebuildPkeyMap(t);
  registerDdl(txn, {
    commit: () => ddl.commit(),
    undo: () => {
      ddl.undo();
      rebuildPkeyMap(t);
    },
  });
}

/**
 * The oids of an ALTER TABLE from `oldDef` to `def`, as PostgreSQL keeps them: a renamed table,
 * constraint or column keeps its oid (and its default and NOT NULL constraint theirs); a
 * dropped CHECK or foreign key forgets its oid, an added one's is forgotten if the change is
 * undone. Returns the undo. (An ALTER TABLE changes one of these at a time: a constraint at
 * the same place in its list with a new name is a RENAME CONSTRAINT, a column likewise.)
 */
function alterOids(env: SqlEnv, oldDef: TableDef, def: TableDef): () => void {
  const from = oldDef.name;
  const to = def.name;
  const st = env.stats;
  const undo: (() => void)[] = [];
  if (to !== from) {
    st.renameTableOids(from, to);
    undo.push(() => st.renameTableOids(to, from));
  }
  const moves: [string, string][] = [];
  if (oldDef.columns.length === def.columns.length) {
    oldDef.columns.forEach((c, i) => {
      const n = def.columns[i]!.name;
      if (c.name === n) return;
      moves.push([objectKey('d', to, c.name), objectKey('d', to, n)]);
      moves.push([objectKey('c', to, `${to}_${c.name}_not_null`), objectKey('c', to, `${to}_${n}_not_null`)]);
    });
  }
  const forgetKeys: string[] = [];
  const addedKeys: string[] = [];
  if (oldDef.columns.length === def.columns.length) {
    // SET / DROP DEFAULT replaces the column's pg_attrdef row, DROP NOT NULL removes its
    // constraint; a new default or NOT NULL takes its oid in the statement (alter_table.ts).
    oldDef.columns.forEach((was, i) => {
      const now = def.columns[i]!;
      const d = objectKey('d', to, now.name);
      const nn = objectKey('c', to, `${to}_${now.name}_not_null`);
      // A default that names a renamed sequence (one no longer there by its old name) is the same default.
      const renamedSequence = was.sequence !== null && now.sequence !== null && was.defaultSql === null && now.defaultSql === null &&
        !env.catalog.allSequences().some((q) => q.def.name === was.sequence);
      if (!renamedSequence && (was.defaultSql !== now.defaultSql || was.sequence !== now.sequence)) {
        if (hasDefault(was)) forgetKeys.push(d);
        if (hasDefault(now)) addedKeys.push(d);
      }
      if (was.notNull && !now.notNull) forgetKeys.push(nn);
      if (!was.notNull && now.notNull) addedKeys.push(nn);
    });
  }
  for (const [was, now] of [[oldDef.checks ?? [], def.checks ?? []], [oldDef.foreignKeys ?? [], def.foreignKeys ?? []]] as const) {
    const wasNames = was.map((c) => c.name);
    const nowNames = now.map((c) => c.name);
    if (wasNames.length === nowNames.length) {
      wasNames.forEach((n, i) => {
        if (n !== nowNames[i]) moves.push([objectKey('c', to, n), objectKey('c', to, nowNames[i]!)]);
      });
      continue;
    }
    for (const n of wasNames) if (!nowNames.includes(n)) forgetKeys.push(objectKey('c', to, n));
    for (const n of nowNames) if (!wasNames.includes(n)) addedKeys.push(objectKey('c', to, n));
  }
  if (moves.length > 0) {
    st.moveOids(moves);
    undo.push(() => st.moveOids(moves.map(([a, b]) => [b, a] as const)));
  }
  if (forgetKeys.length > 0) {
    const forgotten = st.forgetOids(forgetKeys);
    undo.push(() => st.restoreOids(forgotten));
  }
  if (addedKeys.length > 0) undo.push(() => st.forgetOids(addedKeys));
  return () => {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
  };
}

/** True when column `c` has a pg_attrdef row (an identity column's sequence is not one). */
function hasDefault(c: ColumnDef): boolean {
  return c.defaultSql !== null || (c.sequence !== null && c.identity === undefined);
}

/** The oid-map keys of column `column`'s default and NOT NULL constraint in table `table`. */
function columnOidKeys(table: string, column: string): string[] {
  return [objectKey('d', table, column), objectKey('c', table, `${table}_${column}_not_null`)];
}

function sameKey(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** Fills table `t`'s primary key map from its live rows under its current definition. */
function rebuildPkeyMap(t: Table): void {
  t.pkey.clear();
  if (t.def.primaryKey.length === 0) return;
  for (let r = 0; r < t.slots; r++) {
    if (!t.isLive(r)) continue;
    t.pkey.set(pkeyOf(t, t.def.columns.map((_, c) => t.get(c, r))), r);
  }
}

/** ALTER TABLE ADD COLUMN in `txn`. */
export function addColumnTx(env: SqlEnv, txn: TxnState | null, name: string, column: ColumnDef, fill: Value): void {
  const ddl = env.catalog.addColumn(name, column, fill, xidOf(txn));
  registerDdl(txn, {
    commit: () => ddl.commit(),
    undo: () => {
      ddl.undo();
      env.stats.forgetOids(columnOidKeys(name, column.name));
    },
  });
}

/** ALTER TABLE DROP COLUMN in `txn`: the column's values are freed at commit. */
export function dropColumnTx(env: SqlEnv, txn: TxnState | null, name: string, column: number): void {
  const colName = env.catalog.getTable(name)?.def.columns[column]?.name;
  const ddl = env.catalog.dropColumn(name, column, xidOf(txn));
  registerForgotten(env, txn, ddl, colName === undefined ? [] : env.stats.forgetOids(columnOidKeys(name, colName)));
}

/**
 * ALTER COLUMN ... TYPE in `txn`: the table rewritten and its index structures rebuilt; the old
 * table and structures are kept until commit (as TRUNCATE's).
 */
export function rewriteColumnTx(env: SqlEnv, txn: TxnState | null, name: string, column: number, def: ColumnDef, values: readonly Value[]): Table {
  const { table, ddl } = env.catalog.rewriteColumn(name, column, def, values, xidOf(txn));
  registerRebuilt(env, txn, table, ddl);
  return table;
}

/**
 * Rebuilds `table`'s index structures over its new storage (TRUNCATE, ALTER COLUMN TYPE) and
 * registers the change `ddl` in `txn`: the old structures are freed at commit, put back on undo.
 */
function registerRebuilt(env: SqlEnv, txn: TxnState | null, table: Table, ddl: { commit(): void; undo(): void }): void {
  const old = rebuildIndexes(env, table);
  registerDdl(txn, {
    commit: () => {
      ddl.commit();
      for (const idx of old.values()) idx.dispose();
    },
    undo: () => {
      for (const [n, idx] of old) {
        env.indexes.get(n)?.dispose();
        env.indexes.set(n, idx);
      }
      ddl.undo();
    },
  });
}

/**
 * CREATE EXTENSION in `txn`. `replay`: recovery of a log whose extension record may already be
 * there (a database written before extension records existed gets its record derived from its
 * tables, catalog.resolveLegacyExtensions): then nothing changes, but the DDL entry is still
 * registered so that ROLLBACK TO SAVEPOINT records count the same entries.
 */
export function createExtensionTx(env: SqlEnv, txn: TxnState | null, ext: ExtensionRecord, replay = false): void {
  if (replay && env.catalog.getExtension(ext.name) !== undefined) {
    registerDdl(txn, { commit: () => undefined, undo: () => undefined });
    return;
  }
  registerDdl(txn, env.catalog.createExtension(ext, xidOf(txn)));
}

/** DROP EXTENSION in `txn` (its dependent objects already dropped); `replay` as {@link createExtensionTx}. */
export function dropExtensionTx(env: SqlEnv, txn: TxnState | null, name: string, replay = false): void {
  if (replay && env.catalog.getExtension(name) === undefined) {
    registerDdl(txn, { commit: () => undefined, undo: () => undefined });
    return;
  }
  registerDdl(txn, env.catalog.dropExtension(name, xidOf(txn)));
}

/** COMMENT ON INDEX in `txn` (null removes the comment). */
export function commentIndexTx(env: SqlEnv, txn: TxnState | null, name: string, comment: string | null): void {
  registerDdl(txn, env.catalog.commentIndex(name, comment, xidOf(txn)));
}

/**
 * CREATE VIEW in `txn`: the view takes its oid, then the two of its row and array types and
 * the one of its rewrite rule are spent as PostgreSQL spends them. Undone, it forgets its oid.
 */
export function createViewTx(env: SqlEnv, txn: TxnState | null, def: ViewDef): void {
  const ddl = env.catalog.createView(def, xidOf(txn));
  env.stats.relOid(def.name);
  env.stats.skipOids(3);
  registerDdl(txn, {
    commit: () => ddl.commit(),
    undo: () => {
      ddl.undo();
      env.stats.forgetOids([def.name]);
    },
  });
}

/** CREATE OR REPLACE VIEW / ALTER VIEW ... RENAME in `txn`: a renamed view keeps its oid. */
export function alterViewTx(env: SqlEnv, txn: TxnState | null, name: string, def: ViewDef): void {
  registerRenamed(env, txn, env.catalog.alterView(name, def, xidOf(txn)), name, def.name);
}

/** DROP VIEW in `txn`. */
export function dropViewTx(env: SqlEnv, txn: TxnState | null, name: string): void {
  const ddl = env.catalog.dropView(name, xidOf(txn));
  registerForgotten(env, txn, ddl, env.stats.forgetOids([name]));
}

/** CREATE TYPE ... AS ENUM in `txn` (its oids were reserved from the counter, never given back). */
export function createEnumTypeTx(env: SqlEnv, txn: TxnState | null, def: EnumTypeDef): void {
  registerDdl(txn, env.catalog.createEnumType(def, xidOf(txn)));
}

/** ALTER TYPE (ADD VALUE, RENAME VALUE, RENAME TO) in `txn`: type `name`'s new definition. */
export function alterEnumTypeTx(env: SqlEnv, txn: TxnState | null, name: string, def: EnumTypeDef): void {
  registerDdl(txn, env.catalog.alterEnumType(name, def, xidOf(txn)));
}

/** DROP TYPE in `txn` (nothing uses the type: the caller checked). */
export function dropEnumTypeTx(env: SqlEnv, txn: TxnState | null, name: string): void {
  registerDdl(txn, env.catalog.dropEnumType(name, xidOf(txn)));
}

/** CREATE SCHEMA in `txn`. */
export function createSchemaTx(env: SqlEnv, txn: TxnState | null, def: SchemaDef): void {
  registerDdl(txn, env.catalog.createSchema(def, xidOf(txn)));
}

/** DROP SCHEMA in `txn` of a schema holding no relation (the caller dropped them). */
export function dropSchemaTx(env: SqlEnv, txn: TxnState | null, name: string): void {
  registerDdl(txn, env.catalog.dropSchema(name, xidOf(txn)));
}

/**
 * ALTER SCHEMA ... RENAME TO in `txn`, after the schema's relations were renamed; the schema
 * keeps its oid.
 */
export function renameSchemaTx(env: SqlEnv, txn: TxnState | null, name: string, to: string): void {
  registerDdl(txn, env.catalog.renameSchema(name, to, xidOf(txn)));
}

/**
 * An index's new catalog key in `txn` (its table moved to another schema): its structure and
 * its oid (and its constraint's, for a primary key or UNIQUE constraint of table `table`, the
 * table's key at the time) move with it.
 */
export function renameIndexTx(env: SqlEnv, txn: TxnState | null, name: string, to: string): void {
  const d = env.catalog.getIndex(name);
  const ddl = env.catalog.renameIndex(name, to, xidOf(txn));
  const moves: [string, string][] = [[name, to]];
  if (d !== undefined) moves.push([objectKey('c', d.table, name), objectKey('c', d.table, to)]);
  env.stats.moveOids(moves);
  const idx = env.indexes.get(name);
  if (idx !== undefined) {
    env.indexes.delete(name);
    env.indexes.set(to, idx);
  }
  registerDdl(txn, {
    commit: () => ddl.commit(),
    undo: () => {
      ddl.undo();
      env.stats.moveOids(moves.map(([a, b]) => [b, a]));
      if (idx !== undefined && env.indexes.get(to) === idx) {
        env.indexes.delete(to);
        env.indexes.set(name, idx);
      }
    },
  });
}
