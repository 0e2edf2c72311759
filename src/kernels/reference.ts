/**
 * Plain TypeScript reference kernels over float32 data, accumulating in float32 in index
 * order exactly as pgvector's C functions do (`float distance = 0.0; distance += ...`), so the
 * SQL functions built on them print the same values as pgvector. The SIMD kernels are checked
 * against these.
 *
 * Arguments: `a`/`b` arrays, `aOff`/`bOff` element offsets, `dim` element count.
 */
const f = Math.fround;

/** pgvector VectorL2SquaredDistance: sum of squared differences, float32 accumulation. */
export function l2SquaredRef(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const d = f(a[aOff + i]! - b[bOff + i]!);
    s = f(s + f(d * d));
  }
  return s;
}

/** pgvector VectorInnerProduct: float32 accumulation. */
export function dotRef(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s = f(s + f(a[aOff + i]! * b[bOff + i]!));
  return s;
}

/** pgvector l1_distance: float32 accumulation of |a - b|. */
export function l1Ref(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s = f(s + Math.abs(f(a[aOff + i]! - b[bOff + i]!)));
  return s;
}

/**
 * pgvector cosine_distance: similarity = dot / sqrt(norma * normb) in double from float32 sums,
 * NaN when either norm is zero, clamped to [-1, 1]; returns 1 - similarity.
 */
export function cosineDistanceRef(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let sim = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < dim; i++) {
    const x = a[aOff + i]!;
    const y = b[bOff + i]!;
    sim = f(sim + f(x * y));
    na = f(na + f(x * x));
    nb = f(nb + f(y * y));
  }
  return cosineFromSums(sim, na, nb);
}

/**
 * The end of every cosine_distance in pgvector (vector, halfvec, sparsevec): similarity =
 * `dot` / sqrt(`normSqA` * `normSqB`) in double, clamped to [-1, 1] because rounding can push
 * it past; returns 1 - similarity. A zero norm gives NaN, which passes through the clamp.
 */
export function cosineFromSums(dot: number, normSqA: number, normSqB: number): number {
  let s = dot / Math.sqrt(normSqA * normSqB);
  if (s > 1) s = 1;
  else if (s < -1) s = -1;
  return 1 - s;
}

/** pgvector vector_norm: sqrt of a double-precision sum of squares. */
export function normRef(a: Float32Array, aOff: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const x = a[aOff + i]!;
    s += x * x;
  }
  return Math.sqrt(s);
}
