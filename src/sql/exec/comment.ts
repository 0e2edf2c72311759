/**
 * COMMENT ON TABLE | COLUMN | INDEX | TYPE ... IS '...' | NULL (PostgreSQL's CommentObject,
 * commands/comment.c): the text is kept in the table's, index's or enum type's definition
 * (TableDef.comment, ColumnDef.comment, IndexDef.comment, EnumTypeDef.comment), so it is
 * logged, checkpointed and rolled back with the transaction like any other ALTER TABLE, read by
 * obj_description / col_description and psql's `\d+`, and written by `vecgres dump`. An empty
 * string or NULL removes the comment, as PostgreSQL does. pgvector's own extension comment
 * (pg_dump writes it back) is accepted and changes nothing; other objects are 0A000.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { PgNode } from '../parser/parse.js';
import type { SqlEnv } from '../env.js';
import { alterEnumTypeTx, alterTableTx, commentIndexTx } from './ddl_txn.js';
import { typeByName } from '../analyze/types.js';
import { ensureXid } from './txn.js';
import { missingSchema, referencedRelation } from './ddl.js';

/** The comment as stored: absent for NULL or ''. */
function stored(c: unknown): string | undefined {
  return typeof c === 'string' && c !== '' ? c : undefined;
}

/**
 * The catalog key of a relation named by a possibly schema-qualified name list (`app.t`; an
 * unqualified name through search_path), and the name as written for messages.
 * @throws PgError 3F000 for a schema that does not exist; 0A000 for a cross-database name.
 */
function relationKeyOf(env: SqlEnv, names: string[]): { key: string; name: string } {
  if (names.length > 2) throw pgErr.featureNotSupported('cross-database references');
  const { kind, key } = referencedRelation(env, names);
  if (kind === 'missing') throw missingSchema(names);
  const name = names[names.length - 1]!;
  // Messages name it as written (RangeVarGetRelid's `relation "s.t" does not exist`).
  return { key: key ?? name, name: names.join('.') };
}

/** The type name of a possibly schema-qualified name list (`public.t` is `t`; enum types live in public). */
function relationName(names: string[]): string {
  if (names.length === 2 && names[0] !== 'public') throw new PgError('3F000', `schema "${names[0]}" does not exist`);
  if (names.length > 2) throw pgErr.featureNotSupported('cross-database references');
  return names[names.length - 1]!;
}

/**
 * Runs a CommentStmt on a table, one of its columns, an index or an enum type, in the
 * session's transaction.
 * @throws PgError 42P01 for a missing table or index, 42703 for a missing column, 42704 for a
 *   missing type, 0A000 for other objects (a built-in type, a table's row type).
 */
export function commentOn(env: SqlEnv, s: PgNode): void {
  const items = ((s.object?.List?.items ?? []) as PgNode[]).map((n) => n.String?.sval as string);
  const comment = stored(s.comment);
  // The change is logged and undone with the transaction: it needs the transaction's id.
  ensureXid(env);
  switch (s.objtype) {
    case 'OBJECT_TABLE': {
      const { key, name } = relationKeyOf(env, items);
      const t = env.catalog.getTable(key);
      if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
      const def = { ...t.def };
      if (comment === undefined) delete def.comment;
      else def.comment = comment;
      alterTableTx(env, env.txn, key, def);
      return;
    }
    case 'OBJECT_COLUMN': {
      if (items.length < 2) throw new PgError(SQLSTATE.syntax_error, 'column name must be qualified');
      const { key, name } = relationKeyOf(env, items.slice(0, -1));
      const colName = items[items.length - 1]!;
      const t = env.catalog.getTable(key);
      if (t === undefined) throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
      const col = t.def.columns.findIndex((c) => c.name === colName);
      if (col < 0) throw new PgError(SQLSTATE.undefined_column, `column "${colName}" of relation "${name}" does not exist`);
      const columns = t.def.columns.map((c, i) => {
        if (i !== col) return c;
        const copy = { ...c };
        if (comment === undefined) delete copy.comment;
        else copy.comment = comment;
        return copy;
      });
      alterTableTx(env, env.txn, key, { ...t.def, columns });
      return;
    }
    case 'OBJECT_INDEX': {
      const { key, name } = relationKeyOf(env, items);
      if (env.catalog.getIndex(key) === undefined) {
        throw new PgError(SQLSTATE.undefined_table, `relation "${name}" does not exist`);
      }
      commentIndexTx(env, env.txn, key, comment ?? null);
      return;
    }
    case 'OBJECT_TYPE': {
      const names = ((s.object?.TypeName?.names ?? []) as PgNode[]).map((n) => n.String?.sval as string);
      const name = relationName(names);
      const def = env.catalog.getEnumType(name);
      if (def === undefined) {
        // A built-in type or a table's row type can take a comment in PostgreSQL.
        if (env.catalog.rowTypeRelation(name) !== undefined || typeByName(name) !== null) throw pgErr.featureNotSupported(`COMMENT ON TYPE ${name}`);
        throw new PgError(SQLSTATE.undefined_object, `type "${name}" does not exist`);
      }
      const next = { ...def };
      if (comment === undefined) delete next.comment;
      else next.comment = comment;
      alterEnumTypeTx(env, env.txn, name, next);
      return;
    }
    default:
      throw pgErr.featureNotSupported(`COMMENT ON ${String(s.objtype).replace('OBJECT_', '')}`);
  }
}
