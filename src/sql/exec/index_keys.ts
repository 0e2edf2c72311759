/**
 * Index key values: the ONE place that turns a table row into what an index stores (PostgreSQL's
 * FormIndexDatum + ExecQual on the index predicate). CREATE INDEX over existing rows, INSERT and
 * UPDATE, TRUNCATE's rebuild and recovery's replay and rebuild all go through
 * {@link indexKeyValues} / {@link insertIntoIndexes}, so a key expression or a partial index's
 * predicate can never be computed two ways.
 *
 * An index definition keeps expression keys and the predicate as SQL text
 * ({@link IndexDef}); {@link compileIndexDef} re-analyzes that text against the table (as
 * PostgreSQL reads indexprs / indpred back from pg_index) and binds its columns to row
 * positions. The compiled form is cached per definition object (definitions are immutable and
 * a new one is made whenever an index is created), keyed also by the table definition it was
 * analyzed against.
 */
import { isOrderedIndex, type VectorKey } from '../../access/am.js';
import { BitString } from '../../types/bit.js';
import type { SparseVector } from '../../types/sparsevec.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { Table, TableDef, Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { mapOperands, requireBool, analyzeExpr, type Expr } from '../analyze/expr.js';
import { tableParseState } from '../analyze/query.js';
import type { SqlType } from '../analyze/types.js';
import { parseSql, type PgNode } from '../parser/parse.js';
import { bug, evalExpr, NO_CONTEXT } from './eval.js';
import { walkVars } from '../plan/planner.js';

/** An index definition analyzed against its table. */
export interface CompiledIndexDef {
  /** True when every key is a plain column and there is no predicate: keys are read in place. */
  readonly simple: boolean;
  /**
   * The keys analyzed over range-table entry 0 = the table (unbound vars): what the planner
   * compares a query's expressions with (match_index_to_operand).
   */
  readonly keyExprs: readonly Expr[];
  /** The predicate analyzed over range-table entry 0, or null. */
  readonly predicate: Expr | null;
  /** Type and typmod of each key (a vector key's typmod is its dimension). */
  readonly keyTypes: readonly { type: SqlType; typmod: number }[];
  /** The keys bound to row positions (slot i = column i), for evaluation. */
  readonly boundKeys: readonly Expr[];
  /** The predicate bound to row positions, or null. */
  readonly boundPredicate: Expr | null;
}

const compiled = new WeakMap<IndexDef, { tableDef: TableDef; c: CompiledIndexDef }>();

/** The raw parse tree of an expression stored as SQL text (`SELECT <text>`'s one target). */
export function parseStoredExpr(text: string): PgNode {
  const stmts = parseSql(`SELECT ${text}`);
  const sel = stmts.length === 1 ? stmts[0]!.stmt.SelectStmt : undefined;
  const targets = sel?.targetList as PgNode[] | undefined;
  if (targets === undefined || targets.length !== 1 || sel.fromClause !== undefined) bug(`stored index expression is not one expression: ${text}`);
  return targets[0].ResTarget.val;
}

/** A column reference `var` of entry 0 becomes row position `col`: the row is the table's full row. */
function bindToRow(e: Expr): Expr {
  if (e.k === 'var') return { k: 'slot', type: e.type, idx: e.col, typmod: e.typmod, name: e.name };
  return mapOperands(e, bindToRow);
}

/**
 * Analyzes `def`'s keys and predicate against `table` (cached).
 * @throws PgError from analysis when the stored text no longer analyzes (42703 for a column
 *   that is gone) — recovery and the planner report it as the error PostgreSQL would give.
 */
export function compileIndexDef(env: SqlEnv, def: IndexDef, table: Table): CompiledIndexDef {
  const hit = compiled.get(def);
  if (hit !== undefined && hit.tableDef === table.def) return hit.c;
  const cols = table.def.columns;
  let scope: ReturnType<typeof tableParseState> | null = null;
  const scopeOf = (): ReturnType<typeof tableParseState> => (scope ??= tableParseState(env, table, [], []));
  const keyExprs: Expr[] = [];
  const keyTypes: { type: SqlType; typmod: number }[] = [];
  for (const k of def.keys) {
    if (k.expr === null) {
      const c = cols[k.column] ?? bug(`index "${def.name}" names column ${k.column} of "${table.name}"`);
      keyExprs.push({ k: 'var', type: c.type, rti: 0, col: k.column, levelsUp: 0, typmod: c.typmod, name: c.name });
      keyTypes.push({ type: c.type, typmod: c.typmod });
    } else {
      const e = analyzeExpr(scopeOf(), parseStoredExpr(k.expr));
      keyExprs.push(e);
      keyTypes.push({ type: e.type, typmod: 'typmod' in e && typeof e.typmod === 'number' ? e.typmod : -1 });
    }
  }
  let predicate: Expr | null = null;
  if (def.predicate !== null) {
    const raw = parseStoredExpr(def.predicate);
    predicate = requireBool(scopeOf(), analyzeExpr(scopeOf(), raw), 'argument of WHERE', raw);
  }
  const c: CompiledIndexDef = {
    simple: predicate === null && def.keys.every((k) => k.expr === null),
    keyExprs,
    predicate,
    keyTypes,
    boundKeys: keyExprs.map(bindToRow),
    boundPredicate: predicate === null ? null : bindToRow(predicate),
  };
  compiled.set(def, { tableDef: table.def, c });
  return c;
}

