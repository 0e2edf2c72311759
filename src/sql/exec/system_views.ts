/**
 * Rows of the system catalogs and statistics views (analyze/system_views.ts declares their
 * columns): pg_class, pg_namespace, pg_am, pg_opclass, pg_type, pg_index, pg_tables, pg_stats,
 * pg_stat_user_tables, pg_stat_user_indexes, pg_stat_progress_create_index, pg_locks
 * (exec/lock_status.ts), pg_stat_activity (exec/stat_activity.ts), pg_prepared_statements
 * (exec/prepared_statements_view.ts), pg_cursors (exec/cursors.ts). Built from the
 * catalog, the index methods and the database's statistics store when a scan starts.
 *
 * Object ids: PostgreSQL's fixed ones for built-in objects (namespaces, types, the btree and
 * heap methods) and what PGlite + pgvector 0.8.7 assigns to pgvector's (types, methods,
 * operator classes), so catalog joins written for PostgreSQL work; tables and indexes get oids
 * from 16384 on, in the order they are first shown.
 */
import { allProcs, type ProcEntry } from '../analyze/regproc.js';
import { pgvectorOperators } from '../analyze/operator_table.js';
import { viewDefinitionText } from './views.js';
import { UTC_ZONE } from '../../types/timezone.js';
import { attnumOf, maxAttnum, type Value } from '../../storage/table.js';
import type { IndexDef } from '../../storage/catalog.js';
import type { SqlEnv } from '../env.js';
import { isOrderedAm } from '../../access/am.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';
import { allTypeIo, typeIoByOid } from '../../types/type_io.js';
import { toInt8, valueToText, type SqlType, typeOid } from '../analyze/types.js';
import { isEnumSqlType } from '../../types/enum_value.js';
import { own } from '../../common/own.js';
import { defaultBtreeOpclass } from './ordered_index.js';
import { SEQUENCE_TYPE_NAME } from '../../storage/sequence.js';
import { CATALOG_OIDS, DEFAULT_TABLESPACE, GLOBAL_TABLESPACE, SHARED_DESCRIPTIONS } from '../analyze/system_views.js';
import { informationSchemaRows } from './information_schema.js';
import { pgLocksRows } from './lock_status.js';
import { statActivityRows } from './stat_activity.js';
import { preparedStatementsRows } from './prepared_statements_view.js';
import { cursorsRows } from './cursors.js';
import type { ColumnStats } from '../stats/store.js';
import { PGVECTOR_TYPE_COMMENTS, attrdefRows, attributeRows, authidRows, collationRows, constraintRows, hasToastTable, indexExprsText, rolesRows, triggerRows } from './catalog_describe.js';
import { ROLE_MEMBERSHIPS } from '../analyze/roles.js';

const NS_CATALOG = 11;
const NS_PUBLIC = 2200;
const BOOTSTRAP_SUPERUSER = 10;
/** PGlite's database (template1 is 1, postgres 5). */
const DATABASE_OID = 5;
const HEAP_AM = 2;

/** Access-method oids: PostgreSQL's built-in ones and pgvector's as PGlite assigns them. */
const AM_OID: Record<string, number> = { heap: 2, btree: 403, hash: 405, gist: 783, gin: 2742, spgist: 4000, brin: 3580, ivfflat: 16447, hnsw: 16449 };

/** pgvector 0.8.7's HNSW / IVFFlat operator class oids in PGlite (method/opclass). */
export const OPCLASS_OID: Record<string, number> = {
  'ivfflat/vector_l2_ops': 16464, 'ivfflat/vector_ip_ops': 16469, 'ivfflat/vector_cosine_ops': 16475,
  'hnsw/vector_l2_ops': 16482, 'hnsw/vector_ip_ops': 16486, 'hnsw/vector_cosine_ops': 16490, 'hnsw/vector_l1_ops': 16495,
  'ivfflat/halfvec_l2_ops': 16572, 'ivfflat/halfvec_ip_ops': 16578, 'ivfflat/halfvec_cosine_ops': 16585,
  'hnsw/halfvec_l2_ops': 16593, 'hnsw/halfvec_ip_ops': 16598, 'hnsw/halfvec_cosine_ops': 16603, 'hnsw/halfvec_l1_ops': 16609,
  'ivfflat/bit_hamming_ops': 16618, 'hnsw/bit_hamming_ops': 16624, 'hnsw/bit_jaccard_ops': 16629,
  'hnsw/sparsevec_l2_ops': 16692, 'hnsw/sparsevec_ip_ops': 16697, 'hnsw/sparsevec_cosine_ops': 16702, 'hnsw/sparsevec_l1_ops': 16708,
  'gin/array_ops': 10064, 'gin/jsonb_ops': 10090, 'gin/jsonb_path_ops': 10091,
};

