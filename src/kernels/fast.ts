/**
 * The fast distance kernels over float32 vectors stored in a memory (kernels/arena.ts),
 * addressed by byte offset. Each memory has its own set ({@link kernelsOf}, made on first use
 * and cached): an instance of the WebAssembly module importing that memory, since a
 * WebAssembly instance reads one memory. The implementation is picked once, here, at start-up:
 * the 128-bit WebAssembly SIMD build (dist/wasm/kernels.wasm, compiled from
 * assembly/kernels.ts by `npm run build`) or, when VECGRES_KERNELS=js or the module cannot
 * load, plain TypeScript over the same memory.
 *
 * Results are float32 sums in SIMD lane order, so they may differ from the reference kernels
 * (index order) in the last bits: use these for ranking inside indexes and scans, and the
 * reference kernels for values returned to SQL.
 */
import { HALF_TO_F32 } from './half.js';
import { hammingRef, jaccardRef } from './bits.js';
import { compileWasm, instantiateOn } from './wasm_module.js';
import type { Arena } from './arena.js';
import { cosineDistanceRef, cosineFromSums, dotRef, l1Ref, l2SquaredRef } from './reference.js';

/** (aPtr, bPtr, dim) => float32 result; pointers are byte offsets, 4-byte aligned. */
export type PtrKernel = (aPtr: number, bPtr: number, dim: number) => number;

/**
 * (qPtr, rowsPtr, n, dim, outPtr): distances from the query at qPtr to the `n` rows whose byte
 * pointers are the int32 list at rowsPtr, written as float32 to outPtr (n * 4 bytes).
 */
export type ManyKernel = (qPtr: number, rowsPtr: number, n: number, dim: number, outPtr: number) => void;

/**
 * (qPtr, basePtr, count, dim, outPtr): distances from the query to `count` contiguous rows of
 * `dim` float32 starting at basePtr, written as float32 to outPtr (count * 4 bytes).
 */
export type RangeKernel = (qPtr: number, basePtr: number, count: number, dim: number, outPtr: number) => void;

export interface FastKernels {
  readonly name: 'wasm-simd' | 'js';
  /** Squared L2 distance. */
  readonly l2sq: PtrKernel;
  /** Inner product. */
  readonly dot: PtrKernel;
  /** L1 distance. */
  readonly l1: PtrKernel;
  /**
   * Cosine distance 1 - dot / sqrt(|a|^2 |b|^2) from float32 sums, similarity clamped to
   * [-1, 1], NaN for a zero norm (pgvector's cosine_distance, in lane order). Double result.
   */
  readonly cosine: PtrKernel;
  /** Squared L2 to a list of rows. */
  readonly l2sqMany: ManyKernel;
  /** Inner product with a list of rows. */
  readonly dotMany: ManyKernel;
  /** L1 to a list of rows. */
  readonly l1Many: ManyKernel;
  /** Squared L2 to contiguous rows. */
  readonly l2sqRange: RangeKernel;
  /** Inner product with contiguous rows. */
  readonly dotRange: RangeKernel;
  /**
   * halfvec kernels (qPtr, hPtr, dim): the query as `dim` float32 at qPtr, the row as `dim`
   * binary16 at hPtr (pgvector's storage); float32 arithmetic as pgvector's Halfvec*Distance
   * (summation order differs: results agree within rounding). Squared L2, inner product, L1.
   */
  readonly halfL2sq: PtrKernel;
  readonly halfDot: PtrKernel;
  readonly halfL1: PtrKernel;
  /** halfvec cosine distance (query float32, row binary16), clamped, NaN for a zero norm. Double result. */
  readonly halfCosine: PtrKernel;
  /** (aPtr, bPtr, bytes): Hamming distance of two bit strings, an exact integer. */
  readonly hamming: PtrKernel;
  /** (aPtr, bPtr, bytes): Jaccard distance of two bit strings (pgvector's jaccard_distance), double. */
  readonly jaccard: PtrKernel;
  /**
   * Exact kernels: float32 sums in index order as pgvector's C loops, bit-identical to the
   * reference kernels (kernels/reference.ts), so their results are the values SQL prints.
   * Squared L2, inner product, L1 (float32 results) and cosine distance (double).
   */
  readonly exactL2sq: PtrKernel;
  readonly exactDot: PtrKernel;
  readonly exactL1: PtrKernel;
  readonly exactCosine: PtrKernel;
  /**
   * (qmPtr, vPtr, dim): Hamming distance between binary_quantize of the `dim` float32 at vPtr
   * (bit i set when v[i] > 0) and a bit string given as one int32 mask per bit at qmPtr (-1 set,
   * 0 clear; see {@link signMask}). An exact integer.
   */
  readonly signHamming: PtrKernel;
  /** (qmPtr, vPtr, dim, qBits): Jaccard distance of the same, `qBits` the query's set bits; double. */
  readonly signJaccard: (qm: number, v: number, dim: number, qBits: number) => number;
  /** signHamming over `count` contiguous rows from basePtr, as float32 at outPtr. */
  readonly signHammingRange: RangeKernel;
  /**
   * (qPtr, basePtr, count, bytes, outPtr): Hamming distances from the bit string at qPtr to
   * `count` contiguous bit strings of `bytes` bytes each (the stride is `bytes`, not 4 * dim)
   * from basePtr, as float32 (exact integers) at outPtr. IVFFlat's bit lists and centers.
   */
  readonly hammingRange: RangeKernel;
  /** (basePtr, count, dim, outPtr): squared norms of `count` contiguous rows of `dim` float32, as float32 at outPtr. */
  readonly sqNormRange: (basePtr: number, count: number, dim: number, outPtr: number) => void;
  /**
   * The nearest center of each of many rows (IVFFlat's k-means and list assignment), as a
   * register-blocked matrix product (assembly/kernels.ts): see {@link NearestCentersKernel}.
   */
  readonly nearestCenters: NearestCentersKernel;
}

