/**
 * pgvector's operators and functions over vector, halfvec, sparsevec and bit as overload sets,
 * and the resolution PostgreSQL applies to pick one (parse_func.c func_select_candidate and
 * parse_oper.c oper_select_candidate, reduced to the type categories vecgres has):
 *
 *   1. candidates whose every argument is the same type, an unknown literal / parameter, or
 *      reachable by an implicit cast (pgvector: vector -> halfvec -> sparsevec, vector ->
 *      sparsevec; PostgreSQL: bit <-> varbit, numeric promotions);
 *   2. for an operator with one unknown side, first the exact match taking the unknown as the
 *      other side's type (binary_oper_exact);
 *   3. most exact matches; then most preferred types where coercion is needed (varbit, float8,
 *      text);
 *   4. unknown arguments: a position where the remaining candidates disagree on the type
 *      category (pgvector's types are all category U with no preferred type) is ambiguous.
 *
 * So `l2_norm(vector)` is "not unique" (halfvec and sparsevec both accept a vector), `vector
 * <-> halfvec` compares as halfvec, and `'[1,2]' <-> '[3,4]'` is "operator is not unique".
 * Sources: pgvector 0.8.7 sql/vector.sql (CREATE FUNCTION / OPERATOR / CAST lines).
 */
import { jsonbSet, jsonbInsert, jsonbSetLax } from '../../types/jsonb_set.js';
import type { Value } from '../../storage/table.js';
import type { TimeZone } from '../../types/timezone.js';
import type { Prng } from '../../common/prng.js';
import type { Fn1, Fn2 } from './expr.js';
import { type SqlType, type ArrayElemSqlType, castContext, isNumeric, isArrayType, ARRAY_ELEM_TYPES } from './types.js';
import { hasEnumElements } from '../../types/enum_value.js';
import {
  l2Distance, innerProduct, negativeInnerProduct, cosineDistance, l1Distance, vectorDims, vectorNorm, l2Normalize,
  vectorAdd, vectorSub, vectorMul, vectorCmp, subvector, vectorConcat, vectorBinaryQuantize,
} from '../../types/vector.js';
import {
  halfvecL2Distance, halfvecInnerProduct, halfvecNegativeInnerProduct, halfvecCosineDistance, halfvecL1Distance, halfvecDims,
  halfvecNorm, halfvecL2Normalize, halfvecAdd, halfvecSub, halfvecMul, halfvecConcat, halfvecBinaryQuantize, halfvecSubvector,
  halfvecCmp,
} from '../../types/halfvec.js';
import {
  type SparseVector, sparsevecL2Distance, sparsevecInnerProduct, sparsevecNegativeInnerProduct, sparsevecCosineDistance,
  sparsevecL1Distance, sparsevecNorm, sparsevecL2Normalize, sparsevecCmp,
} from '../../types/sparsevec.js';
import { type BitString, hammingDistance, jaccardDistance, bitCmp, bitConcat, bitBitwise, bitShift } from '../../types/bit.js';
import { intBitwise } from '../../types/int.js';
import type { PgArray } from '../../types/pgarray.js';
import { elementComparator, elementEquality, arrayComparator, arrayContainCompare } from './array_ops.js';
import {
  type Jsonb, jsonbField, jsonbElement, jsonbAsText, jsonbPath, jsonbContains, jsonbCmp, jsonbExists, jsonbConcat, jsonbDeleteKey,
  jsonbDeleteIndex, jsonbValueEquals, jsonbTypeof, jsonbArrayLength, jsonbStripNulls, jsonbPretty,
} from '../../types/jsonb.js';
import { jsonField, jsonElement, jsonAsText, jsonPath, jsonTypeof, jsonArrayLength, jsonStripNulls } from '../../types/json_text.js';
import {
  type Numeric, numericRound, numericTrunc, numericCeil, numericFloor, numericDivTrunc, numericMod, numericSign,
} from '../../types/numeric.js';
import { registerTextFunctions, registerMathFunctions } from './builtin_functions.js';
import { registerDatetimeOperators, registerDatetimeFunctions, DATETIME_CMP } from './datetime_functions.js';
import { rint } from '../../common/rint.js';

