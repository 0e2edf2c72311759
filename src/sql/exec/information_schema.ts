/**
 * Rows of the information_schema views vecgres answers (analyze/system_views.ts declares their
 * columns): schemata, tables, columns, table_constraints, key_column_usage,
 * constraint_column_usage, constraint_table_usage, referential_constraints, check_constraints,
 * sequences and views, as PostgreSQL 18's information_schema.sql computes them for the
 * database's own objects (schema public). PostgreSQL's own catalog relations, which its views
 * list too, are not listed: applications read these views filtered by their schema or table
 * (Knex's hasTable / hasColumn, ORMs' introspection and schema sync). The constraint views
 * read the same constraint list pg_constraint shows (catalog_describe.ts allConstraints), so
 * names, NOT NULL constraints, CHECK text and foreign key actions agree with it.
 */
import { viewDefinitionText } from './views.js';
import { attnumOf, columnOfAttnum, type ColumnDef, type FkAction, type Table, type Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { elemTypeOf, formatType, isArrayType, type SqlType, typeOid } from '../analyze/types.js';
import { typeIoByName } from '../../types/type_io.js';
import { hasEnumElements } from '../../types/enum_value.js';
import { SEQUENCE_TYPE_NAME } from '../../storage/sequence.js';
import { allConstraints, columnDefaultText, type ConstraintInfo } from './catalog_describe.js';
import { displayRelationName } from '../analyze/namespace.js';

/** current_database(): the one database vecgres serves, named as PGlite's. */
const CATALOG = 'postgres';
/** pgvector's types live in the extension's schema. */
const EXTENSION_TYPES: ReadonlySet<SqlType> = new Set(['vector', 'halfvec', 'sparsevec']);
/** pg_database_encoding_max_length() of UTF8: character_octet_length is characters x 4. */
const MAX_ENCODING_LENGTH = 4;
/** character_octet_length of an unconstrained character type (information_schema._pg_char_octet_length). */
const MAX_OCTETS = 1073741824;

/** The schema and name of relation key `key` (storage/schema_def.ts), as the views show them. */
function sn(env: SqlEnv, key: string): [string, string] {
  const { schema, name } = env.catalog.splitKey(key);
  return [schema, name];
}

/** The rows of information_schema view `name` (its bare name), or null when vecgres has no such view. */
export function informationSchemaRows(env: SqlEnv, name: string): Value[][] | null {
  switch (name) {
    case 'schemata':
      return [
        ...['information_schema', 'pg_catalog', 'pg_toast', 'public'].map((n) => [CATALOG, n, n === 'public' ? 'pg_database_owner' : 'postgres', null, null, null, null]),
        ...env.catalog.allSchemas().map((d) => [CATALOG, d.name, 'postgres', null, null, null, null]),
      ];
    case 'tables':
      return [
        ...env.catalog.tableNames().map((t) => [CATALOG, ...sn(env, t), 'BASE TABLE', null, null, null, null, null, 'YES', 'NO', null]),
        // vecgres does not write through views (views.ts refuseViewWrite): none is insertable into.
        ...env.catalog.viewsVisible().map((v) => [CATALOG, 'public', v.name, 'VIEW', null, null, null, null, null, 'NO', 'NO', null]),
      ];
    case 'columns': {
      const rows: Value[][] = [];
      for (const t of env.catalog.tableNames()) {
        const table = env.catalog.peekTable(t)!;
        table.def.columns.forEach((c, i) => rows.push(columnRow(env, t, c, attnumOf(table.def, i))));
      }
      for (const v of env.catalog.viewsVisible()) {
        v.columns.forEach((c, i) => {
          const row = columnRow(env, v.name, { name: c.name, type: c.type, typmod: c.typmod, notNull: false, sequence: null, defaultSql: null }, i + 1);
          row[row.length - 1] = 'NO';
          rows.push(row);
        });
      }
      return rows;
    }
    case 'table_constraints':
      return allConstraints(env).map((c) => [
        CATALOG, sn(env, c.table)[0], c.name, CATALOG, ...sn(env, c.table), CONSTRAINT_TYPE[c.contype], 'NO', 'NO', 'YES',
        // NULLS NOT DISTINCT is refused (0A000), so every UNIQUE constraint treats nulls as distinct.
        c.contype === 'u' ? 'YES' : null,
      ]);
    case 'key_column_usage':
      return keyColumnUsageRows(env);
    case 'constraint_column_usage':
      return constraintColumnUsageRows(env);
    case 'constraint_table_usage':
      return allConstraints(env)
        .filter((c) => c.contype === 'p' || c.contype === 'u' || c.contype === 'f')
        .map((c) => [CATALOG, ...sn(env, c.refTable ?? c.table), CATALOG, sn(env, c.table)[0], c.name]);
    case 'referential_constraints':
      return allConstraints(env).filter((c) => c.contype === 'f').map((c) => {
        // The constraint that owns the referenced index (pg_depend); none for a plain unique index.
        const unique = c.refIndex !== undefined && (c.refIndex.primaryKey || c.refIndex.constraint === true) ? c.refIndex.name : null;
        return [
          CATALOG, sn(env, c.table)[0], c.name, unique === null ? null : CATALOG, unique === null ? null : sn(env, c.refTable ?? c.table)[0], unique === null ? null : sn(env, unique)[1],
          // MATCH FULL / PARTIAL are refused (0A000): every foreign key is MATCH SIMPLE.
          'NONE', FK_RULE[c.onUpdate as FkAction], FK_RULE[c.onDelete as FkAction],
        ];
      });
    case 'check_constraints':
      return allConstraints(env).filter((c) => c.contype === 'c' || c.contype === 'n').map((c) => [CATALOG, sn(env, c.table)[0], c.name, c.checkClause()]);
    case 'sequences':
      return sequenceRows(env);
    case 'views':
      // Not updatable: vecgres does not write through views (views.ts refuseViewWrite).
      return env.catalog.viewsVisible().map((v) => [CATALOG, 'public', v.name, viewDefinitionText(v), 'NONE', 'NO', 'NO', 'NO', 'NO', 'NO']);
    default:
      return null;
  }
}

/** table_constraints.constraint_type by pg_constraint.contype (NOT NULL is listed as CHECK). */
const CONSTRAINT_TYPE: Record<ConstraintInfo['contype'], string> = { c: 'CHECK', n: 'CHECK', f: 'FOREIGN KEY', p: 'PRIMARY KEY', u: 'UNIQUE' };
/** referential_constraints.update_rule / delete_rule by confupdtype / confdeltype. */
const FK_RULE: Record<FkAction, string> = { c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT', r: 'RESTRICT', a: 'NO ACTION' };

function tableOf(env: SqlEnv, name: string): Table | undefined {
  return env.catalog.peekTable(name);
}

/** The name of column `attnum` of `t`, or null when no live column has it. */
function attname(t: Table | undefined, attnum: number): string | null {
  if (t === undefined) return null;
  const i = columnOfAttnum(t.def, attnum);
  return i < 0 ? null : t.def.columns[i]!.name;
}

/**
 * key_column_usage: one row per column of each primary key, UNIQUE and foreign key constraint
 * (conkey, in key order); a foreign key's position_in_unique_constraint is the referenced
 * column's position in the referenced index (_pg_index_position of confkey[n]).
 */
function keyColumnUsageRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  for (const c of allConstraints(env)) {
    if (c.contype !== 'p' && c.contype !== 'u' && c.contype !== 'f') continue;
    const t = tableOf(env, c.table);
    const ref = c.refTable === null ? undefined : tableOf(env, c.refTable);
    (c.conkey ?? []).forEach((attnum, n) => {
      const col = attname(t, attnum);
      if (col === null) return;
      let position: number | null = null;
      if (c.contype === 'f' && c.refIndex !== undefined && ref !== undefined && c.confkey !== null) {
        const refCol = columnOfAttnum(ref.def, c.confkey[n]!);
        const k = c.refIndex.keys.findIndex((key) => key.expr === null && key.column === refCol);
        position = k < 0 ? null : k + 1;
      }
      rows.push([CATALOG, sn(env, c.table)[0], c.name, CATALOG, ...sn(env, c.table), col, n + 1, position]);
    });
  }
  return rows;
}

/**
 * constraint_column_usage: the columns each constraint uses. A CHECK's are the columns its
 * expression reads (pg_depend), a NOT NULL's its column, a primary key's or UNIQUE's its key
 * columns, a foreign key's the referenced columns of the referenced table; each once per
 * constraint.
 */
function constraintColumnUsageRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  for (const c of allConstraints(env)) {
    const table = c.contype === 'f' ? c.refTable! : c.table;
    const t = tableOf(env, table);
    const attnums = c.contype === 'f' ? c.confkey ?? [] : c.contype === 'n' ? (c.conkey ?? []).slice(0, 1) : c.conkey ?? [];
    for (const attnum of [...new Set(attnums)].sort((a, b) => a - b)) {
      const col = attname(t, attnum);
      if (col !== null) rows.push([CATALOG, ...sn(env, table), col, CATALOG, sn(env, c.table)[0], c.name]);
    }
  }
  return rows;
}

