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
import { ROLES } from '../analyze/roles.js';
import { viewDefinitionText } from './views.js';
import type { IndexDef } from '../../storage/catalog.js';
import { attnumOf, notNullConstraintName, type ColumnDef, type FkAction, type Table, type Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { PgArray } from '../../types/pgarray.js';
import { TYPE_OID, type SqlType, type RegCatalog, type RegNames, isArrayType, elemTypeOf, formatType, typeOid, typeName } from '../analyze/types.js';
import { regclassOidOf } from '../analyze/range.js';
import { displayRelationName, relationIsVisible } from '../analyze/namespace.js';
import { columnDefaultSql } from '../dump/schema_sql.js';
import { typeIoByName } from '../../types/type_io.js';
import { enumSqlType, isEnumSqlType, type EnumSqlType, type EnumValue } from '../../types/enum_value.js';
import { labelsInOrder, type EnumTypeDef } from '../../storage/enum_type.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { deparseRaw, displayCheckTree, displayConstTree, prettyRawExpr, prettyStoredExpr, referencedColumns } from '../parser/deparse_raw.js';
import { compileIndexDef, parseStoredExpr } from './index_keys.js';
import { looksLikeFunction, pgGetIndexdef } from './pg_get_indexdef.js';
import { quoteIdent } from '../parser/parse.js';
import { figureColname } from '../analyze/query.js';
import type { CatalogLookups } from '../analyze/expr.js';
import { CATALOG_OIDS } from '../analyze/system_views.js';
import { descriptionRows, namespaceOid } from './system_views.js';
import { objectKey } from '../stats/store.js';
import { hasPrivilege } from './privileges.js';

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

/** One pg_constraint row of a table, with what pg_get_constraintdef prints. */
export interface ConstraintInfo {
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
  /**
   * information_schema.check_clause: pg_get_expr(conbin, conrelid) of a CHECK (ruleutils'
   * non-pretty form), `<column> IS NOT NULL` of a NOT NULL; null for the other kinds.
   */
  checkClause: () => string | null;
  /** A foreign key's referenced table (null for the other kinds). */
  refTable: string | null;
  /** The unique index a foreign key's referenced columns match (conindid), if any. */
  refIndex: IndexDef | undefined;
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
  const base = {
    table: t.name, indexOid: 0, refTableOid: 0, confkey: null, onUpdate: ' ' as const, onDelete: ' ' as const, expr: null,
    checkClause: () => null, refTable: null, refIndex: undefined,
  };
  // PostgreSQL 18 names a column's NOT NULL constraint <table>_<column>_not_null (primary key
  // columns too) and keeps that name across renames. Its oid is keyed by the derived name of
  // the moment, which the statements that rename move (ddl_txn.ts alterOids).
  t.def.columns.forEach((c, i) => {
    if (!c.notNull) return;
    const name = notNullConstraintName(t.name, c);
    out.push({
      ...base, oid: st.relOid(objectKey('c', t.name, `${t.name}_${c.name}_not_null`)), name, contype: 'n', conkey: [attnumOf(t.def, i)],
      // information_schema's format('%s IS NOT NULL', attname): the name as is, never quoted.
      checkClause: () => `${c.name} IS NOT NULL`, def: () => `NOT NULL ${quoteIdent(c.name)}`,
    });
  });
  for (const d of env.catalog.indexesOf(t.name)) {
    if (!d.primaryKey && d.constraint !== true) continue;
    const cols = d.keys.map((k) => k.column);
    const word = d.primaryKey ? 'PRIMARY KEY' : 'UNIQUE';
    out.push({
      ...base, oid: st.relOid(objectKey('c', t.name, d.name)), name: d.name, contype: d.primaryKey ? 'p' : 'u', conkey: cols.map((c) => attnumOf(t.def, c)),
      indexOid: st.relOid(d.name), def: () => `${word} (${colList(t, cols)})`,
    });
  }
  for (const k of t.def.checks ?? []) {
    // conkey: the columns the expression reads, in the order it first reads them.
    const conkey = referencedColumns(parseStoredExpr(k.expr))
      .map((n) => t.def.columns.findIndex((c) => c.name === n))
      .filter((i) => i >= 0)
      .map((i) => attnumOf(t.def, i));
    const tree = (): unknown => {
      const typeOf = (name: string): string | undefined => {
        const c = t.def.columns.find((x) => x.name === name);
        return c === undefined ? undefined : columnTypeText(c.type as SqlType);
      };
      return displayCheckTree(parseStoredExpr(k.expr), typeOf);
    };
    out.push({
      ...base, oid: st.relOid(objectKey('c', t.name, k.name)), name: k.name, contype: 'c', conkey, expr: k.expr,
      checkClause: () => deparseRaw(displayConstTree(tree())),
      def: (pretty) => `CHECK (${pretty ? prettyRawExpr(tree()) : deparseRaw(displayConstTree(tree()))})`,
    });
  }
  for (const fk of t.def.foreignKeys ?? []) {
    const ref = fk.refTable === t.name ? t : env.catalog.peekTable(fk.refTable);
    const refIndex = ref === undefined ? undefined : referencedIndex(env, ref.name, fk.refColumns);
    out.push({
      ...base, oid: foreignKeyOid(env, t.name, fk.name), name: fk.name, contype: 'f', conkey: fk.columns.map((c) => attnumOf(t.def, c)),
      indexOid: refIndex === undefined ? 0 : st.relOid(refIndex.name), refTableOid: st.relOid(fk.refTable), confkey: ref === undefined ? null : fk.refColumns.map((c) => attnumOf(ref.def, c)),
      onUpdate: fk.onUpdate, onDelete: fk.onDelete, refTable: fk.refTable, refIndex,
      def: () => {
        const refCols = ref === undefined ? '' : colList(ref, fk.refColumns);
        const actions = (fk.onUpdate === 'a' ? '' : ` ON UPDATE ${FK_ACTION_WORDS[fk.onUpdate]}`) + (fk.onDelete === 'a' ? '' : ` ON DELETE ${FK_ACTION_WORDS[fk.onDelete]}`);
        return `FOREIGN KEY (${colList(t, fk.columns)}) REFERENCES ${displayRelationName(env, fk.refTable)}(${refCols})${actions}`;
      },
    });
  }
  return out;
}

/**
 * The unique index a foreign key's referenced columns (0-based, in the key's order) match:
 * the primary key's or a UNIQUE index's (no predicate, no expression) over the same set of
 * columns in any order, as transformFkeyCheckAttrs accepts them; the primary key first.
 */
function referencedIndex(env: SqlEnv, table: string, refColumns: readonly number[]): IndexDef | undefined {
  const sameSet = (d: IndexDef): boolean =>
    d.keys.length === refColumns.length && d.keys.every((k) => k.expr === null && refColumns.includes(k.column));
  const candidates = env.catalog.indexesOf(table).filter((d) => (d.primaryKey || d.unique) && d.predicate === null && sameSet(d));
  return candidates.find((d) => d.primaryKey) ?? candidates[0];
}

/** Every constraint of the database's tables, each table's in {@link tableConstraints}' order. */
export function allConstraints(env: SqlEnv): ConstraintInfo[] {
  return env.catalog.tableNames().flatMap((n) => tableConstraints(env, env.catalog.peekTable(n)!)).map((c) => {
    // Names chosen for a table of a user schema derive from its key (`app.items_pkey`); the
    // constraint's own name is what follows the schema.
    const { schema } = env.catalog.splitKey(c.table);
    return schema !== 'public' && c.name.startsWith(`${schema}.`) ? { ...c, name: c.name.slice(schema.length + 1) } : c;
  });
}

function int2Array(values: readonly number[] | null): PgArray | null {
  return values === null ? null : new PgArray('int2', [values.length], values);
}

/**
 * The oid of foreign key `name` of table `table`, taken (on first use) with the four after it
 * for its RI triggers, as PostgreSQL's CreateFKCheckTrigger / createForeignKeyActionTriggers
 * number them right after the constraint: so they are always the constraint's oid + 1..4.
 */
function foreignKeyOid(env: SqlEnv, table: string, name: string): number {
  const key = objectKey('c', table, name);
  if (env.stats.hasOid(key)) return env.stats.relOid(key);
  const oid = env.stats.relOid(key);
  env.stats.skipOids(RI_TRIGGERS_PER_FOREIGN_KEY);
  return oid;
}

/** PostgreSQL creates 2 triggers on the referenced table and 2 on the referencing one per foreign key. */
const RI_TRIGGERS_PER_FOREIGN_KEY = 4;
/** pg_proc oids of RI_FKey_<action>_del by ON DELETE action (the _upd function is the next oid). */
const RI_ACTION_PROC: Record<FkAction, number> = { c: 1646, r: 1648, n: 1650, d: 1652, a: 1654 };
/** pg_proc oids of RI_FKey_check_ins and RI_FKey_check_upd. */
const RI_CHECK_INS_PROC = 1644;
const RI_CHECK_UPD_PROC = 1645;
/** pg_trigger.tgtype bits (trigger.h): ROW 1, INSERT 4, DELETE 8, UPDATE 16; RI triggers fire AFTER (0). */
const TGTYPE_ROW_INSERT = 5;
const TGTYPE_ROW_DELETE = 9;
const TGTYPE_ROW_UPDATE = 17;

/**
 * pg_trigger's rows, in its column order (analyze/system_views.ts): the four internal RI
 * triggers of each foreign key, as PostgreSQL creates them (ri_triggers.c, tablecmds.c
 * createForeignKeyActionTriggers then createForeignKeyCheckTriggers): on the referenced table
 * RI_ConstraintTrigger_a_<oid> for ON DELETE and ON UPDATE, on the referencing table
 * RI_ConstraintTrigger_c_<oid> checking INSERT and UPDATE. vecgres enforces foreign keys
 * itself; these rows are what catalog readers see.
 */
export function triggerRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  for (const c of allConstraints(env)) {
    if (c.contype !== 'f') continue;
    const rel = env.stats.relOid(c.table);
    const row = (k: number, kind: 'a' | 'c', on: number, other: number, proc: number, tgtype: number): Value[] => [
      c.oid + k, on, 0, `RI_ConstraintTrigger_${kind}_${c.oid + k}`, proc, tgtype, 'O', true, other, c.indexOid, c.oid,
      false, false, 0, '', new Uint8Array(0), null, null, null,
    ];
    const del = RI_ACTION_PROC[c.onDelete === ' ' ? 'a' : c.onDelete];
    const upd = RI_ACTION_PROC[c.onUpdate === ' ' ? 'a' : c.onUpdate] + 1;
    rows.push(row(1, 'a', c.refTableOid, rel, del, TGTYPE_ROW_DELETE));
    rows.push(row(2, 'a', c.refTableOid, rel, upd, TGTYPE_ROW_UPDATE));
    rows.push(row(3, 'c', rel, c.refTableOid, RI_CHECK_INS_PROC, TGTYPE_ROW_INSERT));
    rows.push(row(4, 'c', rel, c.refTableOid, RI_CHECK_UPD_PROC, TGTYPE_ROW_UPDATE));
  }
  return rows.sort((a, b) => (a[0] as number) - (b[0] as number));
}

