/**
 * The catalog: tables, sequences and index definitions by name, and the ONE set of methods
 * through which every change to stored data goes (create/drop table, insert/delete row,
 * create/drop index, sequence advance). A write-ahead log subscribes with {@link Catalog.onChange}
 * and records each {@link Change}; recovery replays them through the same methods.
 *
 * Indexes are derived data: the catalog keeps their definitions only; the SQL layer attaches
 * the built index structures (storage cannot see index/).
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { assert } from '../common/assert.js';
import { Table, withColumnAdded, withColumnDropped, type ColumnDef, type ColumnType, type TableDef, type Value } from './table.js';
import { LockWait, RowLockMode, RowLocks, type WaitBlocker } from './row_locks.js';
import { LockSessions } from './lock_sessions.js';
import { AdvisoryLocks } from './advisory_locks.js';
import { ObjectIds, type OidAssignment } from './object_ids.js';
import type { ViewDef } from './view.js';
import type { EnumTypeDef } from './enum_type.js';
import { EnumValue, enumSqlType, isEnumSqlType, enumTypeOid, hasEnumElements, type EnumSqlType } from '../types/enum_value.js';
import { PgArray, type ArrayElement } from '../types/pgarray.js';
import { splitRelationKey, type SchemaDef } from './schema_def.js';
import { checkSetval, defaultSequenceDef, freshState, nextvalStep, type Sequence, type SequenceDef, type SequenceType } from './sequence.js';

/**
 * One key of an index (PostgreSQL's pg_index.indkey entry with its indexprs / indclass /
 * indoption): a table column, or an expression over the table's columns.
 */
export interface IndexKey {
  /** Column number in the table, or -1 for an expression key. */
  column: number;
  /**
   * An expression key's SQL text (e.g. `(subvector(embedding, 1, 256))::vector(256)`), as the
   * SQL layer normalized it at CREATE INDEX; re-analyzed against the table when the index is
   * opened or planned. Null for a column key.
   */
  expr: string | null;
  /** Operator class name (`vector_cosine_ops`, `int4_ops`); '' for the primary key's keys. */
  opclass: string;
  /** DESC (ordered methods; false for the vector methods). */
  descending: boolean;
  /** NULLS FIRST (ordered methods; PostgreSQL's default is NULLS FIRST exactly for DESC). */
  nullsFirst: boolean;
}

/** A CREATE INDEX as written, enough to rebuild the index. */
export interface IndexDef {
  name: string;
  table: string;
  /** The keys, in order (at least one). */
  keys: IndexKey[];
  /**
   * The SQL text of a partial index's WHERE (re-analyzed like expression keys); null for an
   * index over every row. Rows that fail it are not in the index.
   */
  predicate: string | null;
  /** UNIQUE (the primary key's index is unique too). */
  unique: boolean;
  method: string;
  /** WITH options as written (lower-case names, text values). */
  options: [string, string][];
  /** True for the implicit PRIMARY KEY index (t_pkey); it has no method structure. */
  primaryKey: boolean;
  /**
   * True for the index of a UNIQUE constraint (named as the constraint, dropped with it);
   * absent or false for a CREATE [UNIQUE] INDEX.
   */
  constraint?: boolean;
  /**
   * False for an INVALID index (pg_index.indisvalid and indisready false): what a CREATE INDEX
   * CONCURRENTLY that failed during its build leaves. It has no structure: the planner never
   * uses it, writes do not maintain it (PostgreSQL's not-ready index), a UNIQUE one enforces
   * nothing, dumps leave it out (as pg_dump). DROP INDEX removes it, REINDEX builds it and makes
   * it valid. Absent: valid.
   */
  valid?: false;
  /** COMMENT ON INDEX text (pg_description); absent when none. */
  comment?: string;
}

/** `def` as a valid index (REINDEX of an INVALID one). */
export function validIndexDef(def: IndexDef): IndexDef {
  if (def.valid !== false) return def;
  const { valid: _invalid, ...rest } = def;
  return rest;
}

/** A key on table column `column` with operator class `opclass`, ascending, NULLS LAST. */
export function columnKey(column: number, opclass: string): IndexKey {
  return { column, expr: null, opclass, descending: false, nullsFirst: false };
}

/** True for an index over every row whose one key is plain column `column`. */
export function isColumnIndex(def: IndexDef, column: number): boolean {
  return def.keys.length === 1 && def.keys[0]!.expr === null && def.keys[0]!.column === column && def.predicate === null;
}

/**
 * Every change to stored data, in the order it happened. The catalog reports each one to
 * {@link Catalog.onChange} BEFORE applying it (write-ahead), so a change the log refused is
 * never visible. Row changes carry the id of their transaction; `commit`/`abort` end one.
 */
export type Change =
  | { kind: 'createTable'; xid: number; def: TableDef; sequences: readonly string[] }
  | { kind: 'dropTable'; xid: number; name: string }
  | { kind: 'truncate'; xid: number; name: string }
  | { kind: 'insert'; xid: number; table: Table; rowId: number; values: readonly Value[]; pkey: unknown }
  /** Rows `rowId` .. `rowId + rows.length - 1`, appended in order by one statement. */
  | { kind: 'insertRows'; xid: number; table: Table; rowId: number; rows: readonly (readonly Value[])[]; pkeys: readonly unknown[] }
  | { kind: 'delete'; xid: number; table: Table; rowId: number; pkey: unknown }
  | { kind: 'commit'; xid: number }
  | { kind: 'abort'; xid: number }
  | { kind: 'createIndex'; xid: number; def: IndexDef }
  | { kind: 'dropIndex'; xid: number; name: string }
  | { kind: 'sequence'; name: string; last: bigint; called: boolean }
  | { kind: 'createSequence'; xid: number; def: SequenceDef; last: bigint; called: boolean }
  | { kind: 'alterSequence'; xid: number; name: string; def: SequenceDef; last: bigint; called: boolean }
  | { kind: 'dropSequence'; xid: number; name: string }
  | { kind: 'rollbackTo'; xid: number; undo: readonly UndoneWrite[] }
  | { kind: 'alterTable'; xid: number; name: string; def: TableDef }
  | { kind: 'addColumn'; xid: number; name: string; column: ColumnDef; fill: Value }
  | { kind: 'dropColumn'; xid: number; name: string; column: number }
  | { kind: 'rewriteColumn'; xid: number; name: string; column: number; def: ColumnDef; values: readonly Value[] }
  | { kind: 'createExtension'; xid: number; ext: ExtensionRecord }
  | { kind: 'dropExtension'; xid: number; name: string }
  | { kind: 'commentIndex'; xid: number; name: string; comment: string | null }
  | { kind: 'createView'; xid: number; def: ViewDef }
  /** CREATE OR REPLACE VIEW, ALTER VIEW ... RENAME: view `name` gets definition `def` (a new name renames it). */
  | { kind: 'alterView'; xid: number; name: string; def: ViewDef }
  | { kind: 'dropView'; xid: number; name: string }
  | { kind: 'createType'; xid: number; def: EnumTypeDef }
  /** A type's new definition (labels added or renamed; a new name renames it). */
  | { kind: 'alterType'; xid: number; name: string; def: EnumTypeDef }
  | { kind: 'dropType'; xid: number; name: string }
  | { kind: 'createSchema'; xid: number; def: SchemaDef }
  | { kind: 'dropSchema'; xid: number; name: string }
  /** ALTER SCHEMA ... RENAME TO (the schema keeps its oid; its relations are renamed by their own changes). */
  | { kind: 'renameSchema'; xid: number; name: string; to: string }
  /** An index's new catalog key (its table moved to another schema, ALTER TABLE ... SET SCHEMA). */
  | { kind: 'renameIndex'; xid: number; name: string; to: string }
  /** Object ids handed out (none: skipped) and the counter after them; never undone. */
  | { kind: 'oids'; assigned: readonly OidAssignment[]; next: number };

/**
 * An installed extension (PostgreSQL's pg_extension row): what CREATE EXTENSION records and
 * DROP EXTENSION removes. Only its name and version are stored; its oid, schema and comment
 * are fixed by the SQL layer.
 */
export interface ExtensionRecord {
  name: string;
  version: string;
}

/** Column types that belong to the vector extension (pgvector's types and their arrays). */
const EXTENSION_TYPES: ReadonlySet<string> = new Set(['vector', 'halfvec', 'sparsevec', 'vector[]', 'halfvec[]', 'sparsevec[]']);
/**
 * The name under which uncommitted CREATE / DROP EXTENSION holds its lock (no relation name
 * holds a NUL): while it is held, checkpoints wait for the transaction to end.
 */
function extensionLockName(name: string): string {
  return `\0extension ${name}`;
}

/** The name under which uncommitted DDL of enum type `name` holds its lock (no relation name holds a NUL). */
function typeLockName(name: string): string {
  return `\0type ${name}`;
}

/** The name under which uncommitted DDL of schema `name` holds its lock (no relation name holds a NUL). */
function schemaLockName(name: string): string {
  return `\0schema ${name}`;
}

/** Index methods that belong to the vector extension. */
const EXTENSION_METHODS: ReadonlySet<string> = new Set(['hnsw', 'ivfflat']);

/**
 * One write undone by ROLLBACK TO SAVEPOINT, newest first, as its log record lists them: a row
 * insert or delete (by table name and row id), or the transaction's newest DDL change not yet
 * undone (`ddl`: recovery undoes the same DDL entry it replayed).
 */
export type UndoneWrite = { kind: 'insert' | 'delete'; table: string; rowId: number } | { kind: 'ddl' };

/**
 * What a DDL change leaves to its transaction's end: `commit` frees what it replaced or
 * dropped (storage is freed only then), `undo` puts the catalog back as it was (ROLLBACK,
 * ROLLBACK TO SAVEPOINT, an error, recovery of a transaction without a commit record). Neither
 * is logged: the transaction's commit, abort or rollback-to record is.
 */
export interface DdlUndo {
  commit(): void;
  undo(): void;
}

