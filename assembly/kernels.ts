// Distance kernels over float32 vectors in the shared linear memory, 128-bit SIMD.
// Pointers are byte offsets into the memory that src/kernels/arena.ts manages; `dim` counts
// float32 elements. The JavaScript reference implementations in src/kernels/reference.ts define
// the expected results; tests compare the two (summation order differs, so within a tolerance).

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
  let r = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
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
  let r = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
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
  let r = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
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
  let d = f32x4.extract_lane(sd, 0) + f32x4.extract_lane(sd, 1) + f32x4.extract_lane(sd, 2) + f32x4.extract_lane(sd, 3);
  let na = f32x4.extract_lane(sa, 0) + f32x4.extract_lane(sa, 1) + f32x4.extract_lane(sa, 2) + f32x4.extract_lane(sa, 3);
  let nb = f32x4.extract_lane(sb, 0) + f32x4.extract_lane(sb, 1) + f32x4.extract_lane(sb, 2) + f32x4.extract_lane(sb, 3);
  for (; i < dim; i++) {
    const o = <usize>(i << 2);
    const x = load<f32>(a + o);
    const y = load<f32>(b + o);
    d += x * y;
    na += x * x;
    nb += y * y;
  }
  let s: f64 = <f64>d / Math.sqrt(<f64>na * <f64>nb);
  if (s > 1.0) s = 1.0;
  else if (s < -1.0) s = -1.0;
  return 1.0 - s;
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