/**
 * (rowsPtr, n, centersPtr, cnormPtr, k, dim, negdot, outPtr): for each of the `n` rows whose
 * byte pointers are the int32 list at rowsPtr, the nearest of the `k` contiguous centers of
 * `dim` float32 at centersPtr, written as a 12-byte record per row at outPtr: int32 index of
 * the nearest center (first on ties, 0 when every distance is NaN), float32 its distance,
 * float32 the second smallest distance (Infinity when k = 1). negdot = 1: distances are the
 * negated inner product; 0: squared L2 computed as ||x||^2 + ||c||^2 - 2 x.c from the
 * centers' squared norms at cnormPtr (k float32, {@link FastKernels.sqNormRange}), clamped at
 * 0. Float32 sums; a row's result does not depend on the other rows of the call.
 */
export type NearestCentersKernel = (rowsPtr: number, n: number, centersPtr: number, cnormPtr: number, k: number, dim: number, negdot: number, outPtr: number) => void;

/** Bytes of one row's record in a {@link NearestCentersKernel} result. */
export const NEAREST_RECORD_BYTES = 12;

/**
 * Writes bit string `bytes` (`bits` bits, most significant bit first, PostgreSQL's layout) as
 * one int32 per bit at byte pointer `ptr` (-1 for a set bit, 0 for a clear one): the query
 * form of the sign-bit kernels. Returns the number of set bits.
 */
export function signMask(arena: Arena, bytes: Uint8Array, bits: number, ptr: number): number {
  const i32 = arena.i32();
  const base = ptr >>> 2;
  let n = 0;
  for (let i = 0; i < bits; i++) {
    const set = (bytes[i >>> 3]! >>> (7 - (i & 7))) & 1;
    i32[base + i] = -set;
    n += set;
  }
  return n;
}

function jsSignHamming(arena: Arena, qm: number, v: number, dim: number): number {
  const f = arena.f32();
  const m = arena.i32();
  let d = 0;
  for (let i = 0; i < dim; i++) d += ((f[(v >>> 2) + i]! > 0 ? -1 : 0) ^ m[(qm >>> 2) + i]!) & 1;
  return d;
}

function jsSignJaccard(arena: Arena, qm: number, v: number, dim: number, qBits: number): number {
  const f = arena.f32();
  const m = arena.i32();
  let ab = 0;
  let aa = 0;
  for (let i = 0; i < dim; i++) {
    if (f[(v >>> 2) + i]! > 0) {
      aa++;
      ab += m[(qm >>> 2) + i]! & 1;
    }
  }
  if (ab === 0) return 1;
  return 1 - ab / (aa + qBits - ab);
}

function jsHalf(arena: Arena, q: number, h: number, dim: number, op: 0 | 1 | 2): number {
  const m = arena.f32();
  const u = arena.u16();
  const t = HALF_TO_F32;
  const iq = q >>> 2;
  const ih = h >>> 1;
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const x = m[iq + i]!;
    const y = t[u[ih + i]!]!;
    s += op === 0 ? (x - y) * (x - y) : op === 1 ? x * y : Math.abs(x - y);
  }
  return Math.fround(s);
}

