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
import { Table, type ColumnDef, type TableDef, type Value } from './table.js';

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
  | { kind: 'createTable'; def: TableDef; sequences: readonly string[] }
  | { kind: 'dropTable'; name: string }
  | { kind: 'truncate'; name: string }
  | { kind: 'insert'; xid: number; table: Table; rowId: number; values: readonly Value[]; pkey: unknown }
  | { kind: 'delete'; xid: number; table: Table; rowId: number; pkey: unknown }
  | { kind: 'commit'; xid: number }
  | { kind: 'abort'; xid: number }
  | { kind: 'createIndex'; def: IndexDef }
  | { kind: 'dropIndex'; name: string }
  | { kind: 'sequence'; name: string; value: number }
  | { kind: 'alterTable'; name: string; def: TableDef }
  | { kind: 'addColumn'; name: string; column: ColumnDef; fill: Value }
  | { kind: 'dropColumn'; name: string; column: number }
  | { kind: 'rewriteColumn'; name: string; column: number; def: ColumnDef; values: readonly Value[] };

/** 40001: another in-flight transaction already deleted or updated the row. */
export function concurrentUpdateError(): PgError {
  return new PgError('40001', 'could not serialize access due to concurrent update');
}

export class Catalog {
  private readonly tables = new Map<string, Table>();
  private readonly indexes = new Map<string, IndexDef>();
  private readonly sequences = new Map<string, number>();
  /** Bumped by every DDL change; prepared statements re-analyze when it moves. */
  version = 0;
  /** The next transaction id to hand out (1 is the first; ids are never reused). */
  nextXid = 1;
  /**
   * Called with each change before it is applied (a write-ahead log hooks in here). If it
   * throws, the change is not applied and the error propagates.
   */
  onChange: ((c: Change) => void) | null = null;

  getTable(name: string): Table | undefined {
    return this.tables.get(name);
  }

  getIndex(name: string): IndexDef | undefined {
    return this.indexes.get(name);
  }

  /** Index definitions of one table, in creation order. */
  indexesOf(table: string): IndexDef[] {
    const out: IndexDef[] = [];
    for (const d of this.indexes.values()) if (d.table === table) out.push(d);
    return out;
  }

  tableNames(): string[] {
    return [...this.tables.keys()];
  }

  allIndexes(): IndexDef[] {
    return [...this.indexes.values()];
  }

  /** Sequences and their last issued values (0 = none issued). */
  allSequences(): [string, number][] {
    return [...this.sequences.entries()];
  }

  /** True when a table, index or sequence already uses `name` (one relation namespace). */
  relationExists(name: string): boolean {
    return this.tables.has(name) || this.indexes.has(name) || this.sequences.has(name);
  }

  /** A new transaction id. Not logged: ids only need to be unique among the log's records. */
  allocXid(): number {
    return this.nextXid++;
  }

  /**
   * Creates a table and its sequences (`sequences` names, start at 0 = nothing issued yet).
   * @throws PgError 42P07 when the name is taken.
   */
  createTable(def: TableDef, sequences: readonly string[] = []): Table {
    if (this.relationExists(def.name)) {
      throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    }
    this.onChange?.({ kind: 'createTable', def, sequences });
    const t = new Table(def);
    this.tables.set(def.name, t);
    for (const s of sequences) this.sequences.set(s, 0);
    this.version++;
    return t;
  }

  /** Installs a table read from a checkpoint (recovery only; not logged). */
  adoptTable(t: Table): void {
    this.tables.set(t.name, t);
    this.version++;
  }

  /** Sets a sequence's last issued value (recovery only; not logged). */
  setSequence(name: string, value: number): void {
    this.sequences.set(name, value);
  }

