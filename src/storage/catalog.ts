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
import { Table, type TableDef, type Value } from './table.js';

/** A CREATE INDEX as written, enough to rebuild the index. */
export interface IndexDef {
  name: string;
  table: string;
  /** Indexed column index in the table. */
  column: number;
  method: string;
  opclass: string;
  /** WITH options as written (lower-case names, text values). */
  options: [string, string][];
  /** True for the implicit PRIMARY KEY index (t_pkey); it has no method structure. */
  primaryKey: boolean;
}

/** Every change to stored data, in the order it happened. */
export type Change =
  | { kind: 'createTable'; def: TableDef }
  | { kind: 'dropTable'; name: string }
  | { kind: 'insert'; table: string; rowId: number; values: readonly Value[] }
  | { kind: 'delete'; table: string; rowId: number }
  | { kind: 'createIndex'; def: IndexDef }
  | { kind: 'dropIndex'; name: string }
  | { kind: 'sequence'; name: string; value: number };

export class Catalog {
  private readonly tables = new Map<string, Table>();
  private readonly indexes = new Map<string, IndexDef>();
  private readonly sequences = new Map<string, number>();
  /** Bumped by every DDL change; prepared statements re-analyze when it moves. */
  version = 0;
  /** Called after each change has been applied (a write-ahead log hooks in here). */
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

  /** True when a table, index or sequence already uses `name` (one relation namespace). */
  relationExists(name: string): boolean {
    return this.tables.has(name) || this.indexes.has(name) || this.sequences.has(name);
  }

  /**
   * Creates a table and its sequences (`sequences` names, start at 0 = nothing issued yet).
   * @throws PgError 42P07 when the name is taken.
   */
  createTable(def: TableDef, sequences: readonly string[] = []): Table {
    if (this.relationExists(def.name)) {
      throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    }
    const t = new Table(def);
    this.tables.set(def.name, t);
    for (const s of sequences) this.sequences.set(s, 0);
    this.version++;
    this.onChange?.({ kind: 'createTable', def });
    return t;
  }

  /** Drops a table with its indexes and owned sequences. The caller disposes index structures. */
  dropTable(name: string): void {
    const t = this.tables.get(name);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `table "${name}" does not exist`);
    for (const d of this.indexesOf(name)) this.indexes.delete(d.name);
    for (const c of t.def.columns) if (c.sequence !== null) this.sequences.delete(c.sequence);
    t.dispose();
    this.tables.delete(name);
    this.version++;
    this.onChange?.({ kind: 'dropTable', name });
  }

  /** Appends a row whose values are already coerced and checked; returns the rowId. */
  insertRow(table: Table, values: readonly Value[], pkeyValue: unknown): number {
    const rowId = table.appendRow(values);
    if (pkeyValue !== undefined) table.pkey.set(pkeyValue, rowId);
    this.onChange?.({ kind: 'insert', table: table.name, rowId, values });
    return rowId;
  }

  /** Deletes a row (DELETE, or the undo of an INSERT at ROLLBACK). */
  deleteRow(table: Table, rowId: number, pkeyValue: unknown): void {
    table.killRow(rowId);
    if (pkeyValue !== undefined && table.pkey.get(pkeyValue) === rowId) table.pkey.delete(pkeyValue);
    this.onChange?.({ kind: 'delete', table: table.name, rowId });
  }

  /** @throws PgError 42P07 when the name is taken. */
  createIndex(def: IndexDef): void {
    if (this.relationExists(def.name)) {
      throw new PgError(SQLSTATE.duplicate_table, `relation "${def.name}" already exists`);
    }
    this.indexes.set(def.name, def);
    this.version++;
    this.onChange?.({ kind: 'createIndex', def });
  }

  dropIndex(name: string): void {
    if (!this.indexes.delete(name)) throw new PgError(SQLSTATE.undefined_object, `index "${name}" does not exist`);
    this.version++;
    this.onChange?.({ kind: 'dropIndex', name });
  }

  /** nextval(): advances and returns the sequence (not undone by ROLLBACK, as PostgreSQL). */
  nextval(name: string): number {
    const v = (this.sequences.get(name) ?? 0) + 1;
    this.sequences.set(name, v);
    this.onChange?.({ kind: 'sequence', name, value: v });
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
