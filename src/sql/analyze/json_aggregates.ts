/**
 * SQL values as JSON (PostgreSQL's json.c datum_to_json and jsonb.c datum_to_jsonb) and the
 * JSON aggregates built on them: jsonb_agg, json_agg, jsonb_object_agg, json_object_agg, in
 * the init / step / final shape of types/aggregates.ts. All four are not strict (a NULL value
 * is JSON null), so they are marked `nonStrict`; the object aggregates' step receives
 * `[key, value]`.
 *
 * The conversions by type category: NULL is `null`; booleans; integers and numeric as
 * numbers; floats as numbers unless their text is not a JSON number (`"NaN"`,
 * `"Infinity"`); date, timestamp and timestamptz in ISO 8601 (XSD) form
 * (`"2020-01-02T03:04:05+00:00"`); json as its text, jsonb as itself; arrays element by
 * element (json: `[1,2]` without spaces, as array_to_json); everything else as the JSON
 * string of its text output.
 */
import type { TimeZone } from '../../types/timezone.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Value } from '../../storage/table.js';
import { Jsonb, makeObject, parseJsonb, quoteJsonString, type JsonbValue } from '../../types/jsonb.js';
import { parseNumeric } from '../../types/numeric.js';
import { PgArray } from '../../types/pgarray.js';
import { formatFloat4, formatFloat8 } from '../../types/float.js';
import type { MaybeNonStrict } from './collect_aggregates.js';
import { type ArraySqlType, type SqlType, elemTypeOf, isArrayType, isNumeric, valueToText } from './types.js';

/** JsonEncodeDateTime's XSD form of a date / timestamp / timestamptz text in the ISO DateStyle. */
function xsdDateTime(text: string, type: SqlType): string {
  if (type === 'date' || text === 'infinity' || text === '-infinity') return text;
  let s = text.replace(' ', 'T');
  // timestamptz: the zone offset as ±hh:mm (timestamptz_out prints `+00`, `+05:30`).
  if (type === 'timestamptz') s = s.replace(/([+-]\d\d)$/, '$1:00');
  return s;
}

/** The text output of `v` (never NULL here); real / double precision with `floatDigits` (extra_float_digits). */
function outText(v: Value, type: SqlType, zone: TimeZone, floatDigits = 1): string {
  return valueToText(v, type, zone, undefined, floatDigits)!;
}

/** True for types whose values are JSON arrays, objects or JSON text (not valid object keys). */
function isNonScalarKeyType(type: SqlType): boolean {
  return type === 'json' || type === 'jsonb' || isArrayType(type);
}

/** The elements of a (possibly multi-dimensional) array, nested by dimension. */
function nestArray<T>(a: PgArray, leaf: (x: Value) => T): T[] | T[][] {
  const dims = a.dims;
  if (dims.length === 0) return [];
  let pos = 0;
  const level = (d: number): any[] => {
    const out: any[] = [];
    for (let i = 0; i < dims[d]!; i++) out.push(d === dims.length - 1 ? leaf(a.elems[pos++] as Value) : level(d + 1));
    return out;
  };
  return level(0);
}

/**
 * datum_to_jsonb: `v` of `type` as a JSON value (SQL NULL is JSON null). A real / double
 * precision value becomes the numeric its float4out / float8out text reads as, so it follows
 * `floatDigits` (the session's extra_float_digits), as in PostgreSQL.
 */
export function toJsonbValue(v: Value, type: SqlType, zone: TimeZone, floatDigits = 1): JsonbValue {
  if (v === null) return null;
  if (type === 'bool') return v as boolean;
  if (type === 'jsonb') return (v as Jsonb).root;
  if (type === 'json') return parseJsonb(v as string).root;
  if (type === 'float4' || type === 'float8') {
    const t = type === 'float4' ? formatFloat4(v as number, floatDigits) : formatFloat8(v as number, floatDigits);
    return Number.isFinite(v as number) ? parseNumeric(t) : t;
  }
  if (isNumeric(type)) {
    const t = outText(v, type, zone);
    return t === 'NaN' || t === 'Infinity' || t === '-Infinity' ? t : parseNumeric(t);
  }
  if (v instanceof PgArray) {
    const et = elemTypeOf(type as ArraySqlType);
    return nestArray(v, (x) => toJsonbValue(x, et, zone, floatDigits)) as JsonbValue;
  }
  if (type === 'date' || type === 'timestamp' || type === 'timestamptz') return xsdDateTime(outText(v, type, zone), type);
  return outText(v, type, zone);
}

/** JSON numbers as IsValidJsonNumber accepts them. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * datum_to_json: the JSON text of `v` of `type` (SQL NULL is `null`). jsonb prints as
 * jsonb_out, json as its own text, arrays as array_to_json (no spaces); real / double
 * precision with `floatDigits` (extra_float_digits).
 */