/** PostgreSQL 18's GIN operator classes (pg_catalog): family, input type and key type oids. */
const GIN_OPCLASS_ROWS: Record<string, { family: number; intype: number; keytype: number }> = {
  array_ops: { family: 2745, intype: 2277, keytype: 2283 },
  jsonb_ops: { family: 4036, intype: 3802, keytype: 25 },
  jsonb_path_ops: { family: 4037, intype: 3802, keytype: 23 },
};

/** pg_type's category and alignment of vecgres' base types (the rest of a row comes from types/type_io.ts). */
const TYPE_CATEGORY: Record<string, [string, string]> = {
  bool: ['B', 'c'], bytea: ['U', 'i'], int8: ['N', 'd'], int2: ['N', 's'], int4: ['N', 'i'], text: ['S', 'i'], json: ['U', 'i'],
  float4: ['N', 'i'], float8: ['N', 'd'], bpchar: ['S', 'i'], varchar: ['S', 'i'], bit: ['V', 'i'], varbit: ['V', 'i'],
  numeric: ['N', 'i'], uuid: ['U', 'c'], jsonb: ['U', 'i'], date: ['D', 'i'], timestamp: ['D', 'd'], timestamptz: ['D', 'd'],
  interval: ['T', 'd'],
};
/** initdb's ACLs of pg_catalog and information_schema, and of public (owned by pg_database_owner). */
const SYSTEM_SCHEMA_ACL = new PgArray('text', [2], ['postgres=UC/postgres', '=U/postgres']);
const PUBLIC_SCHEMA_ACL = new PgArray('text', [2], ['pg_database_owner=UC/pg_database_owner', '=U/pg_database_owner']);
/** pg_description's comments on the built-in schemas. */
const SCHEMA_COMMENTS: readonly [number, string][] = [[NS_CATALOG, 'system catalog schema'], [99, 'reserved schema for TOAST tables'], [NS_PUBLIC, 'standard public schema']];
/**
 * pg_language's rows (PostgreSQL 18's oids; plpgsql's as PGlite's initdb assigns it): the
 * handler, inline and validator functions' oids, and pg_description's comments. vecgres runs
 * none of these languages' functions (CREATE FUNCTION and DO are 0A000); the rows say what a
 * PostgreSQL database holds, as pg_extension's plpgsql row does.
 */
const LANGUAGES = [
  { oid: 12, name: 'internal', trusted: false, handler: 0, inline: 0, validator: 2246, comment: 'built-in functions' },
  { oid: 13, name: 'c', trusted: false, handler: 0, inline: 0, validator: 2247, comment: 'dynamically-loaded C functions' },
  { oid: 14, name: 'sql', trusted: true, handler: 0, inline: 0, validator: 2248, comment: 'SQL-language functions' },
  { oid: 12778, name: 'plpgsql', trusted: true, handler: 12775, inline: 12776, validator: 12777, comment: 'PL/pgSQL procedural language' },
];

/**
 * pg_description's rows, or only those of catalog `classoid` (obj_description and
 * col_description look one object up: building the function comments for a table's column
 * would be wasted).
 */
export function descriptionRows(env: SqlEnv, classoid?: number): Value[][] {
  const rows: Value[][] = [];
  const want = (catalog: string): number | null => {
    const oid = CATALOG_OIDS[catalog]!;
    return classoid === undefined || classoid === oid ? oid : null;
  };
  const vector = env.catalog.getExtension('vector') !== undefined;
  const ext = want('pg_extension');
  if (ext !== null) for (const e of installedExtensions(env)) rows.push([e.oid, ext, 0, e.comment]);
  const nsp = want('pg_namespace');
  if (nsp !== null) for (const [oid, text] of SCHEMA_COMMENTS) rows.push([oid, nsp, 0, text]);
  const lang = want('pg_language');
  if (lang !== null) for (const l of LANGUAGES) rows.push([l.oid, lang, 0, l.comment]);
  const proc = want('pg_proc');
  if (proc !== null) for (const p of listedProcs(env)) if (p.details.comment !== null) rows.push([p.oid, proc, 0, p.details.comment]);
  const opr = want('pg_operator');
  if (opr !== null && vector) for (const o of pgvectorOperators()) if (o.comment !== null) rows.push([o.oid, opr, 0, o.comment]);
  const cls = want('pg_class');
  if (cls !== null) {
    // COMMENT ON TABLE / COLUMN: objsubid 0 for the table, the column number for a column.
    for (const name of env.catalog.tableNames()) {
      const def = env.catalog.getTable(name)!.def;
      const oid = env.stats.relOid(name);
      if (def.comment !== undefined) rows.push([oid, cls, 0, def.comment]);
      def.columns.forEach((c, i) => {
        if (c.comment !== undefined) rows.push([oid, cls, attnumOf(def, i), c.comment]);
      });
    }
    for (const d of env.catalog.allIndexes()) {
      if (d.comment !== undefined) rows.push([env.stats.relOid(d.name), cls, 0, d.comment]);
    }
  }
  const typ = want('pg_type');
  if (typ !== null) {
    // COMMENT ON TYPE: pgvector's on its types (once the extension is created), enum types'.
    if (vector) for (const [oid, text] of Object.entries(PGVECTOR_TYPE_COMMENTS)) rows.push([Number(oid), typ, 0, text]);
    for (const d of env.catalog.allEnumTypes()) {
      if (d.comment !== undefined) rows.push([d.oid, typ, 0, d.comment]);
    }
  }
  return rows;
}

