/**
 * SQL types as the analyzer sees them: names, type OIDs (what clients receive in
 * RowDescription / PGlite's `fields[].dataTypeID`), input from text, casts, output to text.
 *
 * Runtime value representation (the full list is storage/table.ts `Value`): int4/float4/float8 are JS numbers (float4 rounded with
 * Math.fround), int8 a number when it is a safe integer and a bigint otherwise, numeric a
 * {@link Numeric} (exact, with its display scale), bool a boolean, text a string, vector a
 * Float32Array.
 */
import { own } from '../../common/own.js';
import { PgError, SQLSTATE, pgErr } from '../../common/errors.js';
import type { ColumnType, Value } from '../../storage/table.js';
import { parseVector, formatVector, checkVectorDims } from '../../types/vector.js';
import { formatFloat4, formatFloat8, parseFloat4, parseFloat8 } from '../../types/float.js';
import { parseHalfvec, formatHalfvec, checkHalfvecTypmod } from '../../types/halfvec.js';
import { SparseVector, parseSparsevec, formatSparsevec, checkSparsevecTypmod } from '../../types/sparsevec.js';
import { BitString, parseBit, formatBit, bitCoerce, varbitCoerce, bitFromInt, bitToInt } from '../../types/bit.js';
import {
  arrayToVector, arrayToHalfvec, arrayToSparsevec, vectorToHalfvec, halfvecToVector, vectorToSparsevec,
  sparsevecToVector, halfvecToSparsevec, sparsevecToHalfvec, halfvecToFloat4Array, type ArrayElem, type ArrayElemType,
} from '../../types/casts.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';
import {
  Numeric, parseNumeric, applyNumericTypmod, numericFromFloat4, numericFromFloat8, numericToFloat4, numericToFloat8,
  numericToInt, numericTypmodOut,
} from '../../types/numeric.js';
import { parseInteger, parseInt2, checkInt2 } from '../../types/int.js';
import { parseUuid } from '../../types/uuid.js';
import { type CharType, charCoerce, bpcharToText, charTypmodLength } from '../../types/character.js';
import { parseBytea, formatBytea } from '../../types/bytea.js';
import { Jsonb, parseJsonb, parseJson } from '../../types/jsonb.js';
import { parseArrayLiteral, formatArray } from './arrays.js';
import { parseTimestamp, parseDate, parseTime, formatTimestamp, formatDate, formatTime, type DateTimeClock } from '../../types/datetime.js';
import { Interval, parseInterval, formatInterval, adjustIntervalForTypmod, intervalTypmodOut } from '../../types/interval.js';
import { PG_TYPE_NAMES } from './pg_type_names.js';
import {
  adjustTimestampTypmod, adjustTimeTypmod, checkTimestamp, dateToTimestamp, intervalToTime, isFiniteTimestamp, timestampToDate, timestampToTime,
  timeToInterval,
} from '../../types/datetime_funcs.js';
import { localToUtc, utcToLocal, type TimeZone } from '../../types/timezone.js';
import { TimeTz, adjustTimetzTypmod, formatTimetz, parseTimetz, timeToTimetz, timestamptzToTimetz } from '../../types/timetz.js';
import { typeIoByOid } from '../../types/type_io.js';
import { EnumValue, isEnumSqlType, enumTypeOid, enumTypeName, enumArrayOid, type EnumSqlType } from '../../types/enum_value.js';
import { parseOid, oidFromInt4, oidFromInt8, oidToInt4 } from '../../types/oid.js';
import { identNeedsQuotes, parseSql, scanTokens } from '../parser/parse.js';
import { regprocIn, regprocOut, regprocedureIn, regprocedureOut } from './regproc.js';

/** Element types an array value may have: the built-in ones of {@link ARRAY_ELEM_TYPES} and every enum type. */
export type ArrayElemSqlType = EnumSqlType | 'int2' | 'int4' | 'int8' | 'uuid' | 'timestamp' | 'timestamptz' | 'date' | 'time' | 'interval' | 'varchar' | 'bpchar' | 'bytea' | 'jsonb' | 'json' | 'float4' | 'float8' | 'numeric' | 'bool' | 'text' | 'vector' | 'halfvec' | 'sparsevec' | 'bit' | 'varbit' | OidSqlType;

/**
 * oid and the reg* types: unsigned 32-bit object identifiers (values are numbers in [0, 2^32)),
 * the reg* ones printed as the object's name (regclassout, regtypeout...).
 */
export type OidSqlType = 'oid' | 'regclass' | 'regtype' | 'regproc' | 'regprocedure' | 'regnamespace';

/** True for oid and the reg* types. */
export function isOidFamily(t: SqlType): t is OidSqlType {
  return t === 'oid' || t === 'regclass' || t === 'regtype' || t === 'regproc' || t === 'regprocedure' || t === 'regnamespace';
}

/** An array type: the element type followed by `[]`. */
export type ArraySqlType = `${ArrayElemSqlType}[]`;

/**
 * `timetz` (time with time zone) is a value type only: expressions, casts and results have it,
 * a table column or an array of it does not yet (0A000 where one is declared).
 */
export type SqlType = ColumnType | 'unknown' | 'timetz' | ArraySqlType;

/**
 * The type oid clients receive for a type (RowDescription, PGlite's `dataTypeID`): TYPE_OID's
 * for a built-in type, the pg_type oid for an enum type; undefined for a name that is no type.
 */
export function typeOid(t: SqlType): number {
  if (t.startsWith('enum:')) {
    if (isEnumSqlType(t)) return enumTypeOid(t);
    return enumArrayOid(elemTypeOf(t as ArraySqlType) as EnumSqlType);
  }
  return TYPE_OID[t];
}

/**
 * A type's name in messages, as format_type prints it without a typmod: TYPE_NAME's for a
 * built-in type, an enum type's name (quoted where needed, as on the search path).
 */
export function typeName(t: SqlType): string {
  if (isEnumSqlType(t)) {
    const n = enumTypeName(t);
    return identNeedsQuotes(n) ? `"${n.replace(/"/g, '""')}"` : n;
  }
  // An enum type's array type: the element's name and `[]`.
  if (t.startsWith('enum:')) return `${typeName(elemTypeOf(t as ArraySqlType))}[]`;
  return TYPE_NAME[t];
}

/**
 * Type OIDs. PostgreSQL's fixed OIDs for built-in types; pgvector's types are extension types
 * whose OIDs depend on the installation: these are what a fresh PGlite + pgvector 0.8.7
 * assigns at CREATE EXTENSION (vector 16385, halfvec 16498, sparsevec 16633 and their arrays),
 * so results compare equal with it.
 */
export const TYPE_OID: Record<SqlType, number> = {
  bool: 16,
  bytea: 17,
  json: 114,
  jsonb: 3802,
  bpchar: 1042,
  varchar: 1043,
  int8: 20,
  int2: 21,
  int4: 23,
  uuid: 2950,
  timestamp: 1114,
  timestamptz: 1184,
  date: 1082,
  time: 1083,
  timetz: 1266,
  interval: 1186,
  text: 25,
  float4: 700,
  float8: 701,
  numeric: 1700,
  unknown: 25,
  vector: 16385,
  halfvec: 16498,
  sparsevec: 16633,
  bit: 1560,
  varbit: 1562,
  'bool[]': 1000,
  'int8[]': 1016,
  'int2[]': 1005,
  'json[]': 199,
  'jsonb[]': 3807,
  'bytea[]': 1001,
  'bpchar[]': 1014,
  'varchar[]': 1015,
  'uuid[]': 2951,
  'timestamp[]': 1115,
  'timestamptz[]': 1185,
  'date[]': 1182,
  'time[]': 1183,
  'interval[]': 1187,
  'int4[]': 1007,
  'text[]': 1009,
  'float4[]': 1021,
  'float8[]': 1022,
  'numeric[]': 1231,
  'vector[]': 16391,
  'halfvec[]': 16504,
  'sparsevec[]': 16639,
  'bit[]': 1561,
  'varbit[]': 1563,
  oid: 26,
  regclass: 2205,
  regtype: 2206,
  regproc: 24,
  regprocedure: 2202,
  regnamespace: 4089,
  'oid[]': 1028,
  'regclass[]': 2210,
  'regtype[]': 2211,
  'regproc[]': 1008,
  'regprocedure[]': 2207,
  'regnamespace[]': 4090,
};

