/**
 * Reference kernels over sparse vectors (sorted, unique 0-based int32 indices with float32
 * values), matching pgvector 0.8.7's src/sparsevec.c: one merge over the two index lists, terms
 * added in merged index order; L1, L2, inner product and the cosine norms accumulate in
 * float32, l2_norm in double.
 *
 * Arguments: `ai`/`av` indices and values of a (same length), `bi`/`bv` of b.
 */
import { cosineFromSums } from './reference.js';

const f = Math.fround;

/** SparsevecL2SquaredDistance: squared differences where both are set, squares elsewhere. */
export function sparseL2SquaredRef(ai: Int32Array, av: Float32Array, bi: Int32Array, bv: Float32Array): number {
  const na = ai.length;
  const nb = bi.length;
  let s = 0;
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    const x = i < na ? ai[i]! : 0x7fffffff;
    const y = j < nb ? bi[j]! : 0x7fffffff;
    if (x === y) {
      const d = f(av[i++]! - bv[j++]!);
      s = f(s + f(d * d));
    } else if (x < y) {
      const v = av[i++]!;
      s = f(s + f(v * v));
    } else {
      const v = bv[j++]!;
      s = f(s + f(v * v));
    }
  }
  return s;
}

/** SparsevecInnerProduct: float32 sum of products over the shared indices. */
export function sparseDotRef(ai: Int32Array, av: Float32Array, bi: Int32Array, bv: Float32Array): number {
  const na = ai.length;
  const nb = bi.length;
  let s = 0;
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const x = ai[i]!;
    const y = bi[j]!;
    if (x === y) s = f(s + f(av[i++]! * bv[j++]!));
    else if (x < y) i++;
    else j++;
  }
  return s;
}

/** sparsevec l1_distance: float32 sum of |differences| (|values| where one is unset). */
export function sparseL1Ref(ai: Int32Array, av: Float32Array, bi: Int32Array, bv: Float32Array): number {
  const na = ai.length;
  const nb = bi.length;
  let s = 0;
  let i = 0;
  let j = 0;
  while (i < na || j < nb) {
    const x = i < na ? ai[i]! : 0x7fffffff;
    const y = j < nb ? bi[j]! : 0x7fffffff;
    if (x === y) s = f(s + Math.abs(f(av[i++]! - bv[j++]!)));
    else if (x < y) s = f(s + Math.abs(av[i++]!));
    else s = f(s + Math.abs(bv[j++]!));
  }
  return s;
}

/** Float32 sum of squares in index order (the norms inside sparsevec cosine_distance). */
export function sparseNormSquaredF32(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s = f(s + f(v[i]! * v[i]!));
  return s;
}

/**
 * sparsevec cosine_distance: float32 dot and norms, quotient in double, clamped to [-1, 1];
 * NaN for a zero norm.
 */
export function sparseCosineDistanceRef(ai: Int32Array, av: Float32Array, bi: Int32Array, bv: Float32Array): number {
  return cosineFromSums(sparseDotRef(ai, av, bi, bv), sparseNormSquaredF32(av), sparseNormSquaredF32(bv));
}

/** sparsevec l2_norm: sqrt of a double-precision sum of squares. */
export function sparseNormRef(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}