export function toJsonText(v: Value, type: SqlType, zone: TimeZone, floatDigits = 1): string {
  if (v === null) return 'null';
  if (type === 'bool') return v ? 'true' : 'false';
  if (type === 'json') return v as string;
  if (type === 'jsonb') return (v as Jsonb).toString();
  if (isNumeric(type)) {
    const t = outText(v, type, zone, floatDigits);
    return JSON_NUMBER.test(t) ? t : quoteJsonString(t);
  }
  if (v instanceof PgArray) {
    const et = elemTypeOf(type as ArraySqlType);
    const print = (x: unknown): string => (Array.isArray(x) ? '[' + x.map(print).join(',') + ']' : (x as string));
    return print(nestArray(v, (x) => toJsonText(x, et, zone, floatDigits)));
  }
  if (type === 'date' || type === 'timestamp' || type === 'timestamptz') return quoteJsonString(xsdDateTime(outText(v, type, zone), type));
  return quoteJsonString(outText(v, type, zone));
}

/** The text of an object key (datum_to_json with key_scalar). @throws PgError 22023 for a non-scalar key type. */
export function keyTextOf(k: Value, type: SqlType, zone: TimeZone, floatDigits = 1): string {
  if (isNonScalarKeyType(type)) throw new PgError(SQLSTATE.invalid_parameter_value, 'key value must be scalar, not array, composite, or json');
  if (type === 'date' || type === 'timestamp' || type === 'timestamptz') return xsdDateTime(outText(k, type, zone), type);
  return outText(k, type, zone, floatDigits);
}

/** jsonb_agg(T) -> jsonb: the inputs as a JSON array (NULL as null), in input order; NULL over no rows. */
export function jsonbAgg(type: SqlType, zone: TimeZone): MaybeNonStrict {
  return {
    nonStrict: true,
    init: (): JsonbValue[] | null => null,
    step: (s: JsonbValue[] | null, v: Value) => {
      const a = s ?? [];
      a.push(toJsonbValue(v, type, zone));
      return a;
    },
    final: (s: JsonbValue[] | null) => (s === null ? null : new Jsonb(s.slice())),
  };
}

/**
 * json_agg(T) -> json: json_agg_transfn's text, `[e1, e2]`; a non-NULL array element after the
 * first (`structured`: the argument was an array) is preceded by a newline and a space, as
 * PostgreSQL prints it.
 */
export function jsonAgg(type: SqlType, zone: TimeZone, structured = isArrayType(type)): MaybeNonStrict {
  return {
    nonStrict: true,
    init: (): string | null => null,
    step: (s: string | null, v: Value) => {
      const elem = toJsonText(v, type, zone);
      if (s === null) return '[' + elem;
      return s + ', ' + (structured && v !== null ? '\n ' : '') + elem;
    },
    final: (s: string | null) => (s === null ? null : s + ']'),
  };
}

/**
 * jsonb_object_agg(K, V) -> jsonb: an object of the pairs (the last of duplicate keys wins);
 * NULL over no rows.
 * step @throws PgError 22023 `field name must not be null`, 22023 `key value must be scalar,
 *   not array, composite, or json`.
 */
export function jsonbObjectAgg(keyType: SqlType, valueType: SqlType, zone: TimeZone): MaybeNonStrict {
  return {
    nonStrict: true,
    init: (): [string, JsonbValue][] | null => null,
    step: (s: [string, JsonbValue][] | null, pair: [Value, Value]) => {
      const [k, v] = pair;
      if (k === null) throw new PgError(SQLSTATE.invalid_parameter_value, 'field name must not be null');
      const a = s ?? [];
      a.push([keyTextOf(k, keyType, zone), toJsonbValue(v, valueType, zone)]);
      return a;
    },
    final: (s: [string, JsonbValue][] | null) => (s === null ? null : new Jsonb(makeObject(s))),
  };
}

/**
 * json_object_agg(K, V) -> json: json_object_agg_transfn's text, `{ "k" : v, "k2" : v2 }`,
 * duplicate keys kept; NULL over no rows.
 * step @throws PgError 22004 `null value not allowed for object key`, 22023 `key value must be
 *   scalar, not array, composite, or json`.
 */
export function jsonObjectAgg(keyType: SqlType, valueType: SqlType, zone: TimeZone): MaybeNonStrict {
  return {
    nonStrict: true,
    init: (): string | null => null,
    step: (s: string | null, pair: [Value, Value]) => {
      const [k, v] = pair;
      if (k === null) throw new PgError(SQLSTATE.null_value_not_allowed, 'null value not allowed for object key');
      const entry = quoteJsonString(keyTextOf(k, keyType, zone)) + ' : ' + toJsonText(v, valueType, zone);
      return s === null ? '{ ' + entry : s + ', ' + entry;
    },
    final: (s: string | null) => (s === null ? null : s + ' }'),
  };
}
