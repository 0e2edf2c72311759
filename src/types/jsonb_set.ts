/**
 * `jsonb_set(target, path, new_value [, create_if_missing])` and `jsonb_insert(target, path,
 * new_value [, insert_after])` (PostgreSQL's jsonfuncs.c setPath / setPathObject /
 * setPathArray): follow `path` (object keys, array indexes as text, negative from the end)
 * and replace, create or insert the value at its last element. A path that leads through a
 * missing key or a scalar leaves the target unchanged.
 */
import { PgError, SQLSTATE } from '../common/errors.js';
import { Jsonb, JsonbObject, jsonbPathIndex, makeObject, type JsonbValue } from './jsonb.js';

/** What happens at the path's last element (PostgreSQL's JB_PATH_* flags). */
type Op = 'create' | 'replace' | 'insert_before' | 'insert_after' | 'delete';

const INT_MIN = -2147483648;

function setPath(v: JsonbValue, path: readonly (string | null)[], level: number, newval: JsonbValue, op: Op): JsonbValue {
  if (path[level] === null) throw new PgError(SQLSTATE.null_value_not_allowed, `path element at position ${level + 1} is null`);
  if (v instanceof JsonbObject) return setPathObject(v, path, level, newval, op);
  if (Array.isArray(v)) return setPathArray(v, path, level, newval, op);
  return v;
}

function setPathObject(o: JsonbObject, path: readonly (string | null)[], level: number, newval: JsonbValue, op: Op): JsonbValue {
  const key = path[level]!;
  const last = level === path.length - 1;
  const i = o.keys.indexOf(key);
  if (i < 0) {
    if (!last || op === 'replace' || op === 'delete') return o;
    const pairs: [string, JsonbValue][] = o.keys.map((k, j) => [k, o.values[j]!]);
    pairs.push([key, newval]);
    return makeObject(pairs);
  }
  if (last && op === 'delete') {
    return new JsonbObject(o.keys.filter((_k, j) => j !== i), o.values.filter((_v, j) => j !== i));
  }
  if (last && op !== 'create' && op !== 'replace') {
    throw new PgError(SQLSTATE.invalid_parameter_value, 'cannot replace existing key', { hint: 'Try using the function jsonb_set to replace key value.' });
  }
  const values = o.values.slice();
  values[i] = last ? newval : setPath(values[i]!, path, level + 1, newval, op);
  return new JsonbObject(o.keys, values);
}

function setPathArray(a: readonly JsonbValue[], path: readonly (string | null)[], level: number, newval: JsonbValue, op: Op): JsonbValue {
  const n = a.length;
  const c = path[level]!;
  let idx = jsonbPathIndex(c);
  if (idx === null) throw new PgError(SQLSTATE.invalid_text_representation, `path element at position ${level + 1} is not an integer: "${c}"`);
  if (idx < 0) idx = -idx > n ? INT_MIN : n + idx;
  if (idx > n) idx = n;
  const last = level === path.length - 1;
  const creates = op !== 'replace' && op !== 'delete';
  if ((idx === INT_MIN || n === 0) && last && creates) return [newval, ...a];
  if (idx >= 0 && idx < n) {
    const out = a.slice();
    if (!last) out[idx] = setPath(a[idx]!, path, level + 1, newval, op);
    else if (op === 'create' || op === 'replace') out[idx] = newval;
    else if (op === 'delete') out.splice(idx, 1);
    else out.splice(op === 'insert_before' ? idx : idx + 1, 0, newval);
    return out;
  }
  // Past the end (or before the start without creating): append when creating at the last level.
  return creates && last ? [...a, newval] : (a as JsonbValue[]);
}

function checkTarget(j: Jsonb): void {
  const r = j.root;
  if (!(r instanceof JsonbObject) && !Array.isArray(r)) throw new PgError(SQLSTATE.invalid_parameter_value, 'cannot set path in scalar');
}

