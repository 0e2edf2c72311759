/**
 * INSERT execution: evaluates each VALUES row, enforces NOT NULL, the primary key and UNIQUE
 * indexes with PostgreSQL's messages (ON CONFLICT arbitrating on any unique index), appends through the catalog (the one logged mutation path), records
 * the row as a write of the transaction (exec/txn.ts), and maintains every index of the table.
 */
/** Keys and failing rows print timestamptz values in UTC: keys must not depend on a session; details show the same instant. */
import { shownName } from '../../storage/schema_def.js';
import { UTC_ZONE as DETAIL_ZONE, type TimeZone } from '../../types/timezone.js';
import { int8Of, sessionNextval } from './sequences.js';
import { changedAny, indexedColumns, indexKeysOfRow, insertIntoIndexes } from './index_keys.js';
import { checkUniqueIndexes } from './ordered_index.js';
import { isOrderedIndex } from '../../access/am.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { ColumnType, Table, Value } from '../../storage/table.js';
import { keyText } from './hash_key.js';
import { LockWait, type RowLocks } from '../../storage/row_locks.js';
import type { SqlEnv } from '../env.js';
import type { InsertQuery, OnConflict } from '../analyze/query.js';
import { type Expr, mapOperands } from '../analyze/expr.js';
import { assert } from '../../common/assert.js';
import { isArrayType, valueToText, type SqlType } from '../analyze/types.js';
import { evalExpr } from './eval.js';
import { ensureXid, preventCommandIfReadOnly } from './txn.js';
import { rowIdQuery, analyzeDefault } from '../analyze/query.js';
import type { PgNode } from '../parser/parse.js';
import { planTableStatement } from '../plan/planner.js';
import { planSelect } from '../plan/planner.js';
import { runStatement } from './select.js';
import { EState } from './executor.js';
import { checkConstraints } from './constraints.js';
import { computeGenerated, hasGeneratedColumns } from './generated_columns.js';
import type { PlannedStmt } from '../plan/plan.js';
import type { ExplainProbe } from './explain_probe.js';
import { fireForeignKeys, fkRemoved, fkWrote, newFkQueue, type FkQueue } from './foreign_keys.js';

export interface InsertOutput {
  count: number;
  returning: Value[][] | null;
  /** Rows proposed for insertion (the VALUES rows, or the rows the SELECT returned). */
  proposed: number;
  /** ON CONFLICT: proposed rows that met a conflicting row, and those DO UPDATE's WHERE then skipped. */
  conflicting: number;
  removedByConflictFilter: number;
}

/**
 * An INSERT's plans: `stmt` holds RETURNING (`bound[0]`) and the VALUES rows (`bound[1 + i]`)
 * bound to the new row (their subqueries are its SubPlans); `select` is INSERT ... SELECT's
 * query, planned. What the statement runs and EXPLAIN prints.
 */
export interface PlannedInsert {
  stmt: PlannedStmt;
  bound: Expr[][];
  select: PlannedStmt | null;
}

/** Plans an analyzed INSERT ({@link PlannedInsert}); `verbose`: for EXPLAIN (VERBOSE)'s names. */
export function planInsert(env: SqlEnv, q: InsertQuery, params: readonly Value[], verbose = false): PlannedInsert {
  const { stmt, bound } = planTableStatement(env, rowIdQuery(q.table, { k: 'const', type: 'bool', value: false }), params, [
    (q.returning ?? []).map((t) => t.expr),
    ...q.rows,
  ], verbose);
  // The statement's range table holds the target first (EXPLAIN's names).
  const select = q.select === null ? null : planSelect(env, q.select.query, params, { parallel: false, target: q.alias ?? q.table.name, verbose });
  return { stmt, bound, select };
}

