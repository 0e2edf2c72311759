/**
 * `vecgres dump`: a database as a SQL script that PostgreSQL + pgvector loads as it is, in
 * pg_dump's plain format and order (pg_dump_sort.c's object priorities):
 *
 *   header SETs; schemas (CREATE SCHEMA); CREATE EXTENSION vector; enum types; tables and their
 *   sequences; views; serial defaults (ALTER TABLE ... SET DEFAULT nextval); table data (COPY or
 *   INSERT); sequence values (setval); constraints (PRIMARY KEY ...); indexes; foreign keys.
 *
 * Objects of one kind are sorted by schema name, then by name, and every name is written with
 * its schema (`public.t`, `app.t`), as pg_dump writes them.
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
import { PgError, SQLSTATE } from '../../common/errors.js';
import { PG_VERSION, VECGRES_VERSION } from '../../common/version.js';
import type { Catalog } from '../../storage/catalog.js';
import type { IndexMethods } from '../exec/pg_get_indexdef.js';
import { quoteIdent } from '../parser/parse.js';
import { sqlStringLiteral } from '../../types/copy_text.js';
import {
  createSequenceSql, createViewSql, dumpSortKey, identitySql, createTableSql, qualifiedName, serialDefaultSql, setvalSql, splitDumpName, tableMatches, type ConstraintSql,
} from './schema_sql.js';
import { relationKey } from '../../storage/schema_def.js';
import { catalogDumpSchema, type DumpSchema, type DumpSequence, type DumpTable } from './dump_schema.js';
import { writeCopyData, writeInsertData, type DumpRegNames } from './table_data.js';
import { relationNameByOid, systemRelationName } from '../exec/catalog_describe.js';
import type { StatsStore } from '../stats/store.js';

export interface DumpOptions {
  /** Data as INSERT statements instead of COPY blocks (pg_dump --inserts). */
  inserts?: boolean;
  /** Dump only these tables (`schema.name`, or a bare name of `public`; with their sequences, constraints and indexes); default all. */
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
  return `--\n-- ${prefix}: ${commentSafe(name)}; Type: ${type}; Schema: ${commentSafe(schema)}; Owner: -\n--\n\n`;
}

/**
 * The TOC comment of relation `n` (a dump name, schema_sql.ts dumpName): its bare name between
 * `before` and `after` (`TABLE t`, `t id`), and its schema.
 */
function relationToc(n: string, type: string, before = '', after = '', prefix = 'Name'): string {
  const { schema, name } = splitDumpName(n);
  return toc(`${before}${name}${after}`, type, schema, prefix);
}

function sortedByName<T>(items: T[], name: (x: T) => string): T[] {
  return items.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}

/** `items` sorted as pg_dump sorts objects of one kind: by schema, then by name ({@link dumpSortKey}). */
function sortedBySchemaAndName<T>(items: T[], name: (x: T) => string): T[] {
  return sortedByName(items, (x) => dumpSortKey(name(x)));
}

/**
 * Writes the dump of `catalog` to `out`, in chunks (each a whole number of lines); `methods`
 * (the database's index methods) name the operator classes CREATE INDEX may leave out; `stats`
 * (the object ids) lets regclass values print as relation names (without it, as oids).
 * @throws PgError 42P01 when `opts.tables` names a table that does not exist; 0A000 when a
 *   column default has a form the deparser cannot print (nothing is half-written then: the
 *   schema is checked before the first chunk).
 */