/** The functions pg_proc lists: PostgreSQL's of the names vecgres implements, pgvector's once CREATE EXTENSION vector ran. */
function listedProcs(env: SqlEnv): ProcEntry[] {
  const vector = env.catalog.getExtension('vector') !== undefined;
  return allProcs().filter((p) => p.schema === 'pg_catalog' || vector);
}

/** pg_proc's rows (analyze/regproc.ts' table: PostgreSQL 18 + pgvector's rows, columns as generated from PGlite's catalog). */
function procRows(env: SqlEnv): Value[][] {
  const arr = (type: SqlType, v: unknown) => (Array.isArray(v) ? new PgArray(type, [v.length], v as ArrayElement[]) : null);
  return listedProcs(env).map((p) => {
    const [lang, cost, rows, variadic, support, kind, secdef, leakproof, strict, retset, volatile, parallel, nargdefaults, rettype,
      allargtypes, argmodes, argnames, argdefaults, src, bin, sqlbody, config, acl] = p.details.columns as Value[];
    return [
      p.oid, p.name, p.schema === 'pg_catalog' ? NS_CATALOG : NS_PUBLIC, BOOTSTRAP_SUPERUSER, lang, cost, rows, variadic, support, kind,
      secdef, leakproof, strict, retset, volatile, parallel, p.args.length, nargdefaults, rettype, p.args.join(' '),
      arr('int8', allargtypes), arr('text', argmodes), arr('text', argnames), argdefaults, null, src, bin, sqlbody, arr('text', config), arr('text', acl),
    ];
  });
}

/** pg_extension's rows, with PGlite + pgvector 0.8.7's oids and pg_description's comments. */
export const EXTENSIONS = [
  { oid: 12774, name: 'plpgsql', namespace: NS_CATALOG, relocatable: false, version: '1.0', comment: 'PL/pgSQL procedural language' },
  { oid: 16384, name: 'vector', namespace: NS_PUBLIC, relocatable: true, version: '0.8.7', comment: 'vector data type and ivfflat and hnsw access methods' },
];
/** The rows of {@link EXTENSIONS} installed in the database: plpgsql always, vector once created. */
export function installedExtensions(env: SqlEnv): (typeof EXTENSIONS)[number][] {
  return EXTENSIONS.filter((e) => e.name === 'plpgsql' || env.catalog.getExtension(e.name) !== undefined).map((e) => ({ ...e, version: env.catalog.getExtension(e.name)?.version ?? e.version }));
}
const TEMPLATE_ACL = new PgArray('text', [2], ['=c/postgres', 'postgres=CTc/postgres']);
const PGVECTOR_TYPES = new Set(['vector', 'halfvec', 'sparsevec']);
const PREFERRED_TYPES = new Set(['bool', 'text', 'float8', 'varbit', 'timestamptz', 'interval']);
const COLLATABLE_TYPES = new Set(['text', 'varchar', 'bpchar']);

/** PostgreSQL's timestamptz text in the UTC time zone, trailing fractional zeros dropped. */
export function timestamptzText(ms: number | null): string | null {
  if (ms === null) return null;
  const iso = new Date(ms).toISOString(); // 2026-12-01T10:06:31.123Z
  let s = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  if (frac !== '') s += `.${frac}`;
  return `${s}+00`;
}

/** Values as their type's output function prints them (boolout: `t` / `f`, unlike a cast to text). */
function textArray(values: readonly Value[], type: SqlType): PgArray {
  return new PgArray('text', [values.length], values.map((v) => (type === 'bool' ? (v ? 't' : 'f') : valueToText(v, type, UTC_ZONE))));
}

function float4Array(values: readonly number[]): PgArray {
  return new PgArray('float4', [values.length], values.map((v) => Math.fround(v)));
}

/** The table columns an index keys on (0-based; -1 for an expression key, pg_index's indkey 0). */
function indexKeyColumns(d: IndexDef): number[] {
  return d.keys.map((k) => k.column);
}

/**
 * PostgreSQL 18's default B-tree operator classes for the key types vecgres has, as its
 * pg_opclass rows give them: [oid, opcfamily, opcintype].
 */
