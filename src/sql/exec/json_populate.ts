/**
 * json_to_record, jsonb_to_record, json_to_recordset and jsonb_to_recordset with a column
 * definition list, and json[b]_populate_record[set] over a table's row type (PostgreSQL's jsonfuncs.c populate_record_worker / populate_recordset_worker):
 * each JSON object becomes a row of the declared columns, the value of the member named as the
 * column (the last one of a repeated name), converted as populate_record_field converts it:
 *
 * - a missing member or JSON null: NULL;
 * - a json column takes the value's JSON text, a jsonb column the value;
 * - an array column takes a JSON array element by element (nested arrays are dimensions and
 *   must be rectangular), or a JSON string through array_in;
 * - any other column takes a JSON string's contents, or the JSON text of a number, boolean,
 *   object or array, through the type's input function (`[1,2,3]` for a vector column).
 *
 * json is read as text (json_text.ts: the values' source text, spacing kept), jsonb as its tree.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Value } from '../../storage/table.js';
import { Jsonb, JsonbObject, formatJsonbValue, quoteJsonString, type JsonbValue } from '../../types/jsonb.js';
import { jsonItemText, jsonTopLevel } from '../../types/json_text.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';
import type { TimeZone } from '../../types/timezone.js';
import { elemTypeOf, isArrayType, valueFromText, type ArraySqlType, type RegCatalog, type SqlType } from '../analyze/types.js';

/** A declared column: its name, type and typmod. */
export interface RecordColumn {
  name: string;
  type: SqlType;
  typmod: number;
}

/** One JSON value, from either representation. */
type Node =
  | { kind: 'null' }
  | { kind: 'string'; value: string; text: string }
  | { kind: 'other'; text: string }
  | { kind: 'array'; text: string; items: () => Node[] }
  | { kind: 'object'; text: string; jsonb?: JsonbValue };

function jsonbNode(v: JsonbValue): Node {
  if (v === null) return { kind: 'null' };
  if (typeof v === 'string') return { kind: 'string', value: v, text: formatJsonbValue(v) };
  if (Array.isArray(v)) return { kind: 'array', text: formatJsonbValue(v), items: () => v.map(jsonbNode) };
  if (v instanceof JsonbObject) return { kind: 'object', text: formatJsonbValue(v), jsonb: v };
  return { kind: 'other', text: formatJsonbValue(v) };
}

function jsonNode(text: string): Node {
  const t = text.trim();
  if (t === 'null') return { kind: 'null' };
  if (t.startsWith('"')) {
    // A json column takes the string escaped again (escape_json), not as written.
    const value = jsonItemText(t)!;
    return { kind: 'string', value, text: quoteJsonString(value) };
  }
  if (t.startsWith('[')) return { kind: 'array', text, items: () => jsonTopLevel(t).items.map((i) => jsonNode(i.text)) };
  if (t.startsWith('{')) return { kind: 'object', text };
  return { kind: 'other', text: t };
}

const invalid = (message: string): PgError => new PgError(SQLSTATE.invalid_parameter_value, message);

/**
 * The rows of `fname` over its non-NULL argument `v` (jsonb as {@link Jsonb}, json as its
 * text), with columns `cols`.
 * @throws PgError 22023 for a document of the wrong shape (PostgreSQL's texts), 22P02
 *   `expected JSON array` / `malformed JSON array` for an array column, and the input
 *   functions' errors (22P02, 22001, ...).
 */
