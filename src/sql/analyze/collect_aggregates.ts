/**
 * PostgreSQL's collecting and boolean aggregates (array_agg, string_agg, bool_and, bool_or,
 * every), in the init / step / final shape of types/aggregates.ts. array_agg and string_agg
 * are not strict (PostgreSQL's array_agg keeps NULL elements; string_agg skips a NULL value and
 * reads a NULL delimiter as empty), so they are marked `nonStrict` and the executor passes
 * NULLs to them; string_agg's step receives `[value, delimiter]`.
 */
import type { Value } from '../../storage/table.js';
import type { Aggregate } from '../../types/aggregates.js';
import { type ArraySqlType } from './types.js';
import { buildArray } from './expr.js';
import { PgError, SQLSTATE } from '../../common/errors.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';

/** An aggregate the executor calls with NULL inputs too. */
export type MaybeNonStrict = Aggregate<any, any, any> & { nonStrict?: boolean };

/** array_agg(T) -> T[]: the inputs (NULLs included) in input order; NULL over no rows. */
export function arrayAgg(type: ArraySqlType): MaybeNonStrict {
  return {
    nonStrict: true,
    init: (): Value[] | null => null,
    step: (s: Value[] | null, v: Value) => {
      const a = s ?? [];
      a.push(v);
      return a;
    },
    final: (s: Value[] | null) => (s === null ? null : buildArray(type, s.slice())),
  };
}

/**
 * array_agg(T[]) -> T[]: the input arrays as the sub-arrays of one more dimension; NULL over
 * no rows (array_agg_array_transfn / makeMdArrayResult).
 * @throws PgError 22004 `cannot accumulate null arrays`; 2202E `cannot accumulate empty
 *   arrays` and `cannot accumulate arrays of different dimensionality`.
 */
export function arrayAggArray(elemType: string): MaybeNonStrict {
  return {
    nonStrict: true,
    init: (): PgArray[] | null => null,
    step: (s: PgArray[] | null, v: Value) => {
      if (v === null) throw new PgError(SQLSTATE.null_value_not_allowed, 'cannot accumulate null arrays');
      const a = v as PgArray;
      const acc = s ?? [];
      const first = acc[0];
      // The first input may not be empty; a later one must have the first one's shape.
      if (first === undefined && a.ndim === 0) throw new PgError(SQLSTATE.array_subscript_error, 'cannot accumulate empty arrays');
      if (first !== undefined && (first.ndim !== a.ndim || first.dims.some((d, i) => d !== a.dims[i]))) {
        throw new PgError(SQLSTATE.array_subscript_error, 'cannot accumulate arrays of different dimensionality');
      }
      acc.push(a);
      return acc;
    },
    final: (s: PgArray[] | null) => {
      if (s === null) return null;
      const elems: ArrayElement[] = [];
      for (const a of s) for (const x of a.elems) elems.push(x);
      return new PgArray(elemType, [s.length, ...s[0]!.dims], elems);
    },
  };
}

/** string_agg(text, text) -> text: values joined by the delimiter that precedes each (NULL values skipped). */
export const stringAgg: MaybeNonStrict = {
  nonStrict: true,
  init: (): string | null => null,
  step: (s: string | null, pair: [Value, Value]) => {
    const [v, d] = pair;
    if (v === null) return s;
    return s === null ? (v as string) : s + ((d as string | null) ?? '') + (v as string);
  },
  final: (s: string | null) => s,
};

/** bool_and / every: TRUE when every non-NULL input is; NULL over none. */
export const boolAnd: Aggregate<boolean, boolean, boolean | null> = {
  init: () => null,
  step: (s, v) => (s === null ? v : s && v),
  final: (s) => s,
};

/** bool_or: TRUE when some non-NULL input is; NULL over none. */
export const boolOr: Aggregate<boolean, boolean, boolean | null> = {
  init: () => null,
  step: (s, v) => (s === null ? v : s || v),
  final: (s) => s,
};
