/**
 * The HNSW graph kernel: search and insertion over the arena layout of layout.ts. Picked once
 * per process, as src/kernels/fast.ts picks the distance kernels: the WebAssembly SIMD build
 * (dist/wasm/hnsw.wasm from assembly/hnsw.ts) or, when VECGRES_KERNELS=js or the module
 * cannot load, the TypeScript twin in reference.ts.
 *
 * All arguments are byte pointers into the arena: `g` a graph header, `s` a scratch header,
 * `q` a query vector padded with zeros to the graph's dimP, in the graph's query format (the
 * node format, except float32 for a halfvec graph: layout.ts).
 */
import { readFileSync } from 'node:fs';
import { arena } from '../../kernels/arena.js';
import { referenceKernel } from './reference.js';

export interface HnswKernel {
  readonly name: 'wasm-simd' | 'js';
  /** Greedy descent + SEARCH-LAYER(ef) on layer 0; results ascending at S_OUT; returns count. */
  search(g: number, s: number, q: number, ef: number, mode: number): number;
  /** Continues an iterative scan from the discarded candidates; returns count at S_OUT. */
  resume(g: number, s: number, q: number, ef: number): number;
  /** INSERT (Algorithm 1) of a node whose record is filled in; `q` its vector in query format. */
  insert(g: number, s: number, node: number, q: number): void;
  /** Internal distance (squared L2, negative dot, L1, Hamming, Jaccard) from the query to node `n`. */
  distanceTo(g: number, q: number, n: number): number;
  /** Internal distance between nodes `m` and `n`. */
  nodeDistance(g: number, m: number, n: number): number;
}

/** Search mode bits. */
export const MODE_KEEP_DISCARDED = 1;

function wasmKernel(): HnswKernel | null {
  try {
    const url = new URL('../../../wasm/hnsw.wasm', import.meta.url);
    const module = new WebAssembly.Module(readFileSync(url));
    const instance = new WebAssembly.Instance(module, { env: { memory: arena.memory, abort: () => {} } });
    const e = instance.exports as unknown as Omit<HnswKernel, 'name'>;
    return { name: 'wasm-simd', search: e.search, resume: e.resume, insert: e.insert, distanceTo: e.distanceTo, nodeDistance: e.nodeDistance };
  } catch {
    return null;
  }
}

/** The kernel every HNSW index uses. */
export const hnswKernel: HnswKernel =
  (process.env['VECGRES_KERNELS'] === 'js' ? null : wasmKernel()) ?? referenceKernel;

export { referenceKernel };
