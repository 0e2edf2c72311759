/**
 * Ordered (B-tree) indexes in the SQL layer: CREATE [UNIQUE] INDEX ... [USING btree] (col
 * [opclass] [ASC|DESC] [NULLS FIRST|LAST], ...), the key specs (the comparator of each key
 * column's type: its operator class's support function 1), and the unique check run before a
 * row is written (PostgreSQL's _bt_check_unique, with its messages).
 */
/** Duplicate-key details print timestamptz values in the session's zone; UTC where a caller has none. */
import { shownName } from '../../storage/schema_def.js';
import { UTC_ZONE as DETAIL_ZONE, type TimeZone } from '../../types/timezone.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { isOrderedAm, isOrderedIndex, type OrderedBuildInput, type OrderedIndex, type OrderedIndexAm, type OrderedKeySpec } from '../../access/am.js';
import type { IndexDef, IndexKey } from '../../storage/catalog.js';
import type { Table, Value } from '../../storage/table.js';
import { LockWait } from '../../storage/row_locks.js';
import type { PgNode } from '../parser/parse.js';
import type { SqlEnv } from '../env.js';
import { comparatorFor } from '../analyze/expr.js';
import { type SqlType, typeName } from '../analyze/types.js';
import { valueToText } from '../analyze/types.js';
import { compileIndexDef, indexKeyValues, indexKeysOfRow } from './index_keys.js';
import { indexKeyColumnSql } from './pg_get_indexdef.js';
import { storedKeyText, type AnalyzedIndexKey } from './index_def.js';

/** PostgreSQL's INDEX_MAX_KEYS. */
const INDEX_MAX_KEYS = 32;

/** Key types whose values are always JS numbers: stored flat (Float64Array) in the tree. */
const FLAT_TYPES = new Set<SqlType>(['int2', 'int4', 'float4', 'float8', 'date', 'time']);

/** The default btree operator class of a column type (PostgreSQL's pg_opclass names), or null. */
export function defaultBtreeOpclass(type: SqlType): string | null {
  try {
    comparatorFor(type);
  } catch {
    return null;
  }
  if (type === 'varchar') return 'text_ops';
  // Every array type shares PostgreSQL's array_ops (array_cmp over the elements' B-tree order).
  if (type.endsWith('[]')) return 'array_ops';
  if (type === 'unknown') return null;
  return `${type}_ops`;
}

/** The key specs of ordered index `def` over `table`: an expression key orders by its expression's type. */
export function orderedKeySpecs(env: SqlEnv, def: IndexDef, table: Table): OrderedKeySpec[] {
  const types = compileIndexDef(env, def, table).keyTypes;
  const am = env.methods.get(def.method);
  // A method with operator classes of its own (GIN) never compares keys: jsonb has no order here.
  const unordered = am !== undefined && isOrderedAm(am) && am.keyOpclasses !== undefined;
  return def.keys.map((k, i) => {
    const type = types[i]!.type;
    return { cmp: unordered ? noKeyOrder : (comparatorFor(type) as OrderedKeySpec['cmp']), desc: k.descending, nullsFirst: k.nullsFirst, flat: FLAT_TYPES.has(type), opclass: k.opclass };
  });
}

function noKeyOrder(): number {
  throw new PgError(SQLSTATE.internal_error, 'the keys of this index method are not ordered');
}

/** A key value as the index keeps it: arena views (vectors) are copied, other values are immutable. */
export function keptValue(v: Value): Value {
  return v instanceof Float32Array || v instanceof Uint16Array ? v.slice() : v;
}

/**
 * The structure of the primary key's index `def` (`t_pkey`): a B-tree over the key columns, for
 * the planner's ordered paths as PostgreSQL's primary key index serves them (`ORDER BY id DESC
 * LIMIT n`, ranges, `IN` lists, min / max), or null when a key type has no B-tree order.
 * Uniqueness stays with the table's key map (Table.pkey, which also answers `id = v`): the
 * structure is never checked for duplicates (checkUniqueIndexes skips it).
 */
export function primaryKeyIndex(env: SqlEnv, def: IndexDef, table: Table): OrderedIndex | null {
  const am = env.methods.get('btree');
  if (am === undefined || !isOrderedAm(am)) return null;
  if (compileIndexDef(env, def, table).keyTypes.some((t) => defaultBtreeOpclass(t.type) === null)) return null;
  // Built with its table (CREATE TABLE, ADD PRIMARY KEY, recovery): no CREATE INDEX progress.
  const input = prepareOrderedBuild(env, am, def, table);
  delete input.onProgress;
  return am.build(input);
}