const ELEM_NAME: Record<Exclude<ArrayElemSqlType, EnumSqlType>, string> = {
  bool: 'boolean',
  int2: 'smallint',
  uuid: 'uuid',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  date: 'date',
  time: 'time without time zone',
  interval: 'interval',
  varchar: 'character varying',
  bpchar: 'character',
  bytea: 'bytea',
  json: 'json',
  jsonb: 'jsonb',
  int8: 'bigint',
  int4: 'integer',
  text: 'text',
  float4: 'real',
  float8: 'double precision',
  numeric: 'numeric',
  vector: 'vector',
  halfvec: 'halfvec',
  sparsevec: 'sparsevec',
  bit: 'bit',
  varbit: 'bit varying',
  oid: 'oid',
  regclass: 'regclass',
  regtype: 'regtype',
  regproc: 'regproc',
  regprocedure: 'regprocedure',
  regnamespace: 'regnamespace',
};

/** Every built-in element type an array may have (enum types are element types too). */
export const ARRAY_ELEM_TYPES = Object.keys(ELEM_NAME) as Exclude<ArrayElemSqlType, EnumSqlType>[];

/** PostgreSQL's display names (format_type), for error messages. */
export const TYPE_NAME: Record<SqlType, string> = {
  ...ELEM_NAME,
  unknown: 'unknown',
  timetz: 'time with time zone',
  ...(Object.fromEntries(Object.entries(ELEM_NAME).map(([k, v]) => [`${k}[]`, `${v}[]`])) as Record<`${Exclude<ArrayElemSqlType, EnumSqlType>}[]`, string>),
};

/**
 * A type with its typmod as format_type prints it (format_type.c format_type_extended):
 * `integer`, `numeric(8,2)`, `character varying(10)`, `timestamp(3) with time zone`,
 * `vector(3)`, `bit varying(5)`; arrays as the element type and `[]`. `schema` prefixes
 * pgvector's types (`public.` where pg_dump writes them under an empty search_path). A typmod
 * of -1 prints the bare name (`bpchar` for an unlimited character type, since `character`
 * alone reads back as character(1)). Serves the dump's column types and EXPLAIN's casts.
 */
export function formatSqlType(type: SqlType, typmod: number, schema = ''): string {
  if (type.endsWith('[]')) return `${formatSqlType(type.slice(0, -2) as SqlType, typmod, schema)}[]`;
  const dims = (base: string) => (typmod < 0 ? base : `${base}(${typmod})`);
  switch (type) {
    case 'numeric': return `numeric${numericTypmodOut(typmod)}`;
    case 'varchar': {
      const n = charTypmodLength(typmod);
      return n < 0 ? 'character varying' : `character varying(${n})`;
    }
    case 'bpchar': {
      const n = charTypmodLength(typmod);
      return n < 0 ? 'bpchar' : `character(${n})`;
    }
    // The precision sits after `timestamp`, before the zone words.
    case 'timestamp': return typmod >= 0 ? `timestamp(${typmod}) without time zone` : 'timestamp without time zone';
    case 'timestamptz': return typmod >= 0 ? `timestamp(${typmod}) with time zone` : 'timestamp with time zone';
    case 'time': return typmod >= 0 ? `time(${typmod}) without time zone` : 'time without time zone';
    case 'timetz': return typmod >= 0 ? `time(${typmod}) with time zone` : 'time with time zone';
    case 'interval': return `interval${intervalTypmodOut(typmod)}`;
    case 'bit': return dims('bit');
    case 'varbit': return dims('bit varying');
    case 'vector': case 'halfvec': case 'sparsevec': return dims(schema + type);
    // An enum type is in public, qualified as pgvector's types are.
    default: return isEnumSqlType(type) ? schema + typeName(type) : typeName(type);
  }
}

let typeOfOid: Map<number, SqlType> | null = null;

function sqlTypeOfOid(oid: number): SqlType | undefined {
  typeOfOid ??= new Map(Object.entries(TYPE_OID).map(([t, o]) => [o, t as SqlType]));
  return typeOfOid.get(oid);
}

/**
 * format_type(type_oid, typmod): a type's SQL name as PostgreSQL prints it with the default
 * search_path (format_type.c format_type_extended): `integer`, `numeric(8,2)`, `vector(3)`,
 * `character varying(10)`, `real[]`; `-` for oid 0, `???` for an oid vecgres has no type for.
 * `users` names the database's enum types (as format_type prints a type on the search path:
 * its name, quoted where needed). A null typmod means "not given", which differs from -1 for two types: `bit` / `"bit"` (a bare
 * `bit` reads back as bit(1)) and `character` / `bpchar`. A typmod on a type without its own
 * modifier syntax is printed as given (`text(5)`), and the built-in types PostgreSQL spells
 * specially (`boolean`, `integer`, `double precision`, `json`) ignore it.
 */
export function formatType(oid: number, typmod: number | null, users?: UserTypeNames): string {
  if (oid === 0) return '-';
  const io = typeIoByOid(oid);
  if (io === undefined) {
    // A user type has no modifier syntax of its own: printTypmod's `name(n)`.
    const u = users?.userType?.(oid) ?? null;
    if (u === null) return pgOnlyFormatType(oid, typmod);
    const name = quoteRegIdent(u.name) + (typmod !== null && typmod >= 0 ? `(${typmod})` : '');
    return u.array ? `${name}[]` : name;
  }
  if (io.elemOid !== 0) return `${formatType(io.elemOid, typmod)}[]`;
  const t = sqlTypeOfOid(oid);
  const given = typmod !== null;
  const mod = typmod ?? -1;
  const withTypmod = mod >= 0;
  switch (t) {
    case 'bit':
      return withTypmod ? `bit(${mod})` : given ? '"bit"' : 'bit';
    case 'bpchar': {
      if (!withTypmod) return given ? 'bpchar' : 'character';
      // bpchartypmodout / varchartypmodout print a length only past the 4-byte header.
      const n = charTypmodLength(mod);
      return n <= 0 ? 'character' : `character(${n})`;
    }
    case 'varchar': {
      const n = charTypmodLength(mod);
      return n <= 0 ? 'character varying' : `character varying(${n})`;
    }
    case 'bool': case 'int2': case 'int4': case 'int8': case 'float4': case 'float8': case 'json':
      return formatSqlType(t, -1);
    case 'numeric': case 'varbit': case 'timestamp': case 'timestamptz': case 'time': case 'timetz': case 'interval':
    case 'vector': case 'halfvec': case 'sparsevec':
      return formatSqlType(t, mod);
    default:
      // No modifier syntax of its own (text, bytea, uuid, jsonb, date): printTypmod's `name(n)`.
      return withTypmod ? `${io.typname}(${mod})` : io.typname;
  }
}

/**
 * PostgreSQL 18's built-in types that vecgres has no values of but that catalog queries name
 * (catalog columns, pseudo-types), as format_type prints them (taken from PGlite's pg_type):
 * oid -> name, and array oid -> element oid.
 */