/**
 * A strict implementation over non-null arguments. `ctx` is the running statement: the
 * session's time zone (the TimeZone setting) for the date/time functions that read it, and
 * the session's settings for the few functions that read them (current_setting), and the
 * executing session's seeded random stream (random(), gen_random_uuid()).
 */
/**
 * An n-ary function's implementation. `ctx.floatDigits` is the executing session's
 * extra_float_digits (absent: 1), for functions that print real / double precision values.
 */
export type FnN = (args: Value[], ctx: { setting?(name: string): string; readonly zone: TimeZone; readonly floatDigits?: number; readonly env?: { readonly random: Prng } }) => Value;

export interface Overload {
  args: readonly SqlType[];
  result: SqlType;
  /** Implementation for one or two arguments (op1 / op2 nodes) or any count (fn nodes). */
  impl: Fn1 | Fn2 | FnN;
  /** True when `impl` takes the argument array (three or more arguments). */
  nary?: boolean;
  /** Array arguments take only their own array type (anyarray), never one cast to it. */
  exactArrays?: true;
  /** An n-ary function that is not strict: `impl` sees NULL arguments (quote_nullable). */
  strict?: false;
}

type V = Float32Array;
type H = Uint16Array;
type S = SparseVector;
type B = BitString;

const ops = new Map<string, Overload[]>();
const funcs = new Map<string, Overload[]>();

function add(map: Map<string, Overload[]>, name: string, o: Overload): void {
  let list = map.get(name);
  if (list === undefined) map.set(name, (list = []));
  list.push(o);
}

function cmpOps(type: SqlType, cmp: (a: Value, b: Value) => number, exactArrays?: true, into = ops): void {
  const x = exactArrays === true ? { exactArrays } : {};
  add(into, '=', { args: [type, type], result: 'bool', ...x, impl: (a: Value, b: Value) => cmp(a, b) === 0 });
  add(into, '<>', { args: [type, type], result: 'bool', ...x, impl: (a: Value, b: Value) => cmp(a, b) !== 0 });
  add(into, '<', { args: [type, type], result: 'bool', ...x, impl: (a: Value, b: Value) => cmp(a, b) < 0 });
  add(into, '<=', { args: [type, type], result: 'bool', ...x, impl: (a: Value, b: Value) => cmp(a, b) <= 0 });
  add(into, '>', { args: [type, type], result: 'bool', ...x, impl: (a: Value, b: Value) => cmp(a, b) > 0 });
  add(into, '>=', { args: [type, type], result: 'bool', ...x, impl: (a: Value, b: Value) => cmp(a, b) >= 0 });
}

/** The comparison behind ORDER BY and btree order for each vector-family type. */
export const TYPE_CMP: Partial<Record<SqlType, (a: Value, b: Value) => number>> = {
  vector: (a, b) => vectorCmp(a as V, b as V),
  halfvec: (a, b) => halfvecCmp(a as H, b as H),
  sparsevec: (a, b) => sparsevecCmp(a as S, b as S),
  bit: (a, b) => bitCmp(a as B, b as B),
  varbit: (a, b) => bitCmp(a as B, b as B),
  jsonb: (a, b) => jsonbCmp(a as J, b as J),
  ...DATETIME_CMP,
};

function distances(type: SqlType, l2: Function, ip: Function, nip: Function, cos: Function, l1: Function): void {
  const d = (f: Function) => f as (a: Value, b: Value) => Value;
  add(ops, '<->', { args: [type, type], result: 'float8', impl: d(l2) });
  add(ops, '<#>', { args: [type, type], result: 'float8', impl: d(nip) });
  add(ops, '<=>', { args: [type, type], result: 'float8', impl: d(cos) });
  add(ops, '<+>', { args: [type, type], result: 'float8', impl: d(l1) });
  add(funcs, 'l2_distance', { args: [type, type], result: 'float8', impl: d(l2) });
  add(funcs, 'inner_product', { args: [type, type], result: 'float8', impl: d(ip) });
  add(funcs, 'cosine_distance', { args: [type, type], result: 'float8', impl: d(cos) });
  add(funcs, 'l1_distance', { args: [type, type], result: 'float8', impl: d(l1) });
}