/**
 * Builds ordered method `am`'s structure for `def` over every live row of `table` that the
 * index holds (NULL keys included: a B-tree indexes NULLs, for IS NULL and ORDER BY).
 */
export function buildOrderedIndex(env: SqlEnv, am: OrderedIndexAm, def: IndexDef, table: Table): OrderedIndex {
  return am.build(prepareOrderedBuild(env, am, def, table));
}

/**
 * What `am.build` / `am.buildAsync` are given for ordered index `def` over `table`: every live
 * row the index holds, with its key values (`forEachRowIn`: the rows below the table's slot
 * count now, in ranges, without interrupt checks: the waiting session handles those).
 * @throws PgError 22023 from the options.
 */
export function prepareOrderedBuild(env: SqlEnv, am: OrderedIndexAm, def: IndexDef, table: Table): OrderedBuildInput {
  am.parseOptions(new Map(def.options));
  const report = env.engine.onIndexBuildProgress;
  let rowCount = 0;
  for (let r = 0; r < table.slots; r++) if (table.isLive(r)) rowCount++;
  const rowIdEnd = table.slots;
  return {
    keys: orderedKeySpecs(env, def, table),
    rowCount,
    forEachRow(fn) {
      for (let r = 0; r < table.slots; r++) {
        if (!table.isLive(r)) continue;
        env.interrupts.tick(); // statement_timeout and cancel (57014)
        const keys = indexKeyValues(env, def, table, r);
        if (keys !== null) fn(r, keys.map(keptValue));
      }
    },
    forEachRowIn(from, to, fn) {
      const end = Math.min(to, rowIdEnd, table.slots);
      for (let r = from; r < end; r++) {
        if (!table.isLive(r)) continue;
        const keys = indexKeyValues(env, def, table, r);
        if (keys !== null) fn(r, keys.map(keptValue));
      }
    },
    rowIdEnd,
    ...(report === undefined ? {} : { onProgress: (p) => report({ index: def.name, ...p }) }),
  };
}

/**
 * `Key (a, b)=(1, x)` of a unique violation's DETAIL (BuildIndexValueDescription): the key
 * columns as pg_get_indexdef_columns prints them (`lower(title)`, `(a + b)`).
 */
function keyText(env: SqlEnv, table: Table, def: IndexDef, values: readonly Value[], zone: TimeZone): string {
  const types = compileIndexDef(env, def, table).keyTypes;
  const names = def.keys.map((k) => indexKeyColumnSql(k, table, true)).join(', ');
  const vals = def.keys.map((_, i) => valueToText(values[i] ?? null, types[i]!.type, zone) ?? 'null').join(', ');
  return `Key (${names})=(${vals})`;
}

/**
 * Checks every UNIQUE ordered index of `table` for a row with `values` about to be written by
 * transaction `xid`: a live row with the same key (no key column NULL) that this transaction
 * has not deleted is a duplicate; one another in-flight transaction inserted or is deleting is
 * waited for first (LockWait), as for primary keys.
 * @throws PgError 23505 `duplicate key value violates unique constraint "<index>"`; LockWait.
 */
export function checkUniqueIndexes(env: SqlEnv, table: Table, values: readonly Value[], xid: number): void {
  for (const def of env.catalog.indexesOf(table.name)) {
    if (!def.unique || def.primaryKey) continue;
    const index = env.indexes.get(def.name);
    if (index === undefined || !isOrderedIndex(index)) continue;
    const keys = indexKeysOfRow(env, def, table, values);
    if (keys === null) continue;
    for (const r of index.findEqual(keys)) {
      if (!table.isLive(r) || (table.xmax[r] === xid && xid !== 0)) continue;
      // Another in-flight transaction's row: wait for it to decide (PostgreSQL's _bt_check_unique).
      const holder = env.catalog.rowLocks.keyHolder(table, r, xid);
      if (holder !== 0) throw new LockWait(holder, table.name, r);
      throw new PgError(SQLSTATE.unique_violation, `duplicate key value violates unique constraint "${shownName(def.name, def.table)}"`, {
        detail: `${keyText(env, table, def, keys, env.settings.timeZone())} already exists.`,
      });
    }
  }
}