/** The primary key value of a row as stored in the key map (composite keys joined as text). */
export function pkeyOf(table: Table, values: readonly Value[]): unknown {
  const pk = table.def.primaryKey;
  if (pk.length === 0) return undefined;
  if (pk.length === 1) return pkMapKey(values[pk[0]!] ?? null, table.def.columns[pk[0]!]!.type);
  return JSON.stringify(pk.map((c) => {
    const type = table.def.columns[c]!.type;
    const v = values[c] ?? null;
    // A type whose equal values print differently is keyed by value (pkMapKey); the others by
    // their text, as keys written by earlier versions are.
    return byValueKey(type) ? pkMapKey(v, type) : valueToText(v, type, DETAIL_ZONE);
  }));
}

/**
 * Key types whose equal values may differ in their text (1.5 = 1.50, 'a' = 'a ' in char(n),
 * {"a": 1} = {"a": 1.0}, arrays of them) or that are objects (bytea): keyed by value.
 */
function byValueKey(type: ColumnType): boolean {
  return type === 'numeric' || type === 'bpchar' || type === 'jsonb' || type === 'bytea' || isArrayType(type as SqlType);
}

/**
 * The key map's form of a one-column primary key value of column type `type`: the ONE rule
 * that writes (pkeyOf) and lookups (the PkLookup node) share. A JavaScript Map compares keys by
 * SameValueZero, so: an integer key is a number when safe (int8 values computed as a bigint
 * included), a timestamp a bigint (its stored form, never narrowed), a char(n) value without
 * its trailing spaces, and a numeric, jsonb, bytea or array value, or one held in an object
 * (interval, bit, varbit, vector, halfvec, sparsevec), its hash-key text, so equal SQL values
 * are one key (1.5 = 1.50, '1 day' = '24 hours') and a lookup finds them.
 */
