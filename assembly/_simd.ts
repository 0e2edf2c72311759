// SIMD helpers shared by the kernel modules. The leading underscore keeps the build from
// compiling this file into a module of its own; every helper is inlined where it is used.

// Horizontal sum of four float32 lanes, added lane 0 first: the order the kernels' results
// (and the tests that compare them with the reference kernels) were measured with.
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