function jsHalfCosine(arena: Arena, q: number, h: number, dim: number): number {
  const m = arena.f32();
  const u = arena.u16();
  const t = HALF_TO_F32;
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < dim; i++) {
    const x = m[(q >>> 2) + i]!;
    const y = t[u[(h >>> 1) + i]!]!;
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  return cosineFromSums(Math.fround(d), Math.fround(na), Math.fround(nb));
}

function jsKernels(arena: Arena): FastKernels {
  const k: FastKernels = {
    name: 'js',
    l2sq(a, b, dim) {
      const m = arena.f32();
      let s = 0;
      const ia = a >>> 2;
      const ib = b >>> 2;
      for (let i = 0; i < dim; i++) {
        const d = m[ia + i]! - m[ib + i]!;
        s += d * d;
      }
      return Math.fround(s);
    },
    dot(a, b, dim) {
      const m = arena.f32();
      let s = 0;
      const ia = a >>> 2;
      const ib = b >>> 2;
      for (let i = 0; i < dim; i++) s += m[ia + i]! * m[ib + i]!;
      return Math.fround(s);
    },
    l1(a, b, dim) {
      const m = arena.f32();
      let s = 0;
      const ia = a >>> 2;
      const ib = b >>> 2;
      for (let i = 0; i < dim; i++) s += Math.abs(m[ia + i]! - m[ib + i]!);
      return Math.fround(s);
    },
    cosine(a, b, dim) {
      const m = arena.f32();
      let d = 0;
      let na = 0;
      let nb = 0;
      const ia = a >>> 2;
      const ib = b >>> 2;
      for (let i = 0; i < dim; i++) {
        const x = m[ia + i]!;
        const y = m[ib + i]!;
        d += x * y;
        na += x * x;
        nb += y * y;
      }
      return cosineFromSums(Math.fround(d), Math.fround(na), Math.fround(nb));
    },
    l2sqMany: (q, rows, n, dim, out) => many(arena, k.l2sq, q, rows, n, dim, out),
    dotMany: (q, rows, n, dim, out) => many(arena, k.dot, q, rows, n, dim, out),
    l1Many: (q, rows, n, dim, out) => many(arena, k.l1, q, rows, n, dim, out),
    l2sqRange: (q, base, count, dim, out) => range(arena, k.l2sq, q, base, count, dim, out),
    dotRange: (q, base, count, dim, out) => range(arena, k.dot, q, base, count, dim, out),
    halfL2sq: (q, h, dim) => jsHalf(arena, q, h, dim, 0),
    halfDot: (q, h, dim) => jsHalf(arena, q, h, dim, 1),
    halfL1: (q, h, dim) => jsHalf(arena, q, h, dim, 2),
    halfCosine: (q, h, dim) => jsHalfCosine(arena, q, h, dim),
    hamming: (a, b, bytes) => hammingRef(arena.u8(), a, arena.u8(), b, bytes),
    jaccard: (a, b, bytes) => jaccardRef(arena.u8(), a, arena.u8(), b, bytes),
    exactL2sq: (a, b, dim) => l2SquaredRef(arena.f32(), a >>> 2, arena.f32(), b >>> 2, dim),
    exactDot: (a, b, dim) => dotRef(arena.f32(), a >>> 2, arena.f32(), b >>> 2, dim),
    exactL1: (a, b, dim) => l1Ref(arena.f32(), a >>> 2, arena.f32(), b >>> 2, dim),
    exactCosine: (a, b, dim) => cosineDistanceRef(arena.f32(), a >>> 2, arena.f32(), b >>> 2, dim),
    signHamming: (qm, v, dim) => jsSignHamming(arena, qm, v, dim),
    signJaccard: (qm, v, dim, qBits) => jsSignJaccard(arena, qm, v, dim, qBits),
    signHammingRange: (q, base, count, dim, out) => range(arena, k.signHamming, q, base, count, dim, out),
    hammingRange(q, base, count, bytes, out) {
      const f32 = arena.f32();
      const u8 = arena.u8();
      for (let r = 0; r < count; r++) f32[(out >>> 2) + r] = hammingRef(u8, q, u8, base + r * bytes, bytes);
    },
    sqNormRange(base, count, dim, out) {
      const f32 = arena.f32();
      for (let r = 0; r < count; r++) f32[(out >>> 2) + r] = dotRef(f32, (base >>> 2) + r * dim, f32, (base >>> 2) + r * dim, dim);
    },
    nearestCenters: (rows, n, centers, cnorm, k, dim, negdot, out) => jsNearestCenters(arena, rows, n, centers, cnorm, k, dim, negdot, out),
  };
  return k;
}

