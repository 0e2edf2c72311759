/**
 * Schema resolution of relation names (PostgreSQL's catalog/namespace.c): which schema a name
 * written with a schema means, where an unqualified name is looked up (the `search_path`
 * setting, its `"$user"` entry and the schemas in it that exist), and where CREATE puts a
 * relation. Relations of schemas other than `public` are keyed `schema.name` in the catalog
 * (storage/schema_def.ts); this module turns names as written into those keys.
 *
 * pg_catalog's implicit first place on the path is the analyzer's (range.ts: system catalogs
 * and views are found before user relations); the path here holds user relations only.
 */
import { PgError } from '../../common/errors.js';
import { PUBLIC_SCHEMA, relationKey } from '../../storage/schema_def.js';
import type { SqlEnv } from '../env.js';
import { qualifiedNameList, splitIdentifierString } from './regproc.js';
import { quoteIdent } from '../../types/text_funcs.js';

/** The user every session runs as (what `"$user"` on the search path names). */
const SESSION_USER = 'postgres';

/** How a schema name resolves: `public`, one CREATE SCHEMA made, PostgreSQL's own, or none. */
export type SchemaKind = 'public' | 'user' | 'system' | 'missing';

/** PostgreSQL's own schemas (which hold no user relation in vecgres). */
export function isSystemSchema(schema: string): boolean {
  return schema === 'pg_catalog' || schema === 'information_schema' || schema.startsWith('pg_');
}

/** What schema `name` is, as the session sees the catalog. */
export function schemaKind(env: SqlEnv, name: string): SchemaKind {
  if (name === PUBLIC_SCHEMA) return 'public';
  if (isSystemSchema(name)) return 'system';
  return env.catalog.getSchema(name) !== undefined ? 'user' : 'missing';
}

/**
 * The schemas of `search_path` that exist and can hold user relations, in order, with
 * `"$user"` read as the session user's schema (recomputeNamespacePath: schemas that do not
 * exist are skipped; a malformed value searches nothing, as there).
 */
export function searchPathSchemas(env: SqlEnv): string[] {
  const raw = String(env.settings.get('search_path'));
  if (raw.trim() === '') return [];
  const parts = splitIdentifierString(raw, ',') ?? [];
  const out: string[] = [];
  for (const p of parts) {
    const s = p === '$user' ? SESSION_USER : p;
    const kind = schemaKind(env, s);
    if ((kind === 'public' || kind === 'user') && !out.includes(s)) out.push(s);
  }
  return out;
}

/** The system schemas PostgreSQL 18 has (vecgres models no others, such as a temporary one). */
const EXISTING_SYSTEM_SCHEMAS: ReadonlySet<string> = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

/**
 * current_schemas(include_implicit) (namespace.c fetch_search_path): the schemas of
 * `search_path` that exist, in order, without repeats, `"$user"` read as the session user's
 * schema; with `includeImplicit`, pg_catalog first when the path does not name it.
 */
export function currentSchemas(env: SqlEnv, includeImplicit: boolean): string[] {
  const raw = String(env.settings.get('search_path'));
  const parts = raw.trim() === '' ? [] : splitIdentifierString(raw, ',') ?? [];
  const out: string[] = [];
  for (const p of parts) {
    const s = p === '$user' ? SESSION_USER : p;
    const kind = schemaKind(env, s);
    const exists = kind === 'public' || kind === 'user' || (kind === 'system' && EXISTING_SYSTEM_SCHEMAS.has(s));
    if (exists && !out.includes(s)) out.push(s);
  }
  if (includeImplicit && !out.includes('pg_catalog')) out.unshift('pg_catalog');
  return out;
}

/**
 * The catalog key an unqualified relation name means: the first schema of the search path
 * holding a relation of that name (RelnameGetRelid). When none does, the key it would have in
 * the path's first schema (`public` when the path names none), which names nothing: the
 * caller's 42P01 follows.
 */
export function lookupRelationKey(env: SqlEnv, name: string): string {
  const path = searchPathSchemas(env);
  // The common case, only `public` (or nothing that exists) on the path, needs no search.
  if (path.length === 0 || (path.length === 1 && path[0] === PUBLIC_SCHEMA)) return name;
  for (const s of path) {
    const key = relationKey(s, name);
    if (env.catalog.relationExists(key)) return key;
  }
  return relationKey(path[0]!, name);
}

