/**
 * CREATE SCHEMA, DROP SCHEMA, ALTER SCHEMA and ALTER TABLE / SEQUENCE ... SET SCHEMA
 * (PostgreSQL's commands/schemacmds.c, dependency.c and tablecmds.c AlterTableNamespace) over
 * the catalog's user schemas (storage/schema_def.ts: logged, checkpointed, rolled back with
 * the transaction). Tables, their indexes and sequences live in them under keys
 * `schema.name`, so moving or renaming one renames the keys of what it holds; views and enum
 * types stay in `public` (0A000 elsewhere).
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import { notice, dropTables, type Notices } from './ddl.js';
import { alterSequenceTx, alterTableTx, createSchemaTx, dropSchemaTx, renameIndexTx, renameSchemaTx } from './ddl_txn.js';
import { changeOwner } from './alter_table.js';
import { dropSequences, renameSequenceKey } from './sequences.js';
import { ensureXid } from './txn.js';
import { firstFreeOid } from './enum_types.js';
import { displayRelationName, isSystemSchema } from '../analyze/namespace.js';
import { missingSchema, referencedRelation } from './ddl.js';
import { requireNoPendingRows } from './dml.js';
import { guardDependentViews } from './views.js';
import { PUBLIC_SCHEMA, relationKey } from '../../storage/schema_def.js';
import type { Sequence } from '../../storage/sequence.js';

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

/** PostgreSQL's own schemas that exist (vecgres keeps no relation of a user there). */
const SYSTEM_SCHEMAS: ReadonlySet<string> = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

/**
 * The schema SET SCHEMA moves a relation into (LookupCreationNamespace, CheckSetNamespace).
 * @throws PgError 3F000 `schema "x" does not exist`; 0A000 for PostgreSQL's own schemas.
 */
function targetSchema(env: SqlEnv, name: string): string {
  if (name === PUBLIC_SCHEMA || env.catalog.getSchema(name) !== undefined) return name;
  if (name === 'pg_toast') throw new PgError(SQLSTATE.feature_not_supported, 'cannot move objects into or out of TOAST schema');
  if (SYSTEM_SCHEMAS.has(name)) throw pgErr.featureNotSupported(`moving a relation into schema ${name}`);
  throw new PgError('3F000', `schema "${name}" does not exist`);
}

/**
 * 42P07 when schema `schema` holds a relation named `name` (AlterRelationNamespaceInternal's
 * check); 0A000 for a name of `public` that reads as a key of a user schema (`s.t`, schema_def.ts).
 */
function checkFreeIn(env: SqlEnv, schema: string, name: string): void {
  if (env.catalog.relationExists(relationKey(schema, name))) throw new PgError(SQLSTATE.duplicate_table, `relation "${name}" already exists in schema "${schema}"`);
  if (schema === PUBLIC_SCHEMA) env.catalog.checkPublicName(name);
}

/**
 * Renames a name stored with schema `from`'s key prefix (`app.items_pkey`, a derived
 * constraint name) to carry `to`'s instead; a name without the prefix stays as it is.
 */
function reprefix(name: string, from: string, to: string): string {
  if (from === PUBLIC_SCHEMA || !name.startsWith(`${from}.`)) return name;
  const rest = name.slice(from.length + 1);
  return to === PUBLIC_SCHEMA ? rest : `${to}.${rest}`;
}

/**
 * Moves table `key` with its indexes and the sequences it owns (serial, identity, OWNED BY)
 * to schema `schema`, as AlterTableNamespaceInternal does; their constraints go with them. A
 * no-op when it is there already.
 * @throws PgError 42P07 when the schema holds a relation of the table's, one of its indexes'
 *   or one of its sequences' name; 42710 for a type of the table's name (its row type moves
 *   too); 0A000 when a view reads the table (views are bound by name) and for a name that
 *   would read as a user schema's key in `public`; 55P03.
 */