/** pg_constraint's rows, in its column order (analyze/system_views.ts). */
export function constraintRows(env: SqlEnv): Value[][] {
  return allConstraints(env).map((c) => [
    c.oid, c.name, namespaceOid(env, c.table), c.contype, false, false, true, true, env.stats.relOid(c.table), 0, c.indexOid, 0, c.refTableOid,
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
 * refuses is kept in the pretty form it was shown in before. `sequenceName` prints the serial
 * sequence's key as regclassout does (with its schema when the search path does not find it
 * by its name: `'app.t_id_seq'::regclass`); the bare quoted key when not given, where only
 * whether there is a default matters.
 */
export function columnDefaultText(c: ColumnDef, sequenceName: (key: string) => string = quoteIdent): string | null {
  if (c.sequence !== null) return c.identity !== undefined ? null : `nextval(${quoteLiteral(sequenceName(c.sequence))}::regclass)`;
  if (c.defaultSql === null) return null;
  try {
    return columnDefaultSql(c);
  } catch (e) {
    if (!(e instanceof PgError) || e.code !== SQLSTATE.feature_not_supported) throw e;
  }
  const raw = JSON.parse(c.defaultSql);
  const text = prettyRawExpr(displayConstTree(raw));
  // An untyped literal is coerced to the column's type when the default is stored: ruleutils
  // prints the constant with that type, as `'x'::text`.
  const lit = raw.A_Const ?? (raw.TypeCast?.typeName?.names?.[0]?.String?.sval === 'pg_catalog' ? raw.TypeCast.arg.A_Const : undefined);
  if (lit?.sval !== undefined) return `${prettyRawExpr({ A_Const: lit })}::${columnTypeText(c.type as SqlType)}`;
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
      const text = columnDefaultText(c, (k) => displayRelationName(env, k));
      if (text !== null) rows.push([env.stats.relOid(objectKey('d', name, c.name)), env.stats.relOid(name), attnumOf(t.def, i), text]);
    });
  }
  return rows;
}

