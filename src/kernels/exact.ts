/**
 * pgvector's vector distances (vector_l2_squared_distance, inner_product, l1_distance,
 * cosine_distance) over two Float32Array operands, through the exact WebAssembly kernels
 * (kernels/fast.ts: float32 sums in index order, bit-identical to kernels/reference.ts).
 * Stored vectors are views over a memory already, so they are read in place by that memory's
 * kernels; an operand that is not there (a query parameter, a row in another memory) is copied
 * into the memory's scratch block first (kernels/arena.ts `scratch`: used only inside one
 * call, never across calls, so it holds no scan state). Short vectors, and the plain
 * TypeScript kernel set, run the reference kernels directly (cheaper than the copy and call).
 */
import { arenaOfBuffer, type Arena } from './arena.js';
import { fastKernelsName, kernelsOf, type FastKernels } from './fast.js';
import { memories } from './memories.js';
import { cosineDistanceRef, dotRef, l1Ref, l2SquaredRef } from './reference.js';

/** Below this many dimensions the TypeScript reference is at least as fast as a call into WebAssembly. */
const WASM_MIN_DIM = 12;

/**
 * The last buffer looked up per operand and its memory: a scan evaluates many rows of one
 * memory in a row against one query, and a WeakMap lookup costs more than a short kernel call.
 */
const lastBuf: Array<ArrayBufferLike | null> = [null, null];
const lastArena: Array<Arena | undefined> = [undefined, undefined];
/** `memories.releases` when the cache was filled: a released memory must not be kept alive here. */
let lastReleases = 0;

function arenaOf(v: Float32Array, slot: 0 | 1): Arena | undefined {
  if (lastReleases !== memories.releases) {
    lastReleases = memories.releases;
    lastBuf[0] = lastBuf[1] = null;
    lastArena[0] = lastArena[1] = undefined;
  }
  const buf = v.buffer;
  if (buf !== lastBuf[slot]) {
    lastBuf[slot] = buf;
    lastArena[slot] = arenaOfBuffer(buf);
  }
  return lastArena[slot];
}

type RefKernel = (a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number) => number;

function run(kind: 'exactL2sq' | 'exactDot' | 'exactL1' | 'exactCosine', ref: RefKernel, a: Float32Array, b: Float32Array): number {
  const dim = a.length;
  if (dim < WASM_MIN_DIM || fastKernelsName !== 'wasm-simd') return ref(a, 0, b, 0, dim);
  // The kernels of the memory that holds a (else b, else any): the other operand, when it lives
  // elsewhere (a query parameter, a row in another memory), is copied beside it.
  const ma = arenaOf(a, 0);
  const mb = arenaOf(b, 1);
  const m = ma ?? mb ?? memories.any();
  let pa = a.byteOffset;
  let pb = b.byteOffset;
  if (ma !== m || mb !== m) {
    const s = m.scratch(dim * 8);
    const f = m.f32();
    if (ma !== m) {
      pa = s;
      f.set(a, pa >>> 2);
    }
    if (mb !== m) {
      pb = s + dim * 4;
      f.set(b, pb >>> 2);
    }
  }
  const k: FastKernels = kernelsOf(m);
  return k[kind](pa, pb, dim);
}

/** pgvector VectorL2SquaredDistance of two vectors of equal length (float32 result). */
export function exactL2Squared(a: Float32Array, b: Float32Array): number {
  return run('exactL2sq', l2SquaredRef, a, b);
}

/** pgvector VectorInnerProduct of two vectors of equal length (float32 result). */
export function exactDot(a: Float32Array, b: Float32Array): number {
  return run('exactDot', dotRef, a, b);
}

/** pgvector l1_distance of two vectors of equal length (float32 result). */
export function exactL1(a: Float32Array, b: Float32Array): number {
  return run('exactL1', l1Ref, a, b);
}

/** pgvector cosine_distance of two vectors of equal length (double result, NaN for a zero norm). */
export function exactCosine(a: Float32Array, b: Float32Array): number {
  return run('exactCosine', cosineDistanceRef, a, b);
}
