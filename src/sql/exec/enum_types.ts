/**
 * CREATE TYPE ... AS ENUM, ALTER TYPE (ADD VALUE, RENAME VALUE, RENAME TO, OWNER TO) and DROP TYPE
 * (PostgreSQL's commands/typecmds.c and catalog/pg_enum.c) over the catalog's enum types
 * (storage/enum_type.ts: logged, checkpointed, rolled back with the transaction).
 *
 * Types live in schema public, as vecgres' relations do. A name that is one of vecgres'
 * built-in types is refused with 0A000 where PostgreSQL would create a second type of that
 * name in public (its resolution order is not modelled). Table columns may have an enum type
 * (types/enum_value.ts); DROP TYPE refuses a type a column has (CASCADE, which would drop the
 * columns, is 0A000). Arrays of enum types are not supported yet.
 */
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import { checkEnumLabel, enumCreateOids, withEnumLabel, type EnumTypeDef } from '../../storage/enum_type.js';
import type { SqlEnv } from '../env.js';
import type { PgNode } from '../parser/parse.js';
import { isUnsupportedBuiltinType, typeByName, type SqlType, typeName, typeOid } from '../analyze/types.js';
import { displayRelationName, schemaKind } from '../analyze/namespace.js';
import { enumSqlType, enumTypeOid, hasEnumElements, type EnumSqlType } from '../../types/enum_value.js';
import { cascadeNotice, notice, type Notices } from './ddl.js';
import { alterEnumTypeTx, createEnumTypeTx, dropEnumTypeTx, dropViewTx } from './ddl_txn.js';
import { changeOwner, dropColumn } from './alter_table.js';
import { dropDependentViews, guardDependentViews } from './views.js';
import { ensureXid } from './txn.js';
import { FIRST_NORMAL_OID } from '../../storage/object_ids.js';
import { VECTOR_EXTENSION_OIDS } from '../stats/store.js';

/** pgvector's types: they belong to the extension, not to pg_catalog. */
const EXTENSION_TYPE_NAMES: ReadonlySet<string> = new Set(['vector', 'halfvec', 'sparsevec']);

/** The parts of a type name list (`[schema,] name`) as strings. */
function nameParts(names: readonly PgNode[]): string[] {
  return names.map((n) => String(n.String?.sval));
}

/**
 * The name of a user type a DDL statement names: the last part, after checking the schema
 * (public; pg_catalog only holds built-in types).
 * @throws PgError 3F000 for a schema that does not exist; 0A000 for a user schema (types live
 *   in public) and for cross-database names.
 */
function typeNameOf(env: SqlEnv, parts: readonly string[], creating = false): { name: string; schema: string | null } {
  if (parts.length > 2) throw new PgError(SQLSTATE.feature_not_supported, `cross-database references are not implemented: ${parts.join('.')}`);
  const schema = parts.length === 2 ? parts[0]! : null;
  if (schema !== null && schema !== 'public' && schema !== 'pg_catalog' && schema !== 'information_schema') {
    // A schema of CREATE SCHEMA exists: types live in public only, so creating one there is
    // 0A000, not a claim that the schema is missing.
    if (creating && schemaKind(env, schema) === 'user') throw pgErr.featureNotSupported(`types in a schema other than public (${schema})`);
    throw new PgError('3F000', `schema "${schema}" does not exist`);
  }
  return { name: parts[parts.length - 1]!, schema };
}

/**
 * The built-in type a name denotes (pg_type's own names and the ones the grammar maps to
 * them), or null. pgvector's types count as built in: vecgres has them in every database.
 */
function builtinType(name: string): SqlType | null {
  const t = typeByName(name);
  return t !== null && typeOid(t) !== undefined && (t === name || typeName(t) === name) ? t : null;
}

/**
 * The next oid a type or schema may take from the object-id counter. pgvector's types keep
 * the oids CREATE EXTENSION vector gives them in PGlite even where it did not run, so the
 * counter first moves past that range: an oid in it would name two objects.
 */
export function firstFreeOid(env: SqlEnv): number {
  const pgvectorEnd = FIRST_NORMAL_OID + VECTOR_EXTENSION_OIDS;
  if (env.catalog.oids.nextOid < pgvectorEnd) env.stats.skipOids(pgvectorEnd - env.catalog.oids.nextOid);
  return env.catalog.oids.nextOid;
}

/**
 * CREATE TYPE name AS ENUM ('label', ...).
 * @throws PgError 42710 when a type (or a table's or view's row type) has the name; 42602 for
 *   a label over 63 bytes; 23505 for a repeated label (pg_enum's unique index, as PostgreSQL),
 *   both after the type's oids were consumed; 3F000 for a missing schema; 0A000 for a built-in
 *   type's name or a system schema.
 */