const PG_ONLY_TYPE_NAMES: Record<number, string> = {
  18: '"char"', 19: 'name', 22: 'int2vector', 27: 'tid', 28: 'xid', 29: 'cid', 30: 'oidvector', 32: 'pg_ddl_command',
  194: 'pg_node_tree', 269: 'table_am_handler', 325: 'index_am_handler', 705: 'unknown', 2249: 'record',
  2275: 'cstring', 2276: '"any"', 2277: 'anyarray', 2278: 'void', 2279: 'trigger', 2280: 'language_handler', 2281: 'internal',
  2283: 'anyelement', 2776: 'anynonarray', 3115: 'fdw_handler', 3310: 'tsm_handler', 3500: 'anyenum', 3831: 'anyrange',
  3838: 'event_trigger', 4537: 'anymultirange', 4538: 'anycompatiblemultirange', 5077: 'anycompatible', 5078: 'anycompatiblearray',
  5079: 'anycompatiblenonarray', 5080: 'anycompatiblerange',
};
/**
 * regtype input of the names in {@link PG_ONLY_TYPE_NAMES} (unquoted; `"any"` and `"char"`
 * only quoted, as typed names): the pseudo-types and catalog types a query may name
 * (`p.prorettype <> 'pg_catalog.trigger'::regtype`, as psql's \df+ writes).
 */
const PG_ONLY_TYPE_OIDS: ReadonlyMap<string, number> = new Map(Object.entries(PG_ONLY_TYPE_NAMES).map(([oid, name]) => [name, Number(oid)]));
const PG_ONLY_ARRAY_ELEMS: Record<number, number> = {
  1002: 18, 1003: 19, 1010: 27, 1011: 28, 1012: 29,
};

/** format_type of a type only PostgreSQL has ({@link PG_ONLY_TYPE_NAMES}); `???` for an oid neither has. */
function pgOnlyFormatType(oid: number, typmod: number | null): string {
  const elem = PG_ONLY_ARRAY_ELEMS[oid];
  if (elem !== undefined) return `${pgOnlyFormatType(elem, typmod)}[]`;
  const name = PG_ONLY_TYPE_NAMES[oid];
  if (name === undefined) return '???';
  const mod = typmod ?? -1;
  return mod >= 0 ? `${name}(${mod})` : name;
}

/** Type names as written in SQL (after libpg-query's pg_catalog normalisation) -> SqlType. */
const TYPE_BY_NAME: Record<string, SqlType> = {
  int4: 'int4', integer: 'int4', int: 'int4', serial: 'int4', serial4: 'int4',
  int8: 'int8', bigint: 'int8', bigserial: 'int8', serial8: 'int8',
  int2: 'int2', smallint: 'int2',
  uuid: 'uuid',
  timestamp: 'timestamp', timestamptz: 'timestamptz', date: 'date', time: 'time', timetz: 'timetz', interval: 'interval',
  float4: 'float4', real: 'float4',
  float8: 'float8', 'double precision': 'float8',
  numeric: 'numeric', decimal: 'numeric',
  bool: 'bool', boolean: 'bool',
  text: 'text', name: 'text',
  varchar: 'varchar', 'character varying': 'varchar', bpchar: 'bpchar',
  bytea: 'bytea',
  json: 'json', jsonb: 'jsonb',
  vector: 'vector',
  halfvec: 'halfvec',
  sparsevec: 'sparsevec',
  bit: 'bit',
  varbit: 'varbit', 'bit varying': 'varbit',
  oid: 'oid', regclass: 'regclass', regtype: 'regtype', regproc: 'regproc', regprocedure: 'regprocedure', regnamespace: 'regnamespace',
};

/**
 * Built-in PostgreSQL 18 types vecgres does not have yet (pg_type names as libpg-query
 * normalises them): naming one is 0A000 "type X is not supported", not 42704 "does not
 * exist", which would be false.
 */
/** Type names PostgreSQL has (pg_type_names.ts); those vecgres lacks are 0A000, not 42704. */
const UNSUPPORTED_TYPES = PG_TYPE_NAMES;

/**
 * True for a name PostgreSQL gives a type (asked about a name vecgres did not resolve: one it
 * has not implemented).
 */
export function isUnsupportedBuiltinType(name: string): boolean {
  return UNSUPPORTED_TYPES.has(name);
}

/** True for array types. */
export function isArrayType(t: SqlType): t is ArraySqlType {
  // An enum type whose name ends in `[]` has a NUL after it (types/enum_value.ts enumSqlType).
  return t.endsWith('[]');
}

/** The element type of an array type. */
export function elemTypeOf(t: ArraySqlType): ArrayElemSqlType {
  return t.slice(0, -2) as ArrayElemSqlType;
}

/** The array type of an element type, or null when vecgres has none. */
export function arrayTypeOf(t: SqlType): ArraySqlType | null {
  // timetz has no array type yet: its arrays are 0A000 where one would be made.
  if (t === 'unknown' || t === 'timetz' || isArrayType(t)) return null;
  return `${t}[]` as ArraySqlType;
}

/** pgvector's types and PostgreSQL's bit strings: values that are not plain JS scalars. */
export function isVectorFamily(t: SqlType): boolean {
  return t === 'vector' || t === 'halfvec' || t === 'sparsevec' || t === 'bit' || t === 'varbit';
}

/**
 * True for types whose typmod is applied by a length coercion (PostgreSQL's typmod-taking
 * casts): pgvector's dimensions, bit lengths, numeric(p, s).
 */
export function hasTypmodCoercion(t: SqlType): boolean {
  // An array's typmod is its elements' (`varchar(3)[]`), applied element by element.
  if (isArrayType(t)) return hasTypmodCoercion(elemTypeOf(t));
  return isVectorFamily(t) || t === 'numeric' || t === 'varchar' || t === 'bpchar' || t === 'timestamp' || t === 'timestamptz' || t === 'time' || t === 'timetz' || t === 'interval';
}

/** PostgreSQL's date/time category (typcategory D): date, timestamp, timestamptz. */
export function isDatetime(t: SqlType): boolean {
  return t === 'timestamp' || t === 'timestamptz' || t === 'date';
}

/**
 * pg_type.typcategory of a type: `A` arrays, `B` boolean, `D` date/time, `E` enum types, `N` numeric (oid and
 * the reg* types too), `S` string, `T` interval, `U` user-defined and the rest (uuid, bytea,
 * json, jsonb, pgvector's types), `V` bit strings, `X` unknown. select_common_type refuses
 * types of different categories and leaves two of one category without an implicit cast for
 * the coercion to refuse.
 */
export function typeCategory(t: SqlType): string {
  if (isArrayType(t)) return 'A';
  if (isEnumSqlType(t)) return 'E';
  switch (t) {
    case 'bool': return 'B';
    case 'date': case 'time': case 'timetz': case 'timestamp': case 'timestamptz': return 'D';
    case 'interval': return 'T';
    case 'text': case 'varchar': case 'bpchar': return 'S';
    case 'bit': case 'varbit': return 'V';
    case 'unknown': return 'X';
    default: return isNumeric(t) || isOidFamily(t) ? 'N' : 'U';
  }
}

/** text, character varying and character: PostgreSQL's string category, mutually implicit. */
export function isStringType(t: SqlType): boolean {
  return t === 'text' || t === 'varchar' || t === 'bpchar';
}

/** Resolves a type name (last component of a TypeName); null when unknown. */
export function typeByName(name: string): SqlType | null {
  return own(TYPE_BY_NAME, name) ?? null;
}

export function isNumeric(t: SqlType): boolean {
  return t === 'int2' || t === 'int4' || t === 'int8' || t === 'float4' || t === 'float8' || t === 'numeric';
}

