/**
 * `vecgres dump`: a database as a SQL script that PostgreSQL + pgvector loads as it is, in
 * pg_dump's plain format and order (pg_dump_sort.c's object priorities):
 *
 *   header SETs; CREATE EXTENSION vector; enum types; tables and their sequences (by name);
 *   views; serial defaults (ALTER TABLE ... SET DEFAULT nextval); table data (COPY or INSERT, by
 *   table name); sequence values (setval); constraints (PRIMARY KEY ...); indexes; foreign keys.
 *
 * Differences from pg_dump, each needed for the script to load: after CREATE EXTENSION the
 * search_path is set to `public`, because index expressions, partial-index predicates and
 * column defaults are kept as the SQL text they were written in and name pgvector's functions,
 * types and operator classes unqualified. Owners, privileges and settings (GUCs such as
 * hnsw.ef_search) are not dumped: vecgres has no roles, and settings belong to the server's
 * configuration, not the database.
 *
 * The dump reads the catalog synchronously from start to end, so no statement of another
 * session can run in between: the data is one consistent snapshot of the committed rows.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { PG_VERSION, VECGRES_VERSION } from '../../common/version.js';
import type { Catalog } from '../../storage/catalog.js';
import { quoteIdent, type IndexMethods } from '../exec/pg_get_indexdef.js';
import { sqlStringLiteral } from '../../types/copy_text.js';
import { createSequenceSql, createViewSql, identitySql, createTableSql, qualifiedName, serialDefaultSql, setvalSql, type ConstraintSql } from './schema_sql.js';
import { catalogDumpSchema, type DumpSchema, type DumpSequence, type DumpTable } from './dump_schema.js';
import { writeCopyData, writeInsertData, type DumpRegNames } from './table_data.js';
import { relationNameByOid, systemRelationName } from '../exec/catalog_describe.js';
import type { StatsStore } from '../stats/store.js';

export interface DumpOptions {
  /** Data as INSERT statements instead of COPY blocks (pg_dump --inserts). */
  inserts?: boolean;
  /** Dump only these tables (with their sequences, constraints and indexes); default all. */
  tables?: readonly string[];
}

/** What a dump wrote, for the caller's summary. */
export interface DumpSummary {
  tables: number;
  rows: number;
  indexes: number;
}

/** The SETs pg_dump starts a plain dump with (those PostgreSQL 15 and later accept). */
export const DUMP_PRELUDE = [
  'SET statement_timeout = 0;',
  'SET lock_timeout = 0;',
  'SET idle_in_transaction_session_timeout = 0;',
  "SET client_encoding = 'UTF8';",
  'SET standard_conforming_strings = on;',
  "SELECT pg_catalog.set_config('search_path', '', false);",
  'SET check_function_bodies = false;',
  'SET xmloption = content;',
  'SET client_min_messages = warning;',
  'SET row_security = off;',
] as const;

/**
 * A name in a comment line, newlines replaced by spaces (pg_dump's sanitize_line): a quoted
 * identifier may hold a newline, which would otherwise end the comment and run the rest.
 */
function commentSafe(name: string): string {
  return name.replace(/[\r\n]/g, ' ');
}

/** pg_dump's TOC comment before each object (`--no-owner` form: `Owner: -`). */
function toc(name: string, type: string, schema = 'public', prefix = 'Name'): string {
  return `--\n-- ${prefix}: ${commentSafe(name)}; Type: ${type}; Schema: ${schema}; Owner: -\n--\n\n`;
}