/** Positions in a pg_attribute row (analyze/system_views.ts's column order). */
const ATT_TYPID = 2;
const ATT_NUM = 4;
const ATT_ISDROPPED = 16;

function attributeRow(relOid: number, name: string, type: SqlType, typmod: number, num: number, notNull: boolean, hasDef: boolean, identity: string, generated = ''): Value[] {
  const oid = typeOid(type);
  const len = typeIoByName(type)?.typlen ?? -1;
  // An array column: extended storage, its element's double alignment, one declared
  // dimension (attndims) and its element's collation.
  const elem = isArrayType(type) ? elemTypeOf(type) : null;
  const align = elem !== null ? (TYPE_ALIGN[elem] === 'd' ? 'd' : 'i') : (TYPE_ALIGN[type] ?? 'i');
  const storage = elem !== null ? 'x' : (TYPE_STORAGE[type] ?? 'p');
  return [
    relOid, name, oid, len, num, typmod, elem !== null ? 1 : 0, len > 0 && len <= BYVAL_BYTES_MAX, align, storage, '', notNull, hasDef, false,
    identity, generated, false, true, 0, COLLATABLE.has(elem ?? type) ? DEFAULT_COLLATION : 0, null, null, null, null, null,
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
    const cols: Value[][] = t.def.columns.map((c, i) =>
      attributeRow(relOid, c.name, c.type as SqlType, c.typmod, attnumOf(t.def, i), c.notNull, columnDefaultText(c) !== null, c.identity ?? '', c.generated ?? ''),
    );
    // A dropped column keeps its row (RemoveAttributeById): no type, renamed, attisdropped,
    // its storage facts still those of the type it had.
    for (const d of t.def.dropped ?? []) {
      const row = attributeRow(relOid, `........pg.dropped.${d.attnum}........`, d.type as SqlType, d.typmod, d.attnum, false, false, '');
      row[ATT_TYPID] = 0;
      row[ATT_ISDROPPED] = true;
      cols.push(row);
    }
    if (t.def.dropped !== undefined) cols.sort((a, b) => (a[ATT_NUM] as number) - (b[ATT_NUM] as number));
    rows.push(...cols);
  }
  for (const v of env.catalog.viewsVisible()) {
    const relOid = env.stats.relOid(v.name);
    v.columns.forEach((c, i) => rows.push(attributeRow(relOid, c.name, c.type as SqlType, c.typmod, i + 1, false, false, '')));
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

/** pg_roles' rows (analyze/roles.ts): the superuser has every attribute, the predefined roles none; passwords show as `********`. */
export function rolesRows(): Value[][] {
  return ROLES.map((r) => {
    const s = r.superuser;
    return [r.name, s, true, s, s, s, s, -1, '********', null, s, null, r.oid];
  });
}

/** pg_authid's rows: pg_roles' attributes, with no password stored (vecgres keeps the server's outside the catalog). */
export function authidRows(): Value[][] {
  return ROLES.map((r) => {
    const s = r.superuser;
    return [r.oid, r.name, s, true, s, s, s, s, s, -1, null, null];
  });
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
    // As in the key list: a function call bare, any other expression in parentheses.
    const text = pretty ? prettyStoredExpr(k.expr) : k.expr;
    return looksLikeFunction(text) ? text : `(${text})`;
  }
  if (!pretty) return pgGetIndexdef(d, t, env.methods, (k) => env.catalog.splitKey(k));
  const view = { ...d, keys: d.keys.map((k) => (k.expr === null ? k : { ...k, expr: prettyStoredExpr(k.expr) })), predicate: d.predicate === null ? null : prettyStoredExpr(d.predicate) };
  // Pretty mode qualifies the table only when it is not visible on the search path (it always is).
  return pgGetIndexdef(view, t, env.methods, (k) => env.catalog.splitKey(k)).replace(` ON public.${quoteIdent(d.table)} USING `, ` ON ${quoteIdent(d.table)} USING `);
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
  for (const v of env.catalog.viewsVisible()) if (env.stats.relOid(v.name) === oid) return v.name;
  return systemRelationName(oid);
}

/** The name of the system catalog whose pg_class oid is `oid` (`pg_class`), null for none. */
export function systemRelationName(oid: number): string | null {
  for (const [name, o] of Object.entries(CATALOG_OIDS)) if (o === oid) return name;
  return null;
}

/**
 * What regclassout and regnamespaceout print over `env`'s catalog, given the relation key of
 * an oid (`keyOf`): a relation's bare name, with its schema when the search path would not
 * find it by that name; a user schema's name; and regnamespacein's oid of one.
 */
export function regOutNames(env: SqlEnv, keyOf: (oid: number) => string | null): RegNames {
  return {
    relationName: (oid) => {
      const key = keyOf(oid);
      return key === null ? null : env.catalog.splitKey(key).name;
    },
    relationSchema: (oid) => {
      const key = keyOf(oid);
      if (key === null || systemRelationName(oid) !== null) return null;
      return relationIsVisible(env, key) ? null : env.catalog.splitKey(key).schema;
    },
    userSchemaName: (oid) => env.catalog.allSchemas().find((d) => d.oid === oid)?.name ?? null,
    userSchemaOid: (name) => env.catalog.getSchema(name)?.oid ?? null,
  };
}

/**
 * The catalog reg* input and output read relation names with (analyze/types.ts RegCatalog),
 * as the session sees it when asked: parameters and COPY fields of a regclass type are read
 * through it.
 */
export function regCatalog(env: SqlEnv): RegCatalog {
  return {
    regclassOid: (name) => regclassOidOf(env, name),
    ...regOutNames(env, (oid) => relationNameByOid(env, oid)),
    ...userTypes(env),
  };
}

/**
 * enum_in: the value of `label` of the enum type with pg_type oid `typeOid`, as the session's
 * transaction may use it.
 * @throws PgError 22P02 `invalid input value for enum mood: "x"`; 55P04 `unsafe use of new
 *   value "x" of enum type mood` for a label the transaction itself added (ALTER TYPE ... ADD
 *   VALUE) to a type it did not create, as PostgreSQL's check_safe_enum_use; 42704 for a type
 *   that no longer exists.
 */
export function enumIn(env: SqlEnv, typeOid: number, label: string): EnumValue {
  const def = enumTypeDefOf(env, typeOid);
  const v = env.catalog.enumLabelValue(def, label, env.txn.xid);
  if (v !== null && v !== 'pending') return v;
  if (v === 'pending') throw unsafeEnumUse(def, label);
  throw new PgError(SQLSTATE.invalid_text_representation, `invalid input value for enum ${enumShown(def)}: "${label}"`);
}

/** The enum type with pg_type oid `typeOid`. @throws PgError 42704 when it no longer exists. */
function enumTypeDefOf(env: SqlEnv, typeOid: number): EnumTypeDef {
  const def = env.catalog.enumTypeByOid(typeOid);
  if (def === undefined || def.oid !== typeOid) throw new PgError(SQLSTATE.undefined_object, `type with OID ${typeOid} does not exist`);
  return def;
}

/**
 * The type's name as messages print it. Only for errors: quoting the name asks the parser's
 * scanner whether it is a keyword, too slow for every row.
 */
function enumShown(def: EnumTypeDef): string {
  return typeName(enumSqlType(def.oid, def.name));
}

/** check_safe_enum_use's 55P04 for `label`, which the transaction added itself. */
function unsafeEnumUse(def: EnumTypeDef, label: string): PgError {
  return new PgError('55P04', `unsafe use of new value "${label}" of enum type ${enumShown(def)}`, { hint: 'New enum values must be committed before they can be used.' });
}

/** The SQL type of the enum type named `name` (unquoted, schema public) as the session sees it, or null. */
export function enumTypeOf(env: SqlEnv, name: string): EnumSqlType | null {
  const d = env.catalog.getEnumType(name);
  return d === undefined ? null : enumSqlType(d.oid, d.name);
}

/**
 * The database's enum types by oid and by name, for format_type and regtype input and output,
 * and enum_in: a label of an enum type to its value, as the session's transaction may use it.
 */
export function userTypes(env: SqlEnv): Required<Pick<RegCatalog, 'userType' | 'userTypeOid' | 'enumIn'>> {
  return {
    enumIn: (typeOid, label) => enumIn(env, typeOid, label),
    userType: (oid) => {
      const d = env.catalog.enumTypeByOid(oid);
      return d === undefined ? null : { name: d.name, array: d.arrayOid === oid };
    },
    userTypeOid: (name, array) => {
      const d = env.catalog.getEnumType(name);
      if (d !== undefined) return array ? d.arrayOid : d.oid;
      // The array type's own name (pg_type.typname `_mood`).
      const elem = name.startsWith('_') && !array ? env.catalog.getEnumType(name.slice(1)) : undefined;
      return elem === undefined ? null : elem.arrayOid;
    },
  };
}

/**
 * The relation names a result's regclass values (and regclass[] elements) print, and the enum
 * type names its regtype values print (and user schemas' regnamespace values), looked up when the statement ends, where its catalog is
 * at hand: the rows keep the oids (a binary result column sends them, regclasssend), their
 * text output reads the names here. Undefined when no column is of a regclass or regtype type.
 */
export function resultRegNames(env: SqlEnv, fields: readonly { type: SqlType }[], rows: readonly Value[][]): Pick<RegCatalog, 'relationName' | 'relationSchema' | 'userType' | 'userSchemaName'> | undefined {
  const relCols: number[] = [];
  const typeCols: number[] = [];
  fields.forEach((f, i) => {
    if (f.type === 'regclass' || f.type === 'regclass[]') relCols.push(i);
    if (f.type === 'regtype' || f.type === 'regtype[]') typeCols.push(i);
  });
  // regnamespace values of user schemas print their names (few schemas: no cache needed).
  const nsCols = env.catalog.allSchemas().length > 0 && fields.some((f) => f.type === 'regnamespace' || f.type === 'regnamespace[]');
  if (relCols.length === 0 && typeCols.length === 0 && !nsCols) return undefined;
  const names = new Map<number, string | null>();
  const types = new Map<number, { name: string; array: boolean } | null>();
  const lookup = userTypes(env).userType;
  const each = (cols: readonly number[], add: (v: unknown) => void): void => {
    for (const r of rows) {
      for (const c of cols) {
        const v = r[c];
        if (v instanceof PgArray) v.elems.forEach(add);
        else add(v);
      }
    }
  };
  each(relCols, (v) => {
    if (typeof v === 'number' && !names.has(v)) names.set(v, relationNameByOid(env, v));
  });
  each(typeCols, (v) => {
    if (typeof v === 'number' && !types.has(v)) types.set(v, lookup(v));
  });
  return { ...regOutNames(env, (oid) => names.get(oid) ?? null), userType: (oid) => types.get(oid) ?? null };
}

/** pgvector's COMMENT ON TYPE texts (pg_description), by type oid. */
export const PGVECTOR_TYPE_COMMENTS: Readonly<Record<number, string>> = {
  [TYPE_OID.vector]: 'single-precision vector', [TYPE_OID.halfvec]: 'half-precision vector', [TYPE_OID.sparsevec]: 'single-precision sparse vector',
};

/**
 * The labels of enum type `typeOid` as the session's transaction sees them, in sort order: the
 * interned value, or `pending` for one the transaction itself added to a type it did not
 * create (check_safe_enum_use refuses it).
 */
function enumValuesInOrder(env: SqlEnv, typeOid: number): { def: EnumTypeDef; values: { label: string; v: EnumValue | 'pending' }[] } {
  const def = enumTypeDefOf(env, typeOid);
  const values: { label: string; v: EnumValue | 'pending' }[] = [];
  for (const l of labelsInOrder(def)) {
    const v = env.catalog.enumLabelValue(def, l.label, env.txn.xid);
    if (v !== null) values.push({ label: l.label, v });
  }
  return { def, values };
}

/** check_safe_enum_use: the value, or 55P04 for a label the transaction added itself. */
function safeEnumValue(def: EnumTypeDef, x: { label: string; v: EnumValue | 'pending' }): EnumValue {
  if (x.v !== 'pending') return x.v;
  throw unsafeEnumUse(def, x.label);
}

/**
 * enum_range (enum.c enum_range_internal): the values in sort order, from `lower` (null: the
 * first) until `upper` (null: the last) is passed; nothing when `upper` comes before `lower`.
 * @throws PgError 55P04 for a value in the range that the transaction added itself.
 */
export function enumRange(env: SqlEnv, typeOid: number, lower: EnumValue | null, upper: EnumValue | null): EnumValue[] {
  const { def, values } = enumValuesInOrder(env, typeOid);
  const out: EnumValue[] = [];
  let inRange = lower === null;
  for (const x of values) {
    const oid = x.v === 'pending' ? -1 : x.v.oid;
    if (!inRange && lower !== null && oid === lower.oid) inRange = true;
    if (inRange) out.push(safeEnumValue(def, x));
    if (upper !== null && oid === upper.oid) break;
  }
  return out;
}

/**
 * enum_first / enum_last (enum.c enum_endpoint): the first or last value in sort order.
 * @throws PgError 55000 `enum mood contains no values`; 55P04 for a value the transaction added itself.
 */
export function enumEndpoint(env: SqlEnv, typeOid: number, last: boolean): EnumValue {
  const { def, values } = enumValuesInOrder(env, typeOid);
  const x = last ? values[values.length - 1] : values[0];
  if (x === undefined) throw new PgError('55000', `enum ${enumShown(def)} contains no values`);
  return safeEnumValue(def, x);
}

/** The catalog lookups the analyzer's functions call at run time, over `env`'s live catalog. */
export function catalogLookups(env: SqlEnv): CatalogLookups {
  return {
    ...userTypes(env),
    enumRange: (oid, lower, upper) => enumRange(env, oid, lower, upper),
    enumEndpoint: (oid, last) => enumEndpoint(env, oid, last),
    relationName: (oid) => relationNameByOid(env, oid),
    regNames: regOutNames(env, (oid) => relationNameByOid(env, oid)),
    constraintDef: (oid, pretty) => pgGetConstraintdef(env, oid, pretty),
    indexDef: (oid, column, pretty) => pgGetIndexdefByOid(env, oid, column, pretty),
    viewDef: (oid) => {
      const v = env.catalog.viewsVisible().find((x) => env.stats.relOid(x.name) === oid);
      return v === undefined ? null : viewDefinitionText(v);
    },
    // PostgreSQL's obj_description and col_description are SQL functions over pg_description:
    // read its rows, so both answer what the catalog lists.
    objDescription: (oid, catalog) => describedBy(env, oid, CATALOG_OIDS[catalog], 0),
    hasExtension: (name) => env.catalog.getExtension(name) !== undefined,
    colDescription: (oid, attnum) => describedBy(env, oid, CATALOG_OIDS['pg_class'], attnum),
    hasPrivilege: (fn, role, objects, privileges) => hasPrivilege(env, fn, role, objects, privileges),
    isPublishable: (oid) => {
      if (env.catalog.tableNames().some((t) => env.stats.relOid(t) === oid)) return true;
      return indexByOid(env, oid) !== undefined ? false : null;
    },
  };
}

/** pg_description's comment on object `objoid` of catalog `classoid` (objsubid `subid`), or null. */
function describedBy(env: SqlEnv, objoid: number, classoid: number | undefined, subid: number): string | null {
  if (classoid === undefined) return null;
  const row = descriptionRows(env, classoid).find((r) => r[0] === objoid && r[2] === subid);
  return row === undefined ? null : (row[3] as string);
}

/**
 * Takes the oids PostgreSQL 18 gives the objects of a CREATE TABLE, in its order, from the
 * statistics store's counter (checked against PGlite + pgvector): each serial or identity
 * sequence first, then the table, its array and row types (not listed by vecgres: skipped),
 * one pg_attrdef row per column default, one pg_constraint row per CHECK, then per NOT NULL
 * column, a TOAST table and its index when a column is of a variable-length type (skipped),
 * then each primary key or unique index followed by its constraint, then each foreign key and
 * its four RI triggers (listed in pg_trigger). Objects that already have an oid keep it.
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
  if (hasToastTable(def)) st.skipOids(2);
  for (const d of env.catalog.indexesOf(t.name)) {
    if (!d.primaryKey && d.constraint !== true) continue;
    st.relOid(d.name);
    st.relOid(objectKey('c', t.name, d.name));
  }
  for (const fk of def.foreignKeys ?? []) foreignKeyOid(env, t.name, fk.name);
}

/** A column's type without its typmod as format_type prints it (an enum type by its name). */
function columnTypeText(type: SqlType): string {
  return isEnumSqlType(type) ? typeName(type) : formatType(typeOid(type), -1);
}

/** True when column type `type` is variable-length (a table with one has a TOAST table). */
function isVarlena(type: ColumnDef['type']): boolean {
  return (typeIoByName(type)?.typlen ?? -1) < 0;
}

/** Whether PostgreSQL gives a table of these columns a TOAST table: one column of a variable-length type. */
export function hasToastTable(def: { columns: readonly ColumnDef[] }): boolean {
  return def.columns.some((c) => isVarlena(c.type));
}

/**
 * Skips the oids PostgreSQL spends on new storage files (relfilenodes come from the oid
 * counter, GetNewRelFileNumber): TRUNCATE gives table `t`, each of its indexes and its TOAST
 * table and index new ones; REINDEX TABLE each index and the TOAST index; REINDEX INDEX one.
 */
export function skipRelfilenodeOids(env: SqlEnv, t: Table, what: 'truncate' | 'reindex table' | 'reindex index'): void {
  const toast = hasToastTable(t.def);
  const indexes = env.catalog.indexesOf(t.name).length;
  const n = what === 'reindex index' ? 1 : what === 'reindex table' ? indexes + (toast ? 1 : 0) : 1 + indexes + (toast ? 2 : 0);
  env.stats.skipOids(n);
}

/**
 * Takes the oids of column `col` of table `t` just added by ALTER TABLE ... ADD COLUMN, as
 * PostgreSQL 18 numbers them: its default (pg_attrdef), its NOT NULL constraint, then a TOAST
 * table and its index when it is the table's first variable-length column (skipped).
 */
export function assignAddedColumnOids(env: SqlEnv, t: Table, col: number): void {
  const st = env.stats;
  if (!st.hasOid(t.name)) return;
  const c = t.def.columns[col]!;
  if (columnDefaultText(c) !== null) st.relOid(objectKey('d', t.name, c.name));
  if (c.notNull) st.relOid(objectKey('c', t.name, `${t.name}_${c.name}_not_null`));
  if (isVarlena(c.type) && !t.def.columns.some((x, i) => i !== col && isVarlena(x.type))) st.skipOids(2);
}

/**
 * Takes the oids of what ALTER TABLE ... ALTER COLUMN changed on column `col` of table `t`: a
 * new default takes a new pg_attrdef oid (SET DEFAULT replaces the row, as PostgreSQL's
 * StoreAttrDefault), a column made NOT NULL its constraint's (SET NOT NULL, ADD PRIMARY KEY).
 * The old ones were forgotten by the change (ddl_txn.ts alterTableTx).
 */
export function assignAlteredColumnOids(env: SqlEnv, t: Table, col: number): void {
  const st = env.stats;
  if (!st.hasOid(t.name)) return;
  const c = t.def.columns[col]!;
  if (columnDefaultText(c) !== null) st.relOid(objectKey('d', t.name, c.name));
  if (c.notNull) st.relOid(objectKey('c', t.name, `${t.name}_${c.name}_not_null`));
}

/**
 * Takes the oids of constraints ALTER TABLE ... ADD CONSTRAINT adds to table `t` (its UNIQUE
 * indexes and their constraints took theirs already, in createUniqueConstraintIndexes): each
 * CHECK one, each foreign key one and four for its RI triggers, as PostgreSQL 18 numbers them.
 */
export function assignAddedConstraintOids(env: SqlEnv, t: Table, checks: readonly { name: string }[], foreignKeys: readonly { name: string }[]): void {
  for (const k of checks) env.stats.relOid(objectKey('c', t.name, k.name));
  for (const fk of foreignKeys) foreignKeyOid(env, t.name, fk.name);
}