/** Rank in PostgreSQL's implicit numeric promotion (int2 -> int4 -> int8 -> numeric -> float4 -> float8). */
export function numericRank(t: SqlType): number {
  switch (t) {
    case 'int2': return 0.5;
    case 'int4': return 1;
    case 'int8': return 2;
    case 'numeric': return 3;
    case 'float4': return 4;
    case 'float8': return 5;
    default: return 0;
  }
}

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -9223372036854775808n;
const INT8_MAX = 9223372036854775807n;

/** Normalises an int8: a number when safe, else a bigint. @throws 22003 out of range. */
export function toInt8(v: number | bigint): number | bigint {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return v;
    if (!Number.isFinite(v)) throw outOfRange('bigint');
    v = BigInt(Math.round(v));
  }
  if (v < INT8_MIN || v > INT8_MAX) throw outOfRange('bigint');
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

function outOfRange(typeName: string): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, `${typeName} out of range`);
}

function checkInt4(n: number): number {
  if (n < INT4_MIN || n > INT4_MAX || !Number.isFinite(n)) throw outOfRange('integer');
  return n;
}


/**
 * What the reg* types' input and output need from a database's catalog: regclassin reads a
 * relation name through the search path, regclassout prints a relation's name. (regtype,
 * regnamespace, regproc and regprocedure name built-in objects only, so they need no catalog.)
 * The analyzer builds one over its scope for literals, the executor over the session's
 * catalog for parameters, COPY fields and result columns (exec/catalog_describe.ts regCatalog).
 */
export interface RegCatalog {
  /**
   * regclassin of a name (`items`, `public.items`, `"Mixed"`, a system catalog).
   * @throws PgError 42P01 `relation "x" does not exist`.
   */
  regclassOid(name: string): number;
  /** The name of the relation with this oid (unquoted), null when there is none. */
  relationName(oid: number): string | null;
  /**
   * The schema regclassout qualifies that name with (unquoted), or null to print it bare: what
   * it does for a relation outside the search path (a dump runs with an empty one).
   */
  relationSchema?(oid: number): string | null;
  /**
   * A user-defined (enum) type by oid: its name (unquoted) and whether the oid is its array
   * type's; null when no user type has the oid. Absent: there are none to look up.
   */
  userType?(oid: number): { name: string; array: boolean } | null;
  /** The oid of user-defined type `name` (unquoted), or of its array type; null when none has the name. */
  userTypeOid?(name: string, array: boolean): number | null;
  /**
   * enum_in: the value of label `label` of the enum type with pg_type oid `typeOid`.
   * @throws PgError 22P02 `invalid input value for enum mood: "x"`; 55P04 for a label added
   *   by the session's own uncommitted ALTER TYPE ... ADD VALUE.
   */
  enumIn?(typeOid: number, label: string): EnumValue;
  /** A schema CREATE SCHEMA made, by oid (its name) or by name (its oid); null when none. */
  userSchemaName?(oid: number): string | null;
  userSchemaOid?(name: string): number | null;
}

/** What format_type and regtypeout need from the catalog: the user-defined types. */
export type UserTypeNames = Pick<RegCatalog, 'userType'>;

/**
 * Converts the text form of a value to `type` (PostgreSQL's type input functions), applying
 * `typmod` as the input function does (`'01'::bit(3)` fails where a cast of a bit value pads).
 * `reg`: the catalog regclass input reads names with; without it a regclass name is 0A000
 * (the other reg* types read names without a catalog). `clock`: the transaction's start, what
 * `'now'`, `'today'` and the like read in `zone` (without it they are 0A000).
 * @throws PgError 22P02 invalid input syntax, 22003 out of range, 22000 vector dimensions,
 *   22026 / 22001 bit lengths; the reg* types' 42P01 / 42704 / 3F000 / 42883 / 42725.
 */
