/**
 * Hash keys of values (hash joins, hashed aggregation, UNION's duplicate removal): equal SQL
 * values give equal strings. Numbers of every numeric type share one form (1, 1.0 and 1n are
 * one key, 0 and -0 too), as PostgreSQL's cross-type hash opfamilies hash them alike; other
 * types use their text output. A key match is confirmed with the type's `=` where it matters.
 */
// Keys are the same in every session: text of a timestamptz in UTC.
import { UTC_ZONE } from '../../types/timezone.js';
import type { Value } from '../../storage/table.js';
import { type SqlType, isNumeric, isVectorFamily, valueToText, isArrayType, elemTypeOf } from '../analyze/types.js';
import { PgArray } from '../../types/pgarray.js';
import { EnumValue } from '../../types/enum_value.js';
import { Numeric, numericKey } from '../../types/numeric.js';
import { Interval, intervalSpan } from '../../types/interval.js';
import { Jsonb, type JsonbValue } from '../../types/jsonb.js';

/**
 * True when `=` between values of `a` and `b` may be answered by a lookup of {@link keyText}
 * keys: values that hash alike when equal (one type, or numbers); not vectors, whose `=`
 * raises an error for different dimensions that a lookup would not raise, nor character(n),
 * whose `=` ignores the trailing blanks its text keeps, nor json, which has no `=`. The
 * executor's hashed `= ANY` SubPlans and the planner's EXISTS-as-ANY conversion both ask it.
 */
export function hashablePair(a: SqlType, b: SqlType): boolean {
  if (isVectorFamily(a) || isVectorFamily(b) || a === 'bpchar' || a === 'json') return false;
  return a === b || (isNumeric(a) && isNumeric(b));
}

/** The key of `v` of `type`; NULL has a key of its own (callers decide whether NULL matches). */
export function keyText(v: Value, type: SqlType): string {
  if (v === null) return '\u0000';
  // An enum value by its label's oid, which a RENAME VALUE keeps (primary-key maps hold keys).
  if (v instanceof EnumValue) return `e${v.oid}`;
  if (isNumeric(type)) {
    if (typeof v === 'bigint') return `n${v}`;
    // By exact value, whatever the scale (1.5 and 1.50 are one group): Number() would merge
    // numerics that differ past a double's 17 digits.
    if (v instanceof Numeric) return `n${numericKey(v)}`;
    const n = Number(v);
    return n === 0 ? 'n0' : `n${n}`;
  }
  // array_eq compares elements with their type's equality (1.5 = 1.50 in numeric[]): key
  // each element so, with the shape.
  if (isArrayType(type) && v instanceof PgArray) {
    const et = elemTypeOf(type);
    let s = `a${v.dims.join(',')}`;
    for (const x of v.elems) s += '\u0002' + keyText(x as Value, et);
    return s;
  }
  // interval_cmp equates spans ('1 mon' = '30 days'): key by the span, as interval_hash does.
  if (type === 'interval') return `i${intervalSpan(v as Interval)}`;
  // jsonb's `=` compares numbers by value ({"a": 1} = {"a": 1.0}): key them so, as jsonb_hash does.
  if (type === 'jsonb' && v instanceof Jsonb) return `j${jsonbKey(v.root)}`;
  // vector_cmp / halfvec_cmp compare elements as floats, where -0 equals 0: key them alike.
  if (type === 'vector' && v instanceof Float32Array && v.includes(0)) return `t${valueToText(v.map((x) => x + 0), type, UTC_ZONE)}`;
  if (type === 'halfvec' && v instanceof Uint16Array && v.includes(0x8000)) return `t${valueToText(v.map((x) => (x === 0x8000 ? 0 : x)), type, UTC_ZONE)}`;
  return `t${valueToText(v, type, UTC_ZONE)}`;
}

/** A jsonb value's key: its text with every number by exact value (numericKey), whatever its scale. */
function jsonbKey(v: JsonbValue): string {
  if (v === null) return 'z';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Numeric) return `n${numericKey(v)}`;
  if (Array.isArray(v)) return `[${v.map(jsonbKey).join(',')}]`;
  let s = '{';
  for (let i = 0; i < v.keys.length; i++) s += `${JSON.stringify(v.keys[i])}:${jsonbKey(v.values[i]!)},`;
  return `${s}}`;
}

/** The key of a tuple of values of `types`. */
export function tupleKey(row: readonly Value[], types: readonly SqlType[]): string {
  if (row.length === 1) return keyText(row[0]!, types[0]!);
  let s = '';
  for (let i = 0; i < row.length; i++) s += keyText(row[i]!, types[i]!) + '\u0001';
  return s;
}

/** Integer types: their values are JS numbers (int8 a bigint only past 2^53). */
function integerType(t: SqlType): boolean {
  return t === 'int2' || t === 'int4' || t === 'int8';
}

/**
 * True when a one-column hash join of `outer` and `inner` keys may use {@link intKey}: both
 * integers, so two values are equal exactly when their numbers are (a bigint int8 lies past
 * every number an int2, int4 or safe int8 holds).
 */
export function intKeyed(outer: readonly SqlType[], inner: readonly SqlType[]): boolean {
  return outer.length === 1 && inner.length === 1 && integerType(outer[0]!) && integerType(inner[0]!);
}

/** The hash key of integer `v` (not NULL): the number itself, no string built; a bigint by its text. */
export function intKey(v: Value): number | string {
  return typeof v === 'number' ? v : `n${v as bigint}`;
}