/**
 * A lock on a relation held by a transaction's uncommitted DDL until it ends (PostgreSQL's
 * relation locks, held to the end of the transaction). `create`: the relation is the
 * transaction's own and invisible to others (42P01 for them); `exclusive` (DROP, TRUNCATE,
 * ALTER): others get 55P03 on any use, where PostgreSQL would make them wait; `share`
 * (CREATE INDEX on the table): others may read it, their writes and DDL get 55P03.
 */
export type RelationLockMode = 'create' | 'exclusive' | 'share';

/** 55P03, where PostgreSQL would wait for another transaction's lock on `name`. */
export function lockNotAvailable(name: string): PgError {
  return new PgError('55P03', `could not obtain lock on relation "${name}"`);
}

/**
 * 40001: another transaction deleted or updated the row (a holder the engine cannot wait for:
 * one no longer known to be in flight).
 */
export function concurrentUpdateError(): PgError {
  return new PgError('40001', 'could not serialize access due to concurrent update');
}

/**
 * The signal a statement throws where PostgreSQL would wait for a relation lock that CREATE
 * INDEX CONCURRENTLY's build holds (its ShareUpdateExclusiveLock on the table): DDL and VACUUM
 * of the table. The engine awaits `done` (the build's registration ended) and runs the
 * statement again, under lock_timeout and statement_timeout (engine/lock_wait.ts); where it
 * cannot wait the statement fails with 55P03. It is in no wait-for graph: a build never waits
 * for a transaction, so no cycle can go through it.
 */
export class RelationWait extends LockWait {
  constructor(table: string, readonly done: Promise<void>) {
    super(0, table, -1);
  }

  /** 55P03 `could not obtain lock on relation "<table>"`. */
  override unavailable(): PgError {
    return lockNotAvailable(this.table);
  }

  /** No session is waited for (the build waits for none: no cycle), only the build's registration. */
  override blocker(): WaitBlocker {
    return { waitsFor: () => [], what: '', ended: this.done };
  }
}

/** One CREATE INDEX CONCURRENTLY registered in the catalog (see Catalog's `concurrentBuilds`). */
interface ConcurrentBuildEntry {
  table: string;
  cancel: () => void;
  /** Resolves when the registration ends (statements waiting for the table run again then). */
  ended: Promise<void>;
  end: () => void;
}

export class Catalog {
  private readonly tables = new Map<string, Table>();
  private readonly indexes = new Map<string, IndexDef>();
  private readonly sequences = new Map<string, Sequence>();
  /** Views by name, in creation order. */
  private readonly views = new Map<string, ViewDef>();
  /** Installed extensions by name, in creation order (see {@link extensionsKnown}). */
  private readonly extensions = new Map<string, ExtensionRecord>();
  /** User-defined enum types by name (all in schema public); listed in oid order. */
  private readonly enumTypes = new Map<string, EnumTypeDef>();
  /**
   * The one value object of each enum label, by pg_enum oid (types/enum_value.ts): rows,
   * constants and index keys refer to these, and a label's rename or new sort position
   * changes the object in place ({@link syncEnumValues}). Labels of a dropped or rolled-back
   * type stay (their oids are never reused).
   */
  private readonly enumValues = new Map<number, EnumValue>();
  /**
   * Labels ALTER TYPE ... ADD VALUE added in a transaction still in flight, by pg_enum oid:
   * the adding transaction, which may not use them yet (55P04), as PostgreSQL's
   * EnsureEnumValueIsUsable; to others they do not exist yet.
   */
  private readonly pendingEnumLabels = new Map<number, number>();
  /** Schemas CREATE SCHEMA made (schema_def.ts), by name; `public` and the system ones are not here. */
  private readonly schemas = new Map<string, SchemaDef>();
  /**
   * False for a database whose checkpoint was written before extension records existed: its
   * record of `vector` is derived from its tables ({@link resolveLegacyExtensions}) at the
   * end of the open, or before the first extension change replayed or run, whichever is first.
   */
  extensionsKnown = true;
  /** Bumped by every DDL change; prepared statements re-analyze when it moves. */
  version = 0;
  /** The next transaction id to hand out (1 is the first; ids are never reused). */
  nextXid = 1;
  /**
   * Called with each change before it is applied (a write-ahead log hooks in here). If it
   * throws, the change is not applied and the error propagates.
   */
  onChange: ((c: Change) => void) | null = null;
  /**
   * The object ids of tables, indexes, sequences, constraints and defaults (object_ids.ts),
   * logged as `oids` changes and stored with each checkpoint.
   */
  readonly oids = new ObjectIds();
  /** Row locks, transactions in flight and lock waits (row_locks.ts); not logged. */
  readonly rowLocks = new RowLocks();
  /** Advisory locks of the database's sessions (pg_advisory_lock and its family). */
  readonly advisoryLocks = new AdvisoryLocks();
  /** The sessions of the database as pg_locks shows them (storage/lock_sessions.ts). */
  readonly lockSessions = new LockSessions();
  /** Relations locked by uncommitted DDL: name -> holder. */
  private readonly locks = new Map<string, { xid: number; mode: RelationLockMode }>();
  /**
   * Indexes CREATE INDEX CONCURRENTLY is building, by name: their table and how to stop the
   * build. In memory only (nothing is logged before the build ends), never part of a
   * transaction. The name is taken ({@link relationExists}) and the table is held as by
   * PostgreSQL's ShareUpdateExclusiveLock: rows may be read and written, DDL of it and VACUUM
   * wait for the build to end ({@link lockRelation}, {@link checkConcurrentBuild}: a
   * {@link RelationWait}).
   */
  private readonly concurrentBuilds = new Map<string, ConcurrentBuildEntry>();
  /**
   * The transaction on whose behalf the SQL layer looks names up (set per statement by the
   * session running it; null in recovery and between statements): relations another
   * transaction created are invisible to it, ones another one dropped or altered are 55P03.
   */
  viewer: { readonly xid: number } | null = null;

  /**
   * A table by name as the {@link viewer} sees it.
   * @throws PgError 55P03 when another transaction's uncommitted DDL holds it exclusively.
   */
  getTable(name: string): Table | undefined {
    const t = this.tables.get(name);
    if (this.locks.size === 0) return t;
    return this.visible(name) ? t : undefined;
  }

  /** A table by name regardless of uncommitted DDL (commit, rollback, logging, checkpoints). */
  peekTable(name: string): Table | undefined {
    return this.tables.get(name);
  }

  /** As {@link getTable}, for index definitions. */
  getIndex(name: string): IndexDef | undefined {
    const d = this.indexes.get(name);
    if (this.locks.size === 0) return d;
    return this.visible(name) ? d : undefined;
  }

  /**
   * False when `name` was created by another transaction's uncommitted DDL.
   * @throws PgError 55P03 when another transaction holds it exclusively.
   */
  private visible(name: string): boolean {
    const l = this.locks.get(name);
    const viewer = this.viewer;
    if (l === undefined || viewer === null || l.xid === viewer.xid) return true;
    if (l.mode === 'create') return false;
    if (l.mode === 'exclusive') throw lockNotAvailable(name);
    return true;
  }

  constructor() {
    this.oids.onAssign = (assigned, next) => this.onChange?.({ kind: 'oids', assigned, next });
  }

  /** True while some transaction holds uncommitted DDL (checkpoints wait for it to end). */
  get ddlInFlight(): boolean {
    return this.locks.size > 0;
  }

  /**
   * A key for analyses cached across sessions: the same for every transaction while no DDL is
   * in flight, otherwise per transaction (they see different catalogs).
   */
  viewKey(): number {
    return this.locks.size === 0 ? 0 : (this.viewer?.xid || -1);
  }

  /**
   * Takes a lock on `name` for `xid`'s DDL (xid 0: an old log record, no lock). A stronger
   * mode replaces a weaker one of the same transaction.
   * @throws PgError 55P03 when another transaction holds a lock on it.
   */
  lockRelation(name: string, xid: number, mode: RelationLockMode): void {
    if (xid === 0) return;
    this.checkConcurrentBuild(name);
    const l = this.locks.get(name);
    if (l !== undefined && l.xid !== xid) throw lockNotAvailable(name);
    if (l !== undefined && (l.mode === 'create' || (l.mode === 'exclusive' && mode === 'share'))) return;
    this.locks.set(name, { xid, mode });
  }

  /**
   * A row write by `xid` into `name`: refused while another transaction's DDL holds it. A
   * CREATE INDEX's SHARE lock makes the writer wait for that transaction instead (PostgreSQL's
   * ROW EXCLUSIVE request queues behind SHARE): the statement throws a LockWait on it.
   * @throws LockWait (row -1) for a SHARE lock; PgError 55P03 for the other locks.
   */
  checkWrite(name: string, xid: number): void {
    if (this.locks.size === 0) return;
    const l = this.locks.get(name);
    if (l === undefined || l.xid === xid || xid === 0) return;
    if (l.mode === 'share') throw new LockWait(l.xid, name, -1);
    throw lockNotAvailable(name);
  }

  /** Releases every lock of `xid` (its transaction ended); bumps the version if any. */
  releaseLocks(xid: number): void {
    if (this.locks.size === 0) return;
    let any = false;
    for (const [name, l] of this.locks) {
      if (l.xid === xid) {
        this.locks.delete(name);
        any = true;
      }
    }
    if (any) this.version++;
  }

  /** Index definitions of one table, in creation order. */
  indexesOf(table: string): IndexDef[] {
    const out: IndexDef[] = [];
    for (const d of this.indexes.values()) if (d.table === table) out.push(d);
    return out;
  }

  /** Table names the {@link viewer} sees (tables others created uncommitted are left out). */
  tableNames(): string[] {
    const names = [...this.tables.keys()];
    if (this.locks.size === 0) return names;
    const viewer = this.viewer;
    if (viewer === null) return names;
    return names.filter((n) => {
      const l = this.locks.get(n);
      return l === undefined || l.mode !== 'create' || l.xid === viewer.xid;
    });
  }

