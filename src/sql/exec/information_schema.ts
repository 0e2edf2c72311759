/**
 * Rows of the information_schema views vecgres answers (analyze/system_views.ts declares their
 * columns): schemata, tables and columns, as PostgreSQL 18's information_schema.sql computes
 * them for the database's own tables (schema public). PostgreSQL's own catalog relations,
 * which its views list too, are not listed: applications read these views filtered by their
 * schema or table (Knex's hasTable / hasColumn, ORMs' introspection).
 */
import { attnumOf, type ColumnDef, type Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { TYPE_OID, elemTypeOf, formatType, isArrayType, type SqlType } from '../analyze/types.js';
import { typeIoByOid } from '../../types/type_io.js';
import { columnDefaultText } from './catalog_describe.js';

/** current_database(): the one database vecgres serves, named as PGlite's. */
const CATALOG = 'postgres';
/** pgvector's types live in the extension's schema. */
const EXTENSION_TYPES: ReadonlySet<SqlType> = new Set(['vector', 'halfvec', 'sparsevec']);
/** pg_database_encoding_max_length() of UTF8: character_octet_length is characters x 4. */
const MAX_ENCODING_LENGTH = 4;
/** character_octet_length of an unconstrained character type (information_schema._pg_char_octet_length). */
const MAX_OCTETS = 1073741824;

/** The rows of information_schema view `name` (its bare name), or null when vecgres has no such view. */
export function informationSchemaRows(env: SqlEnv, name: string): Value[][] | null {
  switch (name) {
    case 'schemata':
      return ['information_schema', 'pg_catalog', 'pg_toast', 'public'].map((n) => [CATALOG, n, n === 'public' ? 'pg_database_owner' : 'postgres', null, null, null, null]);
    case 'tables':
      return env.catalog.tableNames().map((t) => [CATALOG, 'public', t, 'BASE TABLE', null, null, null, null, null, 'YES', 'NO', null]);
    case 'columns': {
      const rows: Value[][] = [];
      for (const t of env.catalog.tableNames()) {
        const table = env.catalog.peekTable(t)!;
        table.def.columns.forEach((c, i) => rows.push(columnRow(env, t, c, attnumOf(table.def, i))));
      }
      return rows;
    }
    default:
      return null;
  }
}

/** One information_schema.columns row (PostgreSQL's view over pg_attribute, pg_type and pg_attrdef). */
function columnRow(env: SqlEnv, table: string, c: ColumnDef, attnum: number): Value[] {
  const type = c.type as SqlType;
  const oid = TYPE_OID[type];
  const base = isArrayType(type) ? null : type;
  const typmod = c.typmod;
  const identity = c.identity === undefined || c.sequence === null ? null : env.catalog.getSequence(c.sequence)?.def ?? null;
  const dataType = isArrayType(type) ? 'ARRAY' : EXTENSION_TYPES.has(type) ? 'USER-DEFINED' : formatType(oid, null);
  const schemaOfType = EXTENSION_TYPES.has(isArrayType(type) ? elemTypeOf(type) : type) ? 'public' : 'pg_catalog';
  return [
    CATALOG, 'public', table, c.name, attnum,
    c.identity !== undefined ? null : columnDefaultText(c),
    c.notNull ? 'NO' : 'YES',
    dataType,
    charMaxLength(base, typmod), charOctetLength(base, typmod),
    numericPrecision(base, typmod), numericRadix(base), numericScale(base, typmod),
    datetimePrecision(base, typmod), null, null,
    null, null, null, null, null, null, null, null, null,
    CATALOG, schemaOfType, typeIoByOid(oid)?.typname ?? type,
    null, null, null, null, String(attnum), 'NO',
    c.identity !== undefined ? 'YES' : 'NO',
    c.identity === 'a' ? 'ALWAYS' : c.identity === 'd' ? 'BY DEFAULT' : null,
    identity === null ? null : String(identity.start),
    identity === null ? null : String(identity.increment),
    identity === null ? null : String(identity.max),
    identity === null ? null : String(identity.min),
    identity?.cycle === true ? 'YES' : 'NO',
    'NEVER', null, 'YES',
  ];
}

/** information_schema._pg_char_max_length: declared length of character and bit types. */
function charMaxLength(t: SqlType | null, typmod: number): number | null {
  if (typmod < 0) return null;
  if (t === 'varchar' || t === 'bpchar') return typmod - 4;
  if (t === 'bit' || t === 'varbit') return typmod;
  return null;
}

/** information_schema._pg_char_octet_length: the most bytes a character value takes. */
function charOctetLength(t: SqlType | null, typmod: number): number | null {
  if (t !== 'text' && t !== 'varchar' && t !== 'bpchar') return null;
  return typmod < 0 ? MAX_OCTETS : (typmod - 4) * MAX_ENCODING_LENGTH;
}

/** information_schema._pg_numeric_precision. */
function numericPrecision(t: SqlType | null, typmod: number): number | null {
  switch (t) {
    case 'int2': return 16;
    case 'int4': return 32;
    case 'int8': return 64;
    case 'float4': return 24;
    case 'float8': return 53;
    case 'numeric': return typmod < 0 ? null : ((typmod - 4) >> 16) & 65535;
    default: return null;
  }
}

/** information_schema._pg_numeric_precision_radix. */
function numericRadix(t: SqlType | null): number | null {
  if (t === 'int2' || t === 'int4' || t === 'int8' || t === 'float4' || t === 'float8') return 2;
  return t === 'numeric' ? 10 : null;
}

/** information_schema._pg_numeric_scale. */
function numericScale(t: SqlType | null, typmod: number): number | null {
  if (t === 'int2' || t === 'int4' || t === 'int8') return 0;
  if (t === 'numeric') return typmod < 0 ? null : (typmod - 4) & 65535;
  return null;
}

/** information_schema._pg_datetime_precision: fractional-second digits (6 when unconstrained). */
function datetimePrecision(t: SqlType | null, typmod: number): number | null {
  if (t === 'date') return 0;
  if (t === 'time' || t === 'timestamp' || t === 'timestamptz') return typmod < 0 ? 6 : typmod;
  if (t === 'interval') return typmod < 0 || (typmod & 65535) === 65535 ? 6 : typmod & 65535;
  return null;
}
