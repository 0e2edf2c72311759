/**
 * PostgreSQL's ordered-set aggregates (orderedsetaggs.c), `name(direct) WITHIN GROUP (ORDER BY x)`:
 *
 *   percentile_cont(float8) WITHIN GROUP (ORDER BY float8 | interval) -> float8 | interval
 *   percentile_cont(float8[]) WITHIN GROUP (ORDER BY float8 | interval) -> float8[] | interval[]
 *   percentile_disc(float8) WITHIN GROUP (ORDER BY anyelement) -> anyelement
 *   percentile_disc(float8[]) WITHIN GROUP (ORDER BY anyelement) -> anyarray
 *   mode() WITHIN GROUP (ORDER BY anyelement) -> anyelement
 *
 * The aggregated values reach the transition in the WITHIN GROUP order: the executor sorts an
 * aggregate's inputs by its ORDER BY (as for `array_agg(x ORDER BY x)`) and skips NULLs (all
 * three are strict in x), so the state is the sorted non-NULL values. The direct argument
 * (the fraction) is not an aggregate input: PostgreSQL evaluates it once per group, in the
 * final function, where only grouped columns may appear. Here the percentile's final
 * function is an ordinary function over the fraction and the sorted values, evaluated on the
 * group's output row ({@link percentileFinal}).
 *
 * The hypothetical-set aggregates (orderedsetaggs.c hypothetical_rank_final and the others)
 * place a hypothetical row, their direct arguments, among the group's rows in the WITHIN GROUP
 * order (any number of keys, NULLs included and placed by NULLS FIRST / LAST):
 *
 *   rank(args) WITHIN GROUP (ORDER BY keys) -> bigint          1 + rows before it
 *   dense_rank(args) WITHIN GROUP (ORDER BY keys) -> bigint    1 + distinct rows before it
 *   percent_rank(args) WITHIN GROUP (ORDER BY keys) -> float8  (rank - 1) / rows, 0 over none
 *   cume_dist(args) WITHIN GROUP (ORDER BY keys) -> float8     (rows not after it + 1) / (rows + 1)
 *
 * where a row equal to the hypothetical one on every key is not before it. The state is the
 * group's key tuples in the WITHIN GROUP order ({@link hypotheticalRows}); the direct
 * arguments, like the fraction, are evaluated once per group by the final function
 * ({@link hypotheticalFinal}).
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { Value } from '../../storage/table.js';
import type { Aggregate } from '../../types/aggregates.js';
import { formatG } from '../../types/float.js';
import { type Interval, intervalAdd, intervalMul, intervalSub } from '../../types/interval.js';
import { PgArray, type ArrayElement } from '../../types/pgarray.js';

/** The ordered-set aggregates this module computes. */
export const ORDERED_SET_AGGREGATE_NAMES: ReadonlySet<string> = new Set(['percentile_cont', 'percentile_disc', 'mode']);

/** The hypothetical-set aggregates: window functions as well, ordered-set aggregates with WITHIN GROUP. */
export const HYPOTHETICAL_SET_AGGREGATE_NAMES: ReadonlySet<string> = new Set(['rank', 'dense_rank', 'percent_rank', 'cume_dist']);

/**
 * The aggregate whose state is its (non-NULL) inputs in arrival order, which the executor
 * makes the WITHIN GROUP order; over no rows an empty list, not NULL, so the final function
 * still checks the fraction (percentile_cont(1.5) over no rows is an error in PostgreSQL).
 */
export function sortedValues(): Aggregate<Value, Value, Value[]> {
  return {
    init: () => [],
    step(s, v) {
      s.push(v);
      return s;
    },
    final: (s) => s as unknown as Value,
  };
}

/**
 * mode(): the most frequent input, ties going to the first in the WITHIN GROUP order, equal
 * meaning `cmp(a, b) === 0` (the type's btree equality: -0 = 0, NaN = NaN, 1.0 = 1.00); the
 * value returned is the first of its run. NULL over no rows (mode_final).
 */
export function modeAggregate(cmp: (a: Value, b: Value) => number): Aggregate<Value, Value, Value[]> {
  return {
    init: () => [],
    step(s, v) {
      s.push(v);
      return s;
    },
    final(s) {
      let mode: Value = null;
      let modeFreq = 0;
      let last: Value = null;
      let lastFreq = 0;
      for (let i = 0; i < s.length; i++) {
        const v = s[i]!;
        if (i > 0 && cmp(v, last) === 0) lastFreq++;
        else {
          last = v;
          lastFreq = 1;
        }
        // Strictly more: an earlier run of the same length keeps the title.
        if (lastFreq > modeFreq) {
          mode = last;
          modeFreq = lastFreq;
        }
      }
      return mode;
    },
  };
}

/** 22003 `percentile value 1.5 is not between 0 and 1` (the fraction as C's %g prints it). */
function fractionOutOfRange(p: number): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, `percentile value ${formatG(p, 6)} is not between 0 and 1`);
}

function checkFraction(p: number): void {
  if (!(p >= 0 && p <= 1)) throw fractionOutOfRange(p);
}

/** float8_lerp / interval_lerp: `lo + pct * (hi - lo)`, in PostgreSQL's operation order. */
function lerp(kind: 'float8' | 'interval', lo: Value, hi: Value, pct: number): Value {
  if (kind === 'float8') return (lo as number) + pct * ((hi as number) - (lo as number));
  return intervalAdd(intervalMul(intervalSub(hi as Interval, lo as Interval), pct), lo as Interval);
}

