/**
 * Schemas created by CREATE SCHEMA (PostgreSQL's pg_namespace rows other than its own) and the
 * catalog key of a relation that lives in one.
 *
 * The catalog keeps every relation (table, index, sequence, view) in one name-keyed map, as it
 * did when `public` was the only schema: a relation of `public` is keyed by its name, one of
 * schema `s` by `s.name`. A schema name never holds a dot (CREATE SCHEMA refuses one), so the
 * first dot of a key ends its schema whenever the part before it is a schema; a name of
 * `public` that starts with an existing schema's name and a dot is refused in both directions
 * (catalog.ts checkKeyClash), so no key reads two ways. Keys need no new log or checkpoint
 * format: they are stored where names were, and every `public` key is the name it was.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import type { CodecValue } from './codec.js';

/** One user schema: its pg_namespace oid and name; owned by the bootstrap superuser. */
export interface SchemaDef {
  oid: number;
  name: string;
  /** COMMENT ON SCHEMA text (pg_description); absent when none. */
  comment?: string;
}

/** The schema of relations named without one when nothing else is on the search path. */
export const PUBLIC_SCHEMA = 'public';

/** The catalog key of relation `name` in `schema` (`name` itself in `public`). */
export function relationKey(schema: string, name: string): string {
  return schema === PUBLIC_SCHEMA ? name : `${schema}.${name}`;
}

/**
 * The schema and name a catalog key stands for, given the schemas that exist (`isSchema`):
 * `s.name` when `s` is one, else the key is a name in `public`.
 */
export function splitRelationKey(key: string, isSchema: (name: string) => boolean): { schema: string; name: string } {
  const dot = key.indexOf('.');
  if (dot > 0 && isSchema(key.slice(0, dot))) return { schema: key.slice(0, dot), name: key.slice(dot + 1) };
  return { schema: PUBLIC_SCHEMA, name: key };
}

/** The definition as a codec value: `{oid, name}`, plus `comment` when it has one. */
export function schemaToValue(def: SchemaDef): CodecValue {
  return { oid: def.oid, name: def.name, ...(def.comment !== undefined ? { comment: def.comment } : {}) };
}

/**
 * Reads {@link schemaToValue}'s shape.
 * @throws PgError XX001 for a malformed value.
 */
export function schemaFromValue(v: CodecValue): SchemaDef {
  const o = v as Record<string, CodecValue> | null;
  if (o === null || typeof o !== 'object' || typeof o['oid'] !== 'number' || typeof o['name'] !== 'string') {
    throw new PgError(SQLSTATE.data_corrupted, 'invalid schema definition');
  }
  const comment = o['comment'];
  if (comment !== undefined && typeof comment !== 'string') throw new PgError(SQLSTATE.data_corrupted, 'invalid schema definition');
  return { oid: o['oid'], name: o['name'], ...(comment !== undefined ? { comment } : {}) };
}

/**
 * A relation's or constraint's name as messages and EXPLAIN print it, without the schema
 * prefix the key of a table in a user schema gives it and the names derived from it
 * (`app.orders` and `app.orders_qty_check` print `orders`, `orders_qty_check`, as
 * PostgreSQL's messages name them). `tableKey` is the key of the table the name belongs to;
 * its part before the first dot is taken for the schema (a `public` table's name holding a
 * dot prints shortened, the one case this reads wrong).
 */
export function shownName(name: string, tableKey: string): string {
  const dot = tableKey.indexOf('.');
  return dot > 0 && name.startsWith(tableKey.slice(0, dot + 1)) ? name.slice(dot + 1) : name;
}