/** The stored values of row `rowId` (vectors as views over the arena: valid until the next write). */
function storedRow(table: Table, rowId: number): Value[] {
  const n = table.def.columns.length;
  const out: Value[] = new Array(n);
  for (let c = 0; c < n; c++) out[c] = table.get(c, rowId);
  return out;
}

/**
 * The key values index `def` stores for row `rowId` of `table` (one per key, NULL as null), or
 * null when the row fails the index's predicate and is not in the index. Column keys of
 * vector type are views over the arena (index methods copy what they keep).
 * @throws PgError raised by a key expression or the predicate (e.g. 22000 from a cast to a
 *   vector of another dimension), as PostgreSQL raises it from FormIndexDatum.
 */
export function indexKeyValues(env: SqlEnv, def: IndexDef, table: Table, rowId: number): Value[] | null {
  const c = compileIndexDef(env, def, table);
  if (c.simple) return def.keys.map((k) => table.get(k.column, rowId));
  return indexKeysOfRow(env, def, table, storedRow(table, rowId));
}

/**
 * The key values index `def` would store for a row of `table` given as its full list of column
 * values (`row[i]` = column i), or null when the row fails the predicate: what a UNIQUE check
 * or an ON CONFLICT probe looks up before the row is written. Same evaluation as
 * {@link indexKeyValues}.
 * @throws PgError raised by a key expression or the predicate.
 */
export function indexKeysOfRow(env: SqlEnv, def: IndexDef, table: Table, row: readonly Value[]): Value[] | null {
  const c = compileIndexDef(env, def, table);
  if (c.simple) return def.keys.map((k) => row[k.column] ?? null);
  // ExecQual: only TRUE passes (NULL and FALSE leave the row out of a partial index).
  if (c.boundPredicate !== null && evalExpr(c.boundPredicate, row as Value[], NO_CONTEXT) !== true) return null;
  return c.boundKeys.map((e) => evalExpr(e, row as Value[], NO_CONTEXT));
}

/**
 * The vector a single-key vector index stores for row `rowId` as the access method takes it
 * ({@link toVectorKey}), or null when the row is not in the index (NULL key, or the predicate
 * fails).
 */
export function vectorKey(env: SqlEnv, def: IndexDef, table: Table, rowId: number): VectorKey | null {
  const keys = indexKeyValues(env, def, table, rowId);
  if (keys === null) return null;
  const v = keys[0] ?? null;
  return v === null ? null : toVectorKey(v);
}

/**
 * A vector value as index methods take it (access/am.ts VectorKey): vector (Float32Array) and
 * halfvec (Uint16Array) and sparsevec (SparseVector) values as they are, a bit string as its
 * packed bytes.
 */
export function toVectorKey(v: Value): VectorKey {
  return v instanceof BitString ? v.bytes : (v as Float32Array | Uint16Array | SparseVector);
}

/** Adds row `rowId` of `table` to every index of the table that holds it (INSERT, UPDATE, replay). */
export function insertIntoIndexes(env: SqlEnv, table: Table, rowId: number): void {
  for (const d of env.catalog.indexesOf(table.name)) {
    const idx = env.indexes.get(d.name);
    if (idx === undefined) continue;
    if (isOrderedIndex(idx)) {
      // A B-tree holds every row (NULL keys too); it keeps copies of arena views.
      const keys = indexKeyValues(env, d, table, rowId);
      if (keys !== null) idx.insert(rowId, keys.map((v) => (v instanceof Float32Array || v instanceof Uint16Array ? v.slice() : v)));
      continue;
    }
    const vec = vectorKey(env, d, table, rowId);
    if (vec !== null) idx.insert(rowId, vec);
  }
}

/**
 * The columns any index of `table` refers to (keys, expression keys, partial predicates; the
 * primary key's): PostgreSQL's HOT-blocking attributes. An UPDATE that changes none of them
 * counts as a heap-only update (n_tup_hot_upd), as PostgreSQL's does when the page has room.
 */
export function indexedColumns(env: SqlEnv, table: Table): number[] {
  const out = new Set<number>(table.def.primaryKey);
  for (const d of env.catalog.indexesOf(table.name)) {
    for (const k of d.keys) if (k.column >= 0) out.add(k.column);
    if (d.predicate === null && d.keys.every((k) => k.expr === null)) continue;
    const c = compileIndexDef(env, d, table);
    for (const e of c.keyExprs) walkVars(e, (v) => out.add(v.col));
    if (c.predicate !== null) walkVars(c.predicate, (v) => out.add(v.col));
  }
  return [...out];
}

/** True when one of `cols` holds a different value in `b` than in `a` (strict equality: a vector or other object value always counts as changed). */
export function changedAny(cols: readonly number[], a: readonly Value[], b: readonly Value[]): boolean {
  for (const c of cols) if (a[c] !== b[c]) return true;
  return false;
}