/** percentile_cont of `sorted` (n > 0) at fraction `p` in [0, 1]. */
function contAt(kind: 'float8' | 'interval', sorted: readonly Value[], p: number): Value {
  const pos = p * (sorted.length - 1);
  const first = Math.floor(pos);
  const second = Math.ceil(pos);
  if (first === second) return sorted[first]!;
  return lerp(kind, sorted[first]!, sorted[second]!, pos - first);
}

/** percentile_disc of `sorted` (n > 0) at `p`: the first value whose cumulative position reaches p (row ceil(p * n), at least 1). */
function discAt(sorted: readonly Value[], p: number): Value {
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

/**
 * The final function of percentile_cont (`kind` float8 or interval, the sorted type) or
 * percentile_disc (`kind` null), called with the fraction (not NULL: the call is strict) and
 * the group's sorted values ({@link sortedValues}).
 *
 * Scalar fraction (percentile_cont_final_common / percentile_disc_final): the fraction is
 * checked first, then no values give NULL. Array of fractions (the _multi_final functions):
 * no values give NULL first, then each element is checked; a NULL element gives a NULL
 * element, and the result has the fractions' dimensions, elements of `elemType`.
 *
 * @throws PgError 22003 `percentile value %g is not between 0 and 1` for a fraction outside
 *   [0, 1] or NaN; 22008 `interval out of range` when interval interpolation overflows.
 */
export function percentileFinal(kind: 'float8' | 'interval' | null, elemType: string | null): (fraction: Value, sorted: Value) => Value {
  const at = (s: readonly Value[], p: number): Value => (kind === null ? discAt(s, p) : contAt(kind, s, p));
  if (elemType === null) {
    return (fraction, sorted) => {
      const p = fraction as number;
      checkFraction(p);
      const s = sorted as unknown as Value[];
      return s.length === 0 ? null : at(s, p);
    };
  }
  return (fraction, sorted) => {
    const s = sorted as unknown as Value[];
    if (s.length === 0) return null;
    const ps = fraction as PgArray;
    for (const p of ps.elems) if (p !== null) checkFraction(p as number);
    const out = ps.elems.map((p) => (p === null ? null : at(s, p as number))) as ArrayElement[];
    return new PgArray(elemType, ps.dims, out);
  };
}

/** The result type of each hypothetical-set aggregate. */
export const HYPOTHETICAL_SET_RESULT: Readonly<Record<string, 'int8' | 'float8'>> = { rank: 'int8', dense_rank: 'int8', percent_rank: 'float8', cume_dist: 'float8' };

/** One WITHIN GROUP key of a hypothetical-set aggregate: its direction, NULLs placement and comparison. */
export interface HypotheticalKey {
  readonly desc: boolean;
  readonly nullsFirst: boolean;
  readonly cmp: (a: Value, b: Value) => number;
}

/**
 * A hypothetical-set aggregate's state: each row's WITHIN GROUP key values (NULLs included,
 * the aggregate is not strict), in the WITHIN GROUP order. `sortKeys` asks the executor to
 * fold a row's sort key values rather than its argument; over no rows an empty list, so the
 * final function answers for a group of none (rank 1), as PostgreSQL does.
 */
export function hypotheticalRows(): Aggregate<Value[], Value, Value[][]> & { readonly sortKeys: true } {
  return {
    sortKeys: true,
    init: () => [],
    step(s, keys) {
      s.push(keys);
      return s;
    },
    final: (s) => s as unknown as Value,
  };
}

/** `a` against `b` on one key in its sort order: NULLs equal to each other, first or last. */
function keyCmp(a: Value, b: Value, k: HypotheticalKey): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === k.nullsFirst ? -1 : 1;
  }
  const c = k.cmp(a, b);
  return k.desc ? -c : c;
}

/**
 * The final function of hypothetical-set aggregate `name` over WITHIN GROUP `keys`: called
 * with the hypothetical row (the direct arguments, each possibly NULL) and the group's sorted
 * key tuples ({@link hypotheticalRows}). As hypothetical_rank_common counts the rows a sort
 * puts before the hypothetical row (tagged to go before its equals for rank, after them for
 * cume_dist), and hypothetical_dense_rank_final counts only rows unequal to their predecessor.
 */
export function hypotheticalFinal(name: string, keys: readonly HypotheticalKey[]): (hypothetical: readonly Value[], rows: Value) => Value {
  const rowCmp = (a: readonly Value[], b: readonly Value[]): number => {
    for (let i = 0; i < keys.length; i++) {
      const c = keyCmp(a[i]!, b[i]!, keys[i]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  return (hypothetical, state) => {
    const rows = state as unknown as Value[][];
    const n = rows.length;
    let before = 0;
    let distinctBefore = 0;
    let notAfter = 0;
    for (let i = 0; i < n; i++) {
      const c = rowCmp(rows[i]!, hypothetical);
      if (c <= 0) notAfter++;
      if (c >= 0) continue;
      before++;
      // The rows before the hypothetical one lead the sorted list: a new value starts a group.
      if (i === 0 || rowCmp(rows[i]!, rows[i - 1]!) !== 0) distinctBefore++;
    }
    switch (name) {
      case 'rank':
        return before + 1;
      case 'dense_rank':
        return distinctBefore + 1;
      case 'percent_rank':
        return n === 0 ? 0 : before / n;
      default:
        return (notAfter + 1) / (n + 1);
    }
  };
}