  /** Drops a table with its indexes and owned sequences. The caller disposes index structures. */
  dropTable(name: string): void {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `table "${name}" does not exist`);
    this.onChange?.({ kind: 'dropTable', name });
    for (const d of this.indexesOf(name)) this.indexes.delete(d.name);
    for (const c of t.def.columns) if (c.sequence !== null) this.sequences.delete(c.sequence);
    t.dispose();
    this.tables.delete(name);
    this.version++;
  }

  /**
   * TRUNCATE: replaces the table by an empty one with the same definition (sequences keep
   * their values, as PostgreSQL without RESTART IDENTITY). Returns the new table; the caller
   * rebuilds the index structures empty.
   */
  truncateTable(name: string): Table {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `table "${name}" does not exist`);
    this.onChange?.({ kind: 'truncate', name });
    t.dispose();
    const fresh = new Table(t.def);
    this.tables.set(name, fresh);
    this.version++;
    return fresh;
  }

  /**
   * Appends a row inserted by transaction `xid` (values already coerced and checked); returns
   * the rowId. The row is visible to `xid` only until {@link finishInsert} commits it.
   */
  insertRow(table: Table, values: readonly Value[], pkeyValue: unknown, xid: number): number {
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
   * Deletes a row for transaction `xid` (DELETE, or the old version of an UPDATE): other
   * transactions keep seeing it until {@link finishDelete} commits the delete.
   * @throws PgError 40001 when another in-flight transaction deleted or updated it first.
   */
  deleteRow(table: Table, rowId: number, xid: number, pkeyValue: unknown = undefined): void {
    const mx = table.xmax[rowId]!;
    if (mx !== 0 && mx !== xid) throw concurrentUpdateError();
    if (mx === xid) return;
    this.onChange?.({ kind: 'delete', xid, table, rowId, pkey: pkeyValue });
    table.setXmax(rowId, xid);
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

  /** @throws PgError 42P07 when the name is taken. */
  createIndex(def: IndexDef): void {
    if (this.relationExists(def.name)) {
      throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    }
    this.onChange?.({ kind: 'createIndex', def });
    this.indexes.set(def.name, def);
    this.version++;
  }

  dropIndex(name: string): void {
    if (!this.indexes.has(name)) throw new PgError(SQLSTATE.undefined_object, `index "${name}" does not exist`);
    this.onChange?.({ kind: 'dropIndex', name });
    this.indexes.delete(name);
    this.version++;
  }

  /**
   * ALTER TABLE of everything a definition holds beside stored values: constraints, column
   * names, defaults, NOT NULL, the table's name (`def.name` differing from `name` renames it,
   * with its index definitions and the foreign keys of other tables that reference it). The
   * stored columns (count, types) must stay the same. Its inverse is the same call with the
   * old definition under the new name.
   * @throws PgError 42P01 when the table is missing, 42P07 when the new name is taken.
   */
  alterTable(name: string, def: TableDef): void {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    const renamed = def.name !== name;
    if (renamed && this.relationExists(def.name)) {
      throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    }
    this.onChange?.({ kind: 'alterTable', name, def });
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
  }

  /**
   * ALTER TABLE ADD COLUMN: appends `column`, every existing row holding `fill`. Its inverse is
   * {@link dropColumn} of the last column.
   * @throws PgError 42P01 when the table is missing.
   */
  addColumn(name: string, column: ColumnDef, fill: Value): void {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    this.onChange?.({ kind: 'addColumn', name, column, fill });
    t.addColumn({ ...t.def, columns: [...t.def.columns, column] }, fill);
    this.version++;
  }

  /**
   * ALTER TABLE DROP COLUMN of column number `column`: its values are freed and every later
   * column number in the table's definition, its index definitions and other tables' foreign
   * keys moves down by one. Nothing may still use the column (the SQL layer drops its indexes
   * and constraints first, each a change of its own).
   * @throws PgError 42P01 when the table is missing.
   */
  dropColumn(name: string, column: number): void {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    const renumber = (c: number): number => {
      assert(c !== column, `column ${column} of "${name}" is still in use`);
      return c > column ? c - 1 : c;
    };
    this.onChange?.({ kind: 'dropColumn', name, column });
    const d = t.def;
    const def: TableDef = { ...d, columns: d.columns.filter((_, i) => i !== column), primaryKey: d.primaryKey.map(renumber) };
    if (d.foreignKeys !== undefined) def.foreignKeys = d.foreignKeys.map((f) => ({ ...f, columns: f.columns.map(renumber), refColumns: f.refTable === name ? f.refColumns.map(renumber) : f.refColumns }));
    t.dropColumn(def, column);
    for (const x of [...this.indexes.values()]) {
      if (x.table === name) this.indexes.set(x.name, { ...x, keys: x.keys.map((k) => (k.expr === null ? { ...k, column: renumber(k.column) } : k)) });
    }
    for (const other of this.tables.values()) {
      const fks = other.def.foreignKeys;
      if (other === t || fks === undefined || !fks.some((f) => f.refTable === name)) continue;
      other.replaceDef({ ...other.def, foreignKeys: fks.map((f) => (f.refTable === name ? { ...f, refColumns: f.refColumns.map(renumber) } : f)) });
    }
    this.version++;
  }

  /**
   * ALTER COLUMN ... TYPE: replaces the table by a copy (same row ids, dead slots kept dead,
   * the primary-key map kept) whose column `column` is `def` and holds `values[i]` in the i-th
   * live row (in row-id order). The table must have no rows of in-flight transactions. Returns
   * the new table; the caller rebuilds the index structures (as after TRUNCATE). Its inverse
   * is the same call with the old definition and values.
   * @throws PgError 42P01 when the table is missing; 53200 when the arena cannot hold the copy
   *   (nothing changed then).
   */
  rewriteColumn(name: string, column: number, def: ColumnDef, values: readonly Value[]): Table {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
    assert(t.pendingRows === 0, 'a column is rewritten with no transaction in flight');
    const fresh = new Table({ ...t.def, columns: t.def.columns.map((c, i) => (i === column ? def : c)) });
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
        fresh.commitRow(fresh.prepareRow(row), row, 0);
      }
      assert(k === values.length, 'one value per live row');
    } catch (e) {
      fresh.dispose();
      throw e;
    }
    this.onChange?.({ kind: 'rewriteColumn', name, column, def, values });
    for (const [key, r] of t.pkey) fresh.pkey.set(key, r);
    t.dispose();
    this.tables.set(name, fresh);
    this.version++;
    return fresh;
  }

  /** nextval(): advances and returns the sequence (not undone by ROLLBACK, as PostgreSQL). */
  nextval(name: string): number {
    const v = (this.sequences.get(name) ?? 0) + 1;
    this.onChange?.({ kind: 'sequence', name, value: v });
    this.sequences.set(name, v);
    return v;
  }

  /** Frees every table's arena blocks without recording changes (the database is closing). */
  release(): void {
    for (const t of this.tables.values()) t.dispose();
    this.tables.clear();
    this.indexes.clear();
    this.sequences.clear();
  }
}
