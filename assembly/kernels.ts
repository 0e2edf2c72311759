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