const BTREE_OPCLASSES: Record<string, readonly [number, number, number]> = {
  array_ops: [10000, 397, 2277], bit_ops: [10002, 423, 1560], bool_ops: [10003, 424, 16], bpchar_ops: [10004, 426, 1042],
  bytea_ops: [10006, 428, 17], date_ops: [3122, 434, 1082], enum_ops: [10069, 3522, 3500], float4_ops: [10012, 1970, 700],
  float8_ops: [3123, 1970, 701], int2_ops: [1979, 1976, 21], int4_ops: [1978, 1976, 23], int8_ops: [3124, 1976, 20],
  interval_ops: [10022, 1982, 1186], jsonb_ops: [10088, 4033, 3802], numeric_ops: [3125, 1988, 1700], oid_ops: [1981, 1989, 26],
  text_ops: [3126, 1994, 25], time_ops: [10038, 1996, 1083], timestamp_ops: [3128, 434, 1114], timestamptz_ops: [3127, 434, 1184],
  uuid_ops: [10065, 2968, 2950], varbit_ops: [10043, 2002, 1562],
};

/**
 * pg_index.indclass entry `key` of `d`: a B-tree key's operator class (the key type's default
 * where none was named: primary keys, unique constraints), a vector or GIN method's own.
 */
function opclassOid(env: SqlEnv, d: IndexDef, key: number): number {
  const k = d.keys[key]!;
  if (d.method === 'btree' || d.primaryKey || k.opclass === '') {
    let name = k.opclass;
    if (name === '' || own(BTREE_OPCLASSES, name) === undefined) {
      const type = k.column >= 0 ? env.catalog.peekTable(d.table)?.def.columns[k.column]?.type : undefined;
      name = type === undefined ? name : isEnumSqlType(type) ? 'enum_ops' : defaultBtreeOpclass(type) ?? name;
    }
    return own(BTREE_OPCLASSES, name)?.[0] ?? 0;
  }
  return OPCLASS_OID[`${d.method}/${k.opclass}`] ?? opclassFallbackOid(env, d.method, k.opclass);
}

function amOid(env: SqlEnv, name: string): number {
  const known = AM_OID[name];
  if (known !== undefined) return known;
  // A method PostgreSQL has no fixed oid for: a stable one past the relation oids' range.
  const names = [...env.methods.keys()].sort();
  return 17000 + names.indexOf(name);
}