distances('vector', l2Distance, innerProduct, negativeInnerProduct, cosineDistance, l1Distance);
distances('halfvec', halfvecL2Distance, halfvecInnerProduct, halfvecNegativeInnerProduct, halfvecCosineDistance, halfvecL1Distance);
distances('sparsevec', sparsevecL2Distance, sparsevecInnerProduct, sparsevecNegativeInnerProduct, sparsevecCosineDistance, sparsevecL1Distance);
for (const t of ['vector', 'halfvec', 'sparsevec', 'bit', 'varbit'] as const) cmpOps(t, TYPE_CMP[t]!);

const vArith: [string, (a: V, b: V) => V, string][] = [['+', vectorAdd, 'vector_add'], ['-', vectorSub, 'vector_sub'], ['*', vectorMul, 'vector_mul'], ['||', vectorConcat, 'vector_concat']];
for (const [op, f, name] of vArith) {
  const o: Overload = { args: ['vector', 'vector'], result: 'vector', impl: f as (a: Value, b: Value) => Value };
  add(ops, op, o);
  add(funcs, name, o);
}
const hArith: [string, (a: H, b: H) => H, string][] = [['+', halfvecAdd, 'halfvec_add'], ['-', halfvecSub, 'halfvec_sub'], ['*', halfvecMul, 'halfvec_mul'], ['||', halfvecConcat, 'halfvec_concat']];
for (const [op, f, name] of hArith) {
  const o: Overload = { args: ['halfvec', 'halfvec'], result: 'halfvec', impl: f as (a: Value, b: Value) => Value };
  add(ops, op, o);
  add(funcs, name, o);
}
add(ops, '||', { args: ['varbit', 'varbit'], result: 'varbit', impl: (a: Value, b: Value) => bitConcat(a as B, b as B) });
// Bitwise operators of bit strings (bit_and ... bitshiftright) and integers (int2and ...
// int8shr); the shift count is an integer. `~` is a prefix operator, resolved by the analyzer.
for (const op of ['&', '|', '#'] as const) {
  add(ops, op, { args: ['bit', 'bit'], result: 'bit', impl: (a: Value, b: Value) => bitBitwise(op, a as B, b as B) });
  for (const [t, w] of [['int2', 16], ['int4', 32], ['int8', 64]] as const) add(ops, op, { args: [t, t], result: t, impl: (a: Value, b: Value) => intBitwise(op, w, a as number | bigint, b as number | bigint) });
}
for (const op of ['<<', '>>'] as const) {
  add(ops, op, { args: ['bit', 'int4'], result: 'bit', impl: (a: Value, b: Value) => bitShift(a as B, b as number, op === '<<') });
  for (const [t, w] of [['int2', 16], ['int4', 32], ['int8', 64]] as const) add(ops, op, { args: [t, 'int4'], result: t, impl: (a: Value, b: Value) => intBitwise(op, w, a as number | bigint, b as number | bigint) });
}
/** The bitwise operators (over integers and bit strings), resolved among the overloads. */
export const BITWISE_OPERATORS = new Set(['&', '|', '#', '<<', '>>']);
add(ops, '<~>', { args: ['bit', 'bit'], result: 'float8', impl: (a: Value, b: Value) => hammingDistance(a as B, b as B) });
add(ops, '<%>', { args: ['bit', 'bit'], result: 'float8', impl: (a: Value, b: Value) => jaccardDistance(a as B, b as B) });
add(funcs, 'hamming_distance', { args: ['bit', 'bit'], result: 'float8', impl: (a: Value, b: Value) => hammingDistance(a as B, b as B) });
add(funcs, 'jaccard_distance', { args: ['bit', 'bit'], result: 'float8', impl: (a: Value, b: Value) => jaccardDistance(a as B, b as B) });

