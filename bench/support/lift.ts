/**
 * The synthetic high-dimensional rows of the scale benchmarks: GloVe 100-d word vectors lifted
 * to `dims` dimensions by a fixed map with orthonormal columns plus Gaussian noise.
 *
 * - The map: a seeded Gaussian dims x 100 matrix, Gram-Schmidt orthonormalized (in float64),
 *   so distances between lifted vectors are GloVe's; kept as float32, row-major, in a small
 *   WebAssembly memory of its own so the project's SIMD inner-product kernel (`dotRange`:
 *   one 100-d dot product per output dimension) computes a lifted row in one call.
 * - The noise: per row, independent N(0, sigma^2) in every dimension with
 *   sigma = 0.1 * |g| / sqrt(dims), so the noise is 10% of the source vector's norm, spread over
 *   all dimensions (no dimension is exactly predictable from the others). Normal deviates by
 *   Marsaglia's polar method (Marsaglia & Bray, 1964: both deviates of a pair are used, no
 *   sine or cosine), from the project's seeded xoshiro128** generator.
 *
 * Rows past the source's end reuse its rows (cyclically) with fresh noise. Deterministic for a
 * seed; the fast path (WebAssembly SIMD) and the plain one (VECGRES_KERNELS=js) may differ in the
 * last bits of a float32 sum, which the noise dwarfs.
 */
import { GLOVE_DIM } from '../../src/cli/glove.js';
import { Prng } from '../../src/common/prng.js';
import { Arena } from '../../src/kernels/arena.js';
import { kernelsOf, type RangeKernel } from '../../src/kernels/fast.js';

/** The lift map and the memory the kernel reads it from. */
export interface LiftMap {
  readonly dims: number;
  /** dims x 100 float32, row-major (row i: the weights of output dimension i), at `matPtr`. */
  readonly arena: Arena;
  readonly matPtr: number;
  /** One source row (100 float32) and one output row (dims float32): the kernel's operands. */
  readonly srcPtr: number;
  readonly outPtr: number;
  readonly dotRange: RangeKernel;
}

/** Standard normal from two uniforms (Box-Muller); deterministic given the generator. */
function gauss(p: Prng): number {
  const u = Math.max(p.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * p.next());
}

/** Ziggurat tables (Marsaglia & Tsang 2000, RNOR with 128 layers): thresholds, widths, heights. */
const ZIG_KN = new Float64Array(128);
const ZIG_WN = new Float64Array(128);
const ZIG_FN = new Float64Array(128);
/** Start of the tail: the base strip's right edge. */
const ZIG_R = 3.442619855899;
{
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  ZIG_KN[0] = (dn / q) * m1;
  ZIG_KN[1] = 0;
  ZIG_WN[0] = q / m1;
  ZIG_WN[127] = dn / m1;
  ZIG_FN[0] = 1;
  ZIG_FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_KN[i + 1] = (dn / tn) * m1;
    tn = dn;
    ZIG_FN[i] = Math.exp(-0.5 * dn * dn);
    ZIG_WN[i] = dn / m1;
  }
}

/**
 * xoshiro128** (Blackman & Vigna, 2018), the algorithm of the project's Prng, with its state in
 * an Int32Array so each draw stays in 32-bit integers (the Prng's unsigned fields become heap
 * numbers, several times slower for the ~10^9 draws of a large table); seeded from a Prng.
 */
export class NoiseRng {
  private readonly s = new Int32Array(4);