function opclassFallbackOid(env: SqlEnv, method: string, opclass: string): number {
  let i = 0;
  for (const am of [...env.methods.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (isOrderedAm(am)) continue;
    for (const oc of am.opclasses) {
      if (am.name === method && oc.name === opclass) return 18000 + i;
      i++;
    }
  }
  return 0;
}

function relPages(bytes: number): number {
  return Math.ceil(bytes / 8192);
}

/** The rows of system view `name` in its column order, or null when `name` is not one. */
/** The schema and name of relation key `key` (storage/schema_def.ts), as catalog views show them. */
function schemaAndName(env: SqlEnv, key: string): [string, string] {
  const { schema, name } = env.catalog.splitKey(key);
  return [schema, name];
}

/** pg_class.relname of relation key `key`. */
function relName(env: SqlEnv, key: string): string {
  return env.catalog.splitKey(key).name;
}

/** pg_class.relnamespace of relation key `key`: public's oid or the user schema's. */
export function namespaceOid(env: SqlEnv, key: string): number {
  const { schema } = env.catalog.splitKey(key);
  return schema === 'public' ? NS_PUBLIC : env.catalog.getSchema(schema)?.oid ?? NS_PUBLIC;
}

export function systemViewRows(env: SqlEnv, name: string): Value[][] | null {
  if (name.startsWith('information_schema.')) return informationSchemaRows(env, name.slice('information_schema.'.length));
  switch (name) {
    case 'pg_namespace':
      // initdb's ACLs (CREATE SCHEMA's schemas keep the default, NULL).
      return [
        [99, 'pg_toast', BOOTSTRAP_SUPERUSER, null],
        [NS_CATALOG, 'pg_catalog', BOOTSTRAP_SUPERUSER, SYSTEM_SCHEMA_ACL],
        [NS_PUBLIC, 'public', 6171, PUBLIC_SCHEMA_ACL],
        [12424, 'information_schema', BOOTSTRAP_SUPERUSER, SYSTEM_SCHEMA_ACL],
        ...env.catalog.allSchemas().map((d) => [d.oid, d.name, BOOTSTRAP_SUPERUSER, null]),
      ];
    case 'pg_authid':
      return authidRows();
    case 'pg_auth_members':
      return ROLE_MEMBERSHIPS.map((m) => [m.oid, m.roleid, m.member, BOOTSTRAP_SUPERUSER, false, true, true]);
    case 'pg_language':
      return LANGUAGES.map((l) => [l.oid, l.name, BOOTSTRAP_SUPERUSER, l.handler !== 0, l.trusted, l.handler, l.inline, l.validator, null]);
    case 'pg_proc':
      return procRows(env);
    case 'pg_operator':
      // pgvector's operators, once CREATE EXTENSION vector ran; PostgreSQL's built-in ones are not listed.
      if (env.catalog.getExtension('vector') === undefined) return [];
      return pgvectorOperators().map((o) => [o.oid, o.name, NS_PUBLIC, BOOTSTRAP_SUPERUSER, o.kind, o.canmerge, o.canhash, o.left, o.right, o.result, o.com, o.negate, o.code, o.rest, o.join]);
    case 'pg_shdescription':
      return SHARED_DESCRIPTIONS.map((r) => [...r]);
    case 'pg_tablespace':
      return [[DEFAULT_TABLESPACE, 'pg_default', BOOTSTRAP_SUPERUSER, null, null], [GLOBAL_TABLESPACE, 'pg_global', BOOTSTRAP_SUPERUSER, null, null]];
    case 'pg_am': {
      const rows: Value[][] = [[HEAP_AM, 'heap', 'heap_tableam_handler', 't'], [403, 'btree', 'bthandler', 'i']];
      for (const am of env.methods.values()) {
        if (am.name === 'btree') continue;
        rows.push([amOid(env, am.name), am.name, `${am.name}handler`, 'i']);
      }
      return rows;
    }
    case 'pg_opclass': {
      // The B-tree's default operator classes for the types vecgres has, then the vector
      // methods' and GIN's.
      const rows: Value[][] = Object.entries(BTREE_OPCLASSES).map(([name, [oid, family, intype]]) => [oid, 403, name, NS_CATALOG, BOOTSTRAP_SUPERUSER, family, intype, true, 0]);
      for (const am of env.methods.values()) {
        for (const oc of (isOrderedAm(am) ? am.keyOpclasses : undefined) ?? []) {
          const row = GIN_OPCLASS_ROWS[oc.name];
          if (row === undefined) continue;
          rows.push([OPCLASS_OID[`${am.name}/${oc.name}`]!, amOid(env, am.name), oc.name, NS_CATALOG, BOOTSTRAP_SUPERUSER, row.family, row.intype, oc.isDefault, row.keytype]);
        }
        if (isOrderedAm(am)) continue;
        for (const oc of am.opclasses) {
          const oid = OPCLASS_OID[`${am.name}/${oc.name}`] ?? opclassFallbackOid(env, am.name, oc.name);
          const intype = typeOid(oc.kind as SqlType) ?? 0;
          rows.push([oid, amOid(env, am.name), oc.name, NS_PUBLIC, BOOTSTRAP_SUPERUSER, oid - 1, intype, false, 0]);
        }
      }
      return rows;
    }
    case 'pg_type':
      return typeRows(env);
    case 'pg_enum':
      return env.catalog.allEnumTypes().flatMap((d) => d.labels.map((l) => [l.oid, d.oid, l.sortOrder, l.label]));
    case 'pg_class':
      return classRows(env);
    case 'pg_index':
      return env.catalog.allIndexes().map((d) => {
        const st = env.stats;
        const keys = indexKeyColumns(d);
        const def = env.catalog.peekTable(d.table)?.def;
        // indkey: the columns' attnums (0 for an expression key).
        const indkey = keys.map((k) => (k < 0 || def === undefined ? 0 : attnumOf(def, k)));
        return [
          st.relOid(d.name), st.relOid(d.table), keys.length, keys.length, d.unique || d.primaryKey, false, d.primaryKey, false, true, false,
          // indisvalid, indcheckxmin, indisready, indislive: an INVALID index is not ready either.
          d.valid !== false, false, d.valid !== false, true, false, indkey.join(' '), keys.map(() => '0').join(' '),
          keys.map((_, i) => String(opclassOid(env, d, i))).join(' '),
          // indoption: INDOPTION_DESC (1) and INDOPTION_NULLS_FIRST (2) per key.
          d.keys.map((k) => String((k.descending ? 1 : 0) | (k.nullsFirst ? 2 : 0))).join(' '), indexExprsText(d), d.predicate,
        ];
      });
    case 'pg_attribute':
      return attributeRows(env);
    case 'pg_attrdef':
      return attrdefRows(env);
    case 'pg_constraint':
      return constraintRows(env);
    case 'pg_collation':
      return collationRows();
    case 'pg_roles':
      return rolesRows();
    case 'pg_policy':
    case 'pg_statistic_ext':
    case 'pg_publication':
    case 'pg_publication_namespace':
    case 'pg_publication_rel':
    case 'pg_inherits':
      return [];
    case 'pg_trigger':
      return triggerRows(env);
    case 'pg_extension':
      // plpgsql is in every PostgreSQL database; vector once CREATE EXTENSION recorded it
      // (its types and methods work either way: exec/extension.ts).
      return installedExtensions(env).map((e) => [e.oid, e.name, BOOTSTRAP_SUPERUSER, e.namespace, e.relocatable, e.version, null, null]);
    case 'pg_description':
      return descriptionRows(env);
    case 'pg_database':
      // PGlite's three databases (the server serves "postgres").
      return [
        [DATABASE_OID, 'postgres', BOOTSTRAP_SUPERUSER, 6, 'c', false, true, false, -1, '744', '1', DEFAULT_TABLESPACE, 'C', 'C.UTF-8', null, null, null, null],
        [1, 'template1', BOOTSTRAP_SUPERUSER, 6, 'c', true, true, false, -1, '744', '1', DEFAULT_TABLESPACE, 'C', 'C.UTF-8', null, null, null, TEMPLATE_ACL],
        [4, 'template0', BOOTSTRAP_SUPERUSER, 6, 'c', true, false, false, -1, '744', '1', DEFAULT_TABLESPACE, 'C', 'C.UTF-8', null, null, null, TEMPLATE_ACL],
      ];
    case 'pg_sequences':
      // last_value is NULL until nextval (or setval with is_called) has run.
      return env.catalog.allSequences().filter((q) => env.catalog.getSequence(q.def.name) === q).map((q) => {
        const d = q.def;
        const { schema, name } = env.catalog.splitKey(d.name);
        return [schema, name, 'postgres', SEQUENCE_TYPE_NAME[d.type], toInt8(d.start), toInt8(d.min), toInt8(d.max), toInt8(d.increment), d.cycle, toInt8(d.cache), q.state.called ? toInt8(q.state.last) : null];
      });
    case 'pg_sequence':
      return env.catalog.allSequences().filter((q) => env.catalog.getSequence(q.def.name) === q).map((q) => {
        const d = q.def;
        return [env.stats.relOid(d.name), typeOid(d.type), toInt8(d.start), toInt8(d.increment), toInt8(d.max), toInt8(d.min), toInt8(d.cache), d.cycle];
      });
    case 'pg_depend':
      return dependRows(env);
    case 'pg_views':
      return env.catalog.viewsVisible().map((v) => ['public', v.name, 'postgres', viewDefinitionText(v)]);
    case 'pg_tables':
      return env.catalog.tableNames().map((t) => [...schemaAndName(env, t), 'postgres', null, env.catalog.indexesOf(t).length > 0, false, false, false]);
    case 'pg_stats':
      return statsRows(env);
    case 'pg_stat_user_tables':
      return statTableRows(env);
    case 'pg_statio_all_tables':
    case 'pg_statio_user_tables':
      // vecgres reads no 8 kB blocks through a buffer pool, so the block counters stay 0; NULL
      // where PostgreSQL has nothing to count (no index, no TOAST table). The system catalogs
      // are not listed (as in pg_class).
      return env.catalog.tableNames().map((t) => {
        const def = env.catalog.getTable(t)!.def;
        const idx = env.catalog.indexesOf(t).length > 0 ? 0 : null;
        const toast = hasToastTable(def) ? 0 : null;
        return [env.stats.relOid(t), ...schemaAndName(env, t), 0, 0, idx, idx, toast, toast, toast, toast];
      });
    case 'pg_stat_user_indexes': {
      const rows: Value[][] = [];
      for (const d of env.catalog.allIndexes()) {
        const s = env.stats.index(d.name);
        const [schema, table] = schemaAndName(env, d.table);
        rows.push([env.stats.relOid(d.table), env.stats.relOid(d.name), schema, table, env.catalog.splitKey(d.name).name, s.idxScan, timestamptzText(s.lastIdxScanMs), s.idxTupRead, s.idxTupFetch]);
      }
      return rows;
    }
    case 'pg_locks':
      return pgLocksRows(env);
    case 'pg_stat_activity':
      return statActivityRows(env);
    case 'pg_prepared_statements':
      return preparedStatementsRows(env);
    case 'pg_cursors':
      return cursorsRows(env);
    case 'pg_stat_progress_create_index': {
      const rows: Value[][] = [];
      const builds = env.stats.progress === null ? [...env.stats.concurrentProgress] : [env.stats.progress, ...env.stats.concurrentProgress];
      for (const p of builds) {
        p.poll?.();
        const table = env.catalog.peekTable(p.table);
        // Blocks of the table the build reads, done in proportion to the tuples loaded (vecgres
        // reads rows, not pages; the seed's pct_done query divides blocks).
        const blocksTotal = table === undefined ? 0 : relPages(table.sizeBytes());
        const blocksDone = p.tuplesTotal > 0 ? Math.floor((blocksTotal * p.tuplesDone) / p.tuplesTotal) : 0;
        rows.push([
          p.pid, DATABASE_OID, 'postgres', env.stats.relOid(p.table), env.stats.relOid(p.index), p.command ?? 'CREATE INDEX', p.phase,
          0, 0, 0, blocksTotal, blocksDone, p.tuplesTotal, p.tuplesDone, 0, 0,
        ]);
      }
      return rows;
    }
    default:
      return null;
  }
}

/**
 * pg_depend's rows for what vecgres records: a sequence OWNED BY a column depends on that
 * column, automatically (deptype 'a': serial and OWNED BY) or internally ('i': an identity
 * column's sequence), as psql's `\\d sequence` ("Owned by:") and pg_dump read it. Other
 * dependencies (indexes, constraints, defaults on their objects) are not listed.
 */
function dependRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  const pgClass = CATALOG_OIDS['pg_class']!;
  for (const q of env.catalog.allSequences()) {
    const owner = q.def.ownedBy;
    if (owner === null || env.catalog.getSequence(q.def.name) !== q) continue;
    const t = env.catalog.peekTable(owner.table);
    const col = t === undefined ? -1 : t.def.columns.findIndex((c) => c.name === owner.column);
    if (col < 0) continue;
    const c = t!.def.columns[col]!;
    const identity = c.identity !== undefined && c.sequence === q.def.name;
    rows.push([pgClass, env.stats.relOid(q.def.name), 0, pgClass, env.stats.relOid(owner.table), attnumOf(t!.def, col), identity ? 'i' : 'a']);
  }
  return rows;
}

function typeRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  const add = (oid: number, name: string, len: number, cat: string, align: string, ns: number, elem: number, arr: number, preferred: boolean, collation: number): void => {
    const io = ns === NS_PUBLIC ? `${name}_` : name;
    rows.push([
      oid, name, ns, BOOTSTRAP_SUPERUSER, len, len > 0 && len <= 8, 'b', cat, preferred, true, ',', 0,
      elem !== 0 ? 'array_subscript_handler' : '-', elem, arr, elem !== 0 ? 'array_in' : `${io}in`, elem !== 0 ? 'array_out' : `${io}out`,
      elem !== 0 ? 'array_recv' : `${io}recv`, elem !== 0 ? 'array_send' : `${io}send`, '-', '-', elem !== 0 ? 'array_typanalyze' : '-', align,
      len > 0 ? 'p' : 'x', false, 0, -1, 0, collation, null, null, null,
    ]);
  };
  // One registry of types (types/type_io.ts): OIDs, names, lengths and array links come from it.
  for (const t of allTypeIo()) {
    const base = t.elemOid === 0 ? t : typeIoByOid(t.elemOid)!;
    const ns = PGVECTOR_TYPES.has(base.typname) ? NS_PUBLIC : NS_CATALOG;
    const [cat, align] = TYPE_CATEGORY[base.typname] ?? ['U', 'i'];
    const coll = COLLATABLE_TYPES.has(base.typname) ? 100 : 0;
    if (t.elemOid === 0) add(t.oid, t.typname, t.typlen, cat, align, ns, 0, t.arrayOid, PREFERRED_TYPES.has(t.typname), coll);
    else add(t.oid, t.typname, -1, 'A', align === 'd' ? 'd' : 'i', ns, t.elemOid, 0, false, coll);
  }
  // Enum types (DefineEnum): a 4-byte pass-by-value type of category E, and its array.
  for (const d of env.catalog.allEnumTypes()) {
    rows.push([
      d.oid, d.name, NS_PUBLIC, BOOTSTRAP_SUPERUSER, 4, true, 'e', 'E', false, true, ',', 0, '-', 0, d.arrayOid,
      'enum_in', 'enum_out', 'enum_recv', 'enum_send', '-', '-', '-', 'i', 'p', false, 0, -1, 0, 0, null, null, null,
    ]);
    add(d.arrayOid, `_${d.name}`, -1, 'A', 'i', NS_PUBLIC, d.oid, 0, false, 0);
  }
  return rows;
}

function classRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  const st = env.stats;
  // PostgreSQL enforces a foreign key with triggers on both tables: relhastriggers is true for
  // the referencing and the referenced table (psql lists foreign keys only then).
  const withTriggers = new Set<string>();
  for (const name of env.catalog.tableNames()) {
    for (const fk of env.catalog.peekTable(name)!.def.foreignKeys ?? []) {
      withTriggers.add(name);
      withTriggers.add(fk.refTable);
    }
  }
  for (const name of env.catalog.tableNames()) {
    const t = env.catalog.peekTable(name)!;
    const ts = st.peekTable(t);
    const reltuples = ts === undefined ? -1 : ts.reltuples;
    const hasIndex = env.catalog.indexesOf(name).length > 0;
    rows.push([
      // reltype: the row type PostgreSQL makes with the table, two oids after it (after its array type).
      st.relOid(name), relName(env, name), namespaceOid(env, name), st.relOid(name) + 2, 0, BOOTSTRAP_SUPERUSER, HEAP_AM, st.relOid(name), 0,
      ts?.relpages ?? 0, Math.fround(reltuples), 0, 0, 0, hasIndex, false, 'p', 'r', maxAttnum(t.def), t.def.checks?.length ?? 0,
      false, withTriggers.has(name), false, false, false, true, 'd', false, 0, '1', '1', null, null, null,
    ]);
  }
  // Views: relkind 'v', no storage, their `_RETURN` rule.
  for (const v of env.catalog.viewsVisible()) {
    rows.push([
      st.relOid(v.name), v.name, NS_PUBLIC, st.relOid(v.name) + 2, 0, BOOTSTRAP_SUPERUSER, 0, 0, 0, 0, Math.fround(-1), 0, 0, 0, false, false, 'p', 'v', v.columns.length, 0,
      true, false, false, false, false, true, 'n', false, 0, '0', '0', null, null, null,
    ]);
  }
  // Sequences (serial and identity columns'): relkind 'S', no access method, 8 kB each.
  for (const { def: { name } } of env.catalog.allSequences()) {
    rows.push([
      st.relOid(name), relName(env, name), namespaceOid(env, name), 0, 0, BOOTSTRAP_SUPERUSER, 0, st.relOid(name), 0, 1, Math.fround(1), 0, 0, 0, false, false, 'p', 'S', 3, 0,
      false, false, false, false, false, true, 'n', false, 0, '0', '0', null, null, null,
    ]);
  }
  for (const d of env.catalog.allIndexes()) {
    const t = env.catalog.peekTable(d.table);
    const ts = t === undefined ? undefined : st.peekTable(t);
    const idx = env.indexes.get(d.name);
    const bytes = idx?.sizeBytes() ?? 0;
    const reloptions = d.options.length > 0 ? new PgArray('text', [d.options.length], d.options.map(([k, v]) => `${k}=${v}`)) : null;
    rows.push([
      st.relOid(d.name), relName(env, d.name), namespaceOid(env, d.name), 0, 0, BOOTSTRAP_SUPERUSER, d.primaryKey ? 403 : amOid(env, d.method), st.relOid(d.name), 0,
      relPages(bytes), Math.fround(ts === undefined ? -1 : ts.reltuples), 0, 0, 0, false, false, 'p', 'i', indexKeyColumns(d).length, 0,
      false, false, false, false, false, true, 'n', false, 0, '0', '0', null, reloptions, null,
    ]);
  }
  return rows;
}