add(funcs, 'vector_dims', { args: ['vector'], result: 'int4', impl: vectorDims as (a: Value) => Value });
add(funcs, 'vector_dims', { args: ['halfvec'], result: 'int4', impl: halfvecDims as (a: Value) => Value });
add(funcs, 'vector_norm', { args: ['vector'], result: 'float8', impl: vectorNorm as (a: Value) => Value });
add(funcs, 'l2_norm', { args: ['halfvec'], result: 'float8', impl: halfvecNorm as (a: Value) => Value });
add(funcs, 'l2_norm', { args: ['sparsevec'], result: 'float8', impl: sparsevecNorm as (a: Value) => Value });
add(funcs, 'l2_normalize', { args: ['vector'], result: 'vector', impl: l2Normalize as (a: Value) => Value });
add(funcs, 'l2_normalize', { args: ['halfvec'], result: 'halfvec', impl: halfvecL2Normalize as (a: Value) => Value });
add(funcs, 'l2_normalize', { args: ['sparsevec'], result: 'sparsevec', impl: sparsevecL2Normalize as (a: Value) => Value });
add(funcs, 'binary_quantize', { args: ['vector'], result: 'bit', impl: vectorBinaryQuantize as (a: Value) => Value });
add(funcs, 'binary_quantize', { args: ['halfvec'], result: 'bit', impl: halfvecBinaryQuantize as (a: Value) => Value });
add(funcs, 'subvector', { args: ['vector', 'int4', 'int4'], result: 'vector', nary: true, impl: (a: Value[]) => subvector(a[0] as V, a[1] as number, a[2] as number) });
add(funcs, 'subvector', { args: ['halfvec', 'int4', 'int4'], result: 'halfvec', nary: true, impl: (a: Value[]) => halfvecSubvector(a[0] as H, a[1] as number, a[2] as number) });
add(funcs, 'vector_cmp', { args: ['vector', 'vector'], result: 'int4', impl: TYPE_CMP.vector! });
add(funcs, 'halfvec_cmp', { args: ['halfvec', 'halfvec'], result: 'int4', impl: TYPE_CMP.halfvec! });
add(funcs, 'sparsevec_cmp', { args: ['sparsevec', 'sparsevec'], result: 'int4', impl: TYPE_CMP.sparsevec! });

// PostgreSQL's rounding functions over numeric (exact, types/numeric.ts) and double
// precision (C's rint / trunc / ceil / floor); an integer argument resolves to the double
// precision form (float8 is the preferred numeric type), as in PostgreSQL.
type N = Numeric;
const num1: [string, (a: N) => N][] = [['round', (a) => numericRound(a)], ['trunc', (a) => numericTrunc(a)], ['ceil', numericCeil], ['ceiling', numericCeil], ['floor', numericFloor]];
for (const [name, f] of num1) add(funcs, name, { args: ['numeric'], result: 'numeric', impl: f as (a: Value) => Value });
add(funcs, 'round', { args: ['numeric', 'int4'], result: 'numeric', impl: (a: Value, b: Value) => numericRound(a as N, b as number) });
add(funcs, 'trunc', { args: ['numeric', 'int4'], result: 'numeric', impl: (a: Value, b: Value) => numericTrunc(a as N, b as number) });
add(funcs, 'div', { args: ['numeric', 'numeric'], result: 'numeric', impl: (a: Value, b: Value) => numericDivTrunc(a as N, b as N) });
add(funcs, 'mod', { args: ['numeric', 'numeric'], result: 'numeric', impl: (a: Value, b: Value) => numericMod(a as N, b as N) });
add(funcs, 'sign', { args: ['numeric'], result: 'numeric', impl: (a: Value) => numericSign(a as N) });
const f8: [string, (x: number) => number][] = [['round', rint], ['trunc', Math.trunc], ['ceil', Math.ceil], ['ceiling', Math.ceil], ['floor', Math.floor], ['sign', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0)]];
// -0 prints as "-0" for float8, as PostgreSQL's ceil(-0.5) does.
for (const [name, f] of f8) add(funcs, name, { args: ['float8'], result: 'float8', impl: f as (a: Value) => Value });

// jsonb's operators (jsonb_ops, jsonfuncs.c) and functions. -> and ->> with a text key or an
// integer index, #> / #>> with a text[] path, containment, key existence, || and -.
type J = Jsonb;
const textArray = (a: Value) => (a as PgArray).elems as (string | null)[];
/**
 * The path operators of jsonb and of json: `->` by key or index, `->>` the same as text,
 * `#>` / `#>>` by a path. `field`, `element` and `path` return the sub-value (null where it
 * leads nowhere), `asText` turns one into `->>`'s text.
 */