/** 23505 at CREATE UNIQUE INDEX over rows that already repeat a key (the first duplicate in key order). */
export function checkBuiltUnique(env: SqlEnv, table: Table, def: IndexDef, index: OrderedIndex, zone: TimeZone = DETAIL_ZONE): void {
  const seen = new Set<number>();
  for (let r = 0; r < table.slots; r++) {
    if (!table.isLive(r) || seen.has(r)) continue;
    const keys = indexKeyValues(env, def, table, r);
    if (keys === null) continue;
    const same = index.findEqual(keys).filter((x) => table.isLive(x));
    for (const x of same) seen.add(x);
    if (same.length > 1) {
      throw new PgError(SQLSTATE.unique_violation, `could not create unique index "${def.name}"`, {
        detail: `${keyText(env, table, def, keys, zone)} is duplicated.`,
      });
    }
  }
}

/** Index name PostgreSQL chooses: `<table>_<col>[_<col>...]_idx`, numbered when taken. */
function chooseName(env: SqlEnv, table: Table, cols: readonly string[]): string {
  const base = `${table.name}_${cols.join('_')}_idx`;
  let name = base;
  for (let i = 1; env.catalog.relationExists(name); i++) name = `${base}${i}`;
  return name;
}

/**
 * The definition of CREATE [UNIQUE] INDEX for an ordered method, after the method and its
 * WITH options were validated (its checks in PostgreSQL's order); {@link buildUniqueChecked}
 * builds it. `name` '' chooses PostgreSQL's name.
 * @throws PgError 42703 unknown column, 42704 no default operator class / unknown operator
 *   class, 54011 more than 32 keys, 0A000 expression or partial keys, NULLS NOT DISTINCT,
 *   INCLUDE.
 */
export function orderedIndexDef(
  env: SqlEnv, s: PgNode, table: Table, am: OrderedIndexAm, options: [string, string][], name: string, exprKeys: readonly (AnalyzedIndexKey | null)[],
): IndexDef {
  if (!isOrderedAm(am)) throw pgErr.featureNotSupported(`access method "${am}"`);
  if (s.nulls_not_distinct) throw pgErr.featureNotSupported('NULLS NOT DISTINCT');
  if (s.indexIncludingParams !== undefined && (s.indexIncludingParams as PgNode[]).length > 0) throw pgErr.featureNotSupported('INCLUDE columns');
  if (s.unique && !am.capabilities.canUnique) {
    throw new PgError(SQLSTATE.feature_not_supported, `access method "${am.name}" does not support unique indexes`);
  }
  const params: PgNode[] = s.indexParams;
  if (params.length > INDEX_MAX_KEYS) throw new PgError('54011', `cannot use more than ${INDEX_MAX_KEYS} columns in an index`);
  if (params.length > 1 && !am.capabilities.canMultiCol) {
    // PostgreSQL's GIN takes several columns; vecgres' does not yet.
    if (am.keyOpclasses !== undefined) throw pgErr.featureNotSupported(`multicolumn ${am.name.toUpperCase()} indexes`);
    throw new PgError(SQLSTATE.feature_not_supported, `access method "${am.name}" does not support multicolumn indexes`);
  }
  const keys: IndexKey[] = [];
  const colNames: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const el = params[i].IndexElem;
    // An expression key (analyzed by the caller: immutable functions only, 42P17) orders by
    // its expression's type; `((col))` was analyzed into that column.
    const ek = exprKeys[i] ?? null;
    const col = ek !== null ? ek.column : table.columnIndex(el.name);
    if (col < 0 && ek === null) throw new PgError(SQLSTATE.undefined_column, `column "${el.name}" does not exist`);
    const type = ek !== null ? ek.type : table.def.columns[col]!.type;
    // An expression may be a timetz (a constant plus an interval), which no index stores yet.
    if (type === 'timetz') throw pgErr.featureNotSupported(`index keys of type ${typeName(type)}`);
    if (!am.capabilities.canOrder) {
      // ComputeIndexAttrs: only an ordering method takes ASC / DESC and NULLS FIRST / LAST.
      if (el.ordering !== undefined && el.ordering !== 'SORTBY_DEFAULT') throw new PgError(SQLSTATE.feature_not_supported, `access method "${am.name}" does not support ASC/DESC options`);
      if (el.nulls_ordering !== undefined && el.nulls_ordering !== 'SORTBY_NULLS_DEFAULT') throw new PgError(SQLSTATE.feature_not_supported, `access method "${am.name}" does not support NULLS FIRST/LAST options`);
    }
    // A method with operator classes of its own resolves them; a B-tree takes the type's.
    const own = am.keyOpclasses !== undefined;
    const dflt = own ? methodOpclass(am, el, type) : defaultBtreeOpclass(type);
    if (own) {
      // methodOpclass checked the operator class.
    } else if (el.opclass !== undefined) {
      const names: string[] = el.opclass.map((n: PgNode) => n.String.sval as string);
      const oc = names[names.length - 1]!;
      if (oc !== dflt && !(type === 'varchar' && oc === 'varchar_ops')) {
        if (/_pattern_ops$/.test(oc)) throw pgErr.featureNotSupported(`operator class "${oc}"`);
        throw new PgError(SQLSTATE.undefined_object, `operator class "${oc}" does not exist for access method "${am.name}"`);
      }
    } else if (dflt === null) {
      throw new PgError(SQLSTATE.undefined_object, `data type ${typeName(type)} has no default operator class for access method "${am.name}"`, {
        hint: 'You must specify an operator class for the index or define a default operator class for the data type.',
      });
    }
    if (el.collation !== undefined) throw pgErr.featureNotSupported('COLLATE in index keys');
    const desc = el.ordering === 'SORTBY_DESC';
    const nullsFirst = el.nulls_ordering === 'SORTBY_NULLS_FIRST' ? true : el.nulls_ordering === 'SORTBY_NULLS_LAST' ? false : desc;
    keys.push({ column: col, expr: ek === null ? null : storedKeyText(env, table, ek), opclass: dflt ?? '', descending: desc, nullsFirst });
    colNames.push(ek !== null ? ek.nameHint : el.name);
  }
  const def: IndexDef = {
    name: name === '' ? chooseName(env, table, colNames) : name,
    table: table.name, keys, predicate: null, unique: s.unique === true, method: am.name, options, primaryKey: false,
  };
  return def;
}