export function pkMapKey(v: Value, type: ColumnType): unknown {
  if (v === null) return null;
  if (byValueKey(type)) {
    // bpchar's equality ignores trailing spaces; the others compare as their hash keys do.
    if (type === 'bpchar') return typeof v === 'string' ? v.replace(/ +$/, '') : v;
    return keyText(v, type as SqlType);
  }
  if (typeof v === 'bigint') {
    if ((type === 'int8' || type === 'int4' || type === 'int2') && v >= MIN_SAFE && v <= MAX_SAFE) return Number(v);
    return v;
  }
  if (typeof v === 'object') return keyText(v, type);
  return v;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function failingRow(table: Table, values: readonly Value[], zone: TimeZone): string {
  const parts = table.def.columns.map((c, i) => valueToText(values[i] ?? null, c.type, zone) ?? 'null');
  return `Failing row contains (${parts.join(', ')}).`;
}

/**
 * Checks NOT NULL and the primary key for a row about to be written by `xid`.
 * A key held by a live row that this transaction has not deleted is a duplicate; when that
 * row's insert or delete is another in-flight transaction's (`locks` given), the statement
 * waits for it first.
 * @throws PgError 23502 not-null violation, 23505 unique violation; LockWait.
 */
export function checkRow(table: Table, values: readonly Value[], pkey: unknown, xid: number, pkeyName = `${table.name}_pkey`, locks: RowLocks | null = null, zone: TimeZone = DETAIL_ZONE): void {
  const cols = table.def.columns;
  for (let c = 0; c < cols.length; c++) {
    if (values[c] === null && cols[c]!.notNull) {
      throw new PgError(
        SQLSTATE.not_null_violation,
        `null value in column "${cols[c]!.name}" of relation "${shownName(table.name, table.name)}" violates not-null constraint`,
        { detail: failingRow(table, values, zone) },
      );
    }
  }
  if (pkey === undefined) return;
  const existing = table.pkey.get(pkey);
  if (existing !== undefined && table.isLive(existing) && !(table.xmax[existing] === xid && xid !== 0)) {
    const holder = locks === null ? 0 : locks.keyHolder(table, existing, xid);
    if (holder !== 0) throw new LockWait(holder, table.name, existing);
    throw duplicateKey(table, values, pkeyName, zone);
  }
}

/**
 * Every check of a row about to be written by `xid`, in PostgreSQL's order (ExecConstraints,
 * then the unique indexes): NOT NULL, CHECK constraints, the primary key, UNIQUE indexes.
 * Foreign keys are checked at the end of the statement (foreign_keys.ts).
 * @throws PgError 23502, 23514, 23505.
 */
export function checkNewRow(env: SqlEnv, table: Table, values: readonly Value[], pkey: unknown, xid: number): void {
  const zone = env.settings.timeZone();
  checkRow(table, values, undefined, xid, undefined, null, zone);
  checkConstraints(env, table, values);
  if (pkey !== undefined) {
    // The key's index keeps its name when the table is renamed.
    const pk = env.catalog.indexesOf(table.name).find((d) => d.primaryKey);
    checkRow(table, values, pkey, xid, pk?.name, env.catalog.rowLocks, zone);
  }
  checkUniqueIndexes(env, table, values, xid);
}

/**
 * Writes one new row (INSERT, or the new version of an UPDATE) for the current transaction:
 * through the catalog (the logged path), remembered for COMMIT/ROLLBACK, added to every index
 * of the table. Returns the rowId.
 */
export function writeRow(env: SqlEnv, table: Table, values: readonly Value[], pkey: unknown, update = false): number {
  const xid = ensureXid(env);
  const rowId = env.catalog.insertRow(table, values, pkey, xid);
  env.txn.writes.push(update ? { kind: 'insert', table, rowId, pkey, update: true } : { kind: 'insert', table, rowId, pkey });
  insertIntoIndexes(env, table, rowId);
  return rowId;
}

/** Rows a {@link RowWriter} holds before it appends them (PostgreSQL's COPY buffers 1,000). */
const BATCH_ROWS_MAX = 1000;
/**
 * Bytes of values a {@link RowWriter} holds before it appends them: the batch's log record
 * stays within the log's 1 MiB buffer, and the vectors parsed for it within memory that the
 * next batch reuses (COPY's slabs), which is warm in the cache.
 */
const BATCH_BYTES_MAX = 256 * 1024;

/** Options of a {@link RowWriter}. */
export interface RowWriterOptions {
  /** Rows held at most before they are appended (1: each row is written before the next is checked). */
  maxRows?: number;
  /** Called after each row is written and indexed, in order (INSERT's RETURNING). */
  onRow?: ((rowId: number) => void) | null;
  /**
   * The CONTEXT of an error raised while row `tag` (the number {@link RowWriter.add} was
   * given, COPY's line) is appended or indexed, after later rows were checked.
   */
  where?: ((tag: number) => string) | null;
  /** Called after each batch is appended (COPY reuses the memory of the batch's vectors). */
  afterFlush?: (() => void) | null;
}

/**
 * The one append path of INSERT (VALUES and SELECT) and COPY FROM: checks each row as it is
 * added, in PostgreSQL's order ({@link checkNewRow}: NOT NULL, CHECK, primary key, UNIQUE),
 * and appends the rows in batches: one catalog call and one log record per batch
 * (`Catalog.insertRows`), then the transaction's writes, every index and the foreign-key queue
 * row by row. What does not change per row is resolved once: the primary key's constraint
 * name, the session's time zone, whether there are CHECK constraints and UNIQUE indexes.
 *
 * A row's key is checked against the table and the batch's earlier rows (held in a map until
 * they are appended). A table with a UNIQUE index (not the primary key) writes each row
 * before the next is checked, as does one with an index whose keys are computed (an
 * expression, a predicate, a sparsevec key: its insertion may fail on a row's value, and that
 * error must come before a later row's), and a caller that asks for RETURNING (`maxRows` 1).
 * An error leaves the rows of the statement to its rollback, as INSERT's.
 */
export class RowWriter {
  private readonly rows: Value[][] = [];
  private readonly keys: unknown[] = [];
  private readonly tags: number[] = [];
  /** Primary keys of the held rows (not yet in the table's key map) -> position in the batch. */
  private readonly heldKeys = new Map<unknown, number>();
  private bytes = 0;
  private readonly maxRows: number;
  private readonly zone: TimeZone;
  private readonly pkName: string;
  private readonly hasPk: boolean;
  private readonly hasChecks: boolean;
  private readonly hasUnique: boolean;
  /** Columns with NOT NULL. */
  private readonly notNull: number[];
  private readonly onRow: ((rowId: number) => void) | null;
  private readonly where: ((tag: number) => string) | null;
  private readonly afterFlush: (() => void) | null;
  /** Rows written so far. */
  count = 0;

  /** Foreign keys of the written rows are queued on `fk` (the caller fires the queue). */
  constructor(private readonly env: SqlEnv, readonly table: Table, private readonly fk: FkQueue | null, opts: RowWriterOptions = {}) {
    const def = table.def;
    this.zone = env.settings.timeZone();
    const indexes = env.catalog.indexesOf(table.name);
    // The key's index keeps its name when the table is renamed.
    this.pkName = indexes.find((d) => d.primaryKey)?.name ?? `${table.name}_pkey`;
    this.hasPk = def.primaryKey.length > 0;
    this.hasChecks = (def.checks ?? []).length > 0;
    this.hasUnique = indexes.some((d) => d.unique && !d.primaryKey);
    this.notNull = [];
    for (let c = 0; c < def.columns.length; c++) if (def.columns[c]!.notNull) this.notNull.push(c);
    const plainIndexes = indexes.every((d) => d.primaryKey || (d.predicate === null && d.keys.every((k) => k.expr === null && def.columns[k.column]?.type !== 'sparsevec')));
    this.maxRows = this.hasUnique || !plainIndexes ? 1 : Math.max(1, Math.min(opts.maxRows ?? BATCH_ROWS_MAX, BATCH_ROWS_MAX));
    this.onRow = opts.onRow ?? null;
    this.where = opts.where ?? null;
    this.afterFlush = opts.afterFlush ?? null;
  }

  /**
   * Checks row `values` (every column, coerced) and holds it to be appended; `tag` names it
   * in errors raised when it is appended (see {@link RowWriterOptions.where}). `values` is
   * kept: the caller passes a new array per row.
   * @throws PgError 23502, 23514, 23505 for this row (the caller adds its CONTEXT), or an
   *   error of appending earlier rows (with theirs); LockWait.
   */
  add(values: Value[], tag = 0): void {
    const table = this.table;
    const env = this.env;
    const xid = env.txn.xid;
    for (let i = 0; i < this.notNull.length; i++) {
      if (values[this.notNull[i]!] === null) checkRow(table, values, undefined, xid, undefined, null, this.zone);
    }
    if (this.hasChecks) checkConstraints(env, table, values);
    let pkey: unknown = undefined;
    if (this.hasPk) {
      pkey = pkeyOf(table, values);
      checkRow(table, values, pkey, xid, this.pkName, env.catalog.rowLocks, this.zone);
      if (this.heldKeys.has(pkey)) throw duplicateKey(table, values, this.pkName, this.zone);
    }
    if (this.hasUnique) {
      // The UNIQUE indexes hold the written rows only (maxRows is 1 here, so none is held).
      checkUniqueIndexes(env, table, values, xid);
    }
    if (pkey !== undefined && this.maxRows > 1) this.heldKeys.set(pkey, this.rows.length);
    this.rows.push(values);
    this.keys.push(pkey);
    this.tags.push(tag);
    this.bytes += rowBytes(values);
    if (this.rows.length >= this.maxRows || this.bytes >= BATCH_BYTES_MAX) this.flush();
  }

  /**
   * Appends the held rows: one catalog call (one log record), then per row, in order, the
   * transaction's write, its index entries, its foreign-key check and {@link RowWriterOptions.onRow}.
   * @throws PgError 53200 and the indexes' errors, with the row's CONTEXT.
   */
  flush(): void {
    const n = this.rows.length;
    if (n === 0) return;
    const env = this.env;
    const table = this.table;
    const xid = ensureXid(env);
    let first: number;
    try {
      first = env.catalog.insertRows(table, this.rows, this.keys, xid);
    } catch (e) {
      throw this.context(e, 0);
    }
    const writes = env.txn.writes;
    // Every row is a write of the transaction before any index sees one: a failure below
    // leaves them all to the statement's rollback.
    for (let i = 0; i < n; i++) writes.push({ kind: 'insert', table, rowId: first + i, pkey: this.keys[i] });
    for (let i = 0; i < n; i++) {
      const rowId = first + i;
      try {
        insertIntoIndexes(env, table, rowId);
      } catch (e) {
        throw this.context(e, i);
      }
      fkWrote(this.fk, table, rowId);
      this.onRow?.(rowId);
    }
    this.count += n;
    this.rows.length = 0;
    this.keys.length = 0;
    this.tags.length = 0;
    this.heldKeys.clear();
    this.bytes = 0;
    this.afterFlush?.();
  }

  private context(e: unknown, i: number): unknown {
    if (this.where !== null && e instanceof PgError && e.where === undefined) e.where = this.where(this.tags[i]!);
    return e;
  }
}

/** Bytes a row's values take in a batch, roughly (vectors by their elements). */
function rowBytes(values: readonly Value[]): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    n += ArrayBuffer.isView(v) ? v.byteLength + 8 : typeof v === 'string' ? v.length + 8 : 8;
  }
  return n;
}