export function jsonRecordRows(fname: string, v: Jsonb | string, cols: readonly RecordColumn[], zone: TimeZone, reg?: RegCatalog): Value[][] {
  const set = fname.endsWith('recordset');
  const objects: Map<string, Node>[] = [];
  if (v instanceof Jsonb) {
    const root = v.root;
    if (set) {
      if (!Array.isArray(root)) throw invalid(`cannot call ${fname} on a non-array`);
      for (const el of root) {
        if (!(el instanceof JsonbObject)) throw invalid(`argument of ${fname} must be an array of objects`);
        objects.push(jsonbMembers(el));
      }
    } else {
      if (!(root instanceof JsonbObject)) throw invalid(`cannot call populate_composite on ${Array.isArray(root) ? 'an array' : 'a scalar'}`);
      objects.push(jsonbMembers(root));
    }
  } else {
    const top = jsonTopLevel(v);
    if (set) {
      if (top.kind !== 'array') throw invalid(`cannot call ${fname} on ${top.kind === 'object' ? 'an object' : 'a scalar'}`);
      for (const item of top.items) {
        if (!item.text.trim().startsWith('{')) throw invalid(`argument of ${fname} must be an array of objects`);
        objects.push(jsonMembers(item.text));
      }
    } else {
      if (top.kind !== 'object') throw invalid(`cannot call populate_composite on ${top.kind === 'array' ? 'an array' : 'a scalar'}`);
      objects.push(jsonMembers(v));
    }
  }
  return objects.map((members) => cols.map((c) => fieldValue(members.get(c.name), c, zone, reg)));
}

function jsonbMembers(o: JsonbObject): Map<string, Node> {
  const m = new Map<string, Node>();
  o.keys.forEach((k, i) => m.set(k, jsonbNode(o.values[i]!)));
  return m;
}

/** An object's members by name, the last of a repeated name winning (json keeps them all). */
function jsonMembers(text: string): Map<string, Node> {
  const m = new Map<string, Node>();
  for (const item of jsonTopLevel(text).items) m.set(item.key!, jsonNode(item.text));
  return m;
}

/** populate_record_field: one column's value from its member (undefined: none). */
function fieldValue(n: Node | undefined, c: RecordColumn, zone: TimeZone, reg?: RegCatalog): Value {
  if (n === undefined || n.kind === 'null') return null;
  if (c.type === 'json') return n.text;
  if (c.type === 'jsonb') return n.kind === 'object' && n.jsonb !== undefined ? new Jsonb(n.jsonb) : valueFromText(n.text, 'jsonb', -1, zone, reg);
  if (isArrayType(c.type)) {
    if (n.kind === 'string') return valueFromText(n.value, c.type, c.typmod, zone, reg);
    if (n.kind !== 'array') throw new PgError(SQLSTATE.invalid_text_representation, 'expected JSON array', { hint: `See the value of key "${c.name}".` });
    return populateArray(n, c, zone, reg);
  }
  return valueFromText(n.kind === 'string' ? n.value : n.text, c.type, c.typmod, zone, reg);
}

/**
 * populate_array: a JSON array as an array of the column's element type; its dimensions are
 * those of its first elements, and every sub-array must match them.
 */
function populateArray(n: Extract<Node, { kind: 'array' }>, c: RecordColumn, zone: TimeZone, reg?: RegCatalog): PgArray {
  const elemType = elemTypeOf(c.type as ArraySqlType);
  const dims: number[] = [];
  for (let x: Node = n; x.kind === 'array'; ) {
    const items = x.items();
    dims.push(items.length);
    if (items.length === 0) break;
    x = items[0]!;
  }
  // An empty array at any depth is the empty array.
  if (dims.includes(0)) return new PgArray(elemType, [], []);
  const elems: ArrayElement[] = [];
  const walk = (x: Node, depth: number, path: string): void => {
    if (depth === dims.length) {
      elems.push(x.kind === 'null' ? null : (valueFromText(x.kind === 'string' ? x.value : x.text, elemType, c.typmod, zone, reg) as ArrayElement));
      return;
    }
    if (x.kind !== 'array') throw new PgError(SQLSTATE.invalid_text_representation, 'expected JSON array', { hint: `See the array element ${path} of key "${c.name}".` });
    const items = x.items();
    if (items.length !== dims[depth]) {
      throw new PgError(SQLSTATE.invalid_text_representation, 'malformed JSON array', { detail: 'Multidimensional arrays must have sub-arrays with matching dimensions.' });
    }
    items.forEach((it, i) => walk(it, depth + 1, `${path}[${i}]`));
  };
  walk(n, 0, '');
  return new PgArray(elemType, dims, elems);
}
