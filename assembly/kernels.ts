// Distance kernels over float32 vectors in the shared linear memory, 128-bit SIMD.
// Pointers are byte offsets into the memory that src/kernels/arena.ts manages; `dim` counts
// float32 elements. The JavaScript reference implementations in src/kernels/reference.ts define
// the expected results; tests compare the two (summation order differs, so within a tolerance).

import { halfToF32x4, hsum, popcnt16, sumU16x8 } from './_simd';

// pgvector's cosine distance from float32 sums (dot, |a|^2, |b|^2): the similarity in double,
// clamped to [-1, 1] (NaN for a zero norm passes through), 1 - similarity.
@inline function cosineFromSums(d: f32, na: f32, nb: f32): f64 {
  let s: f64 = <f64>d / Math.sqrt(<f64>na * <f64>nb);
  if (s > 1.0) s = 1.0;
  else if (s < -1.0) s = -1.0;
  return 1.0 - s;
}

// Squared Euclidean distance: sum((a[i] - b[i])^2).
export function l2sq(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let i: i32 = 0;
  // Two accumulators hide the latency of dependent adds.
  for (; i + 8 <= dim; i += 8) {
    const o = <usize>(i << 2);
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    const d1 = f32x4.sub(v128.load(a + o, 16), v128.load(b + o, 16));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
  }
  for (; i + 4 <= dim; i += 4) {
    const o = <usize>(i << 2);
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
  }
  s0 = f32x4.add(s0, s1);
  let r = hsum(s0);
  for (; i < dim; i++) {
    const o = <usize>(i << 2);
    const d = load<f32>(a + o) - load<f32>(b + o);
    r += d * d;
  }
  return r;
}

// Inner product: sum(a[i] * b[i]).
export function dot(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 8 <= dim; i += 8) {
    const o = <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  for (; i + 4 <= dim; i += 4) {
    const o = <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  s0 = f32x4.add(s0, s1);
  let r = hsum(s0);
  for (; i < dim; i++) {
    const o = <usize>(i << 2);
    r += load<f32>(a + o) * load<f32>(b + o);
  }
  return r;
}

// Manhattan distance: sum(|a[i] - b[i]|).
export function l1(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= dim; i += 4) {
    const o = <usize>(i << 2);
    s0 = f32x4.add(s0, f32x4.abs(f32x4.sub(v128.load(a + o), v128.load(b + o))));
  }
  let r = hsum(s0);
  for (; i < dim; i++) {
    const o = <usize>(i << 2);
    r += Mathf.abs(load<f32>(a + o) - load<f32>(b + o));
  }
  return r;
}

// Cosine distance in one pass: 1 - dot / sqrt(|a|^2 |b|^2) with float32 sums (lane order),
// the similarity clamped to [-1, 1] and NaN when a norm is zero, as pgvector's cosine_distance.
export function cosine(a: usize, b: usize, dim: i32): f64 {
  let sd = f32x4.splat(0);
  let sa = f32x4.splat(0);
  let sb = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= dim; i += 4) {
    const o = <usize>(i << 2);
    const x = v128.load(a + o);
    const y = v128.load(b + o);
    sd = f32x4.add(sd, f32x4.mul(x, y));
    sa = f32x4.add(sa, f32x4.mul(x, x));
    sb = f32x4.add(sb, f32x4.mul(y, y));
  }
  let d = hsum(sd);
  let na = hsum(sa);
  let nb = hsum(sb);
  for (; i < dim; i++) {
    const o = <usize>(i << 2);
    const x = load<f32>(a + o);
    const y = load<f32>(b + o);
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  return cosineFromSums(d, na, nb);
}

// Batch kernels: one query against `n` rows named by a list of i32 byte pointers at `rows`,
// results as f32 at `out`. One call per batch instead of one per row saves the JS-to-wasm
// transition on graph and list scans.
export function l2sqMany(q: usize, rows: usize, n: i32, dim: i32, out: usize): void {
  for (let k: i32 = 0; k < n; k++) {
    const p = <usize>load<i32>(rows + (<usize>k << 2));
    store<f32>(out + (<usize>k << 2), l2sq(q, p, dim));
  }
}

export function dotMany(q: usize, rows: usize, n: i32, dim: i32, out: usize): void {
  for (let k: i32 = 0; k < n; k++) {
    const p = <usize>load<i32>(rows + (<usize>k << 2));
    store<f32>(out + (<usize>k << 2), dot(q, p, dim));
  }
}

