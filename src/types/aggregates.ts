/**
 * The `avg` and `sum` aggregates over vector and halfvec, as pure accumulators with the
 * init/step/final shape of a PostgreSQL aggregate (pgvector 0.8's vector_accum / vector_avg /
 * vector_add and halfvec_accum / halfvec_avg / halfvec_add):
 *
 * - avg keeps a double-precision state [count, sum_1..sum_d] (like float4_accum): each input
 *   element is widened to double and added; the final value divides in double and rounds to
 *   float32 (then to half for halfvec).
 * - sum is the running `+` of the type itself: float32 for vector, half for halfvec (so a
 *   halfvec sum rounds to half after every row, exactly as pgvector's sum(halfvec)).
 *
 * NULL inputs are skipped by the executor (the transition functions are strict); `final`
 * returns null for no rows, as SQL requires.
 */
import { HALF_TO_F32 } from '../kernels/half.js';
import { checkHalfElement, checkHalfvecDim, float4ToHalf, halfvecAdd } from './halfvec.js';
import { checkDim, checkElement, vectorAdd } from './vector.js';
import { checkExpectedDim, overflowError } from './dims.js';

/** An aggregate's transition state machine; `State` is opaque to the executor. */
export interface Aggregate<In, Out, State> {
  /** The initial state (before any row). */
  init(): State;
  /** Folds one non-null input into the state; may return a new state object. */
  step(state: State, value: In): State;
  /** The result for the rows seen, or null when there were none. */
  final(state: State): Out | null;
}

/** avg state: `n` rows and the double-precision sums (null before the first row). */
export interface AvgState {
  n: number;
  sums: Float64Array | null;
}

function accum(state: AvgState, dim: number, at: (i: number) => number): AvgState {
  if (state.sums === null) {
    const sums = new Float64Array(dim);
    for (let i = 0; i < dim; i++) sums[i] = at(i);
    return { n: state.n + 1, sums };
  }
  checkExpectedDim(state.sums.length, dim);
  const sums = state.sums;
  for (let i = 0; i < dim; i++) {
    const v = sums[i]! + at(i);
    if (v === Infinity || v === -Infinity) throw overflowError();
    sums[i] = v;
  }
  state.n++;
  return state;
}

/**
 * avg(vector). step @throws PgError 22000 `expected N dimensions, not M`, 22003 `value out of
 * range: overflow` (a double sum overflowing); final @throws 22000 `infinite value not allowed
 * in vector` (a mean beyond float32).
 */
export const vectorAvg: Aggregate<Float32Array, Float32Array, AvgState> = {
  init: () => ({ n: 0, sums: null }),
  step: (s, v) => accum(s, v.length, (i) => v[i]!),
  final(s) {
    if (s.n === 0 || s.sums === null) return null;
    checkDim(s.sums.length);
    const r = new Float32Array(s.sums.length);
    for (let i = 0; i < r.length; i++) {
      r[i] = s.sums[i]! / s.n;
      checkElement(r[i]!);
    }
    return r;
  },
};

/**
 * avg(halfvec). step errors as {@link vectorAvg}; final @throws 22003 `"<x>" is out of range
 * for type halfvec` when a mean rounds past the half range.
 */
export const halfvecAvg: Aggregate<Uint16Array, Uint16Array, AvgState> = {
  init: () => ({ n: 0, sums: null }),
  step: (s, v) => accum(s, v.length, (i) => HALF_TO_F32[v[i]!]!),
  final(s) {
    if (s.n === 0 || s.sums === null) return null;
    checkHalfvecDim(s.sums.length);
    const r = new Uint16Array(s.sums.length);
    for (let i = 0; i < r.length; i++) {
      r[i] = float4ToHalf(Math.fround(s.sums[i]! / s.n));
      checkHalfElement(r[i]!);
    }
    return r;
  },
};

/** sum(vector): float32 `+` row by row. step @throws 22000 `different vector dimensions A and B`, 22003 overflow */
export const vectorSum: Aggregate<Float32Array, Float32Array, Float32Array | null> = {
  init: () => null,
  step: (s, v) => (s === null ? v.slice() : vectorAdd(s, v)),
  final: (s) => s,
};

/** sum(halfvec): half `+` row by row. step @throws 22000 `different halfvec dimensions A and B`, 22003 overflow */
export const halfvecSum: Aggregate<Uint16Array, Uint16Array, Uint16Array | null> = {
  init: () => null,
  step: (s, v) => (s === null ? v.slice() : halfvecAdd(s, v)),
  final: (s) => s,
};
