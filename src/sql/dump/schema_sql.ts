/**
 * The DDL of a dump, as pg_dump writes it (pg_dump.c dumpTableSchema, dumpSequence,
 * dumpAttrDef, dumpConstraint, dumpIndex): one function per kind of object, each returning the
 * statement text (without the TOC comment, which dump.ts writes). Names are schema-qualified
 * (`public.t`, `app.t`) as pg_dump writes them under an empty search_path; pgvector's types are
 * `public.vector(3)` since the extension lives in `public`.
 */
import type { IndexDef } from '../../storage/catalog.js';
import type { ColumnDef, FkAction, Table, Value } from '../../storage/table.js';
import { SEQUENCE_TYPE_NAME, SEQUENCE_TYPE_RANGE, type SequenceDef } from '../../storage/sequence.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { formatSqlType, valueFromText, valueToText, type SqlType } from '../analyze/types.js';
import { resolveTypeName } from '../analyze/expr.js';
import { UTC_ZONE } from '../../types/timezone.js';
import { quoteIdent, type PgNode } from '../parser/parse.js';
import { deparseRaw, deparseRawChecked, displayConstTree } from '../parser/deparse_raw.js';
import { pgGetIndexdef, type IndexMethods } from '../exec/pg_get_indexdef.js';
import { shownName } from '../../storage/schema_def.js';

/**
 * The name of a dumped relation (table, index, sequence, view): its bare name in `public`, or
 * `schema` and name joined by a NUL in another schema. No identifier holds a NUL, so this
 * reads one way whatever the names hold (a catalog key `s.t` would not: `public` may hold a
 * table named `s.t` when no schema `s` exists), and the names of `public` are what they were
 * before schemas.
 */
export function dumpName(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}\u0000${name}`;
}

/** The schema and bare name of a {@link dumpName}. */
export function splitDumpName(n: string): { schema: string; name: string } {
  const nul = n.indexOf('\u0000');
  return nul < 0 ? { schema: 'public', name: n } : { schema: n.slice(0, nul), name: n.slice(nul + 1) };
}

/**
 * The order pg_dump sorts objects of one kind in (pg_dump_sort.c DOTypeNameCompare): by
 * schema name, then by name.
 */
export function dumpSortKey(n: string): string {
  const { schema, name } = splitDumpName(n);
  return `${schema}\u0000${name}`;
}

/**
 * True when `pattern` (a `--table` argument) names the table of dump name `n`: `schema.name`,
 * or the bare name of a table of `public` (pg_dump matches an unqualified pattern against the
 * tables the default search path shows).
 */
export function tableMatches(n: string, pattern: string): boolean {
  const { schema, name } = splitDumpName(n);
  return pattern === `${schema}.${name}` || (schema === 'public' && pattern === name);
}

/** `schema.name` of a {@link dumpName} (`public.name`), each part quoted where quote_identifier would. */
export function qualifiedName(name: string): string {
  const s = splitDumpName(name);
  return `${quoteIdent(s.schema)}.${quoteIdent(s.name)}`;
}

/** A column's type as format_type prints it under an empty search_path (`public.vector(3)`, `numeric(10,2)`). */
export function columnTypeSql(c: ColumnDef): string {
  return formatSqlType(c.type, c.typmod, 'public.');
}

/**
 * A column's DEFAULT as SQL text in ruleutils' non-pretty form, what `pg_get_expr(adbin,
 * adrelid)` prints and pg_dump writes: the stored expression deparsed with its parentheses, and
 * an untyped string literal with the cast to the column's type that PostgreSQL's analysis adds
 * when it stores the default (`'untitled'::text`, `'[1,2]'::vector`), a negative number quoted
 * and cast as ruleutils prints it (`'-1'::integer`). Null for no default; a
 * serial column's nextval default is not here: pg_dump sets it after the sequence exists
 * ({@link serialDefaultSql}).
 * @throws PgError 0A000 when the expression has a form the deparser cannot print.
 */
export function columnDefaultSql(c: ColumnDef): string | null {
  if (c.sequence !== null || c.defaultSql === null) return null;
  const raw = JSON.parse(c.defaultSql);
  const cast = castLiteralSql(raw);
  if (cast !== null) return cast;
  // A NULL kept as a default (a column with a typmod: PostgreSQL stores the coercion of a NULL
  // constant of the base type, and ruleutils prints that constant).
  if (raw.A_Const?.isnull === true) return `NULL::${literalCastTypeSql(c)}`;
  deparseRawChecked(raw, 'a column default');
  const lit = raw.A_Const ?? (raw.TypeCast?.typeName?.names?.[0]?.String?.sval === 'pg_catalog' ? raw.TypeCast.arg.A_Const : undefined);
  if (lit?.sval !== undefined) return `${deparseRawChecked({ A_Const: lit }, 'a column default')}::${literalCastTypeSql(c)}`;
  return deparseRaw(displayConstTree(raw));
}

/** Types whose literals (and arrays of them) print the same in every session (no TimeZone, DateStyle or catalog in their text). */
const SESSION_FREE_TYPES: ReadonlySet<SqlType> = new Set<SqlType>([
  'int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'bool', 'text', 'varchar', 'bpchar', 'json', 'jsonb', 'uuid', 'bytea',
  'vector', 'halfvec', 'sparsevec', 'bit', 'varbit',
]);

/**
 * A literal cast, `'{}'::jsonb` or `(-1)::integer`, as ruleutils' get_const_expr prints the
 * constant the parser folds it into: the cast type's output text, an int4 bare unless negative,
 * a numeric bare when it reads as a float constant and has no typmod, a boolean bare, anything
 * else quoted with its type and typmod (`'a'::character varying(3)`, `'[1,2]'::vector(2)`).
 * Null when `raw` is not such a cast, or its type's text depends on the session.
 */
function castLiteralSql(raw: PgNode): string | null {
  const tc = raw?.TypeCast;
  const lit = tc?.arg?.A_Const;
  if (lit === undefined || lit.isnull === true) return null;
  let type: SqlType;
  let typmod: number;
  let value: Value;
  try {
    ({ type, typmod } = resolveTypeName(tc.typeName));
    if (!SESSION_FREE_TYPES.has((type.endsWith('[]') ? type.slice(0, -2) : type) as SqlType)) return null;
    // A string literal is folded into any type; a number or boolean only when the cast is to
    // its own type (else the cast is a function call, which the deparser prints).
    if (lit.sval !== undefined) value = valueFromText(lit.sval.sval as string, type, typmod, UTC_ZONE);
    else if (lit.ival !== undefined && type === 'int4') value = Number(lit.ival.ival ?? 0);
    else if (lit.fval !== undefined && type === 'numeric' && typmod < 0) value = valueFromText(lit.fval.fval as string, type, typmod, UTC_ZONE);
    else if (lit.boolval !== undefined && type === 'bool') value = lit.boolval.boolval === true;
    else return null;
  } catch (e) {
    if (e instanceof PgError) return null;
    throw e;
  }
  if (type === 'bool') return value === true ? 'true' : 'false';
  const text = valueToText(value, type, UTC_ZONE)!;
  if (type === 'int4' && !text.startsWith('-')) return text;
  if (type === 'numeric' && typmod < 0 && /^[0-9]/.test(text) && /[eE.]/.test(text)) return text;
  return `'${text.replace(/'/g, "''")}'::${formatSqlType(type, typmod)}`;
}

