/**
 * `CREATE TABLE t (..., LIKE source [INCLUDING | EXCLUDING option] ..., ...)`, as PostgreSQL's
 * transformTableLikeClause: the source's columns (name, type, NOT NULL with its constraint's
 * name) take the clause's place among the other elements, and the options copy more:
 * DEFAULTS (a serial column's `nextval` keeps drawing from the source's sequence), GENERATED
 * (otherwise a generated column is a plain one), IDENTITY (a new sequence with the same
 * options), CONSTRAINTS (CHECK constraints, under their names), INDEXES (the primary key,
 * UNIQUE constraints and the other indexes, HNSW and IVFFlat with their options, named for the
 * new table), COMMENTS (the columns'). Foreign keys are never copied, as in PostgreSQL.
 *
 * The copy is written as the SQL that declares it (the dump's column types, pg_get_indexdef's
 * index texts) and parsed again, with the source's stored DEFAULT and generation trees, so the
 * new table's definition goes through CREATE TABLE's and CREATE INDEX's own analysis.
 */
import { checkUtilitySchema } from './ddl.js';
import { PgError, SQLSTATE, pos } from '../../common/errors.js';
import type { Table } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { parseSql, quoteIdent, type PgNode } from '../parser/parse.js';
import { columnTypeSql } from '../dump/schema_sql.js';
import { notNullConstraintName } from '../../storage/table.js';
import { pgGetIndexdef } from './pg_get_indexdef.js';

/** PostgreSQL's TableLikeOption bits (parsenodes.h). */
const LIKE_COMMENTS = 1 << 0;
const LIKE_CONSTRAINTS = 1 << 2;
const LIKE_DEFAULTS = 1 << 3;
const LIKE_GENERATED = 1 << 4;
const LIKE_IDENTITY = 1 << 5;
const LIKE_INDEXES = 1 << 6;

/** What one LIKE clause adds to CREATE TABLE. */
export interface TableLikeCopy {
  /** ColumnDef and table Constraint nodes, in the order they take the clause's place. */
  elements: PgNode[];
  /** CREATE INDEX statements (IndexStmt nodes' fields, unnamed, on the new table) to run after it exists. */
  indexes: PgNode[];
  /** Column comments to copy: column name -> text. */
  comments: Map<string, string>;
}

/**
 * The elements LIKE clause `like` (a TableLikeClause node) stands for in CREATE TABLE `table`.
 * @throws PgError 42P01 for a source that does not exist (with its position).
 */
export function expandTableLike(env: SqlEnv, like: PgNode, table: string): TableLikeCopy {
  const rv = like.relation;
  const src = env.catalog.getTable(checkUtilitySchema(env, rv, true));
  if (src === undefined) {
    const name = rv.schemaname === undefined ? rv.relname : `${rv.schemaname}.${rv.relname}`;
    throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`, pos(rv.location));
  }
  const options: number = like.options ?? 0;
  const has = (bit: number): boolean => (options & bit) !== 0;
  /** Per column, the stored expression its DEFAULT or generation clause copies (raw tree JSON), if any. */
  const copied: ({ contype: 'CONSTR_DEFAULT' | 'CONSTR_GENERATED'; json: string } | null)[] = [];
  const parts = src.def.columns.map((c) => {
    let sql = `${quoteIdent(c.name)} ${columnTypeSql(c)}`;
    let expr: (typeof copied)[number] = null;
    if (c.generated !== undefined) {
      if (has(LIKE_GENERATED)) expr = { contype: 'CONSTR_GENERATED', json: c.defaultSql! };
    } else if (c.identity !== undefined) {
      if (has(LIKE_IDENTITY)) sql += identityClause(env, c.identity, c.sequence);
    } else if (has(LIKE_DEFAULTS)) {
      if (c.sequence !== null) sql += ` DEFAULT nextval(${quoteLiteral(quoteIdent(c.sequence))}::regclass)`;
      else if (c.defaultSql !== null) expr = { contype: 'CONSTR_DEFAULT', json: c.defaultSql };
    }
    copied.push(expr);
    // NOT NULL always, under the source's constraint name (PostgreSQL 18 copies it).
    if (c.notNull) sql += ` CONSTRAINT ${quoteIdent(notNullConstraintName(src.name, c))} NOT NULL`;
    return sql;
  });
  if (has(LIKE_CONSTRAINTS)) for (const k of src.def.checks ?? []) parts.push(`CONSTRAINT ${quoteIdent(k.name)} CHECK (${k.expr})`);
  const indexes: PgNode[] = [];
  if (has(LIKE_INDEXES)) {
    for (const d of env.catalog.indexesOf(src.name)) {
      // A constraint's index has column keys only.
      const cols = (): string => d.keys.map((k) => quoteIdent(src.def.columns[k.column]!.name)).join(', ');
      if (d.primaryKey) parts.push(`PRIMARY KEY (${cols()})`);
      else if (d.constraint === true) parts.push(`UNIQUE (${cols()})`);
      else indexes.push(clonedIndex(env, src, d, table));
    }
  }
  const elements = structuredClone(parts.length === 0 ? [] : (parseSql(`CREATE TABLE t (${parts.join(', ')})`)[0]!.stmt.CreateStmt.tableElts as PgNode[]));
  // Defaults and generation expressions are the source's stored trees, so they print as the source's.
  copied.forEach((x, i) => {
    if (x === null) return;
    const cd = elements[i]!.ColumnDef;
    const node: PgNode = { contype: x.contype, raw_expr: JSON.parse(x.json), location: -1 };
    if (x.contype === 'CONSTR_GENERATED') Object.assign(node, { generated_when: 'a', generated_kind: 's' });
    cd.constraints = [{ Constraint: node }, ...((cd.constraints ?? []) as PgNode[])];
  });
  const comments = new Map<string, string>();
  if (has(LIKE_COMMENTS)) for (const c of src.def.columns) if (c.comment !== undefined) comments.set(c.name, c.comment);
  return { elements, indexes, comments };
}

/** ` GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY (...)` with the options of the source's sequence `seqName`. */
function identityClause(env: SqlEnv, identity: 'a' | 'd', seqName: string | null): string {
  const seq = seqName === null ? undefined : env.catalog.getSequence(seqName)?.def;
  const when = identity === 'a' ? 'ALWAYS' : 'BY DEFAULT';
  if (seq === undefined) return ` GENERATED ${when} AS IDENTITY`;
  return ` GENERATED ${when} AS IDENTITY (START WITH ${seq.start} INCREMENT BY ${seq.increment} MINVALUE ${seq.min} MAXVALUE ${seq.max} CACHE ${seq.cache}${seq.cycle ? ' CYCLE' : ' NO CYCLE'})`;
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * CREATE INDEX for index `d` of `src` as an unnamed index of `table` (PostgreSQL's
 * generateClonedIndexStmt: the name is chosen again, ChooseIndexName's).
 */
function clonedIndex(env: SqlEnv, src: Table, d: Parameters<typeof pgGetIndexdef>[0], table: string): PgNode {
  const stmt = structuredClone(parseSql(pgGetIndexdef(d, src, env.methods, (k) => env.catalog.splitKey(k)))[0]!.stmt.IndexStmt) as PgNode;
  delete stmt.idxname;
  const { schema, name } = env.catalog.splitKey(table);
  stmt.relation = { ...stmt.relation, relname: name, schemaname: schema };
  return stmt;
}