/** 23505 for primary key `pkName` held twice (checkRow's message). */
function duplicateKey(table: Table, values: readonly Value[], pkName: string, zone: TimeZone): PgError {
  const pk = table.def.primaryKey;
  const cols = table.def.columns;
  const names = pk.map((c) => cols[c]!.name).join(', ');
  const vals = pk.map((c) => valueToText(values[c] ?? null, cols[c]!.type, zone)).join(', ');
  return new PgError(SQLSTATE.unique_violation, `duplicate key value violates unique constraint "${shownName(pkName, table.name)}"`, {
    detail: `Key (${names})=(${vals}) already exists.`,
  });
}

/**
 * The default of column `col` of `table` as an expression: a serial column's nextval, the
 * DEFAULT clause analyzed against the table, or null when it has none. What INSERT and COPY
 * FROM put in a column they are not given.
 */
export function columnDefaultExpr(env: SqlEnv, t: Table, col: number): Expr | null {
  const c = t.def.columns[col]!;
  // A generated column's value is computed from the row once the row is complete.
  if (c.generated !== undefined) return null;
  if (c.sequence !== null) {
    const seq = c.sequence;
    return { k: 'op1', type: c.type, arg: { k: 'const', type: 'text', value: seq }, fn: () => int8Of(sessionNextval(env, seq)) };
  }
  if (c.defaultSql !== null) return analyzeDefault(env, t, col, JSON.parse(c.defaultSql) as PgNode);
  return null;
}