/**
 * The operator class of a key of method `am` with its own operator classes (GIN): the one
 * named, else the type's default (PostgreSQL's ResolveOpClass).
 * @throws PgError 42704 unknown operator class or no default for the type; 42804 an operator
 *   class that does not take the type.
 */
function methodOpclass(am: OrderedIndexAm, el: PgNode, type: SqlType): string {
  const ocs = am.keyOpclasses!;
  if (el.opclass === undefined) {
    const dflt = ocs.find((o) => o.isDefault && o.accepts(type));
    if (dflt === undefined) {
      // PostgreSQL's array_ops takes every array; here only arrays whose elements compare as their text.
      if (type.endsWith('[]')) throw pgErr.featureNotSupported(`access method "${am.name}" on type ${typeName(type)}`);
      throw new PgError(SQLSTATE.undefined_object, `data type ${typeName(type)} has no default operator class for access method "${am.name}"`, {
        hint: 'You must specify an operator class for the index or define a default operator class for the data type.',
      });
    }
    return dflt.name;
  }
  const names: string[] = el.opclass.map((n: PgNode) => n.String.sval as string);
  const name = names[names.length - 1]!;
  const oc = ocs.find((o) => o.name === name);
  if (oc === undefined) throw new PgError(SQLSTATE.undefined_object, `operator class "${name}" does not exist for access method "${am.name}"`);
  if (!oc.accepts(type)) throw new PgError(SQLSTATE.datatype_mismatch, `operator class "${name}" does not accept data type ${typeName(type)}`);
  return oc.name;
}

/**
 * Builds ordered index `def` over `table`'s rows and, for a UNIQUE one, checks the rows repeat
 * no key.
 * @throws PgError 23505 `could not create unique index` (the structure is freed); 57014; 53200.
 */
export function buildUniqueChecked(env: SqlEnv, am: OrderedIndexAm, def: IndexDef, table: Table): OrderedIndex {
  const index = buildOrderedIndex(env, am, def, table);
  if (def.unique) {
    try {
      checkBuiltUnique(env, table, def, index, env.settings.timeZone());
    } catch (e) {
      index.dispose();
      throw e;
    }
  }
  return index;
}
