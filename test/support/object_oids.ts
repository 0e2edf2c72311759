/**
 * The object ids of a database's public objects, read through its catalogs (pg_class,
 * pg_constraint, pg_attrdef, pg_trigger, pg_index), as one comparable value: what the
 * durability tests of object ids compare before and after a reopen or a crash.
 */
import { normalize } from './sql_pair.js';

/** Every object's oid (the rows catalog readers join on), as one comparable value. */
export const OID_QUERIES = [
  'SELECT oid, relname::text AS name, relkind::text AS kind FROM pg_class WHERE relnamespace = 2200 ORDER BY oid',
  'SELECT oid, conname::text AS name, conrelid, contype::text AS kind FROM pg_constraint WHERE connamespace = 2200 ORDER BY oid',
  'SELECT oid, adrelid, adnum FROM pg_attrdef ORDER BY oid',
  'SELECT oid, tgrelid, tgname::text AS name, tgconstraint FROM pg_trigger ORDER BY oid',
  'SELECT i.indexrelid, i.indrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 2200 ORDER BY 1',
];

export interface Queryable {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

/** Every object's oid, one array of rows per catalog. */
export async function oids(db: Queryable): Promise<unknown> {
  const out: unknown[] = [];
  for (const q of OID_QUERIES) out.push(normalize((await db.query(q)).rows));
  return out;
}