function jsNearestCenters(arena: Arena, rows: number, n: number, centers: number, cnorm: number, k: number, dim: number, negdot: number, out: number): void {
  const f32 = arena.f32();
  const i32 = arena.i32();
  for (let r = 0; r < n; r++) {
    const x = i32[(rows >>> 2) + r]! >>> 2;
    let best = 0;
    let b = Infinity;
    let second = Infinity;
    for (let c = 0; c < k; c++) {
      const dot = dotRef(f32, x, f32, (centers >>> 2) + c * dim, dim);
      const d = negdot ? -dot : Math.fround(f32[(cnorm >>> 2) + c]! - 2 * dot);
      if (d < b) {
        second = b;
        b = d;
        best = c;
      } else if (d < second) second = d;
    }
    if (!negdot) {
      const xn = dotRef(f32, x, f32, x, dim);
      b = Math.max(0, Math.fround(xn + b));
      second = Math.max(0, Math.fround(xn + second));
    }
    const w = (out >>> 2) + r * 3;
    i32[w] = best;
    f32[w + 1] = b;
    f32[w + 2] = second;
  }
}

function many(arena: Arena, kernel: PtrKernel, q: number, rows: number, n: number, dim: number, out: number): void {
  const i32 = arena.i32();
  const f32 = arena.f32();
  for (let k = 0; k < n; k++) f32[(out >>> 2) + k] = kernel(q, i32[(rows >>> 2) + k]!, dim);
}

function range(arena: Arena, kernel: PtrKernel, q: number, base: number, count: number, dim: number, out: number): void {
  const f32 = arena.f32();
  for (let k = 0; k < count; k++) f32[(out >>> 2) + k] = kernel(q, base + k * dim * 4, dim);
}

/** The compiled WebAssembly module (once per process), or null when it cannot load or is not wanted. */
const wasmModule = compileWasm(new URL('../../wasm/kernels.wasm', import.meta.url));

function wasmKernels(arena: Arena): FastKernels | null {
  const e = instantiateOn(wasmModule, arena) as unknown as Omit<FastKernels, 'name'> | null;
  if (e === null) return null;
  return {
    name: 'wasm-simd',
    l2sq: e.l2sq,
    dot: e.dot,
    l1: e.l1,
    cosine: e.cosine,
    l2sqMany: e.l2sqMany,
    dotMany: e.dotMany,
    l1Many: e.l1Many,
    l2sqRange: e.l2sqRange,
    dotRange: e.dotRange,
    halfL2sq: e.halfL2sq,
    halfDot: e.halfDot,
    halfL1: e.halfL1,
    halfCosine: e.halfCosine,
    hamming: e.hamming,
    jaccard: e.jaccard,
    exactL2sq: e.exactL2sq,
    exactDot: e.exactDot,
    exactL1: e.exactL1,
    exactCosine: e.exactCosine,
    signHamming: e.signHamming,
    signJaccard: e.signJaccard,
    signHammingRange: e.signHammingRange,
    hammingRange: e.hammingRange,
    sqNormRange: e.sqNormRange,
    nearestCenters: e.nearestCenters,
  };
}

/** The name of the kernels {@link kernelsOf} returns: chosen once per process. */
export const fastKernelsName: FastKernels['name'] = wasmModule !== null ? 'wasm-simd' : 'js';

const cache = new WeakMap<Arena, FastKernels>();
const jsCache = new WeakMap<Arena, FastKernels>();

/**
 * The kernels over memory `arena`, made on first use and cached with the memory: what every
 * hot path calls on the vectors that memory holds (the pointers passed are its offsets).
 */
export function kernelsOf(arena: Arena): FastKernels {
  let k = cache.get(arena);
  if (k === undefined) {
    k = wasmKernels(arena) ?? jsKernelsOf(arena);
    cache.set(arena, k);
  }
  return k;
}

/** The plain-TypeScript pointer kernels over `arena`, for tests that compare implementations. */
export function jsKernelsOf(arena: Arena): FastKernels {
  let k = jsCache.get(arena);
  if (k === undefined) {
    k = jsKernels(arena);
    jsCache.set(arena, k);
  }
  return k;
}
