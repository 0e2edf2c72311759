/**
 * GIN entries: the keys an indexed value is filed under and the entries a query needs, per
 * operator class (PostgreSQL's extractValue / extractQuery support functions of jsonb_ops,
 * jsonb_path_ops and array_ops; src/backend/utils/adt/jsonb_gin.c and access/gin/ginarrayproc.c).
 *
 * An entry is a string. Two values the operator treats as equal always give the same entry
 * (numbers are normalized), so the rows a query's entries select are a superset of the rows
 * that match; the heap scan rechecks the operator on each (as PostgreSQL's GIN scans of these
 * operator classes mostly do), so an entry shared by unequal values only costs a recheck.
 *
 * - `jsonb_ops`: every object key (`K`), every scalar (`S` string, `N` number, `B` boolean,
 *   `Z` null) at any depth, and the top-level keys and top-level string elements (`T`), which
 *   `?`, `?|` and `?&` look up. `@>` needs the entries of every key and scalar of the query.
 * - `jsonb_path_ops`: one entry per scalar with the object keys on its path (array levels
 *   skipped, as jsonb_path_ops hashes them); `@>` needs each of the query's.
 * - `array_ops`: one entry per non-NULL element; `&&` needs any, `@>` all, `<@` any or an
 *   empty array, `=` all (or an empty array when the query has no element).
 */
import { Jsonb, JsonbObject, type JsonbValue } from '../../types/jsonb.js';
import { Numeric } from '../../types/numeric.js';
import { PgArray } from '../../types/pgarray.js';
import { EnumValue } from '../../types/enum_value.js';
import type { Value } from '../../storage/table.js';
import type { ScanKeyOp } from '../am.js';

/** The operator classes GIN has. */
export type GinOpclass = 'jsonb_ops' | 'jsonb_path_ops' | 'array_ops';

/**
 * What a query needs of the index: rows with every entry (`all`; with no entry, every row
 * with a value), rows with any entry (`any`; with none, no row), and, for `<@` and `=` on
 * arrays, also the rows holding an empty array (`empty`).
 */
export interface GinQuery {
  mode: 'all' | 'any';
  entries: string[];
  empty: boolean;
}

/** Built-in element types whose values are equal exactly when their entries are (array_ops); enum types' are too. */
export const GIN_ARRAY_ELEMENT_TYPES: ReadonlySet<string> = new Set([
  'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bool', 'uuid', 'date', 'timestamp', 'timestamptz',
]);

/** A scalar's entry text: a number by its double value (1.0 and 1 are one entry; -0 is 0). */
function scalarText(v: Value | JsonbValue): string {
  if (v instanceof Numeric) return `N${String(Number(v.toString()) + 0)}`;
  if (typeof v === 'number') return `N${String(v + 0)}`;
  if (typeof v === 'bigint') return `N${String(Number(v))}`;
  if (typeof v === 'boolean') return `B${v ? 't' : 'f'}`;
  if (typeof v === 'string') return `S${v}`;
  // An enum value by its label's oid, which RENAME VALUE keeps.
  if (v instanceof EnumValue) return `E${v.oid}`;
  if (v === null) return 'Z';
  return `O${String(v)}`;
}

/** jsonb_ops: every key and scalar at any depth. */
function jsonbOpsEntries(v: JsonbValue, out: Set<string>): void {
  if (v instanceof JsonbObject) {
    for (let i = 0; i < v.keys.length; i++) {
      out.add(`K${v.keys[i]!}`);
      jsonbOpsEntries(v.values[i]!, out);
    }
  } else if (Array.isArray(v)) {
    for (const x of v) jsonbOpsEntries(x, out);
  } else {
    out.add(scalarText(v));
  }
}