/**
 * jsonb_set. @throws PgError 22023 `cannot set path in scalar`, 22004 `path element at
 * position N is null`, 22P02 `path element at position N is not an integer: "x"`.
 */
export function jsonbSet(j: Jsonb, path: readonly (string | null)[], newval: Jsonb, create = true): Jsonb {
  checkTarget(j);
  const r = j.root;
  const empty = r instanceof JsonbObject ? r.keys.length === 0 : (r as JsonbValue[]).length === 0;
  if ((empty && !create) || path.length === 0) return j;
  return new Jsonb(setPath(r, path, 0, newval.root, create ? 'create' : 'replace'));
}

/**
 * jsonb_insert. @throws as {@link jsonbSet}, and 22023 `cannot replace existing key` (hint
 * `Try using the function jsonb_set to replace key value.`) for an existing object key.
 */
export function jsonbInsert(j: Jsonb, path: readonly (string | null)[], newval: Jsonb, after = false): Jsonb {
  checkTarget(j);
  if (path.length === 0) return j;
  return new Jsonb(setPath(j.root, path, 0, newval.root, after ? 'insert_after' : 'insert_before'));
}

/**
 * `target #- path` (jsonb_delete_path): the target without the element the path leads to;
 * unchanged when it leads nowhere, the path is empty or the target has no elements.
 * @throws PgError 22023 `cannot delete path in scalar`; the path errors of {@link jsonbSet}.
 */
export function jsonbDeletePath(j: Jsonb, path: readonly (string | null)[]): Jsonb {
  const r = j.root;
  if (!(r instanceof JsonbObject) && !Array.isArray(r)) throw new PgError(SQLSTATE.invalid_parameter_value, 'cannot delete path in scalar');
  const empty = r instanceof JsonbObject ? r.keys.length === 0 : r.length === 0;
  if (empty || path.length === 0) return j;
  return new Jsonb(setPath(r, path, 0, null, 'delete'));
}

function badTreatment(): PgError {
  return new PgError(SQLSTATE.invalid_parameter_value, 'null_value_treatment must be "delete_key", "return_target", "use_json_null", or "raise_exception"');
}

/**
 * jsonb_set_lax(target, path, new_value [, create_if_missing [, null_value_treatment]])
 * (jsonfuncs.c jsonb_set_lax), not strict: NULL when target, path or create_if_missing is
 * NULL; jsonb_set when new_value is not NULL; else by the treatment: `use_json_null` (the
 * default) sets JSON null, `delete_key` deletes the path (#-), `return_target` returns the
 * target, `raise_exception` raises.
 * @throws PgError 22023 `null_value_treatment must be ...` for a NULL treatment, or an unknown
 *   one with a NULL new_value; 22004 `JSON value must not be null` (with PostgreSQL's DETAIL
 *   and HINT) for `raise_exception`; the errors of {@link jsonbSet} / {@link jsonbDeletePath}.
 */
export function jsonbSetLax(
  j: Jsonb | null, path: readonly (string | null)[] | null, newval: Jsonb | null, create: boolean | null = true, treatment: string | null = 'use_json_null',
): Jsonb | null {
  if (j === null || path === null || create === null) return null;
  if (treatment === null) throw badTreatment();
  if (newval !== null) return jsonbSet(j, path, newval, create);
  switch (treatment) {
    case 'raise_exception':
      throw new PgError(SQLSTATE.null_value_not_allowed, 'JSON value must not be null', {
        detail: 'Exception was raised because null_value_treatment is "raise_exception".',
        hint: 'To avoid, either change the null_value_treatment argument or ensure that an SQL NULL is not passed.',
      });
    case 'use_json_null':
      return jsonbSet(j, path, new Jsonb(null), create);
    case 'delete_key':
      return jsonbDeletePath(j, path);
    case 'return_target':
      return j;
    default:
      throw badTreatment();
  }
}