function pathOperators<T extends Value>(type: 'jsonb' | 'json', field: (j: T, k: string) => T | null, element: (j: T, i: number) => T | null,
  path: (j: T, p: (string | null)[]) => T | null, asText: (j: T | null) => string | null): void {
  add(ops, '->', { args: [type, 'text'], result: type, impl: (a: Value, b: Value) => field(a as T, b as string) });
  add(ops, '->', { args: [type, 'int4'], result: type, impl: (a: Value, b: Value) => element(a as T, b as number) });
  add(ops, '->>', { args: [type, 'text'], result: 'text', impl: (a: Value, b: Value) => asText(field(a as T, b as string)) });
  add(ops, '->>', { args: [type, 'int4'], result: 'text', impl: (a: Value, b: Value) => asText(element(a as T, b as number)) });
  add(ops, '#>', { args: [type, 'text[]'], result: type, impl: (a: Value, b: Value) => path(a as T, textArray(b)) });
  add(ops, '#>>', { args: [type, 'text[]'], result: 'text', impl: (a: Value, b: Value) => asText(path(a as T, textArray(b))) });
}
pathOperators<J>('jsonb', jsonbField, jsonbElement, jsonbPath, jsonbAsText);
add(ops, '@>', { args: ['jsonb', 'jsonb'], result: 'bool', impl: (a: Value, b: Value) => jsonbContains(a as J, b as J) });
add(ops, '<@', { args: ['jsonb', 'jsonb'], result: 'bool', impl: (a: Value, b: Value) => jsonbContains(b as J, a as J) });
add(ops, '?', { args: ['jsonb', 'text'], result: 'bool', impl: (a: Value, b: Value) => jsonbExists(a as J, b as string) });
add(ops, '?|', { args: ['jsonb', 'text[]'], result: 'bool', impl: (a: Value, b: Value) => textArray(b).some((k) => k !== null && jsonbExists(a as J, k)) });
add(ops, '?&', { args: ['jsonb', 'text[]'], result: 'bool', impl: (a: Value, b: Value) => textArray(b).every((k) => k === null || jsonbExists(a as J, k)) });
add(ops, '||', { args: ['jsonb', 'jsonb'], result: 'jsonb', impl: (a: Value, b: Value) => jsonbConcat(a as J, b as J) });
add(ops, '-', { args: ['jsonb', 'text'], result: 'jsonb', impl: (a: Value, b: Value) => jsonbDeleteKey(a as J, b as string) });
add(ops, '-', { args: ['jsonb', 'int4'], result: 'jsonb', impl: (a: Value, b: Value) => jsonbDeleteIndex(a as J, b as number) });
add(ops, '-', { args: ['jsonb', 'text[]'], result: 'jsonb', impl: (a: Value, b: Value) => textArray(b).reduce((j: J, k) => (k === null ? j : jsonbDeleteKey(j, k)), a as J) });
add(ops, '=', { args: ['jsonb', 'jsonb'], result: 'bool', impl: (a: Value, b: Value) => jsonbValueEquals((a as J).root, (b as J).root) });
add(ops, '<>', { args: ['jsonb', 'jsonb'], result: 'bool', impl: (a: Value, b: Value) => !jsonbValueEquals((a as J).root, (b as J).root) });
// The ordering operators by jsonb's B-tree order (`=` and `<>` above agree with it, faster).
add(ops, '<', { args: ['jsonb', 'jsonb'], result: 'bool', impl: (a: Value, b: Value) => jsonbCmp(a as J, b as J) < 0 });
add(ops, '<=', { args: ['jsonb', 'jsonb'], result: 'bool', impl: (a: Value, b: Value) => jsonbCmp(a as J, b as J) <= 0 });
add(ops, '>', { args: ['jsonb', 'jsonb'], result: 'bool', impl: (a: Value, b: Value) => jsonbCmp(a as J, b as J) > 0 });
add(ops, '>=', { args: ['jsonb', 'jsonb'], result: 'bool', impl: (a: Value, b: Value) => jsonbCmp(a as J, b as J) >= 0 });
add(funcs, 'jsonb_typeof', { args: ['jsonb'], result: 'text', impl: (a: Value) => jsonbTypeof(a as J) });
add(funcs, 'jsonb_array_length', { args: ['jsonb'], result: 'int4', impl: (a: Value) => jsonbArrayLength(a as J) });
// jsonb_strip_nulls / json_strip_nulls with and without strip_in_arrays (a default in PostgreSQL 18).
add(funcs, 'jsonb_strip_nulls', { args: ['jsonb'], result: 'jsonb', impl: (a: Value) => jsonbStripNulls(a as J, false) });
add(funcs, 'jsonb_strip_nulls', { args: ['jsonb', 'bool'], result: 'jsonb', impl: (a: Value, b: Value) => jsonbStripNulls(a as J, b as boolean) });
add(funcs, 'jsonb_pretty', { args: ['jsonb'], result: 'text', impl: (a: Value) => jsonbPretty(a as J) });
// json's own operators and functions (a json value is its source text): what they return is
// the source span of the sub-value, never a re-printed one.
pathOperators<string>('json', jsonField, jsonElement, jsonPath, jsonAsText);
add(funcs, 'json_typeof', { args: ['json'], result: 'text', impl: (a: Value) => jsonTypeof(a as string) });
add(funcs, 'json_array_length', { args: ['json'], result: 'int4', impl: (a: Value) => jsonArrayLength(a as string) });
add(funcs, 'json_strip_nulls', { args: ['json'], result: 'json', impl: (a: Value) => jsonStripNulls(a as string, false) });
add(funcs, 'json_strip_nulls', { args: ['json', 'bool'], result: 'json', impl: (a: Value, b: Value) => jsonStripNulls(a as string, b as boolean) });
// jsonb_set / jsonb_insert, with and without their trailing boolean (a default in PostgreSQL).
for (const [name, f] of [['jsonb_set', jsonbSet], ['jsonb_insert', jsonbInsert]] as const) {
  add(funcs, name, { args: ['jsonb', 'text[]', 'jsonb'], result: 'jsonb', nary: true, impl: (a: Value[]) => f(a[0] as J, textArray(a[1]!), a[2] as J) });
  add(funcs, name, { args: ['jsonb', 'text[]', 'jsonb', 'bool'], result: 'jsonb', nary: true, impl: (a: Value[]) => f(a[0] as J, textArray(a[1]!), a[2] as J, a[3] as boolean) });
}