/** The stored values of row `rowId` (vectors as views: evaluate before the next write). */
function storedRow(table: Table, rowId: number): Value[] {
  const n = table.def.columns.length;
  const out: Value[] = new Array(n);
  for (let c = 0; c < n; c++) out[c] = table.get(c, rowId);
  return out;
}

/**
 * Runs an analyzed INSERT: the VALUES rows (evaluated in one statement state, so a subquery in
 * them is a SubPlan), or the rows of INSERT ... SELECT, which are all read before the first
 * is written (the query does not see the rows the statement inserts). `planned` is its
 * {@link planInsert} (made now when absent); `probe` instruments it for EXPLAIN ANALYZE.
 */
export function runInsert(env: SqlEnv, q: InsertQuery, params: readonly Value[], planned: PlannedInsert | null = null, probe: ExplainProbe | null = null): InsertOutput {
  preventCommandIfReadOnly(env, 'INSERT');
  const table = q.table;
  const cols = table.def.columns;
  const returning: Value[][] | null = q.returning === null ? null : [];
  // RETURNING and VALUES expressions bound to the new row (slot i = column i) in one planned statement.
  const { stmt, bound, select } = planned ?? planInsert(env, q, params);
  const es = probe === null ? new EState(env, stmt, params, null) : probe.state(env, stmt, params);
  const ret = bound[0]!;
  const oc = q.onConflict === null ? null : bindOnConflict(q.onConflict, cols.length);
  /** Rows this statement inserted or updated (ON CONFLICT may not meet one twice). */
  const affected = new Set<number>();
  const fk = newFkQueue(env);
  let count = 0;
  let proposed = 0;
  let conflicting = 0;
  let removedByConflictFilter = 0;
  const returnRow = (rowId: number): void => {
    if (returning === null) return;
    const row = storedRow(table, rowId);
    returning.push(ret.map((e) => evalExpr(e, row, es)));
  };
  // RETURNING (and ON CONFLICT, which must see each row written) takes each row to the
  // table before the next is evaluated, as PostgreSQL's ModifyTable does.
  const writer = new RowWriter(env, table, fk, returning !== null || oc !== null ? { maxRows: 1, onRow: returnRow } : {});
  const generated = hasGeneratedColumns(table);
  const emit = (values: Value[]): void => {
    proposed++;
    if (generated) computeGenerated(env, table, values);
    if (oc === null) {
      writer.add(values);
      return;
    }
    const pkey = pkeyOf(table, values);
    let rowId: number;
    const existing = conflictingRow(env, table, values, pkey, oc.arbiters);
    if (existing !== null) {
      conflicting++;
      if (oc.action === 'nothing') return;
      const r = updateConflicting(env, table, existing, values, oc, es, affected, fk);
      if (r === null) {
        removedByConflictFilter++;
        return;
      }
      rowId = r;
      returnRow(rowId);
      count++;
    } else {
      const before = writer.count;
      writer.add(values);
      rowId = table.slots - 1;
      assert(writer.count === before + 1, 'ON CONFLICT writes each row at once');
    }
    affected.add(rowId);
  };
  const finish = (): InsertOutput => {
    writer.flush();
    fireForeignKeys(env, fk);
    return { count: count + writer.count, returning, proposed, conflicting, removedByConflictFilter };
  };
  if (q.select !== null) {
    const { rows, es: ses } = runStatement(env, select!, params, probe);
    const exprs = q.select.columns;
    for (const r of rows) {
      const values: Value[] = new Array(cols.length);
      for (let c = 0; c < cols.length; c++) {
        const v = evalExpr(exprs[c]!, r, ses);
        values[c] = v instanceof Float32Array ? v.slice() : v;
      }
      emit(values);
    }
    return finish();
  }
  for (let i = 0; i < q.rows.length; i++) {
    const rowExprs = bound[i + 1]!;
    const values: Value[] = new Array(cols.length);
    for (let c = 0; c < cols.length; c++) values[c] = evalExpr(rowExprs[c]!, null, es);
    emit(values);
  }
  return finish();
}