/** The `?` entries of a jsonb: its top-level keys, top-level string elements, or the string itself. */
function topLevelEntries(v: JsonbValue, out: Set<string>): void {
  if (v instanceof JsonbObject) {
    for (const k of v.keys) out.add(`T${k}`);
  } else if (Array.isArray(v)) {
    for (const x of v) {
      if (typeof x === 'string') out.add(`T${x}`);
    }
  } else if (typeof v === 'string') {
    out.add(`T${v}`);
  }
}

/** jsonb_path_ops: each scalar with the keys of its path. */
function pathEntries(v: JsonbValue, path: string[], out: Set<string>): void {
  if (v instanceof JsonbObject) {
    for (let i = 0; i < v.keys.length; i++) {
      path.push(v.keys[i]!);
      pathEntries(v.values[i]!, path, out);
      path.pop();
    }
  } else if (Array.isArray(v)) {
    for (const x of v) pathEntries(x, path, out);
  } else {
    out.add(`P${JSON.stringify(path)}${scalarText(v)}`);
  }
}

/** The entries a non-NULL indexed value is filed under (extractValue). */
export function valueEntries(opclass: GinOpclass, v: Value): string[] {
  const out = new Set<string>();
  if (opclass === 'array_ops') {
    for (const e of (v as PgArray).elems) if (e !== null) out.add(scalarText(e as Value));
  } else if (opclass === 'jsonb_ops') {
    const root = (v as Jsonb).root;
    jsonbOpsEntries(root, out);
    topLevelEntries(root, out);
  } else {
    pathEntries((v as Jsonb).root, [], out);
  }
  return [...out];
}

/** True when `v` (non-NULL) is an array without elements: `<@` and `=` may match it with no entry. */
export function isEmptyValue(opclass: GinOpclass, v: Value): boolean {
  return opclass === 'array_ops' && (v as PgArray).elems.length === 0;
}

/** The operators each operator class answers (its pg_amop strategies). */
export const GIN_OPERATORS: Readonly<Record<GinOpclass, readonly ScanKeyOp[]>> = {
  jsonb_ops: ['@>', '?', '?|', '?&'],
  jsonb_path_ops: ['@>'],
  array_ops: ['&&', '@>', '<@', '='],
};

/**
 * What `col op value` needs of the index (extractQuery), `value` non-NULL; null when no row
 * can match (an array `@>` holding NULL: NULL elements never match).
 */
export function queryEntries(opclass: GinOpclass, op: ScanKeyOp, value: Value): GinQuery | null {
  if (opclass === 'array_ops') {
    const elems = (value as PgArray).elems;
    const entries = [...new Set(elems.filter((e) => e !== null).map((e) => scalarText(e as Value)))];
    switch (op) {
      case '&&': return { mode: 'any', entries, empty: false };
      case '@>': return elems.includes(null) ? null : { mode: 'all', entries, empty: false };
      case '<@': return { mode: 'any', entries, empty: true };
      // `=`: the elements all present; an empty query array equals only empty arrays.
      default: return elems.length === 0 ? { mode: 'any', entries: [], empty: true } : { mode: 'all', entries, empty: false };
    }
  }
  if (op === '?') return { mode: 'all', entries: [`T${value as string}`], empty: false };
  if (op === '?|' || op === '?&') {
    // NULL keys are skipped, as jsonb_exists_any / jsonb_exists_all skip them.
    const keys = (value as PgArray).elems.filter((e) => e !== null).map((e) => `T${e as string}`);
    return { mode: op === '?|' ? 'any' : 'all', entries: [...new Set(keys)], empty: false };
  }
  // `@>`: every key and scalar of the query (jsonb_ops) or every path to a scalar (jsonb_path_ops).
  const out = new Set<string>();
  const root = (value as Jsonb).root;
  // A raw scalar on the right of a top-level array is an element of it: its entry is the same.
  if (opclass === 'jsonb_ops') jsonbOpsEntries(root, out);
  else pathEntries(root, [], out);
  return { mode: 'all', entries: [...out], empty: false };
}
