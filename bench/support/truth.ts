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
  const basePtr = arena.alloc(rows * rowBytes);
  const qPtr = arena.alloc(rowBytes);
  const f = arena.f32();
  const normalize = metric === 'cosine';
  for (let i = 0; i < rows; i++) copyRow(f, base, i * dim, (basePtr + i * rowBytes) >>> 2, dim, normalize);
  const kernel = metric === 'l1' ? fast.l1 : metric === 'l2' ? fast.l2sq : fast.dot;
  const negate = metric === 'cosine' || metric === 'ip';
  const ids = new Int32Array(nq * k);
  const heapD = new Float64Array(k);
  const heapI = new Int32Array(k);
  for (let q = 0; q < nq; q++) {
    copyRow(arena.f32(), queries, q * dim, qPtr >>> 2, dim, normalize);
    let size = 0;
    for (let i = 0; i < rows; i++) {
      const raw = kernel(qPtr, basePtr + i * rowBytes, dimP);
      const d = negate ? -raw : raw;
      if (size < k) {
        heapPush(heapD, heapI, size++, d, i);
      } else if (d < heapD[0]!) {
        heapReplaceTop(heapD, heapI, size, d, i);
      }
    }
    // Pop the max-heap into ascending order.
    for (let j = size - 1; j >= 0; j--) {
      ids[q * k + j] = heapI[0]!;
      heapReplaceTop(heapD, heapI, j, heapD[j]!, heapI[j]!);
    }
  }
  arena.free(basePtr, rows * rowBytes);
  arena.free(qPtr, rowBytes);
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
