/**
 * The set-returning functions over jsonb and json (PostgreSQL's jsonfuncs.c):
 * `jsonb_array_elements`, `jsonb_array_elements_text`, `jsonb_each`, `jsonb_each_text`,
 * `jsonb_object_keys` and their `json_` twins, each as a function from its (non-NULL)
 * argument to all of its rows. A strict function: the caller yields no rows for NULL.
 *
 * jsonb works on the parsed tree, so objects come out in jsonb's key order with duplicate keys
 * merged. json works on the text itself (json_text.ts), as PostgreSQL's json functions do:
 * elements and values are the exact source text of each item (spacing kept), keys come in
 * written order and duplicates are kept; the `_text` variants de-escape strings and give
 * JSON null as SQL NULL.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Jsonb, JsonbObject, formatJsonbValue, type JsonbValue } from './jsonb.js';
import { type JsonItem, jsonTopLevel as topLevel, jsonItemText as itemText } from './json_text.js';

/** A row value: jsonb as {@link Jsonb}, json and text as strings, SQL NULL as null. */
export type JsonSrfValue = Jsonb | string | null;

/** One function: its argument type, output columns (name, type) and row producer. */
export interface JsonSrf {
  arg: 'jsonb' | 'json';
  /** Output columns; a single column named by the function itself has name `null`. */
  cols: readonly { name: string | null; type: 'jsonb' | 'json' | 'text' }[];
  rows(v: Jsonb | string): JsonSrfValue[][];
}

function invalid(message: string): PgError {
  return new PgError(SQLSTATE.invalid_parameter_value, message);
}

/** `->>`'s text of a jsonb value: strings unquoted, JSON null as SQL NULL. */
function jsonbText(v: JsonbValue): string | null {
  if (v === null) return null;
  return typeof v === 'string' ? v : formatJsonbValue(v);
}

function jsonbElements(j: Jsonb): JsonbValue[] {
  const v = j.root;
  if (Array.isArray(v)) return v;
  throw invalid(v instanceof JsonbObject ? 'cannot extract elements from an object' : 'cannot extract elements from a scalar');
}

function jsonbObject(name: string, j: Jsonb): JsonbObject {
  if (j.root instanceof JsonbObject) return j.root;
  throw invalid(`cannot call ${name} on a non-object`);
}

function jsonArrayItems(name: string, s: string): JsonItem[] {
  const t = topLevel(s);
  if (t.kind === 'array') return t.items;
  throw invalid(t.kind === 'object' ? `cannot call ${name} on a non-array` : `cannot call ${name} on a scalar`);
}

function jsonObjectItems(s: string): JsonItem[] {
  const t = topLevel(s);
  if (t.kind === 'object') return t.items;
  throw invalid(t.kind === 'array' ? 'cannot deconstruct an array as an object' : 'cannot deconstruct a scalar');
}

const VALUE_JSONB = [{ name: 'value', type: 'jsonb' }] as const;
const VALUE_JSON = [{ name: 'value', type: 'json' }] as const;
const VALUE_TEXT = [{ name: 'value', type: 'text' }] as const;

/**
 * The functions by name. Errors (all 22023, PostgreSQL's texts): jsonb `cannot extract
 * elements from an object` / `... from a scalar`, `cannot call jsonb_each on a non-object`,
 * `cannot call jsonb_object_keys on an array` / `... on a scalar`; json `cannot call
 * json_array_elements on a non-array` / `... on a scalar`, `cannot deconstruct an array as an
 * object`, `cannot deconstruct a scalar`, `cannot call json_object_keys on an array` / `... on
 * a scalar`.
 */
export const JSON_SRFS: Readonly<Record<string, JsonSrf>> = {
  jsonb_array_elements: { arg: 'jsonb', cols: VALUE_JSONB, rows: (v) => jsonbElements(v as Jsonb).map((x) => [new Jsonb(x)]) },
  jsonb_array_elements_text: { arg: 'jsonb', cols: VALUE_TEXT, rows: (v) => jsonbElements(v as Jsonb).map((x) => [jsonbText(x)]) },
  jsonb_each: {
    arg: 'jsonb',
    cols: [{ name: 'key', type: 'text' }, { name: 'value', type: 'jsonb' }],
    rows: (v) => {
      const o = jsonbObject('jsonb_each', v as Jsonb);
      return o.keys.map((k, i) => [k, new Jsonb(o.values[i]!)]);
    },
  },
  jsonb_each_text: {
    arg: 'jsonb',
    cols: [{ name: 'key', type: 'text' }, { name: 'value', type: 'text' }],
    rows: (v) => {
      const o = jsonbObject('jsonb_each_text', v as Jsonb);
      return o.keys.map((k, i) => [k, jsonbText(o.values[i]!)]);
    },
  },
  jsonb_object_keys: {
    arg: 'jsonb',
    cols: [{ name: null, type: 'text' }],
    rows: (v) => {
      const r = (v as Jsonb).root;
      if (r instanceof JsonbObject) return r.keys.map((k) => [k]);
      throw invalid(Array.isArray(r) ? 'cannot call jsonb_object_keys on an array' : 'cannot call jsonb_object_keys on a scalar');
    },
  },
  json_array_elements: { arg: 'json', cols: VALUE_JSON, rows: (v) => jsonArrayItems('json_array_elements', v as string).map((x) => [x.text]) },
  json_array_elements_text: { arg: 'json', cols: VALUE_TEXT, rows: (v) => jsonArrayItems('json_array_elements_text', v as string).map((x) => [itemText(x.text)]) },
  json_each: {
    arg: 'json',
    cols: [{ name: 'key', type: 'text' }, { name: 'value', type: 'json' }],
    rows: (v) => jsonObjectItems(v as string).map((x) => [x.key!, x.text]),
  },
  json_each_text: {
    arg: 'json',
    cols: [{ name: 'key', type: 'text' }, { name: 'value', type: 'text' }],
    rows: (v) => jsonObjectItems(v as string).map((x) => [x.key!, itemText(x.text)]),
  },
  json_object_keys: {
    arg: 'json',
    cols: [{ name: null, type: 'text' }],
    rows: (v) => {
      const t = topLevel(v as string);
      if (t.kind === 'object') return t.items.map((x) => [x.key!]);
      throw invalid(t.kind === 'array' ? 'cannot call json_object_keys on an array' : 'cannot call json_object_keys on a scalar');
    },
  },
};