  /** Every table name, whatever the transactions in flight (checkpoints). */
  allTableNames(): string[] {
    return [...this.tables.keys()];
  }

  /** Index definitions the {@link viewer} sees (those others created uncommitted are left out). */
  allIndexes(): IndexDef[] {
    const defs = [...this.indexes.values()];
    if (this.locks.size === 0 || this.viewer === null) return defs;
    const xid = this.viewer.xid;
    const hidden = (name: string): boolean => {
      const l = this.locks.get(name);
      return l !== undefined && l.mode === 'create' && l.xid !== xid;
    };
    return defs.filter((d) => !hidden(d.name) && !hidden(d.table));
  }

  /** Every sequence, whatever the transactions in flight (checkpoints, dumps), in creation order. */
  allSequences(): Sequence[] {
    return [...this.sequences.values()];
  }

  /** The sequences OWNED BY a column of table `table` (serial and identity columns' among them). */
  sequencesOwnedBy(table: string): Sequence[] {
    return [...this.sequences.values()].filter((q) => q.def.ownedBy?.table === table);
  }

  /**
   * A sequence by name as the {@link viewer} sees it (live: nextval changes its state).
   * @throws PgError 55P03 when another transaction's uncommitted DDL holds it exclusively.
   */
  getSequence(name: string): Sequence | undefined {
    const q = this.sequences.get(name);
    if (q === undefined || this.locks.size === 0) return q;
    return this.visible(name) ? q : undefined;
  }

  /**
   * True when a table, index or sequence already uses `name` (one relation namespace).
   * @throws PgError 55P03 when another transaction's uncommitted DDL holds the name (it may
   *   still commit or roll back; PostgreSQL would wait).
   */
  relationExists(name: string): boolean {
    const l = this.locks.get(name);
    if (l !== undefined && l.mode !== 'share' && this.viewer !== null && l.xid !== this.viewer.xid) throw lockNotAvailable(name);
    return this.tables.has(name) || this.indexes.has(name) || this.sequences.has(name) || this.views.has(name) || this.concurrentBuilds.has(name);
  }

  /**
   * A view by name as the {@link viewer} sees it.
   * @throws PgError 55P03 when another transaction's uncommitted DDL holds it exclusively.
   */
  getView(name: string): ViewDef | undefined {
    const v = this.views.get(name);
    if (v === undefined || this.locks.size === 0) return v;
    return this.visible(name) ? v : undefined;
  }

  /** The views the {@link viewer} sees (others' uncommitted ones left out), in creation order. */
  viewsVisible(): ViewDef[] {
    const defs = [...this.views.values()];
    if (this.locks.size === 0 || this.viewer === null) return defs;
    const xid = this.viewer.xid;
    return defs.filter((d) => {
      const l = this.locks.get(d.name);
      return l === undefined || l.mode !== 'create' || l.xid === xid;
    });
  }

  /** Every view, whatever the transactions in flight (checkpoints), in creation order. */
  allViews(): ViewDef[] {
    return [...this.views.values()];
  }

  /** Installs a view read from a checkpoint (recovery only; not logged). */
  adoptView(def: ViewDef): void {
    this.views.set(def.name, def);
  }

  /**
   * CREATE VIEW for transaction `xid` (invisible to others until it ends).
   * @throws PgError 42P07 when the name is taken; 42710 when an enum type has it; 55P03 when
   *   another transaction holds it.
   */
  createView(def: ViewDef, xid = 0): DdlUndo {
    if (this.relationExists(def.name)) throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    this.checkNoTypeNamed(def.name);
    this.onChange?.({ kind: 'createView', xid, def });
    const undo = this.replaceNamed(this.views, null, def.name, def);
    this.lockRelation(def.name, xid, 'create');
    return undo;
  }