/** 22023 for a path that continues into a scalar (setPath under JB_PATH_FILL_GAPS). */
function scalarInPath(): PgError {
  return new PgError(SQLSTATE.invalid_parameter_value, 'cannot replace existing key', {
    detail: 'The path assumes key is a composite object, but it is a scalar value.',
  });
}

/** `n` JSON nulls (push_null_elements: none for n <= 0). */
function nulls(n: number): JsonbValue[] {
  return n > 0 ? new Array<JsonbValue>(n).fill(null) : [];
}

/**
 * push_path: the chain of containers the path's elements after `level` call for, built
 * around `newval`: an object `{key: ...}` for an element that is not an integer, an array
 * holding `index` nulls and then the rest for one that is.
 */
function pushPath(path: readonly string[], level: number, newval: JsonbValue): JsonbValue {
  let v = newval;
  for (let i = path.length - 1; i > level; i--) {
    const idx = jsonbPathIndex(path[i]!);
    v = idx === null ? makeObject([[path[i]!, v]]) : [...nulls(idx), v];
  }
  return v;
}

/** setPath with JB_PATH_CREATE | JB_PATH_FILL_GAPS | JB_PATH_CONSISTENT_POSITION. */
function fillPath(v: JsonbValue, path: readonly string[], level: number, newval: JsonbValue): JsonbValue {
  const last = level === path.length - 1;
  if (v instanceof JsonbObject) {
    const key = path[level]!;
    const i = v.keys.indexOf(key);
    if (i < 0) {
      const pairs: [string, JsonbValue][] = v.keys.map((k, j) => [k, v.values[j]!]);
      pairs.push([key, last ? newval : pushPath(path, level, newval)]);
      return makeObject(pairs);
    }
    const values = v.values.slice();
    values[i] = last ? newval : fillPath(values[i]!, path, level + 1, newval);
    return new JsonbObject(v.keys, values);
  }
  if (!Array.isArray(v)) throw scalarInPath();
  const n = v.length;
  const c = path[level]!;
  let idx = jsonbPathIndex(c);
  if (idx === null) throw new PgError(SQLSTATE.invalid_text_representation, `path element at position ${level + 1} is not an integer: "${c}"`);
  if (idx < 0) {
    // Prepending would move the elements already there: refused (JB_PATH_CONSISTENT_POSITION).
    if (-idx > n) throw new PgError(SQLSTATE.invalid_parameter_value, `path element at position ${level + 1} is out of range: ${idx}`);
    idx += n;
  }
  if (idx < n) {
    const out = v.slice();
    out[idx] = last ? newval : fillPath(v[idx]!, path, level + 1, newval);
    return out;
  }
  if (last) return n === 0 ? [...nulls(idx), newval] : [...v, ...nulls(idx - n), newval];
  return [...v, ...(idx > 0 ? nulls(idx - n) : []), pushPath(path, level, newval)];
}

/**
 * The jsonb subscript assignment `j[p1]...[pn] = newval` (jsonbsubs.c jsonb_subscript_assign
 * over jsonfuncs.c jsonb_set_element): the path's elements as text; missing keys are added,
 * an array index past the end pads the array with JSON nulls, and a missing part of the path
 * is created as the objects and arrays its elements call for. A NULL `j` starts as `[]` when
 * `expectArray` (the first subscript is an integer), else `{}`.
 * @throws PgError 22023 `cannot replace existing key` (a path through a scalar, or a scalar
 *   document), 22023 `path element at position N is out of range: -M` (a negative index
 *   before the array's start), 22P02 `path element at position N is not an integer: "x"`.
 */
export function jsonbSetElement(j: Jsonb | null, path: readonly string[], newval: JsonbValue, expectArray: boolean): Jsonb {
  const root: JsonbValue = j === null ? (expectArray ? [] : makeObject([])) : j.root;
  if (!(root instanceof JsonbObject) && !Array.isArray(root)) throw scalarInPath();
  return new Jsonb(fillPath(root, path, 0, newval));
}
