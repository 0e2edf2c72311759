/**
 * What a dump writes about a database, apart from its rows: tables (columns, CHECKs, key and
 * foreign-key constraints, indexes as SQL text), sequences (definition and current value) and
 * enum types (labels in sort order).
 * A dump is written from this one shape (dump.ts), whether it was read from an open database's
 * catalog ({@link catalogDumpSchema}) or from a server's system catalogs over the wire (the
 * command line's `vecgres dump --host`), so both give the same script.
 */
import type { Catalog } from '../../storage/catalog.js';
import { notNullConstraintName, type ColumnType } from '../../storage/table.js';
import type { SequenceDef } from '../../storage/sequence.js';
import { labelsInOrder } from '../../storage/enum_type.js';
import type { IndexMethods } from '../exec/pg_get_indexdef.js';
import {
  columnDefaultSql, columnTypeSql, createIndexSql, dumpName, isConstraintIndex, tableMatches, tableConstraintsSql, type ConstraintSql, type DumpColumnSql,
} from './schema_sql.js';
import { shownName } from '../../storage/schema_def.js';

/** A column as the dump writes it. */
export interface DumpColumn extends DumpColumnSql {
  /** The column's type, for `--inserts` literals (bare numbers, `B'0101'`). */
  type: ColumnType;
  /** The sequence a serial column's nextval default draws from (written as an ALTER after it exists), or null. */
  sequence: string | null;
  /** `a` (GENERATED ALWAYS) or `d` (BY DEFAULT) for an identity column, whose sequence is `sequence`. */
  identity: 'a' | 'd' | null;
  /** COMMENT ON COLUMN, if any. */
  comment?: string;
}

/** A table as the dump writes it. */
export interface DumpTable {
  /** Its schema and name ({@link dumpName}). */
  name: string;
  columns: DumpColumn[];
  /** CHECK constraints: name and the stored (parenthesized) expression. */
  checks: { name: string; expr: string }[];
  /** PRIMARY KEY, UNIQUE and FOREIGN KEY constraints. */
  constraints: ConstraintSql[];
  /** The indexes no constraint made, each a `CREATE INDEX ...;` line, with its COMMENT ON INDEX text if any. */
  indexes: { name: string; sql: string; comment?: string }[];
  /** COMMENT ON TABLE, if any. */
  comment?: string;
}

/** A sequence: its definition and where it stands (`setval(name, last, called)`). */
export interface DumpSequence {
  /** Its definition, the sequence and the table that owns it named by {@link dumpName}. */
  def: SequenceDef;
  last: bigint;
  called: boolean;
}

/** A view: its column names and its SELECT (no closing semicolon). */
export interface DumpView {
  name: string;
  columns: string[];
  query: string;
}

/** An enum type: its name and its labels in sort order. */
export interface DumpEnumType {
  name: string;
  labels: string[];
  /** COMMENT ON TYPE, if any. */
  comment?: string;
}

/** A schema other than `public` (CREATE SCHEMA), with its COMMENT ON SCHEMA text if any. */
export interface DumpNamespace {
  name: string;
  comment?: string;
}

/** Everything a dump writes but the rows. */
export interface DumpSchema {
  /** The schemas other than `public`, written first. */
  schemas: DumpNamespace[];
  tables: DumpTable[];
  sequences: DumpSequence[];
  /** In an order that creates each after the views it reads. */
  views: DumpView[];
  /** Enum types (CREATE TYPE ... AS ENUM), written before the tables. */
  types: DumpEnumType[];
}

/**
 * The dump schema of an open database's catalog; `methods` name the operator classes CREATE
 * INDEX may leave out. With `only` (a dump of some tables, {@link tableMatches}), the other tables
 * are left out, so a default the deparser cannot print in one of them does not stop the dump
 * of the rest. Relations are named by {@link dumpName}, constraints as PostgreSQL shows them.
 * @throws PgError 0A000 when a column default has a form the deparser cannot print; 42P01 when
 *   a foreign key names a table that is gone.
 */
export function catalogDumpSchema(catalog: Catalog, methods: IndexMethods, only?: readonly string[]): DumpSchema {
  const nameOf = (key: string) => {
    const { schema, name } = catalog.splitKey(key);
    return dumpName(schema, name);
  };
  const keys = only === undefined || only.length === 0 ? catalog.tableNames() : catalog.tableNames().filter((k) => only.some((p) => tableMatches(nameOf(k), p)));
  const tables: DumpTable[] = keys.map((key) => {
    const t = catalog.getTable(key)!;
    const defs = catalog.indexesOf(key);
    return {
      name: nameOf(key),
      columns: t.def.columns.map((c) => ({
        name: c.name, typeSql: columnTypeSql(c), defaultSql: columnDefaultSql(c), notNull: c.notNull, type: c.type, ...(c.generated !== undefined ? { generated: true } : {}),
        ...(c.notNull && notNullConstraintName(key, c) !== `${key}_${c.name}_not_null` ? { notNullName: shownName(notNullConstraintName(key, c), key) } : {}),
        sequence: c.sequence === null ? null : nameOf(c.sequence), identity: c.identity ?? null, ...(c.comment !== undefined ? { comment: c.comment } : {}),
      })),
      ...(t.def.comment !== undefined ? { comment: t.def.comment } : {}),
      checks: (t.def.checks ?? []).map((k) => ({ name: shownName(k.name, key), expr: k.expr })),
      constraints: tableConstraintsSql(t, defs, (n) => catalog.getTable(n), nameOf),
      // pg_dump leaves INVALID indexes out (a failed CREATE INDEX CONCURRENTLY).
      indexes: defs.filter((d) => !isConstraintIndex(d) && d.valid !== false).map((d) => ({ name: nameOf(d.name), sql: createIndexSql(d, t, methods, (k) => catalog.splitKey(k)), ...(d.comment === undefined ? {} : { comment: d.comment }) })),
    };
  });
  const sequences = catalog.allSequences().map((q) => ({
    def: { ...q.def, name: nameOf(q.def.name), ownedBy: q.def.ownedBy === null ? null : { ...q.def.ownedBy, table: nameOf(q.def.ownedBy.table) } },
    last: q.state.last,
    called: q.state.called,
  }));
  // The catalog keeps views in the order they were last defined: each after what it reads.
  const views = catalog.viewsVisible().map((v) => ({ name: nameOf(v.name), columns: v.columns.map((c) => c.name), query: v.query }));
  const types = catalog.allEnumTypes().map((d) => ({ name: d.name, labels: labelsInOrder(d).map((l) => l.label), ...(d.comment !== undefined ? { comment: d.comment } : {}) }));
  const schemas = catalog.allSchemas().map((d) => ({ name: d.name, ...(d.comment !== undefined ? { comment: d.comment } : {}) }));
  return { schemas, tables, sequences, views, types };
}