function moveTable(env: SqlEnv, key: string, schema: string, notices: Notices): void {
  const { schema: from, name } = env.catalog.splitKey(key);
  if (from === schema) return;
  checkFreeIn(env, schema, name);
  if (schema === PUBLIC_SCHEMA && env.catalog.getEnumType(name) !== undefined) throw new PgError(SQLSTATE.duplicate_object, `type "${name}" already exists in schema "${schema}"`);
  const indexes = env.catalog.indexesOf(key);
  for (const d of indexes) checkFreeIn(env, schema, env.catalog.splitKey(d.name).name);
  const owned = env.catalog.sequencesOwnedBy(key);
  for (const q of owned) checkFreeIn(env, schema, env.catalog.splitKey(q.def.name).name);
  const t = env.catalog.getTable(key)!;
  requireNoPendingRows(t, ensureXid(env));
  const to = relationKey(schema, name);
  guardDependentViews(env, key, { kind: 'setSchema' }, notices, () => {
    // The sequences and indexes first, each under its new key; the table's own change then
    // points its defaults at the sequences' new keys and carries its index definitions, the
    // sequences' OWNED BY and other tables' foreign keys over to its new key (Catalog.alterTable).
    const moved = new Map<string, string>();
    for (const q of owned) {
      const next = relationKey(schema, env.catalog.splitKey(q.def.name).name);
      moved.set(q.def.name, next);
      alterSequenceTx(env, env.txn, q.def.name, { ...q.def, name: next }, q.state.last, q.state.called, q.state.logCnt);
    }
    for (const d of indexes) renameIndexTx(env, env.txn, d.name, relationKey(schema, env.catalog.splitKey(d.name).name));
    const def = t.def;
    const rename = (n: string) => reprefix(n, from, schema);
    alterTableTx(env, env.txn, key, {
      ...def,
      name: to,
      columns: def.columns.map((c) => {
        const sequence = c.sequence === null ? null : moved.get(c.sequence) ?? c.sequence;
        return { ...c, sequence, ...(c.notNullName !== undefined ? { notNullName: rename(c.notNullName) } : {}) };
      }),
      ...(def.checks !== undefined ? { checks: def.checks.map((k) => ({ ...k, name: rename(k.name) })) } : {}),
      ...(def.foreignKeys !== undefined ? { foreignKeys: def.foreignKeys.map((f) => ({ ...f, name: rename(f.name), refTable: f.refTable === key ? to : f.refTable })) } : {}),
    });
  });
}

/**
 * Moves sequence `q` to schema `schema` (a no-op when it is there), the column defaults that
 * draw from it following it (PostgreSQL's hold its oid).
 * @throws PgError 42P07 when the schema holds a relation of its name; 55P03.
 */
function moveSequence(env: SqlEnv, q: Sequence, schema: string): void {
  const { schema: from, name } = env.catalog.splitKey(q.def.name);
  if (from === schema) return;
  checkFreeIn(env, schema, name);
  ensureXid(env);
  renameSequenceKey(env, q, relationKey(schema, name));
}

/**
 * ALTER TABLE [IF EXISTS] name SET SCHEMA s (a table, or a sequence named by ALTER TABLE) and
 * ALTER SEQUENCE [IF EXISTS] name SET SCHEMA s.
 * @throws PgError 42P01 for a missing relation (a NOTICE with IF EXISTS); 3F000 for a missing
 *   schema; 42P07 when the schema holds a relation of a moved one's name; 42809 for an index
 *   (`cannot change schema of index`) and for ALTER SEQUENCE of a table; 0A000 for a sequence
 *   a table owns, for a view, for PostgreSQL's own schemas and when a view reads the table.
 */