export function l1Many(q: usize, rows: usize, n: i32, dim: i32, out: usize): void {
  for (let k: i32 = 0; k < n; k++) {
    const p = <usize>load<i32>(rows + (<usize>k << 2));
    store<f32>(out + (<usize>k << 2), l1(q, p, dim));
  }
}

// Contiguous rows: `count` rows of `dim` floats starting at `base` (exact scans over a segment).
export function l2sqRange(q: usize, base: usize, count: i32, dim: i32, out: usize): void {
  const stride = <usize>dim << 2;
  for (let k: i32 = 0; k < count; k++) {
    store<f32>(out + (<usize>k << 2), l2sq(q, base + <usize>k * stride, dim));
  }
}

export function dotRange(q: usize, base: usize, count: i32, dim: i32, out: usize): void {
  const stride = <usize>dim << 2;
  for (let k: i32 = 0; k < count; k++) {
    store<f32>(out + (<usize>k << 2), dot(q, base + <usize>k * stride, dim));
  }
}

// ---------------------------------------------------------------------------------------------
// halfvec kernels. The query arrives as float32 (converted once per scan), the row as binary16
// (pgvector's halfvec storage); rows are widened to float32 four lanes at a time and the
// arithmetic is float32, as pgvector's HalfvecL2SquaredDistance & co. (summation order differs,
// so results agree within rounding, which is all a ranking needs).
// ---------------------------------------------------------------------------------------------

@inline function halfToF32(h: u32): f32 {
  return f32x4.extract_lane(halfToF32x4(i32x4.splat(<i32>h)), 0);
}

// Squared Euclidean distance between a float32 query `q` and a binary16 row `h`.
export function halfL2sq(q: usize, h: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 8 <= dim; i += 8) {
    const hv = v128.load(h + (<usize>i << 1));
    const d0 = f32x4.sub(v128.load(q + (<usize>i << 2)), halfToF32x4(i32x4.extend_low_i16x8_u(hv)));
    const d1 = f32x4.sub(v128.load(q + (<usize>i << 2), 16), halfToF32x4(i32x4.extend_high_i16x8_u(hv)));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
  }
  s0 = f32x4.add(s0, s1);
  let r = hsum(s0);
  for (; i < dim; i++) {
    const d = load<f32>(q + (<usize>i << 2)) - halfToF32(load<u16>(h + (<usize>i << 1)));
    r += d * d;
  }
  return r;
}

// Inner product of a float32 query and a binary16 row.
export function halfDot(q: usize, h: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 8 <= dim; i += 8) {
    const hv = v128.load(h + (<usize>i << 1));
    s0 = f32x4.add(s0, f32x4.mul(v128.load(q + (<usize>i << 2)), halfToF32x4(i32x4.extend_low_i16x8_u(hv))));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(q + (<usize>i << 2), 16), halfToF32x4(i32x4.extend_high_i16x8_u(hv))));
  }
  s0 = f32x4.add(s0, s1);
  let r = hsum(s0);
  for (; i < dim; i++) r += load<f32>(q + (<usize>i << 2)) * halfToF32(load<u16>(h + (<usize>i << 1)));
  return r;
}

// Manhattan distance between a float32 query and a binary16 row.
export function halfL1(q: usize, h: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 8 <= dim; i += 8) {
    const hv = v128.load(h + (<usize>i << 1));
    s0 = f32x4.add(s0, f32x4.abs(f32x4.sub(v128.load(q + (<usize>i << 2)), halfToF32x4(i32x4.extend_low_i16x8_u(hv)))));
    s1 = f32x4.add(s1, f32x4.abs(f32x4.sub(v128.load(q + (<usize>i << 2), 16), halfToF32x4(i32x4.extend_high_i16x8_u(hv)))));
  }
  s0 = f32x4.add(s0, s1);
  let r = hsum(s0);
  for (; i < dim; i++) r += Mathf.abs(load<f32>(q + (<usize>i << 2)) - halfToF32(load<u16>(h + (<usize>i << 1))));
  return r;
}