/** ON CONFLICT's expressions bound to the tuple [existing row..., EXCLUDED row...]. */
function bindOnConflict(oc: OnConflict, ncols: number): OnConflict {
  const bind = (e: Expr): Expr => {
    if (e.k === 'var') {
      assert(e.levelsUp === 0 && (e.rti === 0 || e.rti === 1), 'ON CONFLICT expressions read the target row and EXCLUDED only');
      return { k: 'slot', type: e.type, idx: e.rti * ncols + e.col, typmod: e.typmod, name: e.name };
    }
    return mapOperands(e, bind);
  };
  return { action: oc.action, arbiters: oc.arbiters, sets: oc.sets.map((x) => ({ col: x.col, expr: bind(x.expr) })), where: oc.where === null ? null : bind(oc.where) };
}

/**
 * The row that conflicts with proposed row `values` in one of the arbiter indexes (all unique
 * indexes of the table when `arbiters` is null), or null: ON CONFLICT's arbiter check. The
 * indexes are tried in creation order and the first conflict wins (PostgreSQL's
 * ExecCheckIndexConstraints walks the index list in OID order). A key with a NULL column
 * conflicts with nothing. The proposed row's NOT NULL constraints are checked first, as
 * PostgreSQL's ExecConstraints runs before the arbiter check.
 * @throws LockWait when another in-flight transaction inserted or is deleting the row
 *   holding the key (the statement waits for it and runs again, as PostgreSQL's upsert waits);
 *   PgError 23502 not-null violation.
 */
