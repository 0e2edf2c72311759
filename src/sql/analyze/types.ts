/**
 * SQL types as the analyzer sees them: names, type OIDs (what clients receive in
 * RowDescription / PGlite's `fields[].dataTypeID`), input from text, casts, output to text.
 *
 * Runtime value representation (plain values, no wrappers): int4/float4/float8/numeric are
 * JS numbers (float4 rounded with Math.fround), int8 a number when it is a safe integer and a
 * bigint otherwise, bool a boolean, text a string, vector a Float32Array.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { ColumnType, Value } from '../../storage/table.js';
import { parseVector, formatVector, checkVectorDims } from '../../types/vector.js';
import { formatFloat4, formatFloat8 } from '../../types/float.js';

export type SqlType = ColumnType | 'numeric' | 'unknown';

/**
 * Type OIDs. PostgreSQL's fixed OIDs for built-in types; `vector` is an extension type whose
 * OID depends on the installation: 16385 is what a fresh PGlite + pgvector assigns, so results
 * compare equal with it.
 */
export const TYPE_OID: Record<SqlType, number> = {
  bool: 16,
  int8: 20,
  int4: 23,
  text: 25,
  float4: 700,
  float8: 701,
  numeric: 1700,
  unknown: 25,
  vector: 16385,
};

/** PostgreSQL's display names (format_type), for error messages. */
export const TYPE_NAME: Record<SqlType, string> = {
  bool: 'boolean',
  int8: 'bigint',
  int4: 'integer',
  text: 'text',
  float4: 'real',
  float8: 'double precision',
  numeric: 'numeric',
  unknown: 'unknown',
  vector: 'vector',
};

/** Type names as written in SQL (after libpg-query's pg_catalog normalisation) -> SqlType. */
const TYPE_BY_NAME: Record<string, SqlType> = {
  int4: 'int4', integer: 'int4', int: 'int4', serial: 'int4', serial4: 'int4',
  int8: 'int8', bigint: 'int8', bigserial: 'int8', serial8: 'int8',
  int2: 'int4', smallint: 'int4',
  float4: 'float4', real: 'float4',
  float8: 'float8', 'double precision': 'float8',
  numeric: 'numeric', decimal: 'numeric',
  bool: 'bool', boolean: 'bool',
  text: 'text', varchar: 'text', bpchar: 'text', 'character varying': 'text', name: 'text',
  vector: 'vector',
};

/** Resolves a type name (last component of a TypeName); null when unknown. */
export function typeByName(name: string): SqlType | null {
  return TYPE_BY_NAME[name] ?? null;
}

export function isNumeric(t: SqlType): boolean {
  return t === 'int4' || t === 'int8' || t === 'float4' || t === 'float8' || t === 'numeric';
}

/** Rank in PostgreSQL's implicit numeric promotion (int4 -> int8 -> numeric -> float4 -> float8). */
export function numericRank(t: SqlType): number {
  switch (t) {
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

const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|nan|infinity|inf)\s*$/i;

/**
 * Converts the text form of a value to `type` (PostgreSQL's type input functions).
 * @throws PgError 22P02 invalid input syntax, 22003 out of range, 22000 vector dimensions.
 */
export function valueFromText(text: string, type: SqlType, typmod: number): Value {
  switch (type) {
    case 'int4': {
      if (!INT_TEXT.test(text)) throw new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type integer: "${text}"`);
      const n = Number(text);
      if (n < INT4_MIN || n > INT4_MAX) throw new PgError(SQLSTATE.numeric_value_out_of_range, `value "${text}" is out of range for type integer`);
      return n;
    }
    case 'int8': {
      if (!INT_TEXT.test(text)) throw new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type bigint: "${text}"`);
      const b = BigInt(text.trim());
      if (b < INT8_MIN || b > INT8_MAX) throw new PgError(SQLSTATE.numeric_value_out_of_range, `value "${text}" is out of range for type bigint`);
      return toInt8(b);
    }
    case 'float4':
    case 'float8':
    case 'numeric': {
      if (!FLOAT_TEXT.test(text)) {
        const name = type === 'float4' ? 'real' : type === 'float8' ? 'double precision' : 'numeric';
        throw new PgError(SQLSTATE.invalid_text_representation, `invalid input syntax for type ${name}: "${text}"`);
      }
      const t = text.trim().toLowerCase();
      let n = t.endsWith('infinity') || t.endsWith('inf') ? (t.startsWith('-') ? -Infinity : Infinity) : t === 'nan' ? NaN : Number(t);
      if (type === 'float4') n = Math.fround(n);
      return n;
    }
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
  }
}

/** The text PostgreSQL prints for a value (type output functions). */
export function valueToText(v: Value, type: SqlType): string | null {
  if (v === null) return null;
  switch (type) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'float4':
      return formatFloat4(v as number);
    case 'float8':
      return formatFloat8(v as number);
    case 'vector':
      return formatVector(v as Float32Array);
    default:
      return String(v);
  }
}

/**
 * Casts `v` of type `from` to `to` (with `typmod` for vector(n)).
 * @throws PgError 22P02/22003/22000 for values that do not convert.
 */
export function castValue(v: Value, from: SqlType, to: SqlType, typmod: number): Value {
  if (v === null) return null;
  if (from === 'unknown' || from === 'text') {
    if (to === 'text') return v;
    return valueFromText(v as string, to, typmod);
  }
  if (to === 'text') return valueToText(v, from);
  switch (to) {
    case 'int4':
      if (from === 'bool') return v ? 1 : 0;
      if (typeof v === 'bigint') return checkInt4(Number(v));
      return checkInt4(roundHalfEven(from, v as number));
    case 'int8':
      if (typeof v === 'bigint') return v;
      if (!Number.isFinite(v as number)) throw outOfRange('bigint');
      return toInt8(roundHalfEven(from, v as number));
    case 'float4':
      return Math.fround(Number(v));
    case 'float8':
    case 'numeric':
      return Number(v);
    case 'bool':
      if (from === 'int4') return v !== 0;
      break;
    case 'vector':
      if (from === 'vector') {
        if (typmod >= 0) checkVectorDims(v as Float32Array, typmod);
        return v;
      }
      break;
    default:
      break;
  }
  throw new PgError(SQLSTATE.cannot_coerce, `cannot cast type ${TYPE_NAME[from]} to ${TYPE_NAME[to]}`);
}

/** True when a cast from -> to exists (explicitly). */
export function canCast(from: SqlType, to: SqlType): boolean {
  if (from === to || from === 'unknown' || from === 'text' || to === 'text') return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if ((from === 'bool' && to === 'int4') || (from === 'int4' && to === 'bool')) return true;
  return false;
}

/** float -> integer casts round half to even (rint); numeric rounds half away from zero. */
function roundHalfEven(from: SqlType, x: number): number {
  if (from === 'numeric') return Math.sign(x) * Math.round(Math.abs(x));
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