export function createEnumType(env: SqlEnv, s: PgNode): void {
  const { name, schema } = typeNameOf(env, nameParts(s.typeName ?? []), true);
  if (schema === 'pg_catalog' || schema === 'information_schema') throw pgErr.featureNotSupported(`creating types in schema ${schema}`);
  if (builtinType(name) !== null || isUnsupportedBuiltinType(name)) throw pgErr.featureNotSupported(`an enum type named as the built-in type ${name}`);
  if (env.catalog.getEnumType(name) !== undefined || env.catalog.rowTypeRelation(name) !== undefined) {
    throw new PgError(SQLSTATE.duplicate_object, `type "${name}" already exists`);
  }
  const labels = ((s.vals ?? []) as PgNode[]).map((v) => String(v.String?.sval));
  ensureXid(env);
  const oids = enumCreateOids(firstFreeOid(env), labels.length);
  // The oids are consumed before the labels are checked, as PostgreSQL's TypeCreate and
  // EnumValuesCreate's oid loop run before it checks each label in turn and inserts it (a
  // repeat meets the unique index).
  env.stats.skipOids(oids.after - env.catalog.oids.nextOid);
  const seen = new Set<string>();
  for (const l of labels) {
    checkEnumLabel(l);
    if (seen.has(l)) {
      throw new PgError(SQLSTATE.unique_violation, 'duplicate key value violates unique constraint "pg_enum_typid_label_index"', {
        detail: `Key (enumtypid, enumlabel)=(${oids.oid}, ${l}) already exists.`,
      });
    }
    seen.add(l);
  }
  const def: EnumTypeDef = { oid: oids.oid, arrayOid: oids.arrayOid, name, labels: labels.map((label, i) => ({ oid: oids.labels[i]!, label, sortOrder: i + 1 })) };
  createEnumTypeTx(env, env.txn, def);
}

/**
 * The enum type ALTER TYPE names.
 * @throws PgError 42704 when no type has the name; 42809 `x is not an enum` for a built-in
 *   type or a table's or view's row type.
 */
function enumTypeToAlter(env: SqlEnv, parts: readonly string[]): EnumTypeDef {
  const { name, schema } = typeNameOf(env, parts);
  const builtin = builtinType(name);
  if (builtin !== null && schema !== 'public') throw new PgError(SQLSTATE.wrong_object_type, `${typeName(builtin)} is not an enum`);
  const def = schema === 'pg_catalog' || schema === 'information_schema' ? undefined : env.catalog.getEnumType(name);
  if (def !== undefined) return def;
  if (schema !== 'pg_catalog' && env.catalog.rowTypeRelation(name) !== undefined) throw new PgError(SQLSTATE.wrong_object_type, `${name} is not an enum`);
  throw new PgError(SQLSTATE.undefined_object, `type "${name}" does not exist`);
}

/**
 * ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'x' [BEFORE | AFTER 'y'] and ALTER TYPE name
 * RENAME VALUE 'a' TO 'b'.
 * @throws PgError 42710 `enum label "x" already exists` (a NOTICE with IF NOT EXISTS); 22023
 *   `"y" is not an existing enum label`; 42602 for a label over 63 bytes; and
 *   {@link enumTypeToAlter}'s.
 */
export function alterEnum(env: SqlEnv, s: PgNode, notices: Notices): void {
  const def = enumTypeToAlter(env, nameParts(s.typeName ?? []));
  const newVal = String(s.newVal);
  checkEnumLabel(newVal);
  const exists = def.labels.some((l) => l.label === newVal);
  if (s.oldVal !== undefined) {
    const oldVal = String(s.oldVal);
    const at = def.labels.findIndex((l) => l.label === oldVal);
    if (at < 0) throw new PgError(SQLSTATE.invalid_parameter_value, `"${oldVal}" is not an existing enum label`);
    if (exists) throw new PgError(SQLSTATE.duplicate_object, `enum label "${newVal}" already exists`);
    ensureXid(env);
    alterEnumTypeTx(env, env.txn, def.name, { ...def, labels: def.labels.map((l, i) => (i === at ? { ...l, label: newVal } : l)) });
    return;
  }
  if (exists) {
    if (s.skipIfNewValExists === true) {
      notices.push(notice(SQLSTATE.duplicate_object, `enum label "${newVal}" already exists, skipping`));
      return;
    }
    throw new PgError(SQLSTATE.duplicate_object, `enum label "${newVal}" already exists`);
  }
  const neighbor = s.newValNeighbor === undefined ? null : { label: String(s.newValNeighbor), before: s.newValIsAfter !== true };
  ensureXid(env);
  const added = withEnumLabel(def, newVal, neighbor, env.catalog.oids.nextOid);
  env.stats.skipOids(added.after - env.catalog.oids.nextOid);
  alterEnumTypeTx(env, env.txn, def.name, added.def);
}

