/**
 * pgvector's vector distances (vector_l2_squared_distance, inner_product, l1_distance,
 * cosine_distance) over two Float32Array operands, through the exact WebAssembly kernels
 * (kernels/fast.ts: float32 sums in index order, bit-identical to kernels/reference.ts).
 * Stored vectors are views over the arena already, so they are read in place; an operand that
 * is not (a query parameter) is copied into a scratch block first. The scratch is used only
 * inside one call, never across calls, so it holds no scan state. Short vectors, and the plain
 * TypeScript kernel set, run the reference kernels directly (cheaper than the copy and call).
 */
import { arena } from './arena.js';
import { fast, type PtrKernel } from './fast.js';
import { cosineDistanceRef, dotRef, l1Ref, l2SquaredRef } from './reference.js';

/** Below this many dimensions the TypeScript reference is at least as fast as a call into WebAssembly. */
const WASM_MIN_DIM = 12;

let scratchPtr = 0;
let scratchBytes = 0;
/**
 * A view of the arena memory. Views of a shared memory are never detached, so a view taken
 * before the memory grew still reads and writes the bytes it covers (the scratch block among
 * them); a stored vector in newer memory has a newer buffer and refreshes it. Reading
 * `memory.buffer` costs more than a kernel call, so it is read only then.
 */
let view: Float32Array = arena.f32();
/** `view.buffer.byteLength`, kept: a shared buffer's length is a getter that asks the memory. */
let viewBytes = view.buffer.byteLength;

function refresh(): void {
  view = arena.f32();
  viewBytes = view.buffer.byteLength;
}

/** Byte pointer of `v` in the arena, copying it into the scratch block at `slot` (0 or 1) when it lives elsewhere. */
function ptrOf(v: Float32Array, slot: number): number {
  const buf = v.buffer;
  if (buf === view.buffer) return v.byteOffset;
  // A view into memory grown since `view` was taken (a query vector's buffer is far smaller).
  if (buf.byteLength > viewBytes) {
    refresh();
    if (buf === view.buffer) return v.byteOffset;
  }
  const dim = v.length;
  if (dim * 8 > scratchBytes) {
    const size = Math.max(4096, dim * 8);
    const ptr = arena.alloc(size, 'vector distance');
    if (scratchPtr !== 0) arena.free(scratchPtr, scratchBytes);
    scratchPtr = ptr;
    scratchBytes = size;
    refresh();
  }
  const ptr = scratchPtr + slot * dim * 4;
  view.set(v, ptr >>> 2);
  return ptr;
}

type RefKernel = (a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number) => number;

function run(kernel: PtrKernel, ref: RefKernel, a: Float32Array, b: Float32Array): number {
  const dim = a.length;
  if (dim < WASM_MIN_DIM || fast.name !== 'wasm-simd') return ref(a, 0, b, 0, dim);
  return kernel(ptrOf(a, 0), ptrOf(b, 1), dim);
}

/** pgvector VectorL2SquaredDistance of two vectors of equal length (float32 result). */
export function exactL2Squared(a: Float32Array, b: Float32Array): number {
  return run(fast.exactL2sq, l2SquaredRef, a, b);
}

/** pgvector VectorInnerProduct of two vectors of equal length (float32 result). */
export function exactDot(a: Float32Array, b: Float32Array): number {
  return run(fast.exactDot, dotRef, a, b);
}

/** pgvector l1_distance of two vectors of equal length (float32 result). */
export function exactL1(a: Float32Array, b: Float32Array): number {
  return run(fast.exactL1, l1Ref, a, b);
}

/** pgvector cosine_distance of two vectors of equal length (double result, NaN for a zero norm). */
export function exactCosine(a: Float32Array, b: Float32Array): number {
  return run(fast.exactCosine, cosineDistanceRef, a, b);
}
