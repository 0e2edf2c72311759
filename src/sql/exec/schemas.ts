/**
 * CREATE SCHEMA and DROP SCHEMA (PostgreSQL's commands/schemacmds.c and dependency.c) over
 * the catalog's user schemas (storage/schema_def.ts: logged, checkpointed, rolled back with
 * the transaction). Tables, their indexes and sequences live in them under keys
 * `schema.name`; views and enum types stay in `public` (0A000 elsewhere).
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import { notice, dropTables, type Notices } from './ddl.js';
import { createSchemaTx, dropSchemaTx } from './ddl_txn.js';
import { dropSequences } from './sequences.js';
import { ensureXid } from './txn.js';
import { firstFreeOid } from './enum_types.js';
import { displayRelationName, isSystemSchema } from '../analyze/namespace.js';

/** The one role vecgres has (AUTHORIZATION may name it). */
const ONLY_ROLE = 'postgres';

/**
 * The role an AUTHORIZATION clause names: the session's own (by name, CURRENT_USER,
 * SESSION_USER or CURRENT_ROLE) is the only one.
 * @throws PgError 42704 `role "x" does not exist` for another.
 */
function authorizationRole(role: PgNode): string {
  if (role.roletype === 'ROLESPEC_CSTRING' && role.rolename !== ONLY_ROLE) throw new PgError(SQLSTATE.undefined_object, `role "${role.rolename}" does not exist`);
  if (role.roletype === 'ROLESPEC_PUBLIC') throw new PgError(SQLSTATE.undefined_object, 'role "public" does not exist');
  return ONLY_ROLE;
}

/**
 * CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role] and CREATE SCHEMA AUTHORIZATION
 * role (the schema takes the role's name).
 * @throws PgError 42P06 `schema "x" already exists` (a NOTICE with IF NOT EXISTS); 42939 for
 *   a `pg_` name; 42704 for a role other than the session's; 0A000 for schema elements
 *   (`CREATE SCHEMA s CREATE TABLE ...`) and for a name holding a dot.
 */
export function createSchema(env: SqlEnv, s: PgNode, notices: Notices): void {
  const role = s.authrole === undefined ? null : authorizationRole(s.authrole.RoleSpec ?? s.authrole);
  const name = String(s.schemaname ?? role);
  if ((s.schemaElts ?? []).length > 0) throw pgErr.featureNotSupported('CREATE SCHEMA with schema elements');
  // CreateSchemaCommand checks the reserved prefix before it looks the name up.
  if (name.startsWith('pg_')) {
    throw new PgError('42939', `unacceptable schema name "${name}"`, { detail: 'The prefix "pg_" is reserved for system schemas.' });
  }
  if (name === 'public' || isSystemSchema(name) || env.catalog.getSchema(name) !== undefined) {
    if (s.if_not_exists === true) {
      notices.push(notice('42P06', `schema "${name}" already exists, skipping`));
      return;
    }
    throw new PgError('42P06', `schema "${name}" already exists`);
  }
  // Relation keys read `schema.name` up to the first dot (storage/schema_def.ts).
  if (name.includes('.')) throw pgErr.featureNotSupported('a schema name containing "."');
  ensureXid(env);
  const oid = firstFreeOid(env);
  env.stats.skipOids(1);
  createSchemaTx(env, env.txn, { oid, name });
}

/** A list of names as a DROP names them (`{String: {sval}}` nodes). */
function nameOf(o: PgNode): string {
  return String(o.String?.sval);
}

/**
 * DROP SCHEMA [IF EXISTS] name [, ...] [CASCADE | RESTRICT]. CASCADE first drops what the
 * schema holds (its tables with their indexes and owned sequences, then its other sequences),
 * with the views and foreign keys elsewhere that depend on them, under one NOTICE listing
 * them as PostgreSQL's reportDependentObjects does.
 * @throws PgError 3F000 for a schema that does not exist (a NOTICE with IF EXISTS); 2BP01 for
 *   one that holds relations without CASCADE; 0A000 for `public` and PostgreSQL's own schemas.
 */
export function dropSchemas(env: SqlEnv, s: PgNode, notices: Notices): void {
  const cascade = s.behavior === 'DROP_CASCADE';
  for (const o of (s.objects ?? []) as PgNode[]) {
    const name = nameOf(o);
    if (name === 'public' || name === 'information_schema' || name === 'pg_catalog' || name === 'pg_toast') throw pgErr.featureNotSupported(`DROP SCHEMA ${name}`);
    if (env.catalog.getSchema(name) === undefined) {
      if (s.missing_ok === true) {
        notices.push(notice(SQLSTATE.successful_completion, `schema "${name}" does not exist, skipping`));
        continue;
      }
      throw new PgError('3F000', `schema "${name}" does not exist`);
    }
    const keys = env.catalog.relationsInSchema(name);
    const tables = keys.filter((k) => env.catalog.getTable(k) !== undefined);
    // Sequences a table owns go with it; PostgreSQL lists only the others.
    const sequences = keys.filter((k) => {
      const q = env.catalog.getSequence(k);
      return q !== undefined && (q.def.ownedBy === null || q.def.ownedBy === undefined || !tables.includes(q.def.ownedBy.table));
    });
    // What depends on the schema, each with what it depends on, in PostgreSQL's order: a
    // table, then the foreign keys of tables outside the schema that reference it.
    const listed: { what: string; on: string }[] = [];
    for (const k of tables) {
      const shown = `table ${displayRelationName(env, k)}`;
      listed.push({ what: shown, on: `schema ${name}` });
      for (const other of env.catalog.tableNames()) {
        if (keys.includes(other)) continue;
        for (const fk of env.catalog.getTable(other)?.def.foreignKeys ?? []) {
          if (fk.refTable === k) listed.push({ what: `constraint ${fk.name} on table ${displayRelationName(env, other)}`, on: shown });
        }
      }
    }
    for (const k of sequences) listed.push({ what: `sequence ${displayRelationName(env, k)}`, on: `schema ${name}` });
    if (listed.length > 0 && !cascade) {
      throw new PgError('2BP01', `cannot drop schema ${name} because other objects depend on it`, {
        detail: listed.map((x) => `${x.what} depends on ${x.on}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    ensureXid(env);
    if (listed.length === 1) notices.push(notice(SQLSTATE.successful_completion, `drop cascades to ${listed[0]!.what}`));
    else if (listed.length > 1) {
      notices.push(new PgError(SQLSTATE.successful_completion, `drop cascades to ${listed.length} other objects`, { severity: 'NOTICE', detail: listed.map((x) => `drop cascades to ${x.what}`).join('\n') }));
    }
    const inner: Notices = [];
    const list = (ks: readonly string[]) => ks.map((k) => ({ List: { items: [name, env.catalog.splitKey(k).name].map((sval) => ({ String: { sval } })) } }));
    if (tables.length > 0) dropTables(env, { objects: list(tables), behavior: 'DROP_CASCADE' }, inner);
    if (sequences.length > 0) dropSequences(env, { objects: list(sequences), behavior: 'DROP_CASCADE' }, inner);
    dropSchemaTx(env, env.txn, name);
  }
}