// Cosine distance 1 - q.h / sqrt(|q|^2 |h|^2), sums in float32, quotient in double, clamped as
// pgvector's halfvec_cosine_distance (NaN for a zero norm).
export function halfCosine(q: usize, h: usize, dim: i32): f64 {
  let sd = f32x4.splat(0);
  let sa = f32x4.splat(0);
  let sb = f32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= dim; i += 4) {
    const x = v128.load(q + (<usize>i << 2));
    const y = halfToF32x4(i32x4.extend_low_i16x8_u(v128.load64_zero(h + (<usize>i << 1))));
    sd = f32x4.add(sd, f32x4.mul(x, y));
    sa = f32x4.add(sa, f32x4.mul(x, x));
    sb = f32x4.add(sb, f32x4.mul(y, y));
  }
  let d = hsum(sd);
  let na = hsum(sa);
  let nb = hsum(sb);
  for (; i < dim; i++) {
    const x = load<f32>(q + (<usize>i << 2));
    const y = halfToF32(load<u16>(h + (<usize>i << 1)));
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  return cosineFromSums(d, na, nb);
}

// ---------------------------------------------------------------------------------------------
// bit kernels over `bytes` bytes of two bit strings (pgvector's bitutils.c): popcount of 16-byte
// SIMD blocks, then 64-bit words, then single bytes. Counts are exact integers.
// ---------------------------------------------------------------------------------------------

// Hamming distance: popcount(a XOR b).
export function hamming(a: usize, b: usize, bytes: i32): i32 {
  let acc = i16x8.splat(0);
  let i: i32 = 0;
  let d: i32 = 0;
  let blocks: i32 = 0;
  for (; i + 16 <= bytes; i += 16) {
    acc = i16x8.add(acc, popcnt16(v128.xor(v128.load(a + <usize>i), v128.load(b + <usize>i))));
    // u16 lanes hold up to 4095 blocks of 16 counts; flush well before that.
    if (++blocks === 2048) {
      d += sumU16x8(acc);
      acc = i16x8.splat(0);
      blocks = 0;
    }
  }
  d += sumU16x8(acc);
  for (; i + 8 <= bytes; i += 8) d += <i32>popcnt<u64>(load<u64>(a + <usize>i) ^ load<u64>(b + <usize>i));
  for (; i < bytes; i++) d += <i32>popcnt<u32>(<u32>(load<u8>(a + <usize>i) ^ load<u8>(b + <usize>i)));
  return d;
}

// Hamming distances from the bit string at q to `count` contiguous bit strings of `bytes` bytes
// (the stride) from base, as float32 at out (exact integers): IVFFlat's bit lists and centers.
export function hammingRange(q: usize, base: usize, count: i32, bytes: i32, out: usize): void {
  const stride = <usize>bytes;
  for (let k: i32 = 0; k < count; k++) {
    store<f32>(out + (<usize>k << 2), <f32>hamming(q, base + <usize>k * stride, bytes));
  }
}

// Jaccard distance 1 - |a AND b| / (|a| + |b| - |a AND b|) in double; 1 for an empty
// intersection, as pgvector's jaccard_distance.
export function jaccard(a: usize, b: usize, bytes: i32): f64 {
  let ab: i32 = 0;
  let aa: i32 = 0;
  let bb: i32 = 0;
  let i: i32 = 0;
  for (; i + 8 <= bytes; i += 8) {
    const x = load<u64>(a + <usize>i);
    const y = load<u64>(b + <usize>i);
    ab += <i32>popcnt<u64>(x & y);
    aa += <i32>popcnt<u64>(x);
    bb += <i32>popcnt<u64>(y);
  }
  for (; i < bytes; i++) {
    const x = <u32>load<u8>(a + <usize>i);
    const y = <u32>load<u8>(b + <usize>i);
    ab += <i32>popcnt<u32>(x & y);
    aa += <i32>popcnt<u32>(x);
    bb += <i32>popcnt<u32>(y);
  }
  if (ab === 0) return 1.0;
  return 1.0 - <f64>ab / <f64>(aa + bb - ab);
}

// ---------------------------------------------------------------------------------------------
// Exact kernels: float32 sums in index order, one element at a time, as pgvector's C loops
// (`float distance = 0.0; for (...) distance += diff * diff;`). WebAssembly float32 arithmetic
// is IEEE single precision with no contraction into fused multiply-adds, so the results are
// bit-identical to src/kernels/reference.ts (JavaScript's Math.fround of the double result of
// one float32 operation is that operation's float32 result), about three times faster: these
// are the values SQL prints, not only a ranking.
// ---------------------------------------------------------------------------------------------