function sortedByName<T>(items: T[], name: (x: T) => string): T[] {
  return items.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

/**
 * Writes the dump of `catalog` to `out`, in chunks (each a whole number of lines); `methods`
 * (the database's index methods) name the operator classes CREATE INDEX may leave out; `stats`
 * (the object ids) lets regclass values print as relation names (without it, as oids).
 * @throws PgError 42P01 when `opts.tables` names a table that does not exist; 0A000 for a
 *   database with schemas other than public, and when a column default has a form the deparser cannot print (nothing is half-written then: the
 *   schema is checked before the first chunk).
 */
export function dumpCatalog(catalog: Catalog, methods: IndexMethods, opts: DumpOptions, out: (chunk: string) => void, stats?: StatsStore): DumpSummary {
  // The dump writes every object as `public.name`; one of another schema would land in
  // public under a dotted name, so it is refused before anything is written.
  const other = catalog.allSchemas()[0];
  if (other !== undefined) throw pgErr.featureNotSupported(`vecgres dump of a database with schemas other than public (schema ${other.name})`);
  const schema = catalogDumpSchema(catalog, methods, opts.tables);
  const reg: DumpRegNames | undefined = stats === undefined ? undefined : {
    relationName: (oid) => relationNameByOid({ catalog, stats }, oid),
    relationSchema: (oid) => (systemRelationName(oid) !== null ? null : 'public'),
  };
  return writeDump(schema, opts, out, (t, write) => {
    const table = catalog.getTable(t.name)!;
    return opts.inserts === true ? writeInsertData(table, write, reg) : writeCopyData(table, write, reg);
  });
}

/**
 * Writes the dump of `schema` to `out` in pg_dump's order; `writeData` writes one table's rows
 * (a COPY block with its `\.` line, or INSERT statements) and returns how many it wrote.
 * @throws PgError 42P01 when `opts.tables` names a table that does not exist (before any output).
 */
export function writeDump(
  schema: DumpSchema, opts: DumpOptions, out: (chunk: string) => void, writeData: (t: DumpTable, out: (chunk: string) => void) => number,
): DumpSummary {
  const tables = selectTables(schema, opts.tables);
  const tableNames = new Set(tables.map((t) => t.name));
  const sequences = selectSequences(schema, tables, opts.tables === undefined || opts.tables.length === 0);

  out('--\n-- PostgreSQL database dump\n--\n\n');
  out(`-- Dumped from database version ${PG_VERSION} (vecgres ${VECGRES_VERSION})\n-- Dumped by vecgres dump ${VECGRES_VERSION}\n\n`);
  out(DUMP_PRELUDE.join('\n') + '\n\n');

  out(toc('vector', 'EXTENSION', '-'));
  out('CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;\n\n\n');
  out('-- Index expressions, predicates and defaults name pgvector\'s objects unqualified.\n');
  out("SELECT pg_catalog.set_config('search_path', 'public', false);\n\n");
  out("SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n\n");

  // Types come before the tables (pg_dump's DO_TYPE priority); a dump of some tables has none,
  // as pg_dump --table (the types their columns have must exist where it loads).
  if (opts.tables === undefined || opts.tables.length === 0) {
    for (const ty of sortedByName([...schema.types], (x) => x.name)) {
      out(toc(ty.name, 'TYPE'));
      out(`CREATE TYPE ${qualifiedName(ty.name)} AS ENUM (${ty.labels.map((l) => `\n    ${sqlStringLiteral(l)}`).join(',')}\n);\n\n\n`);
      if (ty.comment !== undefined) out(toc(`TYPE ${ty.name}`, 'COMMENT') + `COMMENT ON TYPE ${qualifiedName(ty.name)} IS ${sqlStringLiteral(ty.comment)};\n\n\n`);
    }
  }

  // Tables and sequences share pg_dump's priority: one list by name.
  const relations: { name: string; text: string }[] = [];
  const identity = new Set<string>();
  for (const t of tables) {
    let text = toc(t.name, 'TABLE') + createTableSql(t.name, t.columns, t.checks) + '\n\n';
    // pg_dump's dumpTableComment: the table's comment, then its columns', right after it.
    if (t.comment !== undefined) text += toc(`TABLE ${t.name}`, 'COMMENT') + `COMMENT ON TABLE ${qualifiedName(t.name)} IS ${sqlStringLiteral(t.comment)};\n\n\n`;
    for (const c of t.columns) {
      if (c.comment === undefined) continue;
      text += toc(`COLUMN ${t.name}.${c.name}`, 'COMMENT') + `COMMENT ON COLUMN ${qualifiedName(t.name)}.${quoteIdent(c.name)} IS ${sqlStringLiteral(c.comment)};\n\n\n`;
    }
    for (const c of t.columns) {
      // An identity column's sequence is made by an ALTER TABLE of its table: right after it.
      const q = c.identity !== null && c.sequence !== null ? sequences.get(c.sequence) : undefined;
      if (q === undefined) continue;
      text += toc(q.def.name, 'SEQUENCE') + identitySql(t.name, c.name, c.identity!, q.def) + '\n\n';
      identity.add(q.def.name);
    }
    relations.push({ name: t.name, text });
  }
  for (const q of sequences.values()) {
    if (identity.has(q.def.name)) continue;
    // An owned sequence names its table (OWNED BY): never before it, even when a renamed
    // table's name sorts after its sequence's.
    const owner = q.def.ownedBy?.table;
    const key = owner !== undefined && tableNames.has(owner) && q.def.name < owner ? `${owner}\u0000${q.def.name}` : q.def.name;
    relations.push({ name: key, text: toc(q.def.name, 'SEQUENCE') + createSequenceSql(q.def) + '\n\n' });
  }
  for (const r of sortedByName(relations, (r) => r.name)) out(r.text);

  // Views read tables by name: after all of them (pg_dump sorts them among the tables by
  // their dependencies). Only in a dump of the whole database: --table names tables.
  if (opts.tables === undefined || opts.tables.length === 0) {
    for (const v of schema.views) out(toc(v.name, 'VIEW') + createViewSql(v) + '\n\n');
  }

  for (const t of tables) {
    for (const c of t.columns) {
      if (c.sequence !== null && c.identity === null) out(toc(`${t.name} ${c.name}`, 'DEFAULT') + serialDefaultSql(t.name, c.name, c.sequence) + '\n\n');
    }
  }

  let rows = 0;
  for (const t of tables) {
    out(toc(t.name, 'TABLE DATA', 'public', 'Data for Name'));
    rows += writeData(t, out);
    out('\n\n');
  }

  for (const q of sortedByName([...sequences.values()], (q) => q.def.name)) {
    out(toc(q.def.name, 'SEQUENCE SET') + setvalSql(q.def.name, q.last, q.called) + '\n\n');
  }

  const constraints: ConstraintSql[] = [];
  const indexes: { name: string; sql: string; comment?: string }[] = [];
  for (const t of tables) {
    constraints.push(...t.constraints);
    indexes.push(...t.indexes);
  }
  const writeConstraint = (c: ConstraintSql) => out(toc(`${c.table} ${c.name}`, c.kind) + c.sql + '\n\n');
  sortedByName(constraints, (c) => c.name);
  for (const c of constraints) if (c.kind === 'CONSTRAINT') writeConstraint(c);
  for (const x of sortedByName(indexes, (x) => x.name)) {
    out(toc(x.name, 'INDEX') + x.sql + '\n\n');
    // pg_dump's dumpComment right after the index.
    if (x.comment !== undefined) out(toc(`INDEX ${x.name}`, 'COMMENT') + `COMMENT ON INDEX ${qualifiedName(x.name)} IS ${sqlStringLiteral(x.comment)};\n\n\n`);
  }
  for (const c of constraints) if (c.kind === 'FK CONSTRAINT') writeConstraint(c);

  out('--\n-- PostgreSQL database dump complete\n--\n\n');
  return { tables: tables.length, rows, indexes: indexes.length };
}

/**
 * The sequences to dump, by name: every one (`all`), or those owned by or filling a column of
 * the dumped tables (pg_dump --table takes a table's owned sequences along).
 */
function selectSequences(schema: DumpSchema, tables: readonly DumpTable[], all: boolean): Map<string, DumpSequence> {
  const names = new Set(tables.map((t) => t.name));
  const used = new Set<string>();
  for (const t of tables) for (const c of t.columns) if (c.sequence !== null) used.add(c.sequence);
  const out = new Map<string, DumpSequence>();
  for (const q of schema.sequences) {
    const owner = q.def.ownedBy?.table;
    if (all || used.has(q.def.name) || (owner !== undefined && names.has(owner))) out.set(q.def.name, q);
  }
  return out;
}

/** The tables to dump, by name: all, or those `names` lists (each must exist). */
function selectTables(schema: DumpSchema, names: readonly string[] | undefined): DumpTable[] {
  if (names === undefined || names.length === 0) return sortedByName([...schema.tables], (t) => t.name);
  const out: DumpTable[] = [];
  for (const n of names) {
    const t = schema.tables.find((x) => x.name === n);
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `no matching tables were found for pattern "${n}"`);
    if (!out.includes(t)) out.push(t);
  }
  return sortedByName(out, (t) => t.name);
}
