/**
 * The HNSW graph kernel: search and insertion over the memory layout of layout.ts. Picked once
 * per process, as src/kernels/fast.ts picks the distance kernels: the WebAssembly SIMD build
 * (dist/wasm/hnsw.wasm from assembly/hnsw.ts) or, when VECGRES_KERNELS=js or the module
 * cannot load, the TypeScript twin in reference.ts. A graph lives in one memory (its index's,
 * kernels/memories.ts) and runs that memory's kernel ({@link hnswKernelOf}: an instance of the
 * module importing the memory, made on first use and cached).
 *
 * All arguments are byte offsets into that memory: `g` a graph header, `s` a scratch header,
 * `q` a query vector padded with zeros to the graph's dimP, in the graph's query format (the
 * node format, except float32 for a halfvec graph: layout.ts).
 */
import { compileWasm, instantiateOn } from '../../kernels/wasm_module.js';
import type { Arena } from '../../kernels/arena.js';
import { referenceKernelOf } from './reference.js';

export interface HnswKernel {
  readonly name: 'wasm-simd' | 'js';
  /** Greedy descent + SEARCH-LAYER(ef) on layer 0; results ascending at S_OUT; returns count. */
  search(g: number, s: number, q: number, ef: number, mode: number): number;
  /** Continues an iterative scan from the discarded candidates (`mode`: MODE_SKIP_DELETED or 0); returns count at S_OUT. */
  resume(g: number, s: number, q: number, ef: number, mode: number): number;
  /** INSERT (Algorithm 1) of a node whose record is filled in; `q` its vector in query format. */
  insert(g: number, s: number, node: number, q: number): void;
  /** Internal distance (squared L2, negative dot, L1, Hamming, Jaccard) from the query to node `n`. */
  distanceTo(g: number, q: number, n: number): number;
  /** Internal distance between nodes `m` and `n`. */
  nodeDistance(g: number, m: number, n: number): number;
  /** True when nodes `a` and `b` store byte-identical vectors (sparsevec: identical keys). */
  sameNodes(g: number, a: number, b: number): boolean;
  /**
   * Widens `n` binary16 values at byte offset `src` (n a multiple of 8, finite: no infinity or
   * NaN) to float32 at `dst`, as the halfvec distances convert a node: exact.
   */
  widenHalf(src: number, dst: number, n: number): void;
}

/** Search mode bits. */
export const MODE_KEEP_DISCARDED = 1;
/**
 * Deleted nodes (tombstones until vacuum) are walked through but never results, so a scan finds
 * ef live nodes however many rows were deleted or updated since the last vacuum (hnswlib's
 * searchBaseLayerST with deletions). Scans set it when the graph has tombstones.
 */
export const MODE_SKIP_DELETED = 4;

/** The mode bits of a scan's search of a graph with `deleted` tombstones. */
export function scanMode(deleted: number, keep: boolean): number {
  return (keep ? MODE_KEEP_DISCARDED : 0) | (deleted > 0 ? MODE_SKIP_DELETED : 0);
}

/** The compiled module (once per process), or null when it cannot load or is not wanted. */
const wasmModule = compileWasm(new URL('../../../wasm/hnsw.wasm', import.meta.url));

/** The module's exports: the kernel's functions, with WebAssembly's i32 for a boolean. */
type WasmExports = Omit<HnswKernel, 'name' | 'sameNodes'> & { sameNodes(g: number, a: number, b: number): number };

function wasmKernel(arena: Arena): HnswKernel | null {
  const e = instantiateOn(wasmModule, arena) as unknown as WasmExports | null;
  if (e === null) return null;
  return {
    name: 'wasm-simd',
    search: e.search,
    resume: e.resume,
    insert: e.insert,
    distanceTo: e.distanceTo,
    nodeDistance: e.nodeDistance,
    sameNodes: (g, a, b) => e.sameNodes(g, a, b) !== 0,
    widenHalf: e.widenHalf,
  };
}

/** The name of the kernel {@link hnswKernelOf} returns: chosen once per process. */
export const hnswKernelName: HnswKernel['name'] = wasmModule !== null ? 'wasm-simd' : 'js';

const cache = new WeakMap<Arena, HnswKernel>();

/** The kernel over memory `arena` (the one every HNSW index in that memory uses). */
export function hnswKernelOf(arena: Arena): HnswKernel {
  let k = cache.get(arena);
  if (k === undefined) {
    k = wasmKernel(arena) ?? referenceKernelOf(arena);
    cache.set(arena, k);
  }
  return k;
}

export { referenceKernelOf };