export function exactL2sq(a: usize, b: usize, dim: i32): f32 {
  let s: f32 = 0;
  for (let i: i32 = 0; i < dim; i++) {
    const o = <usize>(i << 2);
    const d = load<f32>(a + o) - load<f32>(b + o);
    s += d * d;
  }
  return s;
}

export function exactDot(a: usize, b: usize, dim: i32): f32 {
  let s: f32 = 0;
  for (let i: i32 = 0; i < dim; i++) {
    const o = <usize>(i << 2);
    s += load<f32>(a + o) * load<f32>(b + o);
  }
  return s;
}

export function exactL1(a: usize, b: usize, dim: i32): f32 {
  let s: f32 = 0;
  for (let i: i32 = 0; i < dim; i++) {
    const o = <usize>(i << 2);
    s += Mathf.abs(load<f32>(a + o) - load<f32>(b + o));
  }
  return s;
}

// pgvector's cosine_distance: the three float32 sums in index order, then the similarity in
// double, clamped to [-1, 1] (NaN for a zero norm passes through), 1 - similarity.
export function exactCosine(a: usize, b: usize, dim: i32): f64 {
  let d: f32 = 0;
  let na: f32 = 0;
  let nb: f32 = 0;
  for (let i: i32 = 0; i < dim; i++) {
    const o = <usize>(i << 2);
    const x = load<f32>(a + o);
    const y = load<f32>(b + o);
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  return cosineFromSums(d, na, nb);
}

// ---------------------------------------------------------------------------------------------
// Sign-bit kernels: binary_quantize(v) (bit i set when v[i] > 0) compared with a bit string
// without building the bit string. The query's bits arrive expanded to one i32 mask per
// element at `qm` (-1 for a set bit, 0 for a clear one), so four elements are one compare,
// one XOR (or AND) and one subtract. Counts are exact integers, equal to pgvector's
// hamming_distance / jaccard_distance of binary_quantize(v) and the query.
// ---------------------------------------------------------------------------------------------

// Hamming distance between the sign bits of `dim` float32 at `v` and the mask at `qm`.
export function signHamming(qm: usize, v: usize, dim: i32): i32 {
  const zero = f32x4.splat(0);
  let acc = i32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= dim; i += 4) {
    const o = <usize>(i << 2);
    // Lanes are -1 where the bits differ: subtracting counts them.
    acc = i32x4.sub(acc, v128.xor(f32x4.gt(v128.load(v + o), zero), v128.load(qm + o)));
  }
  let d = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < dim; i++) {
    const o = <usize>(i << 2);
    const bit: i32 = load<f32>(v + o) > 0 ? -1 : 0;
    d += (bit ^ load<i32>(qm + o)) & 1;
  }
  return d;
}

// Jaccard distance between the sign bits of `dim` float32 at `v` and the mask at `qm` whose
// own popcount is `qBits`: 1 - |a AND b| / (|a| + |b| - |a AND b|), 1 for an empty intersection.
export function signJaccard(qm: usize, v: usize, dim: i32, qBits: i32): f64 {
  const zero = f32x4.splat(0);
  let inter = i32x4.splat(0);
  let ones = i32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= dim; i += 4) {
    const o = <usize>(i << 2);
    const m = f32x4.gt(v128.load(v + o), zero);
    ones = i32x4.sub(ones, m);
    inter = i32x4.sub(inter, v128.and(m, v128.load(qm + o)));
  }
  let ab = i32x4.extract_lane(inter, 0) + i32x4.extract_lane(inter, 1) + i32x4.extract_lane(inter, 2) + i32x4.extract_lane(inter, 3);
  let aa = i32x4.extract_lane(ones, 0) + i32x4.extract_lane(ones, 1) + i32x4.extract_lane(ones, 2) + i32x4.extract_lane(ones, 3);
  for (; i < dim; i++) {
    const o = <usize>(i << 2);
    if (load<f32>(v + o) > 0) {
      aa++;
      ab += load<i32>(qm + o) & 1;
    }
  }
  if (ab === 0) return 1.0;
  return 1.0 - <f64>ab / <f64>(aa + qBits - ab);
}

// signHamming over `count` contiguous rows of `dim` float32 starting at `base`, as f32 at `out`
// (exact: counts below 2^24).
export function signHammingRange(qm: usize, base: usize, count: i32, dim: i32, out: usize): void {
  const stride = <usize>dim << 2;
  for (let k: i32 = 0; k < count; k++) {
    store<f32>(out + (<usize>k << 2), <f32>signHamming(qm, base + <usize>k * stride, dim));
  }
}