/**
 * ALTER TYPE name RENAME TO new_name.
 * @throws PgError 42710 `type "x" already exists` when the new name is taken; 42809 for a
 *   table's row type (`Use ALTER TABLE instead.`); 0A000 for a built-in type or a built-in
 *   type's name as the new one; and {@link enumTypeToAlter}'s.
 */
export function renameType(env: SqlEnv, s: PgNode): void {
  const parts = nameParts(s.object?.List?.items ?? []);
  const { name, schema } = typeNameOf(env, parts);
  if (builtinType(name) !== null && schema !== 'public') throw pgErr.featureNotSupported(`renaming the built-in type ${name}`);
  checkNotRowType(env, name, schema);
  const def = enumTypeToAlter(env, parts);
  const to = String(s.newname);
  if (env.catalog.getEnumType(to) !== undefined || env.catalog.rowTypeRelation(to) !== undefined) {
    throw new PgError(SQLSTATE.duplicate_object, `type "${to}" already exists`);
  }
  if (builtinType(to) !== null || isUnsupportedBuiltinType(to)) throw pgErr.featureNotSupported(`an enum type named as the built-in type ${to}`);
  ensureXid(env);
  alterEnumTypeTx(env, env.txn, def.name, { ...def, name: to });
}

/**
 * Refuses a table's or view's row type where ALTER TYPE would change it.
 * @throws PgError 42809 `t is a table's row type` (`Use ALTER TABLE instead.`).
 */
function checkNotRowType(env: SqlEnv, name: string, schema: string | null): void {
  if (schema !== 'pg_catalog' && schema !== 'information_schema' && env.catalog.getEnumType(name) === undefined && env.catalog.rowTypeRelation(name) !== undefined) {
    throw new PgError(SQLSTATE.wrong_object_type, `${name} is a table's row type`, { hint: 'Use ALTER TABLE instead.' });
  }
}

/**
 * ALTER TYPE name OWNER TO role (pg_dump writes one after each CREATE TYPE): vecgres has one
 * user, who owns every type, so naming it changes nothing (also for a built-in type).
 * @throws PgError 42704 for another role (checked first, as PostgreSQL) or a missing type;
 *   42809 for a table's row type.
 */
export function alterTypeOwner(env: SqlEnv, s: PgNode): void {
  changeOwner(s);
  const parts = nameParts(s.object?.List?.items ?? []);
  const { name, schema } = typeNameOf(env, parts);
  if (builtinType(name) !== null && schema !== 'public') return;
  checkNotRowType(env, name, schema);
  enumTypeToAlter(env, parts);
}

/**
 * DROP TYPE [IF EXISTS] name [, ...] [CASCADE | RESTRICT]. Every name is checked before any
 * type is dropped.
 * @throws PgError 42704 `type "x" does not exist` (a NOTICE with IF EXISTS); 2BP01 for a
 *   built-in type (`it is required by the database system`), pgvector's types (the
 *   extension requires them) and a table's or view's row type (the relation requires it).
 */