/**
 * The catalog key of relation `name` written with `schema` (undefined: unqualified, looked up
 * on the search path) for a statement that reads or changes an existing relation. Null for a
 * system schema (it holds no user relation) and for a schema that does not exist; callers
 * report those as PostgreSQL does in their place.
 */
export function existingRelationKey(env: SqlEnv, schema: string | undefined, name: string): string | null {
  if (schema === undefined) return lookupRelationKey(env, name);
  const kind = schemaKind(env, schema);
  return kind === 'public' || kind === 'user' ? relationKey(schema, name) : null;
}

/**
 * The schema a new relation named with `schema` (undefined: unqualified) goes in: that schema,
 * or the first of the search path that exists (RangeVarGetCreationNamespace).
 * @throws PgError 3F000 `schema "x" does not exist` (`position`, 1-based, when given); 3F000
 *   `no schema has been selected to create in` when the path names none; 0A000 for a system
 *   schema (`what`: `relations`, `types`) or, in `public`, a name that reads as a key of a user
 *   schema (catalog.ts checkPublicName).
 */
export function creationSchema(env: SqlEnv, schema: string | undefined, name: string, position?: number, what = 'relations'): string {
  let s: string;
  if (schema === undefined) {
    const path = searchPathSchemas(env);
    if (path.length === 0) throw new PgError('3F000', 'no schema has been selected to create in', position === undefined ? {} : { position });
    s = path[0]!;
  } else {
    const kind = schemaKind(env, schema);
    if (kind === 'system') throw new PgError('0A000', `creating ${what} in schema ${schema} is not supported`);
    if (kind === 'missing') throw new PgError('3F000', `schema "${schema}" does not exist`, position === undefined ? {} : { position });
    s = schema;
  }
  if (s === PUBLIC_SCHEMA) env.catalog.checkPublicName(name);
  return s;
}

/** The catalog key of a new relation (see {@link creationSchema}). */
export function creationKey(env: SqlEnv, schema: string | undefined, name: string, position?: number): string {
  return relationKey(creationSchema(env, schema, name, position), name);
}

/**
 * Relation key `key` as a name written with its schema, each part quoted as quote_ident
 * does (`public.items`, `drizzle."Mixed"`): what regclass output and pg_get_serial_sequence
 * print for a relation outside the search path.
 */
export function qualifiedRelationName(env: SqlEnv, key: string): string {
  const { schema, name } = env.catalog.splitKey(key);
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * The catalog key a regclass-style text (`[schema.]name`, as regclassin splits it) names, or
 * null when its schema holds no relation of vecgres' (a system or missing schema).
 * @throws PgError 42602 for malformed text.
 */
export function relationKeyOfText(env: SqlEnv, text: string): { key: string | null; parts: string[] } {
  const parts = qualifiedNameList(text);
  const name = parts[parts.length - 1]!;
  const schema = parts.length > 1 ? parts[parts.length - 2]! : undefined;
  return { key: existingRelationKey(env, schema, name), parts };
}

/**
 * True when relation key `key` is what its bare name finds on the search path
 * (RelationIsVisible): a schema before its own on the path holds no relation of that name. A
 * relation of a schema not on the path is not visible, even `public`'s under an empty path.
 */
export function relationIsVisible(env: SqlEnv, key: string): boolean {
  const { schema, name } = env.catalog.splitKey(key);
  for (const s of searchPathSchemas(env)) {
    if (s === schema) return true;
    if (env.catalog.relationExists(relationKey(s, name))) return false;
  }
  return false;
}

/**
 * Relation key `key` as PostgreSQL's object descriptions and regclassout name it
 * (getRelationDescription): bare when the search path finds it by its name, else with its
 * schema; parts quoted as quote_identifier does.
 */
export function displayRelationName(env: SqlEnv, key: string): string {
  const { name } = env.catalog.splitKey(key);
  return relationIsVisible(env, key) ? quoteIdent(name) : qualifiedRelationName(env, key);
}

/**
 * True when `[schema.]name` is a table or view: its row type exists in PostgreSQL (a
 * composite type of the same name), which vecgres has no values of.
 */
export function hasRowType(env: SqlEnv, schema: string | undefined, name: string): boolean {
  const key = existingRelationKey(env, schema, name);
  return key !== null && (env.catalog.getTable(key) !== undefined || env.catalog.getView(key) !== undefined);
}
