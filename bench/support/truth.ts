/**
 * Exact k-nearest-neighbour ground truth by brute force with the fast (WASM SIMD) kernels, and
 * recall@k against it. Cosine distance is computed as 1 - dot of unit vectors. The result is
 * cached under node_modules/.cache/vecgres/ keyed by the split, since 1,000 x 340k distances
 * take tens of seconds.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Arena } from '../../src/kernels/arena.js';
import { kernelsOf } from '../../src/kernels/fast.js';

/** A memory of its own (kernels/arena.ts) and its kernels. */
const arena = new Arena();
const fast = kernelsOf(arena);

export type TruthMetric = 'cosine' | 'l2' | 'ip' | 'l1';

/** queries x k row indices (into `base`), nearest first. */
export interface GroundTruth {
  k: number;
  ids: Int32Array;
}

/**
 * @param base rows x dim row-major
 * @param queries nq x dim row-major
 * @param cacheKey when given, results are cached on disk under this name
 */
export function exactKnn(base: Float32Array, queries: Float32Array, dim: number, k: number, metric: TruthMetric, cacheKey?: string): GroundTruth {
  const rows = base.length / dim;
  const nq = queries.length / dim;
  const cacheFile = cacheKey === undefined ? undefined : join(process.cwd(), 'node_modules', '.cache', 'vecgres', `truth-${cacheKey}-${metric}-${rows}-${nq}-${k}.bin`);
  if (cacheFile !== undefined && existsSync(cacheFile)) {
    const buf = readFileSync(cacheFile);
    return { k, ids: new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
  }
  const dimP = Math.ceil(dim / 4) * 4;
  const rowBytes = dimP * 4;
  // The rows go through the memory in chunks of at most 1 GiB, so a base larger than one
  // 4 GiB WebAssembly memory (1,000,000 x 1,536-d) is searched too; each query keeps its heap
  // across chunks.
  const chunkRows = Math.max(1, Math.min(rows, Math.floor(2 ** 30 / rowBytes)));
  const basePtr = arena.alloc(chunkRows * rowBytes);
  const qPtr = arena.alloc(nq * rowBytes);
  const normalize = metric === 'cosine';
  for (let q = 0; q < nq; q++) copyRow(arena.f32(), queries, q * dim, (qPtr + q * rowBytes) >>> 2, dim, normalize);
  const kernel = metric === 'l1' ? fast.l1 : metric === 'l2' ? fast.l2sq : fast.dot;
  const negate = metric === 'cosine' || metric === 'ip';
  const ids = new Int32Array(nq * k);
  const heapD = new Float64Array(nq * k);
  const heapI = new Int32Array(nq * k);
  const sizes = new Int32Array(nq);
  for (let start = 0; start < rows; start += chunkRows) {
    const n = Math.min(chunkRows, rows - start);
    const f = arena.f32();
    for (let i = 0; i < n; i++) copyRow(f, base, (start + i) * dim, (basePtr + i * rowBytes) >>> 2, dim, normalize);
    for (let q = 0; q < nq; q++) {
      const hD = heapD.subarray(q * k, (q + 1) * k);
      const hI = heapI.subarray(q * k, (q + 1) * k);
      const qp = qPtr + q * rowBytes;
      let size = sizes[q]!;
      for (let i = 0; i < n; i++) {
        const raw = kernel(qp, basePtr + i * rowBytes, dimP);
        const d = negate ? -raw : raw;
        if (size < k) {
          heapPush(hD, hI, size++, d, start + i);
        } else if (d < hD[0]!) {
          heapReplaceTop(hD, hI, size, d, start + i);
        }
      }
      sizes[q] = size;
    }
  }
  for (let q = 0; q < nq; q++) {
    const hD = heapD.subarray(q * k, (q + 1) * k);
    const hI = heapI.subarray(q * k, (q + 1) * k);
    // Pop the max-heap into ascending order.
    for (let j = sizes[q]! - 1; j >= 0; j--) {
      ids[q * k + j] = hI[0]!;
      heapReplaceTop(hD, hI, j, hD[j]!, hI[j]!);
    }
  }
  arena.free(basePtr, chunkRows * rowBytes);
  arena.free(qPtr, nq * rowBytes);
  if (cacheFile !== undefined) {
    mkdirSync(join(cacheFile, '..'), { recursive: true });
    writeFileSync(cacheFile, new Uint8Array(ids.buffer));
  }
  return { k, ids };
}

function copyRow(dst: Float32Array, src: Float32Array, srcOff: number, dstOff: number, dim: number, normalize: boolean): void {
  let s = 0;
  if (normalize) for (let j = 0; j < dim; j++) s += src[srcOff + j]! * src[srcOff + j]!;
  const scale = normalize && s > 0 ? 1 / Math.sqrt(s) : 1;
  for (let j = 0; j < dim; j++) dst[dstOff + j] = src[srcOff + j]! * scale;
}

function heapPush(d: Float64Array, id: Int32Array, size: number, x: number, xi: number): void {
  let i = size;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (d[p]! >= x) break;
    d[i] = d[p]!;
    id[i] = id[p]!;
    i = p;
  }
  d[i] = x;
  id[i] = xi;
}

/** Replaces the max of a heap of `size` entries with (x, xi) and restores the heap. */
function heapReplaceTop(d: Float64Array, id: Int32Array, size: number, x: number, xi: number): void {
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= size) break;
    if (c + 1 < size && d[c + 1]! > d[c]!) c++;
    if (d[c]! <= x) break;
    d[i] = d[c]!;
    id[i] = id[c]!;
    i = c;
  }
  d[i] = x;
  id[i] = xi;
}

/**
 * recall@k: the fraction of the true k nearest found among the first k results.
 * @param found nq x k result ids (-1 for missing), same order as the queries
 */
export function recallAtK(truth: GroundTruth, found: Int32Array, k: number): number {
  const nq = found.length / k;
  let hits = 0;
  const want = new Set<number>();
  for (let q = 0; q < nq; q++) {
    want.clear();
    for (let j = 0; j < k; j++) want.add(truth.ids[q * truth.k + j]!);
    for (let j = 0; j < k; j++) if (want.has(found[q * k + j]!)) hits++;
  }
  return hits / (nq * k);
}