export function valueFromText(text: string, type: SqlType, typmod: number, zone: TimeZone, reg?: RegCatalog, clock?: DateTimeClock): Value {
  switch (type) {
    case 'int2':
      return parseInt2(text);
    case 'int4':
      return Number(parseInteger(text, 'integer'));
    case 'int8':
      return toInt8(parseInteger(text, 'bigint'));
    case 'uuid':
      return parseUuid(text);
    case 'timestamp':
    case 'timestamptz':
      // timestamp_in rounds to its typmod's precision (COPY and array elements pass one).
      return adjustTimestampTypmod(parseTimestamp(text, type, zone, clock), typmod);
    case 'date':
      return parseDate(text, zone, clock);
    case 'time':
      return adjustTimeTypmod(parseTime(text, zone, clock), typmod);
    case 'timetz':
      return parseTimetz(text, typmod, zone, clock);
    case 'interval':
      return parseInterval(text, typmod);
    case 'varchar':
    case 'bpchar':
      return charCoerce(type, text, typmod, false);
    case 'bytea':
      return parseBytea(text);
    case 'jsonb':
      return parseJsonb(text);
    case 'json':
      return parseJson(text);
    case 'numeric':
      return parseNumeric(text, typmod);
    case 'float4':
      // strtof / strtod as float4in / float8in call them: decimal, hex, inf, nan; ERANGE is 22003.
      return parseFloat4(text);
    case 'float8':
      return parseFloat8(text);
    case 'bool': {
      const s = text.trim().toLowerCase();
      if (s.length > 0 && ('true'.startsWith(s) || 'yes'.startsWith(s) || s === 'on' || s === '1')) return true;
      if (s.length > 0 && ('false'.startsWith(s) || 'no'.startsWith(s) || s === 'off' || s === '0')) return false;
      throw new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type boolean: "${text}"`);
    }
    case 'text':
    case 'unknown':
      return text;
    case 'vector':
      return parseVector(text, typmod);
    case 'halfvec':
      return parseHalfvec(text, typmod);
    case 'sparsevec':
      return parseSparsevec(text, typmod);
    case 'bit':
      return parseBit(text, typmod, false);
    case 'varbit':
      return parseBit(text, typmod, true);
    case 'oid':
      return parseOid(text);
    case 'regtype':
    case 'regclass':
    case 'regproc':
    case 'regprocedure':
    case 'regnamespace':
      return regIn(text, type, true, reg)!;
    default: {
      if (isEnumSqlType(type)) {
        if (reg?.enumIn === undefined) throw pgErr.featureNotSupported(`input of enum type ${typeName(type)} here`);
        return reg.enumIn(enumTypeOid(type), text);
      }
      const elem = elemTypeOf(type);
      // array_in hands its typmod to each element's input function (varchar(2)[] checks lengths).
      return parseArrayLiteral(text, typeName(type), (t) => valueFromText(t, elem, typmod, zone, reg, clock) as ArrayElement, elem);
    }
  }
}

/**
 * The text PostgreSQL prints for a value (type output functions). `floatDigits` is the
 * session's extra_float_digits, which real and double precision values (alone or in arrays)
 * print with; pgvector's types print shortest digits whatever it is, as vector_out does.
 */
export function valueToText(v: Value, type: SqlType, zone: TimeZone, reg?: Pick<RegCatalog, 'relationName' | 'relationSchema' | 'userType'>, floatDigits = 1): string | null {
  if (v === null) return null;
  switch (type) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'float4':
      return formatFloat4(v as number, floatDigits);
    case 'float8':
      return formatFloat8(v as number, floatDigits);
    case 'vector':
      return formatVector(v as Float32Array);
    case 'halfvec':
      return formatHalfvec(v as Uint16Array);
    case 'sparsevec':
      return formatSparsevec(v as SparseVector);
    case 'bit':
    case 'varbit':
      return formatBit(v as BitString);
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
    case 'text':
    case 'uuid':
    case 'varchar':
    case 'bpchar':
    case 'unknown':
      return String(v);
    case 'bytea':
      return formatBytea(v as Uint8Array);
    case 'jsonb':
      return (v as Jsonb).toString();
    case 'json':
      return v as string;
    case 'timestamp':
    case 'timestamptz':
      return formatTimestamp(v as bigint, type, zone);
    case 'date':
      return formatDate(v as number);
    case 'time':
      return formatTime(v as number);
    case 'timetz':
      return formatTimetz(v as TimeTz);
    case 'interval':
      return formatInterval(v as Interval);
    case 'oid':
      return String(v);
    case 'regtype':
    case 'regclass':
    case 'regproc':
    case 'regprocedure':
    case 'regnamespace':
      return regOut(v as number, type, reg);
    default: {
      if (isEnumSqlType(type)) return (v as EnumValue).label;
      const elem = elemTypeOf(type);
      // array_out prints elements with their output function: boolout's t / f, where a cast
      // of a bool to text says true / false.
      if (elem === 'bool') return formatArray(v as PgArray, (x) => (x === true ? 't' : 'f'));
      return formatArray(v as PgArray, (x) => valueToText(x as Value, elem, zone, reg, floatDigits)!);
    }
  }
}

/**
 * True when a cast from -> to prints real or double precision values (alone or in an array)
 * as text, so its result depends on the executing session's extra_float_digits: such a cast
 * of a constant is not folded at analysis (analyses are shared across sessions and settings).
 */
export function castPrintsFloats(from: SqlType, to: SqlType): boolean {
  if (!isStringType(to)) return false;
  const base = isArrayType(from) ? elemTypeOf(from) : from;
  return base === 'float4' || base === 'float8';
}

/** How a cast may be applied, as pg_cast.castcontext: implicitly, in assignment, or explicitly. */
export type CastContext = 'implicit' | 'assignment' | 'explicit';

const NUMERIC_ARRAY_ELEMS = new Set<string>(['int4', 'float4', 'float8', 'numeric']);

/**
 * The context in which a cast from -> to exists (PostgreSQL's pg_cast plus pgvector 0.8.7's
 * CREATE CAST lines), or null when there is none. Same-type casts (typmod coercions) are
 * implicit.
 *
 * pgvector: vector -> halfvec, vector -> sparsevec, halfvec -> sparsevec and vector -> real[]
 * are implicit; halfvec -> vector, sparsevec -> vector, sparsevec -> halfvec, halfvec -> real[]
 * and integer[] / real[] / double precision[] / numeric[] -> vector / halfvec / sparsevec are
 * assignment casts. bit <-> bit varying are implicit (binary coercible).
 */
export function castContext(from: SqlType, to: SqlType): CastContext | null {
  if (from === to || from === 'unknown') return 'implicit';
  if (isStringType(from) && isStringType(to)) return 'implicit';
  const oidCast = oidCastContext(from, to);
  if (oidCast !== undefined) return oidCast;
  // Casts to the string types are I/O conversions: assignment; from them: explicit.
  if (isStringType(to)) return 'assignment';
  if (isStringType(from)) return 'explicit';
  if ((from === 'json' && to === 'jsonb') || (from === 'jsonb' && to === 'json')) return 'assignment';
  if (from === 'jsonb' && (isNumeric(to) || to === 'bool')) return 'explicit';
  if (isNumeric(from) && isNumeric(to)) return numericRank(to) >= numericRank(from) ? 'implicit' : 'assignment';
  if (from === 'timetz' || to === 'timetz') return timetzCastContext(from, to);
  if (from === 'time' || to === 'time') return timeCastContext(from, to);
  if (isDatetime(from) && isDatetime(to)) {
    // pg_cast: date -> timestamp -> timestamptz widen implicitly; the reverse is assignment.
    const rank = (t: SqlType) => (t === 'date' ? 0 : t === 'timestamp' ? 1 : 2);
    return rank(to) >= rank(from) ? 'implicit' : 'assignment';
  }
  if ((from === 'bool' && to === 'int4') || (from === 'int4' && to === 'bool')) return 'explicit';
  // pg_cast: bit(n) <-> integer and bigint, explicit only (varbit has no such casts).
  if ((from === 'bit' && (to === 'int4' || to === 'int8')) || ((from === 'int4' || from === 'int8') && to === 'bit')) return 'explicit';
  switch (`${from}>${to}`) {
    case 'vector>halfvec':
    case 'vector>sparsevec':
    case 'halfvec>sparsevec':
    case 'vector>float4[]':
    case 'bit>varbit':
    case 'varbit>bit':
      return 'implicit';
    case 'halfvec>vector':
    case 'sparsevec>vector':
    case 'sparsevec>halfvec':
    case 'halfvec>float4[]':
      return 'assignment';
    default:
      break;
  }
  if (isArrayType(from) && (to === 'vector' || to === 'halfvec' || to === 'sparsevec')) {
    return NUMERIC_ARRAY_ELEMS.has(elemTypeOf(from)) ? 'assignment' : null;
  }
  if (isArrayType(from) && isArrayType(to)) {
    // Array coercion goes element by element, in the elements' cast context.
    const c = castContext(elemTypeOf(from), elemTypeOf(to));
    return c;
  }
  return null;
}

/**
 * Casts `v` of type `from` to `to` (with `typmod`: dimensions for vector / halfvec /
 * sparsevec, length for bit / varbit, -1 for none). `explicit` selects the explicit form of a
 * length coercion (`::bit(n)` pads or truncates; an assignment must match). `floatDigits`:
 * extra_float_digits for a cast of real / double precision to a string type. `clock`: the
 * transaction's start, what `'now'`, `'today'` and the like read (types/datetime.ts).
 * @throws PgError 22P02/22003/22000 for values that do not convert, 42846 when no cast exists.
 */
export function castValue(v: Value, from: SqlType, to: SqlType, typmod: number, zone: TimeZone, explicit = true, floatDigits = 1, clock?: DateTimeClock): Value {
  if (v === null) return null;
  if ((from === 'unknown' || isStringType(from)) && isStringType(to)) {
    // character -> text / varchar drops the padding; varchar(n) / char(n) then cut or pad.
    const s = from === 'bpchar' && to !== 'bpchar' ? bpcharToText(v as string) : (v as string);
    return to === 'text' ? s : charCoerce(to as CharType, s, typmod, explicit);
  }
  if (isStringType(to)) return charCoerce(to as CharType, valueToText(v, from, zone, undefined, floatDigits)!, typmod, explicit);
  if (from === 'jsonb' && to === 'bool') return jsonbScalarFor(v as Jsonb, to);
  if (from === 'jsonb' && isNumeric(to)) return castValue(jsonbScalarFor(v as Jsonb, to), 'numeric', to, typmod, zone, explicit);
  if (from === 'unknown' || isStringType(from)) {
    if (to === 'text') return v;
    // As PostgreSQL's coerce_type: the input function without a typmod, then the length
    // coercion (so `'01'::bit(3)` pads while an INSERT into bit(3) must match). interval's
    // input alone takes the typmod of a literal, whose fields decide a bare number's unit
    // (`INTERVAL '7' DAY`); text cast to interval reads it as seconds first.
    const x = valueFromText(v as string, to, to === 'interval' && from === 'unknown' ? typmod : -1, zone, undefined, clock);
    return typmod >= 0 && hasTypmodCoercion(to) ? castValue(x, to, to, typmod, zone, explicit) : x;
  }
  if (from === to && (to === 'timestamp' || to === 'timestamptz')) {
    return adjustTimestampTypmod(v as bigint, typmod);
  }
  if (from === 'time' && to === 'time') return adjustTimeTypmod(v as number, typmod);
  if (from === 'interval' && to === 'interval') return adjustIntervalForTypmod(v as Interval, typmod);
  if (to === 'timetz' && !isStringType(from)) {
    // timetz_scale, time_timetz (the session zone's offset on the transaction's date), timestamptz_timetz.
    const t = from === 'timetz' ? (v as TimeTz) : from === 'time' ? timeToTimetz(v as number, zone, clock)
      : from === 'timestamptz' ? timestamptzToTimetz(v as bigint, zone) : undefined;
    if (t === undefined) throw new PgError(SQLSTATE.cannot_coerce, `cannot cast type ${typeName(from)} to ${typeName(to)}`);
    return t === null ? null : adjustTimetzTypmod(t, typmod);
  }
  // timetz_time: the time of day, the offset dropped.
  if (from === 'timetz' && to === 'time') return adjustTimeTypmod((v as TimeTz).us, typmod);
  if (to === 'text') return valueToText(v, from, zone, undefined, floatDigits);
  if (isOidFamily(to)) {
    if (isOidFamily(from)) return v;
    if (from === 'int4' || from === 'int2') return oidFromInt4(v as number);
    if (from === 'int8') return oidFromInt8(v as number | bigint);
  }
  if (isOidFamily(from) && (to === 'int4' || to === 'int8')) return to === 'int4' ? oidToInt4(v as number) : v;
  switch (to) {
    case 'int2':
      if (!isNumeric(from)) break;
      if (v instanceof Numeric) return Number(numericToInt(v, 'smallint'));
      return checkInt2(typeof v === 'bigint' ? Number(v) : roundHalfEven(from, v as number));
    case 'uuid':
      if (from === 'uuid') return v;
      break;
    case 'timestamp':
    case 'timestamptz':
      // A timestamptz is an instant, a timestamp or date a local time of the session's zone
      // (timestamp2timestamptz, timestamptz2timestamp, date2timestamptz).
      if (from === 'timestamp' || from === 'timestamptz' || from === 'date') {
        const us = from === 'date' ? dateToTimestamp(v as number) : (v as bigint);
        const local = from !== 'timestamptz';
        const shifted = local && to === 'timestamptz' ? toInstant(us, zone) : !local && to === 'timestamp' ? toLocal(us, zone) : us;
        return adjustTimestampTypmod(shifted, typmod);
      }
      break;
    case 'date':
      if (from === 'date') return v;
      if (from === 'timestamp') return timestampToDate(v as bigint);
      if (from === 'timestamptz') return timestampToDate(toLocal(v as bigint, zone));
      break;
    case 'time': {
      // timestamp_time, timestamptz_time (the local time in the session's zone), interval_time.
      const t = from === 'timestamp' ? timestampToTime(v as bigint) : from === 'timestamptz' ? timestampToTime(toLocal(v as bigint, zone))
        : from === 'interval' ? intervalToTime(v as Interval) : undefined;
      if (t === undefined) break;
      return t === null ? null : adjustTimeTypmod(t, typmod);
    }
    case 'interval':
      if (from === 'interval') return v;
      if (from === 'time') return timeToInterval(v as number);
      break;
    case 'jsonb':
      if (from === 'json') return parseJsonb(v as string);
      break;
    case 'json':
      if (from === 'jsonb') return (v as Jsonb).toString();
      break;
    case 'int4':
      if (from === 'bool') return v ? 1 : 0;
      if (from === 'bit') return Number(bitToInt(v as BitString, 32));
      if (!isNumeric(from)) break;
      if (v instanceof Numeric) return Number(numericToInt(v, 'integer'));
      if (typeof v === 'bigint') return checkInt4(Number(v));
      return checkInt4(roundHalfEven(from, v as number));
    case 'int8':
      if (from === 'bit') return toInt8(bitToInt(v as BitString, 64));
      if (!isNumeric(from)) break;
      if (v instanceof Numeric) return toInt8(numericToInt(v, 'bigint'));
      if (typeof v === 'bigint') return v;
      if (!Number.isFinite(v as number)) throw outOfRange('bigint');
      return toInt8(roundHalfEven(from, v as number));
    case 'float4':
      if (!isNumeric(from)) break;
      if (v instanceof Numeric) return numericToFloat4(v);
      if (from === 'float8') {
        // dtof: a finite double that rounds to infinity, or a nonzero one that rounds to 0, is an error.
        const f = Math.fround(v as number);
        if ((f === Infinity || f === -Infinity) && Number.isFinite(v as number)) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: overflow');
        if (f === 0 && v !== 0) throw new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: underflow');
        return f;
      }
      return Math.fround(Number(v));
    case 'float8':
      if (!isNumeric(from)) break;
      if (v instanceof Numeric) return numericToFloat8(v);
      return Number(v);
    case 'numeric':
      if (!isNumeric(from)) break;
      return applyNumericTypmod(toNumericValue(v, from), typmod);
    case 'bool':
      if (from === 'bool') return v;
      if (from === 'int4') return v !== 0;
      break;
    case 'vector':
      if (from === 'vector') {
        if (typmod >= 0) checkVectorDims(v as Float32Array, typmod);
        return v;
      }
      if (from === 'halfvec') return halfvecToVector(v as Uint16Array, typmod);
      if (from === 'sparsevec') return sparsevecToVector(v as SparseVector, typmod);
      if (isArrayType(from)) return arrayTo(v as PgArray, from, 'vector', typmod);
      break;
    case 'halfvec':
      if (from === 'halfvec') {
        if (typmod >= 0) checkHalfvecTypmod(v as Uint16Array, typmod);
        return v;
      }
      if (from === 'vector') return vectorToHalfvec(v as Float32Array, typmod);
      if (from === 'sparsevec') return sparsevecToHalfvec(v as SparseVector, typmod);
      if (isArrayType(from)) return arrayTo(v as PgArray, from, 'halfvec', typmod);
      break;
    case 'sparsevec':
      if (from === 'sparsevec') {
        if (typmod >= 0) checkSparsevecTypmod(v as SparseVector, typmod);
        return v;
      }
      if (from === 'vector') return vectorToSparsevec(v as Float32Array, typmod);
      if (from === 'halfvec') return halfvecToSparsevec(v as Uint16Array, typmod);
      if (isArrayType(from)) return arrayTo(v as PgArray, from, 'sparsevec', typmod);
      break;
    case 'bit':
      if (from === 'bit' || from === 'varbit') return bitCoerce(v as BitString, typmod, explicit);
      if (from === 'int4' || from === 'int8') return bitFromInt(v as number | bigint, typmod);
      break;
    case 'varbit':
      if (from === 'bit' || from === 'varbit') return varbitCoerce(v as BitString, typmod, explicit);
      break;
    case 'float4[]':
      if (from === 'vector') return new PgArray('float4', [(v as Float32Array).length], Array.from(v as Float32Array));
      if (from === 'halfvec') {
        const f = halfvecToFloat4Array(v as Uint16Array);
        return new PgArray('float4', [f.length], Array.from(f));
      }
      break;
    default:
      break;
  }
  if (isArrayType(from) && isArrayType(to) && castContext(from, to) !== null) {
    if (from === to && typmod < 0) return v;
    const a = v as PgArray;
    const fe = elemTypeOf(from);
    const te = elemTypeOf(to);
    // The typmod applies to each element (array_map over the element's length coercion).
    return new PgArray(te, a.dims, a.elems.map((x) => castValue(x as Value, fe, te, typmod, zone, explicit) as ArrayElement));
  }
  throw new PgError(SQLSTATE.cannot_coerce, `cannot cast type ${typeName(from)} to ${typeName(to)}`);
}

/**
 * pg_cast's rows of time with time zone: from time implicitly; to time and from timestamptz in
 * assignment (a string type was handled before).
 */
function timetzCastContext(from: SqlType, to: SqlType): CastContext | null {
  if (to === 'timetz') return from === 'time' ? 'implicit' : from === 'timestamptz' ? 'assignment' : null;
  return to === 'time' ? 'assignment' : null;
}

/**
 * pg_cast's rows of time without time zone: to interval implicitly; from timestamp,
 * timestamptz and interval in assignment; none with date (a string type was handled before).
 */
function timeCastContext(from: SqlType, to: SqlType): CastContext | null {
  if (from === 'time') return to === 'interval' ? 'implicit' : null;
  return from === 'timestamp' || from === 'timestamptz' || from === 'interval' ? 'assignment' : null;
}

/** A timestamptz's local time in `zone` (infinities stay). @throws PgError 22008 out of range. */
function toLocal(us: bigint, zone: TimeZone): bigint {
  return isFiniteTimestamp(us) ? checkTimestamp(utcToLocal(zone, us)) : us;
}

/** The instant of local time `us` in `zone` (infinities stay). @throws PgError 22008 out of range. */
function toInstant(us: bigint, zone: TimeZone): bigint {
  return isFiniteTimestamp(us) ? checkTimestamp(localToUtc(zone, us)) : us;
}

function arrayTo(a: PgArray, from: SqlType, to: 'vector' | 'halfvec' | 'sparsevec', typmod: number): Value {
  const et = elemTypeOf(from as ArraySqlType);
  if (!NUMERIC_ARRAY_ELEMS.has(et)) throw new PgError(SQLSTATE.cannot_coerce, `cannot cast type ${typeName(from)} to ${typeName(to)}`);
  // pgvector reads numeric elements through numeric_out.
  const elems = et === 'numeric' ? a.elems.map((x) => (x instanceof Numeric ? x.toString() : x)) as ArrayElem[] : a.elems as ArrayElem[];
  const ndim = Math.max(a.ndim, 1);
  const t = et as ArrayElemType;
  if (to === 'vector') return arrayToVector(elems, t, typmod, ndim);
  if (to === 'halfvec') return arrayToHalfvec(elems, t, typmod, ndim);
  return arrayToSparsevec(elems, t, typmod, ndim);
}

/**
 * The scalar of a jsonb number or boolean for a cast to `to` (jsonb_numeric, jsonb_bool...).
 * @throws PgError 22023 `cannot cast jsonb <kind> to type <type>`.
 */
function jsonbScalarFor(j: Jsonb, to: SqlType): Value {
  const v = j.root;
  if (to === 'bool' ? typeof v === 'boolean' : v instanceof Numeric) return v as Value;
  const kind = v === null ? 'null' : typeof v === 'boolean' ? 'boolean' : typeof v === 'string' ? 'string' : v instanceof Numeric ? 'numeric' : Array.isArray(v) ? 'array' : 'object';
  throw new PgError(SQLSTATE.invalid_parameter_value, `cannot cast jsonb ${kind} to type ${typeName(to)}`);
}

/** True when an explicit cast from -> to exists. */
export function canCast(from: SqlType, to: SqlType): boolean {
  return castContext(from, to) !== null;
}

/**
 * A value of numeric-family type `from` as a Numeric (int -> numeric exact; float4 / float8
 * -> numeric through 6 / 15 significant digits, as PostgreSQL's float4_numeric / float8_numeric).
 */
function toNumericValue(v: Value, from: SqlType): Numeric {
  if (v instanceof Numeric) return v;
  if (from === 'float4') return numericFromFloat4(v as number);
  if (from === 'float8') return numericFromFloat8(v as number);
  return Numeric.fromInt(v as number | bigint);
}

/** float -> integer casts round half to even (rint). */
function roundHalfEven(_from: SqlType, x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * pg_cast's rows between oid, the reg* types and the integers: int2 / int4 / int8 -> oid and
 * reg* implicitly; oid <-> each reg* implicitly (binary coercible), regproc <-> regprocedure;
 * oid and reg* -> int4 / int8 in assignment; text and varchar -> regclass implicitly (what
 * lets `nextval('s')` take a name). Undefined when neither side is of the oid family; null
 * for no cast between them (regclass -> regtype, oid -> smallint or numeric).
 */
function oidCastContext(from: SqlType, to: SqlType): CastContext | null | undefined {
  const f = isOidFamily(from);
  const t = isOidFamily(to);
  if (!f && !t) return undefined;
  if (f && t) {
    if (from === 'oid' || to === 'oid') return 'implicit';
    return (from === 'regproc' && to === 'regprocedure') || (from === 'regprocedure' && to === 'regproc') ? 'implicit' : null;
  }
  if (t) {
    if (from === 'int2' || from === 'int4' || from === 'int8') return 'implicit';
    if (to === 'regclass' && (from === 'text' || from === 'varchar')) return 'implicit';
    return isStringType(from) ? 'explicit' : null;
  }
  if (to === 'int4' || to === 'int8') return 'assignment';
  return isStringType(to) ? 'assignment' : null;
}

/** regnamespaceout of the schemas every database has (a user schema's name needs the catalog). */
export const NAMESPACE_NAMES: Readonly<Record<number, string>> = { 11: 'pg_catalog', 99: 'pg_toast', 2200: 'public', 12424: 'information_schema' };

/**
 * The reg* output functions (regtypeout, regclassout, regnamespaceout, regprocout,
 * regprocedureout): the object's name, `-` for 0 (InvalidOid), the oid's digits when it names
 * nothing, as PostgreSQL prints a dangling oid. A relation's name needs `reg` (the catalog);
 * without it a regclass prints its digits.
 */
export function regOut(o: number, type: Exclude<OidSqlType, 'oid'>, reg?: Pick<RegCatalog, 'relationName' | 'relationSchema' | 'userType' | 'userSchemaName'>): string {
  if (o === 0) return '-';
  switch (type) {
    case 'regtype':
      return formatType(o, null, reg).replace(/^\?\?\?$/, String(o));
    case 'regnamespace':
      return NAMESPACE_NAMES[o] ?? ((n) => (n === null ? String(o) : quoteRegIdent(n)))(reg?.userSchemaName?.(o) ?? null);
    case 'regproc':
      return regprocOut(o);
    case 'regprocedure':
      return regprocedureOut(o);
    case 'regclass': {
      const rel = reg?.relationName(o) ?? null;
      if (rel === null) return String(o);
      const schema = reg?.relationSchema?.(o) ?? null;
      return schema === null ? quoteRegIdent(rel) : `${quoteRegIdent(schema)}.${quoteRegIdent(rel)}`;
    }
  }
}

/** An identifier as quote_identifier prints it. */
function quoteRegIdent(name: string): string {
  return identNeedsQuotes(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/** The names regclassout and regnamespaceout print, and regnamespacein's user schemas. */
export type RegNames = Required<Pick<RegCatalog, 'relationName' | 'relationSchema' | 'userSchemaName' | 'userSchemaOid'>>;

/** The reg* type input errors of a missing object, which to_regclass and friends turn into NULL. */
const NOT_FOUND_CODES: ReadonlySet<string> = new Set([SQLSTATE.undefined_table, SQLSTATE.undefined_object, SQLSTATE.invalid_schema_name, SQLSTATE.undefined_function]);

/**
 * The reg* input functions (regtypein, regclassin, regnamespacein, regprocin,
 * regprocedurein): `-` is 0 and digits the oid itself (oidin's rules, without a lookup); a name
 * is looked up, a relation's in `reg` (the catalog). `strict` false gives null for a missing
 * (or, for regproc, ambiguous) object, as to_regclass, to_regtype, to_regnamespace, to_regproc
 * and to_regprocedure do.
 * @throws PgError 22P02 / 22003 from oidin; 42P01 `relation "x" does not exist`, 42704 `type
 *   "x" does not exist`, 3F000 `schema "x" does not exist`, 42883 `function "x" does not
 *   exist`, 42725 `more than one function named "x"`; 0A000 for a regclass name without a
 *   catalog and for objects PostgreSQL has that vecgres does not.
 */
export function regIn(text: string, type: Exclude<OidSqlType, 'oid'>, strict: boolean, reg?: Pick<RegCatalog, 'regclassOid' | 'userTypeOid' | 'userSchemaOid'>): number | null {
  const oidOf = (t: string) => parseOid(t, type);
  try {
    switch (type) {
      case 'regtype':
        return regtypeIn(text, true, reg);
      case 'regproc':
        return regprocIn(text, oidOf, strict);
      case 'regprocedure':
        return regprocedureIn(text, oidOf, (t) => regtypeIn(t, true, reg)!, strict);
      case 'regnamespace': {
        const t = text.trim();
        if (t === '-') return 0;
        if (/^[0-9]+$/.test(t)) return oidOf(text);
        const name = t.startsWith('"') && t.endsWith('"') && t.length > 1 ? t.slice(1, -1) : t.toLowerCase();
        const oid = Object.entries(NAMESPACE_NAMES).find(([, n]) => n === name)?.[0];
        if (oid !== undefined) return Number(oid);
        const user = reg?.userSchemaOid?.(name) ?? null;
        if (user !== null) return user;
        throw new PgError(SQLSTATE.invalid_schema_name, `schema "${name}" does not exist`);
      }
      case 'regclass': {
        const t = text.trim();
        if (t === '-') return 0;
        if (/^[0-9]+$/.test(t)) return oidOf(text);
        if (reg === undefined) throw new PgError(SQLSTATE.feature_not_supported, 'type regclass input of a name without a catalog is not supported');
        return reg.regclassOid(text);
      }
    }
  } catch (e) {
    if (!strict && e instanceof PgError && NOT_FOUND_CODES.has(e.code)) return null;
    throw e;
  }
}

/** Multi-word type names (SQL's spellings) regtypein reads, lower case, single-spaced. */
const REGTYPE_WORDS: Readonly<Record<string, SqlType>> = {
  'double precision': 'float8', 'character varying': 'varchar', character: 'bpchar', char: 'bpchar', 'bit varying': 'varbit',
  'timestamp with time zone': 'timestamptz', 'timestamp without time zone': 'timestamp', float: 'float8', dec: 'numeric',
  'time with time zone': 'timetz', 'time without time zone': 'time', 'char varying': 'varchar', nchar: 'bpchar',
  'national character': 'bpchar', 'national char': 'bpchar', 'national character varying': 'varchar', 'national char varying': 'varchar',
  'nchar varying': 'varchar',
};

/**
 * regtypein: a type name as PostgreSQL's parseTypeString reads it (`integer`, `int4`,
 * `character varying(10)`, `timestamp with time zone`, `integer[]`, `pg_catalog.int8`,
 * `public.vector`, `"int4"`, an enum type of `reg`'s catalog) to its oid; a typmod is read and
 * dropped; digits are the oid, `-` is 0. `strict`: an unknown name is 42704 (regtypein) rather than null (to_regtype).
 * Serial pseudo-types are not types here, as in PostgreSQL.
 * @throws PgError 42704 `type "x" does not exist`; 42601 `syntax error at or near "any"` for a
 *   keyword the type grammar does not take (also with `strict` false); 0A000 for a type
 *   PostgreSQL has that vecgres does not.
 */
export function regtypeIn(text: string, strict: boolean, reg?: Pick<RegCatalog, 'userTypeOid'>): number | null {
  // `timestamp(3) with time zone`: the precision sits inside the words (dropped, as any typmod).
  const t = text.trim().replace(/^(time(?:stamp)?)\s*\(\s*[0-9]+\s*\)(\s+with(?:out)?\s+time\s+zone)/i, '$1$2');
  if (t === '-') return 0;
  if (/^[0-9]+$/.test(t)) return parseOid(text, 'regtype');
  const m = /^((?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)\s*\.\s*)?("[^"]+"|[A-Za-z_][A-Za-z0-9_$ ]*?)\s*(\(\s*[0-9]+\s*(?:,\s*-?[0-9]+\s*)?\))?\s*((?:\[\s*[0-9]*\s*\]\s*)*)$/.exec(t);
  const fail = (name: string): null => {
    if (!strict) return null;
    throw new PgError(SQLSTATE.undefined_object, `type "${name}" does not exist`);
  };
  if (m === null) return fail(t);
  // parseTypeString reads the text with the grammar: a reserved or column-name keyword that is
  // no type (`any`, `user`, `between`) is a syntax error, which to_regtype does not hide.
  if (m[1] === undefined && !m[2]!.startsWith('"')) {
    const first = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(m[2]!)![0];
    if (scanTokens(first)[0]?.keyword === true) {
      try {
        parseSql(`SELECT NULL::${t}`);
      } catch (e) {
        // The position counts in the type's text, as raw_parser's over that string does.
        if (e instanceof PgError && e.code === SQLSTATE.syntax_error) {
          const at = e.position === undefined ? undefined : Number(e.position) - 'SELECT NULL::'.length + (text.length - text.trimStart().length);
          throw new PgError(SQLSTATE.syntax_error, e.message, at === undefined || at < 1 ? {} : { position: at });
        }
        throw e;
      }
    }
  }
  const unquote = (x: string) => (x.startsWith('"') ? x.slice(1, -1) : x.toLowerCase().replace(/\s+/g, ' '));
  const schema = m[1] === undefined ? null : unquote(m[1].replace(/\s*\.\s*$/, ''));
  const name = unquote(m[2]!);
  const isArray = m[4] !== undefined && m[4].length > 0;
  // `timestamp(3) with time zone`: the precision sits inside the words.
  let type: SqlType | null = own(REGTYPE_WORDS, name) ?? (name.includes(' ') ? null : own(TYPE_BY_NAME, name) ?? null);
  if (/^(big|small)?serial[248]?$/.test(name)) type = null;
  if (name === 'name' && schema !== 'public') type = null;
  const pgvector = type === 'vector' || type === 'halfvec' || type === 'sparsevec';
  if (type !== null && schema !== null && (pgvector ? schema !== 'public' : schema !== 'pg_catalog')) type = null;
  const shown = schema === null ? name : `${schema}.${name}`;
  if (type === null) {
    // A pseudo-type or catalog type (pg_catalog's): its oid, names only (`"char"` quoted).
    const pgOnly = schema === null || schema === 'pg_catalog' ? PG_ONLY_TYPE_OIDS.get(m[2]!.startsWith('"') ? m[2]! : name) : undefined;
    if (pgOnly !== undefined && m[3] === undefined) return isArray ? fail(t) : pgOnly;
    if (schema === null && UNSUPPORTED_TYPES.has(name)) throw new PgError(SQLSTATE.feature_not_supported, `type ${name} is not supported`);
    const user = schema === null || schema === 'public' ? reg?.userTypeOid?.(name, isArray) ?? null : null;
    return user ?? fail(shown);
  }
  const arr = isArray ? arrayTypeOf(type) : null;
  if (isArray && arr === null) throw new PgError(SQLSTATE.feature_not_supported, `arrays of ${typeName(type)} are not supported`);
  return arr !== null ? typeOid(arr) : typeOid(type);
}