// ---------------------------------------------------------------------------------------------
// Nearest centers (IVFFlat's k-means and list assignment): many rows against many centers as a
// small matrix product, ||x||^2 + ||c||^2 - 2 x.c with the squared norms computed once, in tiles
// of 4 rows x 2 centers. A tile keeps 8 dot-product accumulators and loads 6 vectors per four
// dimensions where one-pair kernels load 2 per pair (Goto & van de Geijn's register blocking
// of GEMM, "Anatomy of high-performance matrix multiplication", TOMS 2008, at the size of
// 128-bit SIMD and 16 registers). Every (row, center) pair is summed the same way wherever it
// falls in a tile (one accumulator, lanes added in order, then the scalar tail), so a row's
// answer does not depend on the rows it is batched with.
// ---------------------------------------------------------------------------------------------

// Squared norm of the `dim` floats at a, summed as the tiles sum a dot product.
@inline function sqNorm(a: usize, dim: i32): f32 {
  let acc = f32x4.splat(0);
  const d4 = dim & ~3;
  let i: i32 = 0;
  for (; i < d4; i += 4) {
    const x = v128.load(a + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.mul(x, x));
  }
  let s = hsum(acc);
  for (; i < dim; i++) {
    const x = load<f32>(a + (<usize>i << 2));
    s += x * x;
  }
  return s;
}

// Squared norms of `count` contiguous rows of `dim` floats from base, as float32 at out.
export function sqNormRange(base: usize, count: i32, dim: i32, out: usize): void {
  const stride = <usize>dim << 2;
  for (let k: i32 = 0; k < count; k++) store<f32>(out + (<usize>k << 2), sqNorm(base + <usize>k * stride, dim));
}

// The lanes of a tile's accumulator, then the dimensions past the last multiple of 4.
@inline function finishDot(acc: v128, x: usize, c: usize, d4: i32, dim: i32): f32 {
  let s = hsum(acc);
  for (let i = d4; i < dim; i++) {
    const o = <usize>i << 2;
    s += load<f32>(x + o) * load<f32>(c + o);
  }
  return s;
}

// Offers center `c` at ranking value `d` to the record at rec (i32 best, f32 best value, f32
// second value): the first of smallest value wins; NaN never does.
@inline function offer(rec: usize, d: f32, c: i32): void {
  const b = load<f32>(rec, 4);
  if (d < b) {
    store<f32>(rec, b, 8);
    store<f32>(rec, d, 4);
    store<i32>(rec, c);
  } else if (d < load<f32>(rec, 8)) {
    store<f32>(rec, d, 8);
  }
}

// The ranking value of a center from its dot product: -x.c (inner product), or ||c||^2 - 2 x.c
// (squared L2 without the row's norm, which does not change the order).
@inline function rankValue(dot: f32, cnorm: usize, c: i32, negdot: i32): f32 {
  return negdot ? -dot : load<f32>(cnorm + (<usize>c << 2)) - 2 * dot;
}