export function setRelationSchema(env: SqlEnv, s: PgNode, notices: Notices): void {
  const rv = s.relation;
  const parts: string[] = rv.schemaname === undefined ? [rv.relname] : [rv.schemaname, rv.relname];
  const { kind, key } = referencedRelation(env, parts);
  if (kind === 'missing') {
    if (s.missing_ok !== true) throw missingSchema(parts);
    notices.push(notice(SQLSTATE.successful_completion, `schema "${rv.schemaname}" does not exist, skipping`));
    return;
  }
  const table = key === null ? undefined : env.catalog.getTable(key);
  const sequence = key === null ? undefined : env.catalog.getSequence(key);
  const sequenceStmt = s.objectType === 'OBJECT_SEQUENCE';
  if (key !== null && table === undefined && sequence === undefined) {
    if (env.catalog.getIndex(key) !== undefined) {
      if (sequenceStmt) throw new PgError(SQLSTATE.wrong_object_type, `"${rv.relname}" is not a sequence`);
      throw new PgError(SQLSTATE.wrong_object_type, `cannot change schema of index "${rv.relname}"`, { hint: 'Change the schema of the table instead.' });
    }
    if (env.catalog.getView(key) !== undefined) {
      if (sequenceStmt) throw new PgError(SQLSTATE.wrong_object_type, `"${rv.relname}" is not a sequence`);
      throw pgErr.featureNotSupported('ALTER ... SET SCHEMA of a view');
    }
  }
  if (table === undefined && sequence === undefined) {
    if (s.missing_ok === true) {
      notices.push(notice(SQLSTATE.successful_completion, `relation "${rv.relname}" does not exist, skipping`));
      return;
    }
    throw new PgError(SQLSTATE.undefined_table, `relation "${rv.relname}" does not exist`);
  }
  if (sequenceStmt && table !== undefined) throw new PgError(SQLSTATE.wrong_object_type, `"${rv.relname}" is not a sequence`);
  if (sequence !== undefined) {
    const owner = sequence.def.ownedBy;
    if (owner !== null) {
      throw new PgError(SQLSTATE.feature_not_supported, 'cannot move an owned sequence into another schema', {
        detail: `Sequence "${env.catalog.splitKey(sequence.def.name).name}" is linked to table "${env.catalog.splitKey(owner.table).name}".`,
      });
    }
    moveSequence(env, sequence, targetSchema(env, String(s.newschema)));
    return;
  }
  moveTable(env, key!, targetSchema(env, String(s.newschema)), notices);
}

/**
 * ALTER SCHEMA name RENAME TO new (RenameSchema): the schema keeps its oid; its tables (with
 * their indexes and owned sequences) and its other sequences are renamed into it first, as
 * their keys carry the schema's name.
 * @throws PgError 3F000 for a missing schema; 42P06 when `new` exists (`public` and
 *   PostgreSQL's own schemas too); 42939 for a `pg_` name; 0A000 for renaming `public` or a
 *   system schema, for a name holding a dot, when a relation of `public` is named as a key of
 *   the new schema would be (`new.t`) and when a view reads one of the schema's tables; 55P03.
 */
export function renameSchema(env: SqlEnv, s: PgNode, notices: Notices): void {
  const from = String(s.subname);
  const to = String(s.newname);
  if (env.catalog.getSchema(from) === undefined) {
    if (from === PUBLIC_SCHEMA || SYSTEM_SCHEMAS.has(from)) throw pgErr.featureNotSupported(`ALTER SCHEMA ${from} RENAME`);
    throw new PgError('3F000', `schema "${from}" does not exist`);
  }
  if (to === PUBLIC_SCHEMA || SYSTEM_SCHEMAS.has(to) || env.catalog.getSchema(to) !== undefined) throw new PgError('42P06', `schema "${to}" already exists`);
  if (to.startsWith('pg_')) throw new PgError('42939', `unacceptable schema name "${to}"`, { detail: 'The prefix "pg_" is reserved for system schemas.' });
  // Relation keys read `schema.name` up to the first dot (storage/schema_def.ts).
  if (to.includes('.')) throw pgErr.featureNotSupported('a schema name containing "."');
  // Checked before the relations move in: once they have, keys `to.x` are theirs.
  const clash = env.catalog.relationsInSchema(to)[0];
  if (clash !== undefined) throw pgErr.featureNotSupported(`a schema named as the start of relation "${clash}" of schema public`);
  const keys = env.catalog.relationsInSchema(from);
  if (keys.some((k) => env.catalog.getView(k) !== undefined)) throw pgErr.featureNotSupported('ALTER SCHEMA RENAME of a schema holding views');
  ensureXid(env);
  for (const k of keys) if (env.catalog.getTable(k) !== undefined) moveTable(env, k, to, notices);
  // What is left of the schema's: sequences no table owns (a moved table took its own along).
  for (const k of env.catalog.relationsInSchema(from)) {
    const q = env.catalog.getSequence(k);
    if (q !== undefined) moveSequence(env, q, to);
  }
  renameSchemaTx(env, env.txn, from, to);
}

/**
 * ALTER SCHEMA name OWNER TO role: vecgres has one role, so naming it changes nothing.
 * @throws PgError 3F000 for a missing schema; 42704 for another role.
 */
export function alterSchemaOwner(env: SqlEnv, s: PgNode): void {
  const name = String(s.object?.String?.sval);
  if (name !== PUBLIC_SCHEMA && !SYSTEM_SCHEMAS.has(name) && env.catalog.getSchema(name) === undefined) throw new PgError('3F000', `schema "${name}" does not exist`);
  changeOwner(s);
}