  constructor(seed: number) {
    const p = new Prng(seed);
    for (let i = 0; i < 4; i++) this.s[i] = p.nextU32() | 0;
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  /** A uniform 32-bit draw, as a signed int32. */
  nextI32(): number {
    const s = this.s;
    const s1 = s[1]!;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s1;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    const s3 = s[3]!;
    s[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  }
}

/** Uniform in (0, 1), never 0 (for a logarithm). */
function uniformOpen(p: NoiseRng): number {
  return ((p.nextI32() >>> 0) + 0.5) / 4294967296;
}

/** A standard normal deviate (ziggurat, see the module comment). */
export function normal(p: NoiseRng): number {
  let hz = p.nextI32();
  let iz = hz & 127;
  if (Math.abs(hz) < ZIG_KN[iz]!) return hz * ZIG_WN[iz]!;
  for (;;) {
    if (iz === 0) {
      // The tail beyond ZIG_R (Marsaglia 1964): exponential proposals, accepted exactly.
      let x = 0;
      let y = 0;
      do {
        x = -Math.log(uniformOpen(p)) / ZIG_R;
        y = -Math.log(uniformOpen(p));
      } while (y + y < x * x);
      return hz > 0 ? ZIG_R + x : -ZIG_R - x;
    }
    const x = hz * ZIG_WN[iz]!;
    if (ZIG_FN[iz]! + uniformOpen(p) * (ZIG_FN[iz - 1]! - ZIG_FN[iz]!) < Math.exp(-0.5 * x * x)) return x;
    hz = p.nextI32();
    iz = hz & 127;
    if (Math.abs(hz) < ZIG_KN[iz]!) return hz * ZIG_WN[iz]!;
  }
}

/**
 * The dims x 100 map with orthonormal columns, from seed 1536 (Gram-Schmidt in float64 over a
 * Gaussian matrix), copied as float32 into a memory of its own (dims * 400 bytes + 1 KiB).
 */
export function liftMatrix(dims: number): LiftMap {
  const p = new Prng(1536);
  const cols: Float64Array[] = [];
  for (let c = 0; c < GLOVE_DIM; c++) {
    const v = new Float64Array(dims);
    for (let i = 0; i < dims; i++) v[i] = gauss(p);
    for (const u of cols) {
      let d = 0;
      for (let i = 0; i < dims; i++) d += v[i]! * u[i]!;
      for (let i = 0; i < dims; i++) v[i]! -= d * u[i]!;
    }
    let n = 0;
    for (let i = 0; i < dims; i++) n += v[i]! * v[i]!;
    n = Math.sqrt(n);
    for (let i = 0; i < dims; i++) v[i]! /= n;
    cols.push(v);
  }
  const matBytes = dims * GLOVE_DIM * 4;
  const arena = new Arena({ maxBytes: 2 * matBytes + 8 * dims + 2 ** 20, initialPages: Math.ceil((matBytes + 8 * dims) / 65536) + 2 });
  const matPtr = arena.alloc(matBytes, 'lift map');
  const srcPtr = arena.alloc(GLOVE_DIM * 4, 'lift source row');
  const outPtr = arena.alloc(dims * 4, 'lift output row');
  const f = arena.f32();
  for (let i = 0; i < dims; i++) for (let c = 0; c < GLOVE_DIM; c++) f[(matPtr >>> 2) + i * GLOVE_DIM + c] = cols[c]![i]!;
  return { dims, arena, matPtr, srcPtr, outPtr, dotRange: kernelsOf(arena).dotRange };
}

/**
 * Lifts `count` rows of `src` (100-d rows, cycling through them from row `first`) into a new
 * count x dims Float32Array, with noise from a generator seeded by `seed`.
 */
export function lift(src: Float32Array, count: number, dims: number, m: LiftMap, seed: number, first = 0): Float32Array {
  if (m.dims !== dims) throw new Error(`lift: a map for ${m.dims} dimensions, not ${dims}`);
  const n = src.length / GLOVE_DIM;
  const out = new Float32Array(count * dims);
  const p = new NoiseRng(seed);
  const f = m.arena.f32();
  const srcAt = m.srcPtr >>> 2;
  const outAt = m.outPtr >>> 2;
  const invSqrtDims = 1 / Math.sqrt(dims);
  for (let r = 0; r < count; r++) {
    const s = ((first + r) % n) * GLOVE_DIM;
    let norm = 0;
    for (let c = 0; c < GLOVE_DIM; c++) {
      const x = src[s + c]!;
      norm += x * x;
      f[srcAt + c] = x;
    }
    const sigma = 0.1 * Math.sqrt(norm) * invSqrtDims;
    m.dotRange(m.srcPtr, m.matPtr, dims, GLOVE_DIM, m.outPtr);
    const o = r * dims;
    for (let i = 0; i < dims; i++) out[o + i] = f[outAt + i]! + sigma * normal(p);
  }
  return out;
}
