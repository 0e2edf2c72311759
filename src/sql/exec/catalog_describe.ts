/**
 * The catalogs and functions psql's `\d` reads about a table or an index: pg_attribute,
 * pg_attrdef, pg_constraint (with PostgreSQL 18's NOT NULL constraints), pg_collation,
 * pg_roles, and format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef(oid, column,
 * pretty) over them (PostgreSQL's ruleutils.c and format_type.c, for vecgres' catalog).
 *
 * Object ids: relations have the statistics store's (exec/system_views.ts); a constraint and a
 * column default get theirs from the same counter under a key that no relation name can take
 * (names never hold a NUL), so they are stable while the database is open, as relation oids are.
 * Expressions (defaults, CHECK constraints, index keys and predicates) are kept as SQL text:
 * the pg_node_tree columns (adbin, conbin, indexprs, indpred) hold that text, and pg_get_expr
 * prints it in ruleutils' pretty form when asked (implicit casts PostgreSQL's analysis adds,
 * as in `price > 0::numeric`, are not shown).
 */
import type { IndexDef } from '../../storage/catalog.js';
import type { ColumnDef, FkAction, Table, Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { PgArray } from '../../types/pgarray.js';
import { TYPE_OID, type SqlType, type RegCatalog, isArrayType, elemTypeOf, formatType } from '../analyze/types.js';
import { regclassOidOf } from '../analyze/range.js';
import { columnDefaultSql } from '../dump/schema_sql.js';
import { typeIoByOid } from '../../types/type_io.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { deparseRaw, displayCheckTree, prettyRawExpr, prettyStoredExpr, referencedColumns } from '../parser/deparse_raw.js';
import { compileIndexDef, parseStoredExpr } from './index_keys.js';
import { pgGetIndexdef, quoteIdent } from './pg_get_indexdef.js';
import { figureColname } from '../analyze/query.js';
import type { CatalogLookups } from '../analyze/expr.js';
import { CATALOG_OIDS } from '../analyze/system_views.js';
import { EXTENSIONS } from './system_views.js';

const NS_PUBLIC = 2200;
const NS_CATALOG = 11;
const BOOTSTRAP_SUPERUSER = 10;
const DEFAULT_COLLATION = 100;

/** pg_type.typstorage of vecgres' types (pgvector declares its types STORAGE = external). */
const TYPE_STORAGE: Partial<Record<SqlType, string>> = {
  bytea: 'x', text: 'x', json: 'x', bpchar: 'x', varchar: 'x', bit: 'x', varbit: 'x', numeric: 'm', jsonb: 'x',
  vector: 'e', halfvec: 'e', sparsevec: 'e',
};
/** pg_type.typalign where it is not 'i'. */
const TYPE_ALIGN: Partial<Record<SqlType, string>> = {
  bool: 'c', int2: 's', int8: 'd', float8: 'd', timestamp: 'd', timestamptz: 'd', interval: 'd', uuid: 'c', bpchar: 'i',
};
const COLLATABLE = new Set<SqlType>(['text', 'varchar', 'bpchar']);
/**
 * The widest pass-by-value type (attbyval): 4 bytes, as in PGlite, whose 32-bit build passes
 * int8, float8 and timestamps by reference (a 64-bit PostgreSQL passes 8-byte types by value).
 */
const BYVAL_BYTES_MAX = 4;
/** The key the statistics store numbers a non-relation object by (`kind` a letter). */
function objectKey(kind: string, table: string, name: string): string {
  return `\0${kind}\0${table}\0${name}`;
}

/** One pg_constraint row of a table, with what pg_get_constraintdef prints. */
interface ConstraintInfo {
  oid: number;
  name: string;
  table: string;
  contype: 'p' | 'u' | 'c' | 'f' | 'n';
  conkey: number[] | null;
  indexOid: number;
  refTableOid: number;
  confkey: number[] | null;
  onUpdate: FkAction | ' ';
  onDelete: FkAction | ' ';
  /** The CHECK expression's stored text (conbin), or null. */
  expr: string | null;
  /** pg_get_constraintdef's text: [non-pretty, pretty]. */
  def: (pretty: boolean) => string;
}

const FK_ACTION_WORDS: Record<FkAction, string> = { a: '', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

function colList(t: Table, cols: readonly number[]): string {
  return cols.map((c) => quoteIdent(t.def.columns[c]!.name)).join(', ');
}

/** The constraints of `t`, as PostgreSQL 18 records them (NOT NULL ones too). */
function tableConstraints(env: SqlEnv, t: Table): ConstraintInfo[] {
  const st = env.stats;
  const out: ConstraintInfo[] = [];
  const base = { table: t.name, indexOid: 0, refTableOid: 0, confkey: null, onUpdate: ' ' as const, onDelete: ' ' as const, expr: null };
  // PostgreSQL 18 names a column's NOT NULL constraint <table>_<column>_not_null (primary key columns too).
  t.def.columns.forEach((c, i) => {
    if (!c.notNull) return;
    const name = `${t.name}_${c.name}_not_null`;
    out.push({ ...base, oid: st.relOid(objectKey('c', t.name, name)), name, contype: 'n', conkey: [i + 1], def: () => `NOT NULL ${quoteIdent(c.name)}` });
  });
  for (const d of env.catalog.indexesOf(t.name)) {
    if (!d.primaryKey && d.constraint !== true) continue;
    const cols = d.keys.map((k) => k.column);
    const word = d.primaryKey ? 'PRIMARY KEY' : 'UNIQUE';
    out.push({
      ...base, oid: st.relOid(objectKey('c', t.name, d.name)), name: d.name, contype: d.primaryKey ? 'p' : 'u', conkey: cols.map((c) => c + 1),
      indexOid: st.relOid(d.name), def: () => `${word} (${colList(t, cols)})`,
    });
  }
  for (const k of t.def.checks ?? []) {
    // conkey: the columns the expression reads, in the order it first reads them.
    const conkey = referencedColumns(parseStoredExpr(k.expr)).map((n) => t.def.columns.findIndex((c) => c.name === n) + 1).filter((n) => n > 0);
    out.push({
      ...base, oid: st.relOid(objectKey('c', t.name, k.name)), name: k.name, contype: 'c', conkey, expr: k.expr,
      def: (pretty) => {
        const typeOf = (name: string): string | undefined => {
          const c = t.def.columns.find((x) => x.name === name);
          return c === undefined ? undefined : formatType(TYPE_OID[c.type as SqlType], -1);
        };
        const tree = displayCheckTree(parseStoredExpr(k.expr), typeOf);
        return `CHECK (${pretty ? prettyRawExpr(tree) : deparseRaw(tree)})`;
      },
    });
  }
  for (const fk of t.def.foreignKeys ?? []) {
    const ref = fk.refTable === t.name ? t : env.catalog.peekTable(fk.refTable);
    const refIndex = ref === undefined ? undefined : env.catalog.indexesOf(ref.name).find((d) => (d.primaryKey || d.unique) && d.predicate === null && d.keys.length === fk.refColumns.length && d.keys.every((k, i) => k.column === fk.refColumns[i]));
    out.push({
      ...base, oid: st.relOid(objectKey('c', t.name, fk.name)), name: fk.name, contype: 'f', conkey: fk.columns.map((c) => c + 1),
      indexOid: refIndex === undefined ? 0 : st.relOid(refIndex.name), refTableOid: st.relOid(fk.refTable), confkey: fk.refColumns.map((c) => c + 1),
      onUpdate: fk.onUpdate, onDelete: fk.onDelete,
      def: () => {
        const refCols = ref === undefined ? '' : colList(ref, fk.refColumns);
        const actions = (fk.onUpdate === 'a' ? '' : ` ON UPDATE ${FK_ACTION_WORDS[fk.onUpdate]}`) + (fk.onDelete === 'a' ? '' : ` ON DELETE ${FK_ACTION_WORDS[fk.onDelete]}`);
        return `FOREIGN KEY (${colList(t, fk.columns)}) REFERENCES ${quoteIdent(fk.refTable)}(${refCols})${actions}`;
      },
    });
  }
  return out;
}

function allConstraints(env: SqlEnv): ConstraintInfo[] {
  return env.catalog.tableNames().flatMap((n) => tableConstraints(env, env.catalog.peekTable(n)!));
}

function int2Array(values: readonly number[] | null): PgArray | null {
  return values === null ? null : new PgArray('int2', [values.length], values);
}

/** pg_constraint's rows, in its column order (analyze/system_views.ts). */
export function constraintRows(env: SqlEnv): Value[][] {
  return allConstraints(env).map((c) => [
    c.oid, c.name, NS_PUBLIC, c.contype, false, false, true, true, env.stats.relOid(c.table), 0, c.indexOid, 0, c.refTableOid,
    c.onUpdate, c.onDelete, c.contype === 'f' ? 's' : ' ', true, 0, c.contype === 'p' || c.contype === 'u' || c.contype === 'f', false,
    int2Array(c.conkey), int2Array(c.confkey), null, null, null, null, null, c.expr,
  ]);
}

/**
 * pg_get_constraintdef(oid [, pretty]): `PRIMARY KEY (id)`, `UNIQUE (a, b)`, `CHECK (...)`,
 * `FOREIGN KEY (a) REFERENCES t(b) ON DELETE CASCADE`, `NOT NULL a`; null for an unknown oid.
 */
export function pgGetConstraintdef(env: SqlEnv, oid: number, pretty: boolean): string | null {
  const c = allConstraints(env).find((x) => x.oid === oid);
  return c === undefined ? null : c.def(pretty);
}

/**
 * pg_attrdef.adbin of column `c`: its default in ruleutils' non-pretty form, what pg_dump writes
 * (dump/schema_sql.ts columnDefaultSql), or `nextval('seq'::regclass)` for a serial column's;
 * null for none. pg_get_expr(adbin, rel, true) prints it pretty. A form the dump's deparser
 * refuses is kept in the pretty form it was shown in before.
 */
function columnDefaultText(c: ColumnDef): string | null {
  if (c.sequence !== null) return c.identity !== undefined ? null : `nextval(${quoteLiteral(quoteIdent(c.sequence))}::regclass)`;
  if (c.defaultSql === null) return null;
  try {
    return columnDefaultSql(c);
  } catch (e) {
    if (!(e instanceof PgError) || e.code !== SQLSTATE.feature_not_supported) throw e;
  }
  const raw = JSON.parse(c.defaultSql);
  const text = prettyRawExpr(raw);
  // An untyped literal is coerced to the column's type when the default is stored: ruleutils
  // prints the constant with that type, as `'x'::text`.
  const lit = raw.A_Const ?? (raw.TypeCast?.typeName?.names?.[0]?.String?.sval === 'pg_catalog' ? raw.TypeCast.arg.A_Const : undefined);
  if (lit?.sval !== undefined) return `${prettyRawExpr({ A_Const: lit })}::${formatType(TYPE_OID[c.type as SqlType], -1)}`;
  return text;
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** pg_attrdef's rows: one per column with a default. */
export function attrdefRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  for (const name of env.catalog.tableNames()) {
    const t = env.catalog.peekTable(name)!;
    t.def.columns.forEach((c, i) => {
      const text = columnDefaultText(c);
      if (text !== null) rows.push([env.stats.relOid(objectKey('d', name, c.name)), env.stats.relOid(name), i + 1, text]);
    });
  }
  return rows;
}

function attributeRow(relOid: number, name: string, type: SqlType, typmod: number, num: number, notNull: boolean, hasDef: boolean, identity: string): Value[] {
  const oid = TYPE_OID[type];
  const len = typeIoByOid(oid)?.typlen ?? -1;
  // An array column: extended storage, its element's double alignment, one declared
  // dimension (attndims) and its element's collation.
  const elem = isArrayType(type) ? elemTypeOf(type) : null;
  const align = elem !== null ? (TYPE_ALIGN[elem] === 'd' ? 'd' : 'i') : (TYPE_ALIGN[type] ?? 'i');
  const storage = elem !== null ? 'x' : (TYPE_STORAGE[type] ?? 'p');
  return [
    relOid, name, oid, len, num, typmod, elem !== null ? 1 : 0, len > 0 && len <= BYVAL_BYTES_MAX, align, storage, '', notNull, hasDef, false,
    identity, '', false, true, 0, COLLATABLE.has(elem ?? type) ? DEFAULT_COLLATION : 0, null, null, null, null, null,
  ];
}

/** The name PostgreSQL gives an index column over expression `text` (FigureIndexColname). */
function indexExprColumnName(text: string): string {
  const raw = parseStoredExpr(text);
  // A cast is named after what it casts (a column keeps its name), as FigureColnameInternal does.
  let node = raw;
  while (node.TypeCast !== undefined) node = node.TypeCast.arg;
  if (node.ColumnRef !== undefined) return figureColname(node);
  const name = figureColname(raw);
  return name === '?column?' ? 'expr' : name;
}

/** pg_attribute's rows: the columns of every table and index (PostgreSQL's user columns, attnum > 0). */
export function attributeRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  for (const name of env.catalog.tableNames()) {
    const t = env.catalog.peekTable(name)!;
    const relOid = env.stats.relOid(name);
    t.def.columns.forEach((c, i) => {
      rows.push(attributeRow(relOid, c.name, c.type as SqlType, c.typmod, i + 1, c.notNull, columnDefaultText(c) !== null, c.identity ?? ''));
    });
  }
  // A sequence relation's three columns, as PostgreSQL's.
  for (const { def: { name } } of env.catalog.allSequences()) {
    const relOid = env.stats.relOid(name);
    rows.push(attributeRow(relOid, 'last_value', 'int8', -1, 1, true, false, ''));
    rows.push(attributeRow(relOid, 'log_cnt', 'int8', -1, 2, true, false, ''));
    rows.push(attributeRow(relOid, 'is_called', 'bool', -1, 3, true, false, ''));
  }
  for (const d of env.catalog.allIndexes()) {
    const t = env.catalog.peekTable(d.table);
    if (t === undefined) continue;
    const relOid = env.stats.relOid(d.name);
    const keyTypes = d.keys.some((k) => k.expr !== null) ? compileIndexDef(env, d, t).keyTypes : null;
    d.keys.forEach((k, i) => {
      const col = k.expr === null ? t.def.columns[k.column]! : null;
      const type = col !== null ? (col.type as SqlType) : keyTypes![i]!.type;
      const typmod = col !== null ? col.typmod : keyTypes![i]!.typmod;
      rows.push(attributeRow(relOid, col !== null ? col.name : indexExprColumnName(k.expr!), type, typmod, i + 1, false, false, ''));
    });
  }
  return rows;
}

/** pg_collation's rows for the collations vecgres compares by (all by code point; the database's is C). */
export function collationRows(): Value[][] {
  const row = (oid: number, name: string, provider: string, collate: string | null): Value[] => [
    oid, name, NS_CATALOG, BOOTSTRAP_SUPERUSER, provider, true, provider === 'd' ? -1 : provider === 'b' ? 6 : -1, collate, collate, null, null, null,
  ];
  return [row(100, 'default', 'd', null), row(950, 'C', 'c', 'C'), row(951, 'POSIX', 'c', 'POSIX'), row(962, 'ucs_basic', 'b', null)];
}

/** pg_roles' rows: the roles vecgres' catalogs name (the bootstrap superuser and pg_database_owner). */
export function rolesRows(): Value[][] {
  return [
    ['postgres', true, true, true, true, true, true, -1, '********', null, true, null, BOOTSTRAP_SUPERUSER],
    ['pg_database_owner', false, true, false, false, false, false, -1, '********', null, false, null, 6171],
  ];
}

/** The index whose pg_class oid is `oid`, or undefined. */
export function indexByOid(env: Pick<SqlEnv, 'catalog' | 'stats'>, oid: number): IndexDef | undefined {
  return env.catalog.allIndexes().find((d) => env.stats.relOid(d.name) === oid);
}

/**
 * pg_get_indexdef(index_oid, column, pretty): column 0 the whole CREATE INDEX statement, else
 * that key alone (a column's name, an expression in parentheses only when not pretty); pretty
 * expressions drop the parentheses ruleutils leaves out. Null for an unknown oid; '' for a
 * column past the keys.
 */
export function pgGetIndexdefByOid(env: SqlEnv, oid: number, column: number, pretty: boolean): string | null {
  const d = indexByOid(env, oid);
  if (d === undefined) return null;
  const t = env.catalog.peekTable(d.table);
  if (column > 0) {
    const k = d.keys[column - 1];
    if (k === undefined) return '';
    if (k.expr === null) return quoteIdent(t?.def.columns[k.column]?.name ?? '?');
    return `(${pretty ? prettyStoredExpr(k.expr) : k.expr})`;
  }
  if (!pretty) return pgGetIndexdef(d, t, env.methods);
  const view = { ...d, keys: d.keys.map((k) => (k.expr === null ? k : { ...k, expr: prettyStoredExpr(k.expr) })), predicate: d.predicate === null ? null : prettyStoredExpr(d.predicate) };
  // Pretty mode qualifies the table only when it is not visible on the search path (it always is).
  return pgGetIndexdef(view, t, env.methods).replace(` ON public.${quoteIdent(d.table)} USING `, ` ON ${quoteIdent(d.table)} USING `);
}

/** pg_index.indpred / indexprs as kept here: the predicate's text, the expression keys' texts joined. */
export function indexExprsText(d: IndexDef): string | null {
  const exprs = d.keys.filter((k) => k.expr !== null).map((k) => k.expr!);
  return exprs.length === 0 ? null : exprs.join(', ');
}

/** The name of the relation (table, index or system catalog) whose pg_class oid is `oid`; null for none. */
export function relationNameByOid(env: Pick<SqlEnv, 'catalog' | 'stats'>, oid: number): string | null {
  for (const t of env.catalog.tableNames()) if (env.stats.relOid(t) === oid) return t;
  const d = indexByOid(env, oid);
  if (d !== undefined) return d.name;
  for (const q of env.catalog.allSequences()) if (env.stats.relOid(q.def.name) === oid) return q.def.name;
  return systemRelationName(oid);
}

/** The name of the system catalog whose pg_class oid is `oid` (`pg_class`), null for none. */
export function systemRelationName(oid: number): string | null {
  for (const [name, o] of Object.entries(CATALOG_OIDS)) if (o === oid) return name;
  return null;
}

/**
 * The catalog reg* input and output read relation names with (analyze/types.ts RegCatalog),
 * as the session sees it when asked: parameters and COPY fields of a regclass type are read
 * through it.
 */
export function regCatalog(env: SqlEnv): RegCatalog {
  return { regclassOid: (name) => regclassOidOf(env, name), relationName: (oid) => relationNameByOid(env, oid) };
}

/**
 * The relation names a result's regclass values (and regclass[] elements) print, looked up
 * when the statement ends, where its catalog is at hand: the rows keep the oids (a binary
 * result column sends them, regclasssend), their text output reads the names here. Undefined
 * when no column is of a regclass type.
 */
export function resultRegNames(env: SqlEnv, fields: readonly { type: SqlType }[], rows: readonly Value[][]): Pick<RegCatalog, 'relationName'> | undefined {
  const cols: number[] = [];
  fields.forEach((f, i) => {
    if (f.type === 'regclass' || f.type === 'regclass[]') cols.push(i);
  });
  if (cols.length === 0) return undefined;
  const names = new Map<number, string | null>();
  const add = (v: unknown): void => {
    if (typeof v === 'number' && !names.has(v)) names.set(v, relationNameByOid(env, v));
  };
  for (const r of rows) {
    for (const c of cols) {
      const v = r[c];
      if (v instanceof PgArray) v.elems.forEach(add);
      else add(v);
    }
  }
  return { relationName: (oid) => names.get(oid) ?? null };
}

/** The catalog lookups the analyzer's functions call at run time, over `env`'s live catalog. */
export function catalogLookups(env: SqlEnv): CatalogLookups {
  return {
    relationName: (oid) => relationNameByOid(env, oid),
    constraintDef: (oid, pretty) => pgGetConstraintdef(env, oid, pretty),
    indexDef: (oid, column, pretty) => pgGetIndexdefByOid(env, oid, column, pretty),
    objDescription: (oid, catalog) => {
      if (catalog === 'pg_extension') return EXTENSIONS.find((e) => e.oid === oid)?.comment ?? null;
      if (catalog !== 'pg_class') return null;
      const t = env.catalog.tableNames().find((n) => env.stats.relOid(n) === oid);
      if (t === undefined) return env.catalog.allIndexes().find((d) => env.stats.relOid(d.name) === oid)?.comment ?? null;
      return env.catalog.getTable(t)?.def.comment ?? null;
    },
    colDescription: (oid, attnum) => {
      const t = env.catalog.tableNames().find((n) => env.stats.relOid(n) === oid);
      return t === undefined ? null : (env.catalog.getTable(t)?.def.columns[attnum - 1]?.comment ?? null);
    },
    isPublishable: (oid) => {
      if (env.catalog.tableNames().some((t) => env.stats.relOid(t) === oid)) return true;
      return indexByOid(env, oid) !== undefined ? false : null;
    },
  };
}

/**
 * Takes the oids PostgreSQL 18 gives the objects of a CREATE TABLE, in its order, from the
 * statistics store's counter (checked against PGlite + pgvector): each serial or identity
 * sequence first, then the table, its array and row types (not listed by vecgres: skipped),
 * one pg_attrdef row per column default, one pg_constraint row per CHECK, then per NOT NULL
 * column, a TOAST table and its index when a column is of a variable-length type (skipped),
 * then each primary key or unique index followed by its constraint. Foreign keys take one oid
 * each, after those (PostgreSQL's RI triggers, which also take oids, are not counted: oids of
 * later objects may differ from PostgreSQL's after a table with foreign keys). Objects that
 * already have an oid keep it.
 */
export function assignTableOids(env: SqlEnv, t: Table): void {
  const st = env.stats;
  const def = t.def;
  for (const c of def.columns) if (c.sequence !== null) st.relOid(c.sequence);
  st.relOid(t.name);
  st.skipOids(2);
  for (const c of def.columns) if (columnDefaultText(c) !== null) st.relOid(objectKey('d', t.name, c.name));
  for (const k of def.checks ?? []) st.relOid(objectKey('c', t.name, k.name));
  for (const c of def.columns) if (c.notNull) st.relOid(objectKey('c', t.name, `${t.name}_${c.name}_not_null`));
  if (def.columns.some((c) => (typeIoByOid(TYPE_OID[c.type as SqlType])?.typlen ?? -1) < 0)) st.skipOids(2);
  for (const d of env.catalog.indexesOf(t.name)) {
    if (!d.primaryKey && d.constraint !== true) continue;
    st.relOid(d.name);
    st.relOid(objectKey('c', t.name, d.name));
  }
  for (const fk of def.foreignKeys ?? []) st.relOid(objectKey('c', t.name, fk.name));
}