export function dropTypes(env: SqlEnv, s: PgNode, notices: Notices): void {
  const found: string[] = [];
  for (const o of (s.objects ?? []) as PgNode[]) {
    const parts = nameParts(o.TypeName?.names ?? []);
    const { name, schema } = typeNameOf(env, parts);
    const builtin = builtinType(name);
    if (builtin !== null && schema !== 'public' && !EXTENSION_TYPE_NAMES.has(name)) {
      throw new PgError('2BP01', `cannot drop type ${typeName(builtin)} because it is required by the database system`);
    }
    if (EXTENSION_TYPE_NAMES.has(name) && schema !== 'pg_catalog') throw pgErr.featureNotSupported(`DROP TYPE ${name} (pgvector's types are built into vecgres)`);
    if (schema !== 'pg_catalog' && schema !== 'information_schema') {
      if (env.catalog.getEnumType(name) !== undefined) {
        found.push(name);
        continue;
      }
      const owner = env.catalog.rowTypeRelation(name);
      if (owner !== undefined) {
        throw new PgError('2BP01', `cannot drop type ${name} because ${owner} ${name} requires it`, { hint: `You can drop ${owner} ${name} instead.` });
      }
    }
    if (s.missing_ok === true) notices.push(notice(SQLSTATE.successful_completion, `type "${name}" does not exist, skipping`));
    else throw new PgError(SQLSTATE.undefined_object, `type "${name}" does not exist`);
  }
  if (found.length === 0) return;
  const cascade: number[] = [];
  // Columns of the type depend on it (pg_depend's normal dependency of a column on its type).
  for (const name of new Set(found)) {
    const oid = env.catalog.getEnumType(name)!.oid;
    const shown = typeName(enumSqlType(0, name));
    // A column of the array type depends on the array type (`mood[]`), which depends on the type.
    const lines = env.catalog.enumTypeUsers(oid).map((u) => `column ${u.column} of table ${displayRelationName(env, u.table)} depends on type ${shown}${u.array ? '[]' : ''}`);
    // A view with a column of the type depends on it too.
    for (const v of env.catalog.viewsVisible()) {
      if (v.columns.some((c) => hasEnumElements(c.type) && enumTypeOid(c.type as EnumSqlType) === oid)) lines.push(`view ${displayRelationName(env, v.name)} depends on type ${shown}`);
    }
    if (lines.length === 0) continue;
    if (s.behavior === 'DROP_CASCADE') {
      cascade.push(oid);
      continue;
    }
    throw new PgError('2BP01', `cannot drop type ${shown} because other objects depend on it`, {
      detail: lines.join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    });
  }
  ensureXid(env);
  if (cascade.length > 0) dropTypeDependents(env, cascade, notices);
  for (const name of new Set(found)) dropEnumTypeTx(env, env.txn, name);
}

/**
 * DROP TYPE ... CASCADE: drops the columns of the enum types `oids` (of their array types
 * first, as PostgreSQL reaches those through the array type), each with the views that read it
 * (DROP COLUMN ... CASCADE), then the views that still have a column of a type, with PostgreSQL's
 * one NOTICE naming them in that order.
 * @throws PgError 0A000 before anything is dropped when a table would lose every column
 *   (vecgres' DROP COLUMN keeps the last one).
 */
function dropTypeDependents(env: SqlEnv, oids: readonly number[], notices: Notices): void {
  const users = oids.flatMap((oid) => env.catalog.enumTypeUsers(oid));
  for (const name of new Set(users.map((c) => c.table))) {
    const t = env.catalog.getTable(name)!;
    if (users.filter((c) => c.table === name).length === t.def.columns.length) throw pgErr.featureNotSupported(`DROP TYPE ... CASCADE that drops every column of table ${name}`);
  }
  // PostgreSQL reaches the dependents in the order they were recorded: through the array type
  // first (made with the type), then columns and views by creation, that is by their
  // relation's oid and the column's position.
  // (A relation without an oid yet sorts last; looking one up must not assign it.)
  const order = (table: string, column: number): number => (env.stats.hasOid(table) ? env.stats.relOid(table) : 2 ** 40) * 2048 + column;
  const columnIndex = (u: { table: string; column: string }): number => env.catalog.getTable(u.table)!.columnIndex(u.column);
  type Step = { key: number; array: boolean; drop: () => string[] };
  const steps: Step[] = users.map((u) => ({
    key: order(u.table, columnIndex(u)),
    array: u.array,
    drop: () => {
      // Its own NOTICEs give way to the statement's one.
      const drop = (): void => dropColumn(env, env.catalog.getTable(u.table)!, { name: u.column, behavior: 'DROP_CASCADE' }, []);
      const views = guardDependentViews(env, u.table, { kind: 'dropColumn', column: u.column, cascade: true }, [], drop);
      return [`column ${u.column} of table ${displayRelationName(env, u.table)}`, ...views.map((v) => `view ${displayRelationName(env, v)}`)];
    },
  }));
  for (const v of env.catalog.viewsVisible()) {
    if (!v.columns.some((c) => hasEnumElements(c.type) && oids.includes(enumTypeOid(c.type as EnumSqlType)))) continue;
    steps.push({
      key: order(v.name, 0),
      array: false,
      drop: () => {
        // Gone already when it read a column dropped before it.
        if (env.catalog.getView(v.name) === undefined) return [];
        const views = dropDependentViews(env, v.name, 'view', new Set(), true, []);
        dropViewTx(env, env.txn, v.name);
        return [v.name, ...views].map((x) => `view ${displayRelationName(env, x)}`);
      },
    });
  }
  steps.sort((a, b) => (a.array === b.array ? a.key - b.key : a.array ? -1 : 1));
  const items = steps.flatMap((st) => st.drop());
  notices.push(cascadeNotice(items));
}