function statsRow(table: readonly [string, string], attname: string, s: ColumnStats, type: SqlType): Value[] {
  return [
    table[0], table[1], attname, false, Math.fround(s.nullFrac), s.avgWidth, Math.fround(s.nDistinct),
    s.mcvVals.length > 0 ? textArray(s.mcvVals, type) : null,
    s.mcvFreqs.length > 0 ? float4Array(s.mcvFreqs) : null,
    s.histogram.length > 0 ? textArray(s.histogram, type) : null,
    s.correlation === null ? null : Math.fround(s.correlation),
    null, null, null, null, null, null,
  ];
}

function statsRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  for (const name of env.catalog.tableNames()) {
    const t = env.catalog.peekTable(name)!;
    const ts = env.stats.peekTable(t);
    if (ts === undefined) continue;
    t.def.columns.forEach((c, i) => {
      const s = ts.columns[i];
      if (s !== null && s !== undefined) rows.push(statsRow(schemaAndName(env, name), c.name, s, c.type));
    });
  }
  return rows;
}

function statTableRows(env: SqlEnv): Value[][] {
  const rows: Value[][] = [];
  const st = env.stats;
  for (const name of env.catalog.tableNames()) {
    const t = env.catalog.peekTable(name)!;
    const s = st.table(t);
    const indexes = env.catalog.indexesOf(name);
    let idxScan: number | null = null;
    let idxFetch: number | null = null;
    let lastIdx: number | null = null;
    for (const d of indexes) {
      const is = st.index(d.name);
      idxScan = (idxScan ?? 0) + is.idxScan;
      idxFetch = (idxFetch ?? 0) + is.idxTupFetch;
      if (is.lastIdxScanMs !== null && (lastIdx === null || is.lastIdxScanMs > lastIdx)) lastIdx = is.lastIdxScanMs;
    }
    rows.push([
      st.relOid(name), ...schemaAndName(env, name), s.seqScan, timestamptzText(s.lastSeqScanMs), s.seqTupRead, idxScan, timestamptzText(lastIdx), idxFetch,
      s.tupIns, s.tupUpd, s.tupDel, s.tupHotUpd, 0, t.liveCount, s.deadRows, s.modsSinceAnalyze, s.insSinceVacuum,
      timestamptzText(s.lastVacuumMs), null, timestamptzText(s.lastAnalyzeMs), timestamptzText(s.lastAutoanalyzeMs),
      s.vacuumCount, 0, s.analyzeCount, s.autoanalyzeCount, 0, 0, 0, 0,
    ]);
  }
  return rows;
}