// jsonb_set_lax: not strict (a NULL new_value is handled by the treatment); its defaults are
// create_if_missing true and null_value_treatment 'use_json_null'.
{
  const lax = (a: Value[]): Value =>
    jsonbSetLax(a[0] as J | null, a[1] === null ? null : textArray(a[1]!), a[2] as J | null, a[3] as boolean | null | undefined, a[4] as string | null | undefined);
  for (const args of [['jsonb', 'text[]', 'jsonb'], ['jsonb', 'text[]', 'jsonb', 'bool'], ['jsonb', 'text[]', 'jsonb', 'bool', 'text']] as SqlType[][]) {
    add(funcs, 'jsonb_set_lax', { args, result: 'jsonb', nary: true, strict: false, impl: lax });
  }
}
registerTextFunctions((name, o) => add(funcs, name, o));
for (const t of ['timestamp', 'timestamptz', 'date', 'time', 'timetz', 'interval'] as const) cmpOps(t, TYPE_CMP[t]!);
registerDatetimeOperators((name, o) => add(ops, name, o));
registerDatetimeFunctions((name, o) => add(funcs, name, o));
registerMathFunctions((name, o) => add(funcs, name, o));
// `^` is power() as an operator (dpow, numeric_power): the same two overloads.
for (const o of funcs.get('power') ?? []) add(ops, '^', o);

/** Operators that exist only for jsonb and json (besides jsonb's ||, -, =, <>). */
export const JSONB_OPERATORS = new Set(['->', '->>', '#>', '#>>', '@>', '<@', '?', '?|', '?&']);