export function dumpCatalog(catalog: Catalog, methods: IndexMethods, opts: DumpOptions, out: (chunk: string) => void, stats?: StatsStore): DumpSummary {
  const schema = catalogDumpSchema(catalog, methods, opts.tables);
  // A relation by its schema and bare name, as regclassout prints it under pg_dump's empty
  // search_path (`public.items`, `app.items`; a system catalog bare).
  const keyOf = (oid: number) => relationNameByOid({ catalog, stats: stats! }, oid);
  const reg: DumpRegNames | undefined = stats === undefined ? undefined : {
    relationName: (oid) => {
      const key = keyOf(oid);
      return key === null ? null : catalog.splitKey(key).name;
    },
    relationSchema: (oid) => {
      const key = keyOf(oid);
      return key === null || systemRelationName(oid) !== null ? null : catalog.splitKey(key).schema;
    },
  };
  return writeDump(schema, opts, out, (t, write) => {
    const { schema: ns, name } = splitDumpName(t.name);
    const table = catalog.getTable(relationKey(ns, name))!;
    return opts.inserts === true ? writeInsertData(table, t.name, write, reg) : writeCopyData(table, t.name, write, reg);
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

  // Schemas first (pg_dump's PRIO_NAMESPACE), by name; a dump of some tables writes none, as
  // pg_dump --table does (the tables' schemas must exist where it loads).
  if (opts.tables === undefined || opts.tables.length === 0) {
    for (const ns of sortedByName([...schema.schemas], (x) => x.name)) {
      out(toc(ns.name, 'SCHEMA', '-') + `CREATE SCHEMA ${quoteIdent(ns.name)};\n\n\n`);
      if (ns.comment !== undefined) out(toc(`SCHEMA ${ns.name}`, 'COMMENT', '-') + `COMMENT ON SCHEMA ${quoteIdent(ns.name)} IS ${sqlStringLiteral(ns.comment)};\n\n\n`);
    }
  }

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

  // Tables and sequences share pg_dump's priority: one list by schema and name.
  const relations: { key: string; text: string }[] = [];
  const identity = new Set<string>();
  for (const t of tables) {
    let text = relationToc(t.name, 'TABLE') + createTableSql(t.name, t.columns, t.checks) + '\n\n';
    // pg_dump's dumpTableComment: the table's comment, then its columns', right after it.
    if (t.comment !== undefined) text += relationToc(t.name, 'COMMENT', 'TABLE ') + `COMMENT ON TABLE ${qualifiedName(t.name)} IS ${sqlStringLiteral(t.comment)};\n\n\n`;
    for (const c of t.columns) {
      if (c.comment === undefined) continue;
      text += relationToc(t.name, 'COMMENT', 'COLUMN ', `.${c.name}`) + `COMMENT ON COLUMN ${qualifiedName(t.name)}.${quoteIdent(c.name)} IS ${sqlStringLiteral(c.comment)};\n\n\n`;
    }
    for (const c of t.columns) {
      // An identity column's sequence is made by an ALTER TABLE of its table: right after it.
      const q = c.identity !== null && c.sequence !== null ? sequences.get(c.sequence) : undefined;
      if (q === undefined) continue;
      text += relationToc(q.def.name, 'SEQUENCE') + identitySql(t.name, c.name, c.identity!, q.def) + '\n\n';
      identity.add(q.def.name);
    }
    relations.push({ key: dumpSortKey(t.name), text });
  }
  for (const q of sequences.values()) {
    if (identity.has(q.def.name)) continue;
    // An owned sequence names its table (OWNED BY): never before it, even when a renamed
    // table's name sorts after its sequence's.
    const owner = q.def.ownedBy?.table;
    const own = dumpSortKey(q.def.name);
    const key = owner !== undefined && tableNames.has(owner) && own < dumpSortKey(owner) ? `${dumpSortKey(owner)}\u0000${own}` : own;
    relations.push({ key, text: relationToc(q.def.name, 'SEQUENCE') + createSequenceSql(q.def) + '\n\n' });
  }
  for (const r of sortedByName(relations, (r) => r.key)) out(r.text);

  // Views read tables by name: after all of them (pg_dump sorts them among the tables by
  // their dependencies). Only in a dump of the whole database: --table names tables.
  if (opts.tables === undefined || opts.tables.length === 0) {
    for (const v of schema.views) out(relationToc(v.name, 'VIEW') + createViewSql(v) + '\n\n');
  }

  for (const t of tables) {
    for (const c of t.columns) {
      if (c.sequence !== null && c.identity === null) out(relationToc(t.name, 'DEFAULT', '', ` ${c.name}`) + serialDefaultSql(t.name, c.name, c.sequence) + '\n\n');
    }
  }

  let rows = 0;
  for (const t of tables) {
    out(relationToc(t.name, 'TABLE DATA', '', '', 'Data for Name'));
    rows += writeData(t, out);
    out('\n\n');
  }

  for (const q of sortedBySchemaAndName([...sequences.values()], (q) => q.def.name)) {
    out(relationToc(q.def.name, 'SEQUENCE SET') + setvalSql(q.def.name, q.last, q.called) + '\n\n');
  }

  const constraints: ConstraintSql[] = [];
  const indexes: { name: string; sql: string; comment?: string }[] = [];
  for (const t of tables) {
    constraints.push(...t.constraints);
    indexes.push(...t.indexes);
  }
  const writeConstraint = (c: ConstraintSql) => out(relationToc(c.table, c.kind, '', ` ${c.name}`) + c.sql + '\n\n');
  // A constraint is in its table's schema.
  sortedByName(constraints, (c) => `${splitDumpName(c.table).schema}\u0000${c.name}`);
  for (const c of constraints) if (c.kind === 'CONSTRAINT') writeConstraint(c);
  for (const x of sortedBySchemaAndName(indexes, (x) => x.name)) {
    out(relationToc(x.name, 'INDEX') + x.sql + '\n\n');
    // pg_dump's dumpComment right after the index.
    if (x.comment !== undefined) out(relationToc(x.name, 'COMMENT', 'INDEX ') + `COMMENT ON INDEX ${qualifiedName(x.name)} IS ${sqlStringLiteral(x.comment)};\n\n\n`);
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

/** The tables to dump, by schema and name: all, or those `names` lists (each must exist; schema_sql.ts tableMatches). */
function selectTables(schema: DumpSchema, names: readonly string[] | undefined): DumpTable[] {
  if (names === undefined || names.length === 0) return sortedBySchemaAndName([...schema.tables], (t) => t.name);
  const out: DumpTable[] = [];
  for (const n of names) {
    const t = schema.tables.find((x) => tableMatches(x.name, n));
    if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `no matching tables were found for pattern "${n}"`);
    if (!out.includes(t)) out.push(t);
  }
  return sortedBySchemaAndName(out, (t) => t.name);
}