function conflictingRow(env: SqlEnv, table: Table, values: readonly Value[], pkey: unknown, arbiters: readonly string[] | null): number | null {
  const xid = env.txn.xid;
  checkRow(table, values, undefined, xid, undefined, null, env.settings.timeZone());
  checkConstraints(env, table, values);
  for (const def of env.catalog.indexesOf(table.name)) {
    if (!def.unique || (arbiters !== null && !arbiters.includes(def.name))) continue;
    let candidates: readonly number[];
    if (def.primaryKey) {
      const r = pkey === undefined ? undefined : table.pkey.get(pkey);
      candidates = r === undefined ? [] : [r];
    } else {
      const index = env.indexes.get(def.name);
      if (index === undefined || !isOrderedIndex(index)) continue;
      const keys = indexKeysOfRow(env, def, table, values);
      candidates = keys === null ? [] : index.findEqual(keys);
    }
    for (const r of candidates) {
      // A version this transaction deleted (an earlier update's old row) holds no key.
      if (!table.isLive(r) || (table.xmax[r] === xid && xid !== 0)) continue;
      const holder = env.catalog.rowLocks.keyHolder(table, r, xid);
      if (holder !== 0) throw new LockWait(holder, table.name, r);
      if (!table.visibleTo(r, xid) || (table.xmax[r] !== 0 && table.xmax[r] !== xid)) {
        throw new PgError('55P03', `could not obtain lock on relation "${table.name}"`);
      }
      return r;
    }
  }
  return null;
}

/**
 * DO UPDATE of row `rowId` with the proposed row `excluded`: null when its WHERE is not true
 * (nothing changes), else the new version's row id.
 * @throws PgError 21000 when the row was inserted or updated by this same statement.
 */
function updateConflicting(env: SqlEnv, table: Table, rowId: number, excluded: readonly Value[], oc: OnConflict, es: EState, affected: Set<number>, fk: FkQueue | null): number | null {
  if (affected.has(rowId)) {
    throw new PgError(SQLSTATE.cardinality_violation, 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
      hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
    });
  }
  const old = storedRow(table, rowId).map((v) => (v instanceof Float32Array ? v.slice() : v));
  const tuple = [...old, ...excluded];
  if (oc.where !== null && evalExpr(oc.where, tuple, es) !== true) return null;
  const values = old.slice();
  for (const set of oc.sets) {
    const v = evalExpr(set.expr, tuple, es);
    values[set.col] = v instanceof Float32Array ? v.slice() : v;
  }
  computeGenerated(env, table, values);
  const xid = ensureXid(env);
  const oldKey = pkeyOf(table, old);
  env.catalog.deleteRow(table, rowId, xid, oldKey);
  const hot = !changedAny(indexedColumns(env, table), old, values);
  env.txn.writes.push({ kind: 'delete', table, rowId, pkey: oldKey, update: true, hot });
  const newKey = pkeyOf(table, values);
  checkNewRow(env, table, values, newKey, xid);
  const newId = writeRow(env, table, values, newKey, true);
  fkRemoved(fk, table, old, values);
  fkWrote(fk, table, newId);
  return newId;
}