// Arrays: comparisons (array_eq / array_cmp ... as anyarray operators), containment and
// overlap (arraycontains, arraycontained, arrayoverlap), one overload per element type; both
// sides must be the same array type, as for PostgreSQL's anyarray. `||` is resolved by the
// analyzer (array_cat / array_append / array_prepend are anycompatible and not strict).
// The built-in element types' operators are made here; an enum type's, when first asked for.
function arrayOperators(e: ArrayElemSqlType, into: Map<string, Overload[]>): ((a: Value, b: Value) => number) | undefined {
  const arr = `${e}[]` as SqlType;
  const cmp = elementComparator(e);
  const eq = elementEquality(e);
  let c: ((a: Value, b: Value) => number) | undefined;
  if (cmp !== null) {
    c = arrayComparator(cmp);
    cmpOps(arr, c, true, into);
  } else if (eq !== null) {
    add(into, '=', { args: [arr, arr], result: 'bool', exactArrays: true, impl: (a: Value, b: Value) => arrayEquals(a as PgArray, b as PgArray, eq) });
    add(into, '<>', { args: [arr, arr], result: 'bool', exactArrays: true, impl: (a: Value, b: Value) => !arrayEquals(a as PgArray, b as PgArray, eq) });
  }
  if (eq === null) return c;
  add(into, '@>', { args: [arr, arr], result: 'bool', exactArrays: true, impl: (a: Value, b: Value) => arrayContainCompare(a as PgArray, b as PgArray, eq, true) });
  add(into, '<@', { args: [arr, arr], result: 'bool', exactArrays: true, impl: (a: Value, b: Value) => arrayContainCompare(b as PgArray, a as PgArray, eq, true) });
  add(into, '&&', { args: [arr, arr], result: 'bool', exactArrays: true, impl: (a: Value, b: Value) => arrayContainCompare(a as PgArray, b as PgArray, eq, false) });
  return c;
}

for (const e of ARRAY_ELEM_TYPES) {
  const c = arrayOperators(e, ops);
  if (c !== undefined) TYPE_CMP[`${e}[]`] = c;
}

/** The operators and array_cmp of each enum type's array type, made on first use. */
const enumArrayOps = new Map<SqlType, { ops: Map<string, Overload[]>; cmp: ((a: Value, b: Value) => number) | undefined }>();

function enumArrayOperators(arr: SqlType): { ops: Map<string, Overload[]>; cmp: ((a: Value, b: Value) => number) | undefined } {
  let o = enumArrayOps.get(arr);
  if (o === undefined) {
    const m = new Map<string, Overload[]>();
    o = { ops: m, cmp: arrayOperators(arr.slice(0, -2) as ArrayElemSqlType, m) };
    enumArrayOps.set(arr, o);
  }
  return o;
}

/** True for the array type of an enum type. */
function isEnumArray(t: SqlType): boolean {
  return isArrayType(t) && hasEnumElements(t);
}

/** array_cmp of array type `arr` (ORDER BY, min / max), or undefined when its elements have no order. */
export function arrayTypeComparator(arr: SqlType): ((a: Value, b: Value) => number) | undefined {
  return isEnumArray(arr) ? enumArrayOperators(arr).cmp : TYPE_CMP[arr];
}

/** array_eq over an element type without an ordering (jsonb): same shape, elements equal (NULL = NULL). */
function arrayEquals(a: PgArray, b: PgArray, eq: (x: Value, y: Value) => boolean): boolean {
  if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false;
  return a.elems.every((x, i) => {
    const y = b.elems[i]!;
    return x === null || y === null ? x === y : eq(x as Value, y as Value);
  });
}

/**
 * Operators vecgres resolves here (the others are the analyzer's built-in scalar ones);
 * `operands`: the operand types, whose enum array types add their own (anyarray) operators.
 */
export function operatorOverloads(op: string, ...operands: SqlType[]): readonly Overload[] {
  const base = ops.get(op) ?? [];
  const extra = operands.filter((t, i) => isEnumArray(t) && operands.indexOf(t) === i).flatMap((t) => enumArrayOperators(t).ops.get(op) ?? []);
  return extra.length === 0 ? base : [...base, ...extra];
}

/** pgvector's functions by name (lower case), or undefined when `name` is not one. */
export function functionOverloads(name: string): readonly Overload[] | undefined {
  return funcs.get(name);
}

/** Operators that exist only for pgvector's types. */
export const VECTOR_ONLY_OPERATORS = new Set(['<->', '<#>', '<=>', '<+>', '<~>', '<%>']);

type Category = 'N' | 'V' | 'S' | 'B' | 'U' | 'A' | 'D' | 'T';

function category(t: SqlType): Category {
  if (isNumeric(t)) return 'N';
  if (t === 'date' || t === 'timestamp' || t === 'timestamptz' || t === 'time' || t === 'timetz') return 'D';
  if (t === 'interval') return 'T';
  if (t === 'bit' || t === 'varbit') return 'V';
  if (t === 'text' || t === 'unknown') return 'S';
  if (t === 'bool') return 'B';
  if (isArrayType(t)) return 'A';
  return 'U';
}

