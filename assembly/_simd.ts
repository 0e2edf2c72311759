// SIMD helpers shared by the kernel modules. The leading underscore keeps the build from
// compiling this file into a module of its own; every helper is inlined where it is used.

// Horizontal sum of four float32 lanes, added lane 0 first: the order the kernels' results
// (and the tests that compare them with the reference kernels) were measured with.
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// binary16 -> binary32 of four u16 values held in i32 lanes, exact for every input: the
// magnitude bits shifted into float32 position read as a float and scaled by 2^112 rebias the
// exponent (subnormal halves land on float32 subnormals, which the multiply renormalises);
// inf/NaN (exponent 31) get the float32 all-ones exponent; then the sign. As F. Giesen's
// half_to_float with a magic multiply.
@inline export function halfToF32x4(h: v128): v128 {
  const shifted = i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13);
  let o = f32x4.mul(shifted, f32x4.splat(5.192296858534828e33)); // 2^112
  o = v128.or(o, v128.and(i32x4.ge_s(shifted, i32x4.splat(0x0f800000)), i32x4.splat(0x7f800000)));
  return v128.or(o, i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16));
}

// Popcount of a 16-byte block: byte counts summed pairwise into eight u16 lanes (at most 16 per
// lane per block).
@inline export function popcnt16(v: v128): v128 {
  return i16x8.extadd_pairwise_i8x16_u(i8x16.popcnt(v));
}

// Sum of eight u16 lanes.
@inline export function sumU16x8(v: v128): i32 {
  const w = i32x4.extadd_pairwise_i16x8_u(v);
  return i32x4.extract_lane(w, 0) + i32x4.extract_lane(w, 1) + i32x4.extract_lane(w, 2) + i32x4.extract_lane(w, 3);
}