/**
 * The type a stored default's literal is cast to, as ruleutils prints a Const's type: the
 * column's type without its typmod (`character varying`, `numeric`), and `"bit"` in quotes,
 * since a bare `bit` in a cast means bit(1).
 */
function literalCastTypeSql(c: ColumnDef): string {
  if (c.type === 'bit') return '"bit"';
  return columnTypeSql({ ...c, typmod: -1 }).replace(/^public\./, '');
}

/** A column of a dumped table: what CREATE TABLE and the later ALTERs write about it. */
export interface DumpColumnSql {
  name: string;
  /** The type as format_type prints it under an empty search_path ({@link columnTypeSql}). */
  typeSql: string;
  /** DEFAULT's text ({@link columnDefaultSql}), or a generated column's expression, or null. */
  defaultSql: string | null;
  /** True for a stored generated column: `defaultSql` is written as GENERATED ALWAYS AS (...) STORED. */
  generated?: boolean;
  notNull: boolean;
  /**
   * The NOT NULL constraint's name when it is not `<table>_<column>_not_null` (pg_dump 18 then
   * writes `CONSTRAINT name NOT NULL`, so the name survives the load); absent otherwise.
   */
  notNullName?: string;
}

/** ` DEFAULT e`, ` GENERATED ALWAYS AS (e) STORED` (pg_dump's form), or ''. */
function columnDefaultClause(c: DumpColumnSql): string {
  if (c.defaultSql === null) return '';
  return c.generated === true ? ` GENERATED ALWAYS AS (${c.defaultSql}) STORED` : ` DEFAULT ${c.defaultSql}`;
}

function notNullSql(c: DumpColumnSql): string {
  if (!c.notNull) return '';
  return c.notNullName === undefined ? ' NOT NULL' : ` CONSTRAINT ${quoteIdent(c.notNullName)} NOT NULL`;
}