function preferred(t: SqlType): boolean {
  return t === 'float8' || t === 'varbit' || t === 'text' || t === 'timestamptz' || t === 'interval';
}

/** The outcome of overload resolution. */
export type Resolution = { ok: true; overload: Overload } | { ok: false; ambiguous: boolean };

/**
 * Picks the overload of `candidates` for actual argument types `actual` ('unknown' for an
 * untyped literal or parameter), as PostgreSQL does (see the module comment).
 */
export function resolveOverload(candidates: readonly Overload[], actual: readonly SqlType[], isOperator: boolean): Resolution {
  // Array parameters are polymorphic in PostgreSQL (anycompatiblearray): they take arrays
  // and literals, never a value that only casts to an array (vector -> real[]).
  let cands = candidates.filter((c) => c.args.length === actual.length && c.args.every((t, i) => {
    const a = actual[i]!;
    if (isArrayType(t) && !isArrayType(a) && a !== 'unknown') return false;
    if (c.exactArrays === true && isArrayType(a) && a !== t) return false;
    return a === t || a === 'unknown' || castContext(a, t) === 'implicit';
  }));
  if (cands.length === 0) return { ok: false, ambiguous: false };
  if (cands.length === 1) return { ok: true, overload: cands[0]! };
  if (isOperator && actual.length === 2) {
    const known = actual[0] === 'unknown' ? actual[1]! : actual[1] === 'unknown' ? actual[0]! : null;
    if (known !== null && known !== 'unknown') {
      const exact = cands.find((c) => c.args[0] === known && c.args[1] === known);
      if (exact !== undefined) return { ok: true, overload: exact };
    }
  }
  const exactCount = (c: Overload) => c.args.reduce((n, t, i) => n + (actual[i] === t ? 1 : 0), 0);
  const best = Math.max(...cands.map(exactCount));
  cands = cands.filter((c) => exactCount(c) === best);
  if (cands.length === 1) return { ok: true, overload: cands[0]! };
  // Exact matches or preferred types of the input's own category at the typed positions
  // (func_select_candidate: no preference for a cross-category conversion, none at unknowns).
  const prefCount = (c: Overload) =>
    c.args.reduce((n, t, i) => n + (actual[i] !== 'unknown' && (actual[i] === t || (preferred(t) && category(t) === category(actual[i]!))) ? 1 : 0), 0);
  const bestPref = Math.max(...cands.map(prefCount));
  cands = cands.filter((c) => prefCount(c) === bestPref);
  if (cands.length === 1) return { ok: true, overload: cands[0]! };
  // Unknown arguments: the candidates must agree on a category at each unknown position (the
  // string category wins a conflict); when they do not, go on to the last step unfiltered.
  const slots: { i: number; cat: Category; hasPreferred: boolean }[] = [];
  let resolved = true;
  for (let i = 0; i < actual.length && resolved; i++) {
    if (actual[i] !== 'unknown') continue;
    const cats = new Set(cands.map((c) => category(c.args[i]!)));
    const cat: Category | null = cats.has('S') ? 'S' : cats.size === 1 ? [...cats][0]! : null;
    if (cat === null) resolved = false;
    else slots.push({ i, cat, hasPreferred: cands.some((c) => category(c.args[i]!) === cat && preferred(c.args[i]!)) });
  }
  if (resolved && slots.length > 0) {
    cands = cands.filter((c) => slots.every((s) => category(c.args[s.i]!) === s.cat && (!s.hasPreferred || preferred(c.args[s.i]!))));
    if (cands.length === 1) return { ok: true, overload: cands[0]! };
  }
  // All known arguments of one type: assume the unknown ones are that type too.
  const known = [...new Set(actual.filter((t) => t !== 'unknown'))];
  if (known.length === 1 && actual.includes('unknown')) {
    const k = known[0]!;
    const fit = cands.filter((c) => c.args.every((t, i) => actual[i] !== 'unknown' || t === k || castContext(k, t) === 'implicit'));
    if (fit.length === 1) return { ok: true, overload: fit[0]! };
  }
  return { ok: false, ambiguous: true };
}