/**
 * information_schema.sequences: every sequence but an identity column's (PostgreSQL leaves
 * out the ones an internal dependency ties to a column); serial columns' sequences are listed.
 * The bounds and increment are text columns.
 */
function sequenceRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  for (const q of env.catalog.allSequences()) {
    const d = q.def;
    if (env.catalog.getSequence(d.name) !== q) continue;
    if (d.ownedBy !== null) {
      const owner = env.catalog.peekTable(d.ownedBy.table)?.def.columns.find((c) => c.name === d.ownedBy!.column);
      if (owner?.identity !== undefined && owner.sequence === d.name) continue;
    }
    rows.push([
      CATALOG, ...sn(env, d.name), SEQUENCE_TYPE_NAME[d.type], numericPrecision(d.type, -1), 2, 0,
      String(d.start), String(d.min), String(d.max), String(d.increment), d.cycle ? 'YES' : 'NO',
    ]);
  }
  return rows;
}

/** One information_schema.columns row (PostgreSQL's view over pg_attribute, pg_type and pg_attrdef). */
function columnRow(env: SqlEnv, table: string, c: ColumnDef, attnum: number): Value[] {
  const type = c.type as SqlType;
  const oid = typeOid(type);
  const base = isArrayType(type) ? null : type;
  const typmod = c.typmod;
  const identity = c.identity === undefined || c.sequence === null ? null : env.catalog.getSequence(c.sequence)?.def ?? null;
  const user = EXTENSION_TYPES.has(isArrayType(type) ? elemTypeOf(type) : type) || hasEnumElements(type);
  const dataType = isArrayType(type) ? 'ARRAY' : user ? 'USER-DEFINED' : formatType(oid, null);
  const schemaOfType = user ? 'public' : 'pg_catalog';
  return [
    CATALOG, ...sn(env, table), c.name, attnum,
    c.identity !== undefined || c.generated !== undefined ? null : columnDefaultText(c, (k) => displayRelationName(env, k)),
    c.notNull ? 'NO' : 'YES',
    dataType,
    charMaxLength(base, typmod), charOctetLength(base, typmod),
    numericPrecision(base, typmod), numericRadix(base), numericScale(base, typmod),
    datetimePrecision(base, typmod), null, null,
    null, null, null, null, null, null, null, null, null,
    CATALOG, schemaOfType, typeIoByName(type)?.typname ?? type,
    null, null, null, null, String(attnum), 'NO',
    c.identity !== undefined ? 'YES' : 'NO',
    c.identity === 'a' ? 'ALWAYS' : c.identity === 'd' ? 'BY DEFAULT' : null,
    identity === null ? null : String(identity.start),
    identity === null ? null : String(identity.increment),
    identity === null ? null : String(identity.max),
    identity === null ? null : String(identity.min),
    identity?.cycle === true ? 'YES' : 'NO',
    c.generated !== undefined ? 'ALWAYS' : 'NEVER', c.generated !== undefined ? columnDefaultText(c) : null, 'YES',
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
  if (t === 'time' || t === 'timetz' || t === 'timestamp' || t === 'timestamptz') return typmod < 0 ? 6 : typmod;
  if (t === 'interval') return typmod < 0 || (typmod & 65535) === 65535 ? 6 : typmod & 65535;
  return null;
}