/**
 * `CREATE TABLE public.t (\n    col type DEFAULT ... NOT NULL,\n ...,\n    CONSTRAINT c CHECK (...)\n);`
 * CHECK constraints (`expr` as stored, already parenthesized) are written inside it, sorted by
 * name, as pg_dump writes validated ones (the rows were checked when each was added or written).
 */
export function createTableSql(name: string, columns: readonly DumpColumnSql[], checks: readonly { name: string; expr: string }[]): string {
  const cols = columns.map((c) => `    ${quoteIdent(c.name)} ${c.typeSql}${columnDefaultClause(c)}${notNullSql(c)}`);
  // pg_get_constraintdef: CHECK around the stored (already parenthesized) expression.
  for (const k of [...checks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) cols.push(`    CONSTRAINT ${quoteIdent(k.name)} CHECK (${k.expr})`);
  return `CREATE TABLE ${qualifiedName(name)} (\n${cols.length === 0 ? '' : cols.join(',\n') + '\n'});\n`;
}

/**
 * A sequence's options as pg_dump writes them (dumpSequence): START, INCREMENT, MINVALUE and
 * MAXVALUE (`NO ...` when the type's default for the direction), CACHE, CYCLE; each line
 * indented by four spaces, the last without a line end.
 */
function sequenceOptionsSql(d: SequenceDef): string {
  const [typeMin, typeMax] = SEQUENCE_TYPE_RANGE[d.type];
  const defMin = d.increment > 0n ? 1n : typeMin;
  const defMax = d.increment > 0n ? typeMax : -1n;
  return (
    `    START WITH ${d.start}\n    INCREMENT BY ${d.increment}\n` +
    (d.min === defMin ? '    NO MINVALUE\n' : `    MINVALUE ${d.min}\n`) +
    (d.max === defMax ? '    NO MAXVALUE\n' : `    MAXVALUE ${d.max}\n`) +
    `    CACHE ${d.cache}${d.cycle ? '\n    CYCLE' : ''}`
  );
}

/**
 * An identity column's sequence, as pg_dump writes it after the table: `ALTER TABLE
 * public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME ... CACHE 1);`.
 */
export function identitySql(table: string, column: string, identity: 'a' | 'd', seq: SequenceDef): string {
  return (
    `ALTER TABLE ${qualifiedName(table)} ALTER COLUMN ${quoteIdent(column)} ADD GENERATED ${identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (\n` +
    `    SEQUENCE NAME ${qualifiedName(seq.name)}\n${sequenceOptionsSql(seq)}\n);\n`
  );
}

/** CREATE SEQUENCE and its OWNED BY (if any), as pg_dump writes them. */
export function createSequenceSql(seq: SequenceDef): string {
  const name = qualifiedName(seq.name);
  const as = seq.type === 'int8' ? '' : `    AS ${SEQUENCE_TYPE_NAME[seq.type]}\n`;
  const owned = seq.ownedBy === null ? '' : `\nALTER SEQUENCE ${name} OWNED BY ${qualifiedName(seq.ownedBy.table)}.${quoteIdent(seq.ownedBy.column)};\n`;
  return `CREATE SEQUENCE ${name}\n${as}${sequenceOptionsSql(seq)};\n${owned}`;
}

/** `ALTER TABLE ONLY public.t ALTER COLUMN id SET DEFAULT nextval('public.t_id_seq'::regclass);` */
export function serialDefaultSql(table: string, column: string, sequence: string): string {
  return `ALTER TABLE ONLY ${qualifiedName(table)} ALTER COLUMN ${quoteIdent(column)} SET DEFAULT nextval('${qualifiedName(sequence).replace(/'/g, "''")}'::regclass);\n`;
}

/**
 * `SELECT pg_catalog.setval('public.s', last_value, is_called);` as pg_dump writes it, so the
 * next nextval returns the same number as here.
 */
export function setvalSql(sequence: string, last: bigint, called: boolean): string {
  const name = qualifiedName(sequence).replace(/'/g, "''");
  return `SELECT pg_catalog.setval('${name}', ${last}, ${called});\n`;
}

/** A table constraint (pg_constraint row) as the dump writes it. */
export interface ConstraintSql {
  name: string;
  /** The table it belongs to. */
  table: string;
  /** `ALTER TABLE ONLY ... ADD CONSTRAINT ...;` */
  sql: string;
  /** pg_dump's TOC type: `CONSTRAINT`, or `FK CONSTRAINT` (written after the indexes). */
  kind: 'CONSTRAINT' | 'FK CONSTRAINT';
}

/** pg_get_constraintdef's words for a referential action (NO ACTION is left out). */
const FK_ACTION: Record<FkAction, string> = { a: '', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/**
 * A PRIMARY KEY or UNIQUE constraint of `table` (kind `CONSTRAINT`), written after the data:
 * `ALTER TABLE ONLY public.t\n    ADD CONSTRAINT name PRIMARY KEY (a, b);`.
 */
export function keyConstraintSql(table: string, name: string, primary: boolean, columns: readonly string[]): ConstraintSql {
  const cols = columns.map(quoteIdent).join(', ');
  return { name, table, kind: 'CONSTRAINT', sql: `ALTER TABLE ONLY ${qualifiedName(table)}\n    ADD CONSTRAINT ${quoteIdent(name)} ${primary ? 'PRIMARY KEY' : 'UNIQUE'} (${cols});\n` };
}

/**
 * A FOREIGN KEY of `table` (kind `FK CONSTRAINT`, written after every index so the referenced
 * keys exist), its actions as pg_get_constraintdef prints them (NO ACTION left out).
 */
export function foreignKeyConstraintSql(
  table: string, name: string, columns: readonly string[], refTable: string, refColumns: readonly string[], onUpdate: FkAction, onDelete: FkAction,
): ConstraintSql {
  const actions = (onUpdate === 'a' ? '' : ` ON UPDATE ${FK_ACTION[onUpdate]}`) + (onDelete === 'a' ? '' : ` ON DELETE ${FK_ACTION[onDelete]}`);
  return {
    name, table, kind: 'FK CONSTRAINT',
    sql: `ALTER TABLE ONLY ${qualifiedName(table)}\n    ADD CONSTRAINT ${quoteIdent(name)} FOREIGN KEY (${columns.map(quoteIdent).join(', ')}) REFERENCES ${qualifiedName(refTable)}(${refColumns.map(quoteIdent).join(', ')})${actions};\n`,
  };
}

/**
 * The constraints of table `t` that pg_dump adds after the data: the PRIMARY KEY and UNIQUE
 * constraints (from their index definitions) and FOREIGN KEYs. `tables` resolves a foreign
 * key's referenced table by catalog key; `nameOf` gives a catalog key's {@link dumpName}.
 * Constraint names are written as PostgreSQL shows them (without the schema prefix the names
 * derived from a user schema's table key carry). CHECK constraints are in {@link createTableSql}.
 * @throws PgError 42P01 when a foreign key's referenced table is gone.
 */
export function tableConstraintsSql(
  t: Table, indexes: readonly IndexDef[], tables: (key: string) => Table | undefined, nameOf: (key: string) => string,
): ConstraintSql[] {
  const out: ConstraintSql[] = [];
  const colName = (tab: Table, c: number) => tab.def.columns[c]!.name;
  const table = nameOf(t.name);
  for (const d of indexes) {
    if (isConstraintIndex(d)) out.push(keyConstraintSql(table, shownName(d.name, t.name), d.primaryKey, d.keys.map((k) => colName(t, k.column))));
  }
  for (const fk of t.def.foreignKeys ?? []) {
    const ref = fk.refTable === t.name ? t : tables(fk.refTable);
    if (ref === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${fk.refTable}" does not exist`);
    out.push(foreignKeyConstraintSql(table, shownName(fk.name, t.name), fk.columns.map((c) => colName(t, c)), nameOf(ref.name), fk.refColumns.map((c) => colName(ref, c)), fk.onUpdate, fk.onDelete));
  }
  return out;
}

/**
 * True for an index that a constraint creates (a primary key's or a UNIQUE constraint's): the
 * dump writes the constraint ({@link tableConstraintsSql}), not a CREATE INDEX.
 */
export function isConstraintIndex(d: IndexDef): boolean {
  return d.primaryKey || d.constraint === true;
}

/**
 * `CREATE INDEX ...;` of an index that is not a constraint's (pg_get_indexdef's text; `methods`
 * say which operator classes are defaults and left out; `splitKey` reads the catalog's keys).
 */
export function createIndexSql(d: IndexDef, t: Table, methods: IndexMethods, splitKey: (key: string) => { schema: string; name: string }): string {
  return `${pgGetIndexdef(d, t, methods, splitKey)};\n`;
}

/**
 * `CREATE VIEW public.v (a, b) AS\n SELECT ...;` of dumped view `v`: its column list written
 * out, since the query may name its outputs otherwise (a view's own column list).
 */
export function createViewSql(v: { name: string; columns: readonly string[]; query: string }): string {
  return `CREATE VIEW ${qualifiedName(v.name)} (${v.columns.map(quoteIdent).join(', ')}) AS\n ${v.query};\n`;
}