  /**
   * Gives view `name` definition `def` for transaction `xid` (CREATE OR REPLACE VIEW; a new
   * name renames it, a new column name renames the column); the undo puts the old one back.
   * @throws PgError 42P01 when missing; 42P07 when the new name is taken (42710 by an enum
   *   type); 55P03.
   */
  alterView(name: string, def: ViewDef, xid = 0): DdlUndo {
    const old = this.views.get(name);
    if (old === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    const renamed = def.name !== name;
    if (renamed && this.relationExists(def.name)) throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    // The view's row type is renamed with it (RenameTypeInternal).
    if (renamed && this.enumTypes.has(def.name)) throw new PgError(SQLSTATE.duplicate_object, `type "${def.name}" already exists`);
    this.lockRelation(name, xid, 'exclusive');
    if (renamed) this.lockRelation(def.name, xid, 'create');
    this.onChange?.({ kind: 'alterView', xid, name, def });
    return this.replaceNamed(this.views, name, def.name, def);
  }

  /**
   * DROP VIEW for transaction `xid`; the undo puts it back.
   * @throws PgError 42P01 when missing; 55P03 when another transaction holds it.
   */
  dropView(name: string, xid = 0): DdlUndo {
    if (!this.views.has(name)) throw new PgError(SQLSTATE.undefined_table, `view "${name}" does not exist`);
    this.lockRelation(name, xid, 'exclusive');
    this.onChange?.({ kind: 'dropView', xid, name });
    return this.replaceNamed(this.views, name, null, null);
  }

  /**
   * Registers CREATE INDEX CONCURRENTLY's build of index `name` on `table` (see
   * {@link concurrentBuilds}); `cancel` stops it (close()). The name may be that of the build's
   * own INVALID definition on `table`.
   * @throws PgError 42P07 when the name is taken otherwise; RelationWait when `table` is already under one
   *   (the second build waits for the first, as PostgreSQL's lock conflicts with itself).
   */
  startConcurrentBuild(name: string, table: string, cancel: () => void): void {
    this.checkConcurrentBuild(table);
    // A CREATE INDEX CONCURRENTLY committed its INVALID definition just before.
    const own = this.indexes.get(name);
    if (own === undefined || own.valid !== false || own.table !== table) if (this.relationExists(name)) throw new PgError(SQLSTATE.duplicate_table, `relation "${name}" already exists`);
    let end = (): void => undefined;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    this.concurrentBuilds.set(name, { table, cancel, ended, end });
  }

  /** Ends the registration of {@link startConcurrentBuild} (the build ended, one way or another). */
  endConcurrentBuild(name: string): void {
    const b = this.concurrentBuilds.get(name);
    if (b === undefined) return;
    this.concurrentBuilds.delete(name);
    b.end();
  }

  /**
   * DDL or VACUUM of `table` while CREATE INDEX CONCURRENTLY builds an index on it: the
   * statement waits for the build to end (PostgreSQL's ShareUpdateExclusiveLock).
   * @throws RelationWait (55P03 `could not obtain lock on relation "<table>"` where the
   *   statement cannot wait).
   */
  checkConcurrentBuild(table: string): void {
    if (this.concurrentBuilds.size === 0) return;
    for (const b of this.concurrentBuilds.values()) if (b.table === table) throw new RelationWait(table, b.ended);
  }

  /** The registration of a CREATE INDEX CONCURRENTLY building index `name`, as a wait for its end; null when none. */
  concurrentBuildWait(name: string): RelationWait | null {
    const b = this.concurrentBuilds.get(name);
    return b === undefined ? null : new RelationWait(b.table, b.ended);
  }

  /** Stops every concurrent build (the database closes); each frees its structure when it settles. */
  cancelConcurrentBuilds(): void {
    for (const b of this.concurrentBuilds.values()) {
      b.cancel();
      b.end();
    }
  }

  /** A new transaction id. Not logged: ids only need to be unique among the log's records. */
  allocXid(): number {
    return this.nextXid++;
  }

  /** Transaction `xid` (from {@link allocXid}) began on the session with process id `pid`. */
  beginXid(xid: number, pid: number): void {
    this.rowLocks.begin(xid, pid);
  }

  /**
   * Creates a table and its sequences (`sequences` names, start at 0 = nothing issued yet) for
   * transaction `xid` (0: outside any, as old log records), which holds it invisible to others
   * until it ends. The undo removes it again.
   * @throws PgError 42P07 when the name is taken; 55P03 when another transaction's DDL holds it.
   */
  createTable(def: TableDef, sequences: readonly string[] = [], xid = 0): { table: Table; ddl: DdlUndo } {
    if (this.relationExists(def.name)) {
      throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    }
    this.checkNoTypeNamed(def.name);
    this.onChange?.({ kind: 'createTable', xid, def, sequences });
    const t = new Table(def);
    this.tables.set(def.name, t);
    for (const s of sequences) this.sequences.set(s, ownedSequence(def, s));
    this.lockRelation(def.name, xid, 'create');
    this.version++;
    const ddl: DdlUndo = {
      commit: () => undefined,
      undo: () => {
        if (this.tables.get(def.name) !== t) return;
        for (const d of this.indexesOf(def.name)) this.indexes.delete(d.name);
        for (const s of sequences) this.sequences.delete(s);
        this.tables.delete(def.name);
        t.dispose();
        this.version++;
      },
    };
    return { table: t, ddl };
  }

  /** Installs a table read from a checkpoint (recovery only; not logged). */
  adoptTable(t: Table): void {
    this.tables.set(t.name, t);
    // Rows of enum columns were read as copies of their labels' values: intern them.
    const cols = t.def.columns.flatMap((c, i) => (hasEnumElements(c.type) ? [i] : []));
    for (const c of cols) {
      for (let r = 0; r < t.slots; r++) {
        const v = t.get(c, r);
        const mine = this.internEnum(v);
        if (mine !== v) t.setValue(c, r, mine);
      }
    }
    this.version++;
  }

  /**
   * Sets a sequence's state from a log record or a checkpoint (recovery only; not logged). A
   * sequence the catalog does not hold is ignored (its table's record was not replayed).
   */
  setSequence(name: string, last: bigint, called: boolean): void {
    const q = this.sequences.get(name);
    if (q !== undefined) q.state = { last, logCnt: 0, called, needsLog: false };
  }

  /** Installs a sequence read from a checkpoint (recovery only; not logged). */
  adoptSequence(def: SequenceDef, last: bigint, called: boolean): void {
    this.sequences.set(def.name, { def, state: { last, logCnt: 0, called, needsLog: false } });
  }

  /**
   * After a checkpoint: the next nextval of every sequence logs again, so that replay from the
   * checkpoint never hands out a value given out after it (PostgreSQL compares the sequence
   * page's LSN with the redo pointer).
   */
  sequencesCheckpointed(): void {
    for (const q of this.sequences.values()) q.state.needsLog = true;
  }

  /**
   * CREATE SEQUENCE for transaction `xid` (invisible to others until it ends).
   * @throws PgError 42P07 when the name is taken; 55P03 when another transaction holds it.
   */
  createSequence(def: SequenceDef, xid = 0, last: bigint = def.start, called = false): DdlUndo {
    if (this.relationExists(def.name)) throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    this.checkNoTypeNamed(def.name);
    this.onChange?.({ kind: 'createSequence', xid, def, last, called });
    const q: Sequence = { def, state: { ...freshState(last), called } };
    this.sequences.set(def.name, q);
    this.lockRelation(def.name, xid, 'create');
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        if (this.sequences.get(def.name) === q) this.sequences.delete(def.name);
        this.version++;
      },
    };
  }

  /**
   * ALTER SEQUENCE for transaction `xid`: a new definition (a new name renames it) and state;
   * the undo restores both (nextval calls in between are lost with it, as PostgreSQL's
   * transactional ALTER SEQUENCE loses them).
   * @throws PgError 42P01 when missing; 42P07 when the new name is taken; 55P03.
   */
  alterSequence(name: string, def: SequenceDef, last: bigint, called: boolean, xid = 0, logCnt = 0): DdlUndo {
    const q = this.sequences.get(name);
    if (q === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    const renamed = def.name !== name;
    if (renamed && this.relationExists(def.name)) throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    this.lockRelation(name, xid, 'exclusive');
    if (renamed) this.lockRelation(def.name, xid, 'create');
    this.onChange?.({ kind: 'alterSequence', xid, name, def, last, called });
    if (logCnt > 0 && called) {
      // log_cnt kept (a rename, OWNED BY): the values nextval may still hand out unlogged
      // must not come back after a crash, so their end is logged as nextval would have.
      let ahead = last + BigInt(logCnt) * def.increment;
      if (ahead > def.max) ahead = def.max;
      if (ahead < def.min) ahead = def.min;
      this.onChange?.({ kind: 'sequence', name: def.name, last: ahead, called: true });
    }
    // Changed in place: the object is the sequence's identity (PostgreSQL's oid), which the
    // sessions' currval state refers to.
    const old = { def: q.def, state: q.state };
    // A rename or move to another schema (only the name differs, the state is the same) is a
    // pg_class change in PostgreSQL: undoing it keeps the nextval calls made since, which
    // are never rolled back. Another change rewrites the sequence, and its undo loses them.
    const d0 = q.def;
    const nameOnly = last === q.state.last && called === q.state.called && logCnt === q.state.logCnt && d0.type === def.type && d0.start === def.start &&
      d0.increment === def.increment && d0.min === def.min && d0.max === def.max && d0.cache === def.cache && d0.cycle === def.cycle;
    q.def = def;
    q.state = { last, logCnt, called, needsLog: q.state.needsLog };
    this.sequences.delete(name);
    this.sequences.set(def.name, q);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        this.sequences.delete(def.name);
        q.def = nameOnly ? { ...q.def, name: old.def.name, ownedBy: old.def.ownedBy } : old.def;
        if (!nameOnly) q.state = old.state;
        this.sequences.set(name, q);
        this.version++;
      },
    };
  }

  /**
   * DROP SEQUENCE for transaction `xid`; the undo puts it back with its state.
   * @throws PgError 42P01 when missing; 55P03 when another transaction holds it.
   */
  dropSequence(name: string, xid = 0): DdlUndo {
    const q = this.sequences.get(name);
    if (q === undefined) throw new PgError(SQLSTATE.undefined_table, `sequence "${name}" does not exist`);
    this.lockRelation(name, xid, 'exclusive');
    this.onChange?.({ kind: 'dropSequence', xid, name });
    this.sequences.delete(name);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        this.sequences.set(name, q);
        this.version++;
      },
    };
  }

  /**
   * COMMENT ON INDEX for transaction `xid` (null removes the comment); the undo puts the old
   * definition back.
   * @throws PgError 42P01 when the index is missing; 55P03 when another transaction holds it.
   */
  commentIndex(name: string, comment: string | null, xid = 0): DdlUndo {
    const d = this.indexes.get(name);
    if (d === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    this.lockRelation(name, xid, 'exclusive');
    this.onChange?.({ kind: 'commentIndex', xid, name, comment });
    const next: IndexDef = { ...d };
    if (comment === null) delete next.comment;
    else next.comment = comment;
    this.indexes.set(name, next);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        if (this.indexes.get(name) === next) this.indexes.set(name, d);
        this.version++;
      },
    };
  }

  /**
   * Holds extension `name` for `xid`'s DDL until it ends.
   * @throws PgError 55P03 `could not obtain lock on extension "name"` while another
   *   transaction's uncommitted CREATE / DROP EXTENSION holds it (PostgreSQL would wait).
   */
  private lockExtension(name: string, xid: number): void {
    const l = this.locks.get(extensionLockName(name));
    if (l !== undefined && l.xid !== xid && xid !== 0) throw new PgError('55P03', `could not obtain lock on extension "${name}"`);
    this.lockRelation(extensionLockName(name), xid, 'exclusive');
  }

  /**
   * The transaction other than `xid` whose uncommitted CREATE / DROP EXTENSION holds extension
   * `name`, or 0. PostgreSQL's second CREATE EXTENSION waits for it (on the unique index entry
   * of pg_extension's name): the caller throws a LockWait on it.
   */
  extensionHolder(name: string, xid: number): number {
    const l = this.locks.get(extensionLockName(name));
    return l !== undefined && l.xid !== xid && this.rowLocks.inFlight(l.xid) ? l.xid : 0;
  }

  /** An installed extension by name, or undefined. */
  getExtension(name: string): ExtensionRecord | undefined {
    this.resolveLegacyExtensions();
    return this.extensions.get(name);
  }

  /** Every installed extension, in creation order (checkpoints, pg_extension). */
  allExtensions(): ExtensionRecord[] {
    this.resolveLegacyExtensions();
    return [...this.extensions.values()];
  }

  /** Installs an extension of a checkpoint's metadata (not logged). */
  adoptExtension(ext: ExtensionRecord): void {
    this.extensions.set(ext.name, ext);
  }

  /**
   * A database written before extension records existed had the vector extension whenever it
   * had a column of one of its types or an index of one of its methods (CREATE EXTENSION was
   * accepted and not recorded): it gets the record `vector` 0.8.7 then, none otherwise. Runs
   * once, on the state as it stands; a no-op when the record is known.
   */
  resolveLegacyExtensions(): void {
    if (this.extensionsKnown) return;
    this.extensionsKnown = true;
    const usesVector =
      [...this.tables.values()].some((t) => t.def.columns.some((c) => EXTENSION_TYPES.has(c.type))) ||
      [...this.indexes.values()].some((d) => EXTENSION_METHODS.has(d.method));
    if (usesVector && !this.extensions.has('vector')) this.extensions.set('vector', { name: 'vector', version: '0.8.7' });
  }

  /**
   * CREATE EXTENSION for transaction `xid`; the undo removes the record.
   * @throws PgError 42710 when it exists.
   */
  createExtension(ext: ExtensionRecord, xid = 0): DdlUndo {
    this.resolveLegacyExtensions();
    if (this.extensions.has(ext.name)) throw new PgError(SQLSTATE.duplicate_object, `extension "${ext.name}" already exists`);
    this.lockExtension(ext.name, xid);
    this.onChange?.({ kind: 'createExtension', xid, ext });
    this.extensions.set(ext.name, ext);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        this.extensions.delete(ext.name);
        this.version++;
      },
    };
  }

  /**
   * DROP EXTENSION for transaction `xid` (its dependent objects were dropped first); the undo
   * puts the record back in its place.
   * @throws PgError 42704 when it does not exist.
   */
  dropExtension(name: string, xid = 0): DdlUndo {
    this.resolveLegacyExtensions();
    const ext = this.extensions.get(name);
    if (ext === undefined) throw new PgError(SQLSTATE.undefined_object, `extension "${name}" does not exist`);
    this.lockExtension(name, xid);
    this.onChange?.({ kind: 'dropExtension', xid, name });
    const before = [...this.extensions.values()];
    this.extensions.delete(name);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        this.extensions.clear();
        for (const e of before) this.extensions.set(e.name, e);
        this.version++;
      },
    };
  }

  /**
   * The kind of relation whose row type has `name` as the {@link viewer} sees it, or undefined.
   * Tables and views have one in PostgreSQL (heap_create_with_catalog); sequences and indexes
   * do not.
   */
  rowTypeRelation(name: string): 'table' | 'view' | undefined {
    if (this.getTable(name) !== undefined) return 'table';
    return this.getView(name) !== undefined ? 'view' : undefined;
  }

  /**
   * A new relation checks that no type has its name, as PostgreSQL's heap_create_with_catalog
   * (also for a sequence, which takes no row type; a renamed table's or view's row type is
   * renamed too: {@link alterTable} and {@link alterView} check the same).
   * @throws PgError 42710 `type "x" already exists` when an enum type has it.
   */
  private checkNoTypeNamed(name: string): void {
    if (this.enumTypes.has(name)) {
      throw new PgError(SQLSTATE.duplicate_object, `type "${name}" already exists`, {
        hint: "A relation has an associated type of the same name, so you must use a name that doesn't conflict with any existing type.",
      });
    }
  }

  /**
   * An enum type by name as the {@link viewer} sees it (one another transaction created and
   * has not committed is not there), or undefined.
   */
  getEnumType(name: string): EnumTypeDef | undefined {
    const d = this.enumTypes.get(name);
    return d === undefined || this.typeVisible(name) ? d : undefined;
  }

  /** As {@link getEnumType}, by the oid of the type or of its array type. */
  enumTypeByOid(oid: number): EnumTypeDef | undefined {
    for (const d of this.enumTypes.values()) if ((d.oid === oid || d.arrayOid === oid) && this.typeVisible(d.name)) return d;
    return undefined;
  }

  /** Every enum type the {@link viewer} sees, in creation (oid) order (pg_type, pg_enum, dumps). */
  allEnumTypes(): EnumTypeDef[] {
    return this.peekEnumTypes().filter((d) => this.typeVisible(d.name));
  }

  /** Every enum type regardless of uncommitted DDL, in creation (oid) order (checkpoints). */
  peekEnumTypes(): EnumTypeDef[] {
    return [...this.enumTypes.values()].sort((a, b) => a.oid - b.oid);
  }

  /** False when type `name` was created by another transaction's uncommitted DDL. */
  private typeVisible(name: string): boolean {
    return this.objectVisible(typeLockName(name));
  }

  /**
   * False when the object whose DDL lock is `lockKey` (a type's, a schema's) was created by
   * another transaction's uncommitted DDL.
   */
  private objectVisible(lockKey: string): boolean {
    if (this.locks.size === 0) return true;
    const l = this.locks.get(lockKey);
    return l === undefined || this.viewer === null || l.xid === this.viewer.xid || l.mode !== 'create';
  }

  /** Installs an enum type of a checkpoint's metadata (not logged). */
  adoptEnumType(def: EnumTypeDef): void {
    this.enumTypes.set(def.name, def);
    this.syncEnumValues(def);
  }

  /** Makes the interned value of each of `def`'s labels carry the label and sort position `def` gives it. */
  private syncEnumValues(def: EnumTypeDef): void {
    for (const l of def.labels) {
      const v = this.enumValues.get(l.oid);
      if (v === undefined) {
        this.enumValues.set(l.oid, new EnumValue(l.oid, l.label, l.sortOrder));
      } else {
        v.label = l.label;
        v.sortOrder = l.sortOrder;
      }
    }
  }

  /**
   * The value of `label` of enum type `def` as transaction `xid` (0: none) may use it: the
   * interned value; `pending` when `xid` itself added the label by an ALTER TYPE ... ADD VALUE
   * still in flight to a type it did not create (unusable until it commits: 55P04); null when
   * the type has no such label (or another transaction is adding it).
   */
  enumLabelValue(def: EnumTypeDef, label: string, xid: number): EnumValue | 'pending' | null {
    const l = def.labels.find((x) => x.label === label);
    if (l === undefined) return null;
    const adder = this.pendingEnumLabels.get(l.oid);
    if (adder !== undefined) return adder === xid ? 'pending' : null;
    return this.enumValues.get(l.oid)!;
  }

  /**
   * `v` itself, or for an enum value read back from a log record or a checkpoint (a copy of its
   * label's value) the label's interned value.
   */
  private internEnum<V extends Value | undefined>(v: V): V {
    if (v instanceof EnumValue) return (this.enumValues.get(v.oid) ?? v) as V;
    // An array of an enum type: its elements (a new array only when one was swapped).
    if (v instanceof PgArray && hasEnumElements(v.elemType)) {
      let out: ArrayElement[] | null = null;
      for (let i = 0; i < v.elems.length; i++) {
        const x = v.elems[i]!;
        const mine = x instanceof EnumValue ? this.enumValues.get(x.oid) ?? x : x;
        if (mine === x) continue;
        out ??= [...v.elems];
        out[i] = mine;
      }
      return (out === null ? v : new PgArray(v.elemType, v.dims, out)) as V;
    }
    return v;
  }

  /** `row` with its enum values interned ({@link internEnum}); `row` itself when it has none to swap. */
  private internEnumRow(def: TableDef, row: readonly Value[]): readonly Value[] {
    let out: Value[] | null = null;
    for (let c = 0; c < def.columns.length; c++) {
      const v = row[c];
      const mine = this.internEnum(v);
      if (mine === v) continue;
      out ??= [...row];
      out[c] = mine!;
    }
    return out ?? row;
  }

  /**
   * The columns (table and column names, in table order) whose type is the enum type with
   * pg_type oid `oid` or its array type (`array`).
   */
  enumTypeUsers(oid: number): { table: string; column: string; array: boolean }[] {
    const out: { table: string; column: string; array: boolean }[] = [];
    for (const t of this.tables.values()) {
      for (const c of t.def.columns) if (hasEnumElements(c.type) && enumTypeOid(c.type as EnumSqlType) === oid) out.push({ table: t.name, column: c.name, array: !isEnumSqlType(c.type) });
    }
    return out;
  }

  /**
   * Holds type `name` for `xid`'s DDL until it ends (`create`: others do not see it).
   * @throws PgError 55P03 while another transaction's uncommitted DDL holds it.
   */
  private lockType(name: string, xid: number, mode: 'create' | 'exclusive' = 'exclusive'): void {
    this.lockObject(typeLockName(name), `type "${name}"`, xid, mode);
  }

  /**
   * Holds the object whose DDL lock is `lockKey` (`what`: `type "x"`, `schema "x"`, as the
   * error names it) for `xid`'s DDL until it ends.
   * @throws PgError 55P03 while another transaction's uncommitted DDL holds it.
   */
  private lockObject(lockKey: string, what: string, xid: number, mode: 'create' | 'exclusive'): void {
    const l = this.locks.get(lockKey);
    if (l !== undefined && l.xid !== xid && xid !== 0) throw new PgError('55P03', `could not obtain lock on ${what}`);
    this.lockRelation(lockKey, xid, mode);
  }

  /**
   * CREATE TYPE ... AS ENUM for transaction `xid`, invisible to other transactions until it
   * commits; the undo removes it (its oids stay used).
   * @throws PgError 42710 `type "x" already exists` when a type or a table or view (its row
   *   type) has the name; 55P03 while another transaction's uncommitted DDL holds the name.
   */
  createEnumType(def: EnumTypeDef, xid = 0): DdlUndo {
    // Another transaction's uncommitted CREATE or DROP of the name: PostgreSQL would wait.
    const l = this.locks.get(typeLockName(def.name));
    if (l !== undefined && l.xid !== xid && xid !== 0) throw new PgError('55P03', `could not obtain lock on type "${def.name}"`);
    if (this.enumTypes.has(def.name) || this.tables.has(def.name) || this.views.has(def.name)) throw new PgError(SQLSTATE.duplicate_object, `type "${def.name}" already exists`);
    this.lockType(def.name, xid, 'create');
    this.onChange?.({ kind: 'createType', xid, def });
    this.syncEnumValues(def);
    return this.replaceNamed(this.enumTypes, null, def.name, def);
  }

  /**
   * ALTER TYPE for transaction `xid`: the type's new definition (a new name renames it); the
   * undo puts the old one back in its place.
   * @throws PgError 42704 when missing; 42710 when the new name is taken; 55P03.
   */
  alterEnumType(name: string, def: EnumTypeDef, xid = 0): DdlUndo {
    const old = this.enumTypes.get(name);
    if (old === undefined) throw new PgError(SQLSTATE.undefined_object, `type "${name}" does not exist`);
    const renamed = def.name !== name;
    if (renamed && (this.enumTypes.has(def.name) || this.tables.has(def.name) || this.views.has(def.name))) throw new PgError(SQLSTATE.duplicate_object, `type "${def.name}" already exists in schema "public"`);
    // Whether the type was created by this transaction (its new labels are usable at once).
    const createdHere = this.locks.get(typeLockName(name))?.mode === 'create';
    this.lockType(name, xid);
    if (renamed) this.lockType(def.name, xid);
    this.onChange?.({ kind: 'alterType', xid, name, def });
    const added = xid === 0 || createdHere ? [] : def.labels.filter((l) => !old.labels.some((o) => o.oid === l.oid)).map((l) => l.oid);
    for (const o of added) this.pendingEnumLabels.set(o, xid);
    this.syncEnumValues(def);
    const columns = renamed ? this.renameEnumColumns(old, def) : null;
    const named = this.replaceNamed(this.enumTypes, name, def.name, def);
    const settle = () => {
      for (const o of added) this.pendingEnumLabels.delete(o);
    };
    return {
      commit: () => {
        settle();
        named.commit();
      },
      undo: () => {
        settle();
        columns?.();
        named.undo();
        this.syncEnumValues(old);
      },
    };
  }

  /**
   * Gives the columns of enum type `old`, of tables and views, the type's new name (`def`'s),
   * as their type names it (types/enum_value.ts EnumSqlType); returns the undo.
   */
  private renameEnumColumns(old: EnumTypeDef, def: EnumTypeDef): () => void {
    const from = enumSqlType(old.oid, old.name);
    const to = enumSqlType(def.oid, def.name);
    // The type's array type is renamed with it.
    const renamed = (t: string): string | null => (t === from ? to : t === `${from}[]` ? `${to}[]` : null);
    const changed: { t: Table; def: TableDef }[] = [];
    for (const t of this.tables.values()) {
      if (!t.def.columns.some((c) => renamed(c.type) !== null)) continue;
      changed.push({ t, def: t.def });
      t.replaceDef({ ...t.def, columns: t.def.columns.map((c) => (renamed(c.type) !== null ? { ...c, type: renamed(c.type) as ColumnType } : c)) });
    }
    // Views keep their columns' types (a CREATE OR REPLACE VIEW compares them).
    const views: ViewDef[] = [];
    for (const [name, v] of this.views) {
      if (!v.columns.some((c) => renamed(c.type) !== null)) continue;
      views.push(v);
      this.views.set(name, { ...v, columns: v.columns.map((c) => (renamed(c.type) !== null ? { ...c, type: renamed(c.type) as typeof c.type } : c)) });
    }
    return () => {
      for (const c of changed) c.t.replaceDef(c.def);
      for (const v of views) this.views.set(v.name, v);
    };
  }

  /**
   * DROP TYPE for transaction `xid` (the caller checked that nothing uses it); the undo puts
   * it back in its place.
   * @throws PgError 42704 when missing; 55P03.
   */
  dropEnumType(name: string, xid = 0): DdlUndo {
    const old = this.enumTypes.get(name);
    if (old === undefined) throw new PgError(SQLSTATE.undefined_object, `type "${name}" does not exist`);
    this.lockType(name, xid);
    this.onChange?.({ kind: 'dropType', xid, name });
    return this.replaceNamed(this.enumTypes, name, null, null);
  }

  /**
   * A schema CREATE SCHEMA made, as the {@link viewer} sees it (one another transaction created
   * and has not committed is not there), or undefined.
   */
  getSchema(name: string): SchemaDef | undefined {
    const d = this.schemas.get(name);
    return d === undefined || this.schemaVisible(name) ? d : undefined;
  }

  /** Every user schema the {@link viewer} sees, in oid order (pg_namespace, dumps). */
  allSchemas(): SchemaDef[] {
    return this.peekSchemas().filter((d) => this.schemaVisible(d.name));
  }

  /** Every user schema regardless of uncommitted DDL, in oid order (checkpoints). */
  peekSchemas(): SchemaDef[] {
    return [...this.schemas.values()].sort((a, b) => a.oid - b.oid);
  }

  /**
   * The schema and name of relation key `key` (schema_def.ts): a key of a schema that exists,
   * visible or not, splits at its first dot; any other is a name in `public`.
   */
  splitKey(key: string): { schema: string; name: string } {
    if (this.schemas.size === 0) return { schema: 'public', name: key };
    return splitRelationKey(key, (s) => this.schemas.has(s));
  }

  /** The relation keys in schema `name` (tables, indexes, sequences, views). */
  relationsInSchema(name: string): string[] {
    const prefix = `${name}.`;
    const out: string[] = [];
    for (const m of [this.tables, this.indexes, this.sequences, this.views] as Map<string, unknown>[]) {
      for (const k of m.keys()) if (k.startsWith(prefix)) out.push(k);
    }
    return out;
  }

  /** False when schema `name` was created by another transaction's uncommitted DDL. */
  private schemaVisible(name: string): boolean {
    return this.objectVisible(schemaLockName(name));
  }

  /** Installs a schema of a checkpoint's metadata (not logged). */
  adoptSchema(def: SchemaDef): void {
    this.schemas.set(def.name, def);
  }

  /**
   * Holds schema `name` for `xid`'s DDL until it ends (`create`: others do not see it).
   * @throws PgError 55P03 while another transaction's uncommitted DDL holds it.
   */
  private lockSchema(name: string, xid: number, mode: 'create' | 'exclusive'): void {
    this.lockObject(schemaLockName(name), `schema "${name}"`, xid, mode);
  }

  /**
   * CREATE SCHEMA for transaction `xid`, invisible to other transactions until it commits.
   * @throws PgError 42P06 `schema "x" already exists`; 0A000 when a relation of `public` is
   *   named as a key of the schema would be (`x.t`); 55P03 while another transaction's
   *   uncommitted DDL holds the name.
   */
  createSchema(def: SchemaDef, xid = 0): DdlUndo {
    const l = this.locks.get(schemaLockName(def.name));
    if (l !== undefined && l.xid !== xid && xid !== 0) throw new PgError('55P03', `could not obtain lock on schema "${def.name}"`);
    if (this.schemas.has(def.name)) throw new PgError('42P06', `schema "${def.name}" already exists`);
    const clash = this.relationsInSchema(def.name)[0];
    if (clash !== undefined) throw new PgError(SQLSTATE.feature_not_supported, `a schema named as the start of relation "${clash}" of schema public is not supported`);
    this.lockSchema(def.name, xid, 'create');
    this.onChange?.({ kind: 'createSchema', xid, def });
    return this.replaceNamed(this.schemas, null, def.name, def);
  }

  /**
   * DROP SCHEMA for transaction `xid` of a schema holding no relation (the caller drops them
   * first for CASCADE).
   * @throws PgError 3F000 when it does not exist; 2BP01 while a relation is in it; 55P03 while
   *   another transaction's uncommitted DDL holds it.
   */
  dropSchema(name: string, xid = 0): DdlUndo {
    if (!this.schemas.has(name)) throw new PgError('3F000', `schema "${name}" does not exist`);
    if (this.relationsInSchema(name).length > 0) throw new PgError('2BP01', `cannot drop schema ${name} because other objects depend on it`);
    this.lockSchema(name, xid, 'exclusive');
    this.onChange?.({ kind: 'dropSchema', xid, name });
    return this.replaceNamed(this.schemas, name, null, null);
  }

  /**
   * ALTER SCHEMA ... RENAME TO for transaction `xid`: schema `name` is `to`, with its oid. The
   * caller renames the schema's relations (their keys start with the schema's name) to keys
   * of `to` first, having checked that no relation of `public` is named as one (`to.t`): past
   * that point the keys `to.x` are the moved relations'.
   * @throws PgError 3F000 when it does not exist; 42P06 when `to` does; 2BP01 while a relation
   *   is still in it; 55P03 while another transaction's uncommitted DDL holds either name.
   */
  renameSchema(name: string, to: string, xid = 0): DdlUndo {
    const def = this.schemas.get(name);
    if (def === undefined) throw new PgError('3F000', `schema "${name}" does not exist`);
    const l = this.locks.get(schemaLockName(to));
    if (l !== undefined && l.xid !== xid && xid !== 0) throw new PgError('55P03', `could not obtain lock on schema "${to}"`);
    if (this.schemas.has(to)) throw new PgError('42P06', `schema "${to}" already exists`);
    if (this.relationsInSchema(name).length > 0) throw new PgError('2BP01', `schema "${name}" still holds relations`);
    this.lockSchema(name, xid, 'exclusive');
    this.lockSchema(to, xid, 'create');
    this.onChange?.({ kind: 'renameSchema', xid, name, to });
    return this.replaceNamed(this.schemas, name, to, { ...def, name: to });
  }

  /**
   * Gives index `name` the catalog key `to` for transaction `xid` (its table moved to another
   * schema); the undo puts it back under its old key.
   * @throws PgError 42P01 when the index is missing; 42P07 when `to` is taken; 55P03 while
   *   another transaction holds either name.
   */
  renameIndex(name: string, to: string, xid = 0): DdlUndo {
    const d = this.indexes.get(name);
    if (d === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    if (this.relationExists(to)) throw new PgError(SQLSTATE.duplicate_table, `relation "${to}" already exists`);
    this.lockRelation(name, xid, 'exclusive');
    this.lockRelation(to, xid, 'create');
    this.onChange?.({ kind: 'renameIndex', xid, name, to });
    const next: IndexDef = { ...d, name: to };
    // In place: the order of a table's indexes (indexesOf) is the order the planner weighs them in.
    const rekey = (from: string, key: string, def: IndexDef) => {
      const entries = [...this.indexes];
      this.indexes.clear();
      for (const [k, v] of entries) this.indexes.set(k === from ? key : k, k === from ? def : v);
    };
    rekey(name, to, next);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        if (this.indexes.get(to) === next) rekey(to, name, d);
        this.version++;
      },
    };
  }

  /**
   * Refuses a relation of `public` named as a key of a user schema reads (`s.t` while schema
   * `s` exists): schema_def.ts keeps every key one reading.
   * @throws PgError 0A000 for such a name.
   */
  checkPublicName(name: string): void {
    const dot = name.indexOf('.');
    if (dot > 0 && this.schemas.has(name.slice(0, dot))) {
      throw new PgError(SQLSTATE.feature_not_supported, `a relation of schema public named "${name}" while schema ${name.slice(0, dot)} exists`);
    }
  }

  /**
   * The catalog change of a view or an enum type, objects held whole under their name in
   * `map`: the entry named `from` (null: none, a CREATE) is replaced by `def` under `to` (null:
   * none, a DROP). The undo puts back these entries only: other transactions may have created
   * or dropped other names since.
   */
  private replaceNamed<T>(map: Map<string, T>, from: string | null, to: string | null, def: T | null): DdlUndo {
    const old = from === null ? undefined : map.get(from);
    if (from !== null) map.delete(from);
    if (to !== null) map.set(to, def!);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        if (to !== null && map.get(to) === def) map.delete(to);
        if (from !== null && old !== undefined) map.set(from, old);
        this.version++;
      },
    };
  }

  /**
   * Drops a table with its index definitions and owned sequences for transaction `xid`. Its
   * storage is freed at commit; the undo puts table, definitions and sequences back. The
   * caller keeps the index structures until then.
   * @throws PgError 42P01 when it does not exist; 55P03 when another transaction holds it.
   */
  dropTable(name: string, xid = 0): DdlUndo {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `table "${name}" does not exist`);
    const defs = this.indexesOf(name);
    for (const d of defs) this.lockRelation(d.name, xid, 'exclusive');
    this.lockRelation(name, xid, 'exclusive');
    this.onChange?.({ kind: 'dropTable', xid, name });
    for (const d of defs) this.indexes.delete(d.name);
    // The sequences OWNED BY one of its columns (serial, identity) go with it.
    const seqs = this.sequencesOwnedBy(name);
    for (const q of seqs) this.sequences.delete(q.def.name);
    this.tables.delete(name);
    this.version++;
    return {
      commit: () => t.dispose(),
      undo: () => {
        this.tables.set(name, t);
        for (const d of defs) this.indexes.set(d.name, d);
        for (const q of seqs) this.sequences.set(q.def.name, q);
        this.version++;
      },
    };
  }

  /**
   * Puts `fresh` in place of table `name` (`old`): TRUNCATE's and ALTER COLUMN TYPE's storage
   * swap. The old storage is freed at commit and comes back on undo.
   */
  private replaceTable(name: string, old: Table, fresh: Table): { table: Table; ddl: { commit(): void; undo(): void } } {
    this.tables.set(name, fresh);
    this.version++;
    return {
      table: fresh,
      ddl: {
        commit: () => old.dispose(),
        undo: () => {
          this.tables.set(name, old);
          fresh.dispose();
          this.version++;
        },
      },
    };
  }

  /**
   * TRUNCATE for transaction `xid`: replaces the table by an empty one with the same
   * definition (sequences keep their values, as PostgreSQL without RESTART IDENTITY). Returns
   * the new table (the caller rebuilds the index structures empty) and the undo, which puts
   * the old table back; the old storage is freed at commit.
   */
  truncateTable(name: string, xid = 0): { table: Table; ddl: DdlUndo } {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `table "${name}" does not exist`);
    this.lockRelation(name, xid, 'exclusive');
    this.onChange?.({ kind: 'truncate', xid, name });
    const fresh = new Table(t.def);
    return this.replaceTable(name, t, fresh);
  }

  /**
   * Appends a row inserted by transaction `xid` (values already coerced and checked); returns
   * the rowId. The row is visible to `xid` only until {@link finishInsert} commits it.
   */
  insertRow(table: Table, values: readonly Value[], pkeyValue: unknown, xid: number): number {
    this.checkWrite(table.name, xid);
    if (table.hasEnumColumns) values = this.internEnumRow(table.def, values);
    // Memory first (53200 changes nothing), then the log record, then the write (cannot fail),
    // so the log never records a row the table could not hold.
    const prep = table.prepareRow(values);
    try {
      this.onChange?.({ kind: 'insert', xid, table, rowId: prep.rowId, values, pkey: pkeyValue });
    } catch (e) {
      table.abandonRow(prep);
      throw e;
    }
    const got = table.commitRow(prep, values, xid);
    if (pkeyValue !== undefined) table.pkey.set(pkeyValue, got);
    return got;
  }

  /**
   * {@link insertRow} for several rows of one statement, appended in order as ONE logged
   * change: memory for all of them first (53200 changes nothing), then one log record, then
   * the writes. `pkeys[i]` is row i's key map value (undefined without a primary key). Returns
   * the first rowId; the rows take consecutive ids. One row is logged as a plain insert.
   */
  insertRows(table: Table, rows: readonly (readonly Value[])[], pkeys: readonly unknown[], xid: number): number {
    if (rows.length === 1) return this.insertRow(table, rows[0]!, pkeys[0], xid);
    this.checkWrite(table.name, xid);
    if (table.hasEnumColumns) rows = rows.map((r) => this.internEnumRow(table.def, r));
    const preps = table.prepareRows(rows);
    const first = preps[0]!.rowId;
    try {
      this.onChange?.({ kind: 'insertRows', xid, table, rowId: first, rows, pkeys });
    } catch (e) {
      table.abandonRows(preps);
      throw e;
    }
    for (let i = 0; i < rows.length; i++) {
      const got = table.commitRow(preps[i]!, rows[i]!, xid);
      const k = pkeys[i];
      if (k !== undefined) table.pkey.set(k, got);
    }
    return first;
  }

  /**
   * Deletes a row for transaction `xid` (DELETE, or the old version of an UPDATE): other
   * transactions keep seeing it until {@link finishDelete} commits the delete.
   * `noKeyUpdate`: the old version of an UPDATE that changes no key column (it then conflicts
   * with fewer row locks, as PostgreSQL's FOR NO KEY UPDATE strength).
   * @throws LockWait when another in-flight transaction deleted, updated or locked it (the
   *   engine waits for that transaction, then runs the statement again); PgError 40001 when
   *   the row's deleter is not known to be in flight (recovery).
   */
  deleteRow(table: Table, rowId: number, xid: number, pkeyValue: unknown = undefined, noKeyUpdate = false): void {
    this.checkWrite(table.name, xid);
    const mx = table.xmax[rowId]!;
    const holder = this.rowLocks.conflicting(table, rowId, xid, noKeyUpdate ? RowLockMode.NoKeyUpdate : RowLockMode.Update);
    if (holder !== 0 && this.rowLocks.inFlight(holder)) throw new LockWait(holder, table.name, rowId);
    // Recovery replays writes without locks: a deleter it does not know is a corrupt log.
    if (mx !== 0 && mx !== xid) throw concurrentUpdateError();
    if (mx === xid) return;
    this.onChange?.({ kind: 'delete', xid, table, rowId, pkey: pkeyValue });
    table.setXmax(rowId, xid);
    if (noKeyUpdate) this.rowLocks.markNoKeyUpdate(table, rowId, xid);
  }

  /** Logs the commit of `xid`; then the caller finishes its writes. */
  logCommit(xid: number): void {
    this.onChange?.({ kind: 'commit', xid });
  }

  /** Logs the abort of `xid` (best effort by the caller when the log has failed). */
  logAbort(xid: number): void {
    this.onChange?.({ kind: 'abort', xid });
  }

  /**
   * Ends an insert of a finished transaction: committed, the row becomes visible to all;
   * aborted, it dies (and leaves the key map if it holds it). Not logged (the commit/abort is).
   */
  finishInsert(table: Table, rowId: number, pkeyValue: unknown, committed: boolean): void {
    if (!table.isLive(rowId)) return;
    if (committed) {
      table.clearXmin(rowId);
      return;
    }
    table.killRow(rowId);
    if (pkeyValue !== undefined && table.pkey.get(pkeyValue) === rowId) table.pkey.delete(pkeyValue);
  }

  /**
   * Ends a delete of a finished transaction: committed, the row dies; aborted, it is live for
   * everyone again (and takes its key back). Not logged.
   */
  finishDelete(table: Table, rowId: number, pkeyValue: unknown, committed: boolean): void {
    if (!table.isLive(rowId)) return;
    if (committed) {
      table.killRow(rowId);
      if (pkeyValue !== undefined && table.pkey.get(pkeyValue) === rowId) table.pkey.delete(pkeyValue);
      return;
    }
    table.setXmax(rowId, 0);
    if (pkeyValue !== undefined) {
      const cur = table.pkey.get(pkeyValue);
      if (cur === undefined || !table.isLive(cur)) table.pkey.set(pkeyValue, rowId);
    }
  }

  /**
   * Adds an index definition for transaction `xid`, which holds the new index and a share lock
   * on its table (others may read the table, not write it) until it ends.
   * @throws PgError 42P07 when the name is taken; 55P03 when another transaction holds the table.
   */
  createIndex(def: IndexDef, xid = 0): DdlUndo {
    if (this.relationExists(def.name)) {
      throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    }
    this.lockRelation(def.table, xid, 'share');
    this.onChange?.({ kind: 'createIndex', xid, def });
    this.indexes.set(def.name, def);
    this.lockRelation(def.name, xid, 'create');
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        if (this.indexes.get(def.name) !== def) return;
        this.indexes.delete(def.name);
        this.version++;
      },
    };
  }

  /**
   * Drops an index definition for transaction `xid`; the undo puts it back.
   * @throws PgError 42704 when it does not exist; 55P03 when another transaction holds it.
   */
  dropIndex(name: string, xid = 0): DdlUndo {
    const def = this.indexes.get(name);
    if (def === undefined) throw new PgError(SQLSTATE.undefined_object, `index "${name}" does not exist`);
    this.lockRelation(def.table, xid, 'exclusive');
    this.lockRelation(name, xid, 'exclusive');
    this.onChange?.({ kind: 'dropIndex', xid, name });
    this.indexes.delete(name);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        this.indexes.set(name, def);
        this.version++;
      },
    };
  }

  /** Logs that `xid` rolled back to a savepoint, undoing `undo` (newest first). */
  logRollbackTo(xid: number, undo: readonly UndoneWrite[]): void {
    this.onChange?.({ kind: 'rollbackTo', xid, undo });
  }

  /**
   * REINDEX of index `name` for transaction `xid`: logged as the index dropped and created
   * again with the same definition (two records of `xid`), so recovery rebuilds it from its
   * table instead of reading back a structure saved before the REINDEX, and undoes both when
   * `xid` has no commit record. The table and the index are locked exclusively until `xid`
   * ends (PostgreSQL locks the index AccessExclusive, which the planner's index locks of every
   * reader wait for). The definition and its place among the table's indexes stay.
   * @throws PgError 42704 when it does not exist; 55P03 when another transaction holds it.
   */
  reindexIndex(name: string, xid = 0): DdlUndo {
    const def = this.indexes.get(name);
    if (def === undefined) throw new PgError(SQLSTATE.undefined_object, `index "${name}" does not exist`);
    this.lockRelation(def.table, xid, 'exclusive');
    this.lockRelation(name, xid, 'exclusive');
    // An INVALID index comes back valid (PostgreSQL's reindex_index sets indisvalid).
    const rebuilt = validIndexDef(def);
    this.onChange?.({ kind: 'dropIndex', xid, name });
    this.onChange?.({ kind: 'createIndex', xid, def: rebuilt });
    this.indexes.set(name, rebuilt);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        if (this.indexes.get(name) === rebuilt) this.indexes.set(name, def);
        this.version++;
      },
    };
  }

  /**
   * The definitions an ALTER of table `name` may replace: its index definitions and the
   * definitions of tables whose foreign keys reference it (an undo puts them back).
   */
  private snapshotAround(name: string): () => void {
    const indexes = [...this.indexes.values()].filter((d) => d.table === name);
    const others: [Table, TableDef][] = [];
    for (const other of this.tables.values()) {
      if ((other.def.foreignKeys ?? []).some((f) => f.refTable === name)) others.push([other, other.def]);
    }
    return () => {
      for (const d of [...this.indexes.values()]) if (indexes.some((o) => o.name === d.name)) this.indexes.delete(d.name);
      for (const d of indexes) this.indexes.set(d.name, d);
      for (const [t, d] of others) t.replaceDef(d);
    };
  }

  /**
   * ALTER TABLE of everything a definition holds beside stored values, for transaction `xid`:
   * constraints, column names, defaults, NOT NULL, the table's name (`def.name` differing from
   * `name` renames it, with its index definitions and the foreign keys of other tables that
   * reference it). The stored columns (count, types) must stay the same. The table is locked
   * (a new name too, invisible to others until commit); the undo restores every definition.
   * @throws PgError 42P01 when the table is missing, 42P07 when the new name is taken (42710 by an enum type), 55P03
   *   when another transaction holds either name.
   */
  alterTable(name: string, def: TableDef, xid = 0): DdlUndo {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    const renamed = def.name !== name;
    if (renamed && this.relationExists(def.name)) {
      throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    }
    // The table's row type is renamed with it (RenameTypeInternal).
    if (renamed && this.enumTypes.has(def.name)) throw new PgError(SQLSTATE.duplicate_object, `type "${def.name}" already exists`);
    this.lockRelation(name, xid, 'exclusive');
    if (renamed) this.lockRelation(def.name, xid, 'create');
    this.onChange?.({ kind: 'alterTable', xid, name, def });
    const old = t.def;
    const restore = this.snapshotAround(name);
    const restoreOwners = this.renameOwners(name, old, def);
    t.replaceDef(def);
    if (renamed) {
      this.tables.delete(name);
      this.tables.set(def.name, t);
      for (const d of [...this.indexes.values()]) if (d.table === name) this.indexes.set(d.name, { ...d, table: def.name });
      for (const other of this.tables.values()) {
        const fks = other.def.foreignKeys;
        if (fks !== undefined && fks.some((f) => f.refTable === name)) {
          other.replaceDef({ ...other.def, foreignKeys: fks.map((f) => (f.refTable === name ? { ...f, refTable: def.name } : f)) });
        }
      }
    }
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        if (renamed) {
          this.tables.delete(def.name);
          this.tables.set(name, t);
        }
        restore();
        restoreOwners();
        t.replaceDef(old);
        this.version++;
      },
    };
  }

  /**
   * Points the OWNED BY of sequences owned by table `name` at its new definition (a renamed
   * table or column: same column positions); returns the undo.
   */
  private renameOwners(name: string, old: TableDef, def: TableDef): () => void {
    const changed: [Sequence, SequenceDef][] = [];
    for (const q of this.sequences.values()) {
      const o = q.def.ownedBy;
      if (o === null || o.table !== name) continue;
      const i = old.columns.findIndex((c) => c.name === o.column);
      const column = i >= 0 && i < def.columns.length ? def.columns[i]!.name : o.column;
      if (column === o.column && def.name === name) continue;
      changed.push([q, q.def]);
      q.def = { ...q.def, ownedBy: { table: def.name, column } };
    }
    return () => {
      for (const [q, d] of changed) q.def = d;
    };
  }

  /**
   * ALTER TABLE ADD COLUMN for transaction `xid`: appends `column`, every existing row holding
   * `fill`. The undo frees the new column's storage.
   * @throws PgError 42P01 when the table is missing; 55P03 when another transaction holds it.
   */
  addColumn(name: string, column: ColumnDef, fill: Value, xid = 0): DdlUndo {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    this.lockRelation(name, xid, 'exclusive');
    this.onChange?.({ kind: 'addColumn', xid, name, column, fill });
    fill = this.internEnum(fill);
    const old = t.def;
    t.addColumn(withColumnAdded(t.def, column), fill);
    this.version++;
    return {
      commit: () => undefined,
      undo: () => {
        t.freeColumn(t.detachColumn(old, old.columns.length));
        this.version++;
      },
    };
  }

  /**
   * ALTER TABLE DROP COLUMN of column number `column` for transaction `xid`: every later
   * column number in the table's definition, its index definitions and other tables' foreign
   * keys moves down by one. The column's values are kept until commit (freed then; the undo
   * puts them back with every definition). Nothing may still use the column (the SQL layer
   * drops its indexes and constraints first, each a change of its own).
   * @throws PgError 42P01 when the table is missing; 55P03 when another transaction holds it.
   */
  dropColumn(name: string, column: number, xid = 0): DdlUndo {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    const renumber = (c: number): number => {
      assert(c !== column, `column ${column} of "${name}" is still in use`);
      return c > column ? c - 1 : c;
    };
    this.lockRelation(name, xid, 'exclusive');
    this.onChange?.({ kind: 'dropColumn', xid, name, column });
    const d = t.def;
    const restore = this.snapshotAround(name);
    // The column's attnum stays taken (pg_attribute keeps a dropped column's row): positions
    // move down, attnums do not.
    const def: TableDef = { ...withColumnDropped(d, column), primaryKey: d.primaryKey.map(renumber) };
    if (d.foreignKeys !== undefined) def.foreignKeys = d.foreignKeys.map((f) => ({ ...f, columns: f.columns.map(renumber), refColumns: f.refTable === name ? f.refColumns.map(renumber) : f.refColumns }));
    const detached = t.detachColumn(def, column);
    for (const x of [...this.indexes.values()]) {
      if (x.table === name) this.indexes.set(x.name, { ...x, keys: x.keys.map((k) => (k.expr === null ? { ...k, column: renumber(k.column) } : k)) });
    }
    for (const other of this.tables.values()) {
      const fks = other.def.foreignKeys;
      if (other === t || fks === undefined || !fks.some((f) => f.refTable === name)) continue;
      other.replaceDef({ ...other.def, foreignKeys: fks.map((f) => (f.refTable === name ? { ...f, refColumns: f.refColumns.map(renumber) } : f)) });
    }
    this.version++;
    return {
      commit: () => t.freeColumn(detached),
      undo: () => {
        t.attachColumn(d, column, detached);
        restore();
        this.version++;
      },
    };
  }

  /**
   * ALTER COLUMN ... TYPE for transaction `xid`: replaces the table by a copy (same row ids,
   * dead slots kept dead, the primary-key map kept) whose column `column` is `def` and holds
   * `values[i]` in the i-th live row (in row-id order). The table must have no rows of
   * in-flight transactions. Returns the new table; the caller rebuilds the index structures
   * (as after TRUNCATE). The old table is freed at commit, put back by the undo.
   * @throws PgError 42P01 when the table is missing; 53200 when the arena cannot hold the copy
   *   (nothing changed then); 55P03 when another transaction holds it.
   */
  rewriteColumn(name: string, column: number, def: ColumnDef, values: readonly Value[], xid = 0): { table: Table; ddl: DdlUndo } {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    assert(t.pendingRows === 0, 'a column is rewritten with no transaction in flight');
    this.lockRelation(name, xid, 'exclusive');
    // ALTER COLUMN TYPE keeps the column's attnum.
    const attnum = t.def.columns[column]?.attnum;
    const kept: ColumnDef = attnum === undefined ? def : { ...def, attnum };
    const fresh = new Table({ ...t.def, columns: t.def.columns.map((c, i) => (i === column ? kept : c)) });
    try {
      let k = 0;
      const n = t.def.columns.length;
      for (let r = 0; r < t.slots; r++) {
        if (!t.isLive(r)) {
          fresh.appendDeadSlot();
          continue;
        }
        const row: Value[] = new Array(n);
        for (let c = 0; c < n; c++) row[c] = c === column ? (values[k] ?? null) : t.get(c, r);
        k++;
        row[column] = this.internEnum(row[column]);
        fresh.commitRow(fresh.prepareRow(row), row, 0);
      }
      assert(k === values.length, 'one value per live row');
      this.onChange?.({ kind: 'rewriteColumn', xid, name, column, def, values });
    } catch (e) {
      fresh.dispose();
      throw e;
    }
    for (const [key, r] of t.pkey) fresh.pkey.set(key, r);
    return this.replaceTable(name, t, fresh);
  }

  /**
   * nextval(): advances and returns the sequence (not undone by ROLLBACK, as PostgreSQL),
   * logging 32 values ahead when the values logged before are used up (sequence.ts).
   * @throws PgError 42P01 when it does not exist; 2200H at its bound without CYCLE.
   */
  nextval(name: string): bigint {
    const q = this.sequenceOrThrow(name);
    const step = nextvalStep(q);
    if (step.logLast !== null) this.onChange?.({ kind: 'sequence', name, last: step.logLast, called: true });
    q.state = step.state;
    return step.value;
  }

  /**
   * setval(): sets the sequence's state now (logged at once, never undone).
   * @throws PgError 42P01 when it does not exist; 22003 outside its bounds.
   */
  setval(name: string, value: bigint, called: boolean): void {
    const q = this.sequenceOrThrow(name);
    checkSetval(q.def, value);
    this.onChange?.({ kind: 'sequence', name, last: value, called });
    q.state = { last: value, logCnt: 0, called, needsLog: false };
  }

  private sequenceOrThrow(name: string): Sequence {
    const q = this.getSequence(name);
    if (q === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    return q;
  }

  /** Frees every table's arena blocks without recording changes (the database is closing). */
  release(): void {
    for (const t of this.tables.values()) t.dispose();
    this.tables.clear();
    this.indexes.clear();
    this.sequences.clear();
    this.views.clear();
    this.locks.clear();
    this.rowLocks.clear();
    this.advisoryLocks.clear();
  }
}

/** The sequence of serial or identity column `def.<column whose sequence is name>`: defaults, owned by it. */
function ownedSequence(def: TableDef, name: string): Sequence {
  const c = def.columns.find((x) => x.sequence === name);
  const type: SequenceType = c?.type === 'int2' ? 'int2' : c?.type === 'int4' ? 'int4' : 'int8';
  const d = defaultSequenceDef(name, type, c === undefined ? null : { table: def.name, column: c.name });
  return { def: d, state: freshState(d.start) };
}