// For each of the `n` rows named by the i32 byte pointers at `rows`, the nearest of the `k`
// contiguous centers of `dim` floats at `centers`: writes a 12-byte record per row at out
// (i32 index of the nearest center, first on ties; f32 its distance; f32 the second smallest
// distance). `negdot` = 1: distances are -x.c (cnorm unused); 0: squared L2 from the centers'
// squared norms at cnorm (k float32, sqNormRange), clamped at 0 (the expansion can round below).
export function nearestCenters(rows: usize, n: i32, centers: usize, cnorm: usize, k: i32, dim: i32, negdot: i32, out: usize): void {
  const stride = <usize>dim << 2;
  const d4 = dim & ~3;
  const inf = <f32>Infinity;
  for (let r: i32 = 0; r < n; r++) {
    const rec = out + <usize>r * 12;
    store<i32>(rec, 0);
    store<f32>(rec, inf, 4);
    store<f32>(rec, inf, 8);
  }
  let r: i32 = 0;
  for (; r + 4 <= n; r += 4) {
    const x0 = <usize>load<i32>(rows + (<usize>r << 2));
    const x1 = <usize>load<i32>(rows + (<usize>r << 2), 4);
    const x2 = <usize>load<i32>(rows + (<usize>r << 2), 8);
    const x3 = <usize>load<i32>(rows + (<usize>r << 2), 12);
    const o0 = out + <usize>r * 12;
    const o1 = o0 + 12;
    const o2 = o0 + 24;
    const o3 = o0 + 36;
    let c: i32 = 0;
    for (; c + 2 <= k; c += 2) {
      const c0 = centers + <usize>c * stride;
      const c1 = c0 + stride;
      let a00 = f32x4.splat(0);
      let a01 = f32x4.splat(0);
      let a10 = f32x4.splat(0);
      let a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0);
      let a21 = f32x4.splat(0);
      let a30 = f32x4.splat(0);
      let a31 = f32x4.splat(0);
      for (let i: i32 = 0; i < d4; i += 4) {
        const o = <usize>i << 2;
        const y0 = v128.load(c0 + o);
        const y1 = v128.load(c1 + o);
        let x = v128.load(x0 + o);
        a00 = f32x4.add(a00, f32x4.mul(x, y0));
        a01 = f32x4.add(a01, f32x4.mul(x, y1));
        x = v128.load(x1 + o);
        a10 = f32x4.add(a10, f32x4.mul(x, y0));
        a11 = f32x4.add(a11, f32x4.mul(x, y1));
        x = v128.load(x2 + o);
        a20 = f32x4.add(a20, f32x4.mul(x, y0));
        a21 = f32x4.add(a21, f32x4.mul(x, y1));
        x = v128.load(x3 + o);
        a30 = f32x4.add(a30, f32x4.mul(x, y0));
        a31 = f32x4.add(a31, f32x4.mul(x, y1));
      }
      offer(o0, rankValue(finishDot(a00, x0, c0, d4, dim), cnorm, c, negdot), c);
      offer(o0, rankValue(finishDot(a01, x0, c1, d4, dim), cnorm, c + 1, negdot), c + 1);
      offer(o1, rankValue(finishDot(a10, x1, c0, d4, dim), cnorm, c, negdot), c);
      offer(o1, rankValue(finishDot(a11, x1, c1, d4, dim), cnorm, c + 1, negdot), c + 1);
      offer(o2, rankValue(finishDot(a20, x2, c0, d4, dim), cnorm, c, negdot), c);
      offer(o2, rankValue(finishDot(a21, x2, c1, d4, dim), cnorm, c + 1, negdot), c + 1);
      offer(o3, rankValue(finishDot(a30, x3, c0, d4, dim), cnorm, c, negdot), c);
      offer(o3, rankValue(finishDot(a31, x3, c1, d4, dim), cnorm, c + 1, negdot), c + 1);
    }
    if (c < k) {
      const c0 = centers + <usize>c * stride;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      for (let i: i32 = 0; i < d4; i += 4) {
        const o = <usize>i << 2;
        const y0 = v128.load(c0 + o);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + o), y0));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(x1 + o), y0));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(x2 + o), y0));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(x3 + o), y0));
      }
      offer(o0, rankValue(finishDot(a0, x0, c0, d4, dim), cnorm, c, negdot), c);
      offer(o1, rankValue(finishDot(a1, x1, c0, d4, dim), cnorm, c, negdot), c);
      offer(o2, rankValue(finishDot(a2, x2, c0, d4, dim), cnorm, c, negdot), c);
      offer(o3, rankValue(finishDot(a3, x3, c0, d4, dim), cnorm, c, negdot), c);
    }
  }
  for (; r < n; r++) {
    const x0 = <usize>load<i32>(rows + (<usize>r << 2));
    const o0 = out + <usize>r * 12;
    for (let c: i32 = 0; c < k; c++) {
      const c0 = centers + <usize>c * stride;
      let a0 = f32x4.splat(0);
      for (let i: i32 = 0; i < d4; i += 4) {
        const o = <usize>i << 2;
        a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + o), v128.load(c0 + o)));
      }
      offer(o0, rankValue(finishDot(a0, x0, c0, d4, dim), cnorm, c, negdot), c);
    }
  }
  if (negdot) return;
  // Squared L2: add each row's squared norm back to its two values.
  for (let r: i32 = 0; r < n; r++) {
    const xn = sqNorm(<usize>load<i32>(rows + (<usize>r << 2)), dim);
    const rec = out + <usize>r * 12;
    const d1 = xn + load<f32>(rec, 4);
    const d2 = xn + load<f32>(rec, 8);
    store<f32>(rec, d1 > 0 ? d1 : 0, 4);
    store<f32>(rec, d2 > 0 ? d2 : 0, 8);
  }
}
