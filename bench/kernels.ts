/**
 * Distance-kernel micro-benchmark: nanoseconds per distance for the WebAssembly SIMD kernels
 * (one call per pair, and the batch kernel over a pointer list), the plain-JS pointer fallback
 * and the reference kernels, at 100/768/1536 dimensions, with the rows in cache (64 rows
 * reused) and as random rows of a table larger than the last-level cache (~80 MB).
 *
 * Usage: `npm run bench -- kernels [--table-mb 80] [--pairs 200000] [--repeats 5]`.
 * Every configuration runs `repeats` times interleaved; the median is printed, so the ratios
 * hold on a machine shared with other work.
 */
import { Arena } from '../src/kernels/arena.js';
import { kernelsOf, jsKernelsOf, type PtrKernel } from '../src/kernels/fast.js';
import { dotRef, l2SquaredRef } from '../src/kernels/reference.js';
import { Prng } from '../src/common/prng.js';
import { parseBenchArgs, type OptionSpecs } from './support/args.js';

/** A memory of its own (kernels/arena.ts) and its kernels. */
const arena = new Arena();
const fast = kernelsOf(arena);
const jsFast = jsKernelsOf(arena);

const SPECS = {
  tableMb: { kind: 'number', default: 80, help: 'MB of rows for the out-of-cache runs' },
  pairs: { kind: 'number', default: 200_000, help: 'distances per timing' },
  repeats: { kind: 'number', default: 5, help: 'interleaved repeats (the median is printed)' },
  dims: { kind: 'numbers', default: [100, 768, 1536], help: 'dimensions' },
} satisfies OptionSpecs;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

let sink = 0;

/** Runs `kernel` over the pointer list; returns ns per distance. */
function timeSingle(kernel: PtrKernel, q: number, ptrs: Int32Array, dim: number): number {
  const t0 = process.hrtime.bigint();
  let s = 0;
  for (let i = 0; i < ptrs.length; i++) s += kernel(q, ptrs[i]!, dim);
  const t1 = process.hrtime.bigint();
  sink += s;
  return Number(t1 - t0) / ptrs.length;
}

/** Runs a batch kernel over the pointer list in chunks of 64 (a graph node's neighbours). */
function timeMany(
  many: (q: number, rows: number, n: number, dim: number, out: number) => void,
  q: number,
  listPtr: number,
  n: number,
  dim: number,
  outPtr: number,
): number {
  const chunk = 64;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i + chunk <= n; i += chunk) many(q, listPtr + i * 4, chunk, dim, outPtr);
  const t1 = process.hrtime.bigint();
  sink += arena.f32()[outPtr >>> 2]!;
  return Number(t1 - t0) / (n - (n % chunk));
}

/** The reference kernel over a plain Float32Array (what code without the arena would do). */
function timeReference(kernel: typeof l2SquaredRef, table: Float32Array, q: Float32Array, rows: Int32Array, dim: number): number {
  const t0 = process.hrtime.bigint();
  let s = 0;
  for (let i = 0; i < rows.length; i++) s += kernel(q, 0, table, rows[i]! * dim, dim);
  const t1 = process.hrtime.bigint();
  sink += s;
  return Number(t1 - t0) / rows.length;
}

/** Prints ns per distance for each kernel, dimension and access pattern. */
export async function benchKernels(args: string[]): Promise<void> {
  const o = parseBenchArgs('kernels', 'Nanoseconds per distance of the SIMD, plain-JS and reference kernels, in and out of cache.', SPECS, args);
  console.log(`kernels: ${fast.name} (fast) vs js; table ${o.tableMb} MB; median of ${o.repeats}; ns per distance`);
  console.log(['dims', 'rows', 'wasm l2sq', 'wasm dot', 'wasm cos', 'wasm l2sqMany', 'js l2sq', 'ref l2sq', 'ref dot', 'js/wasm'].join('\t'));
  const prng = new Prng(42);
  for (const dim of o.dims) {
    const rowBytes = dim * 4;
    const nRows = Math.max(64, Math.floor((o.tableMb * 1024 * 1024) / rowBytes));
    const tablePtr = arena.alloc(nRows * rowBytes);
    const qPtr = arena.alloc(rowBytes);
    const m = arena.f32();
    for (let i = 0; i < nRows * dim; i++) m[(tablePtr >>> 2) + i] = prng.next() * 2 - 1;
    for (let i = 0; i < dim; i++) m[(qPtr >>> 2) + i] = prng.next() * 2 - 1;
    // A plain copy for the reference kernels (only the part the pairs touch in cache mode).
    const plain = new Float32Array(m.buffer, tablePtr, nRows * dim).slice();
    const q = new Float32Array(m.buffer, qPtr, dim).slice();
    // Fewer pairs at high dimension keep each run near the same wall time.
    const pairs = Math.max(10_000, Math.floor((o.pairs * 100) / dim));
    const listPtr = arena.alloc(pairs * 4);
    const outPtr = arena.alloc(64 * 4);
    for (const mode of ['cache', 'random'] as const) {
      const rows = new Int32Array(pairs);
      for (let i = 0; i < pairs; i++) rows[i] = mode === 'cache' ? prng.int(64) : prng.int(nRows);
      const ptrs = new Int32Array(pairs);
      for (let i = 0; i < pairs; i++) ptrs[i] = tablePtr + rows[i]! * rowBytes;
      arena.i32().set(ptrs, listPtr >>> 2);
      const r: number[][] = [[], [], [], [], [], [], []];
      for (let rep = 0; rep < o.repeats; rep++) {
        r[0]!.push(timeSingle(fast.l2sq, qPtr, ptrs, dim));
        r[1]!.push(timeSingle(fast.dot, qPtr, ptrs, dim));
        r[2]!.push(timeSingle(fast.cosine, qPtr, ptrs, dim));
        r[3]!.push(timeMany(fast.l2sqMany, qPtr, listPtr, pairs, dim, outPtr));
        r[4]!.push(timeSingle(jsFast.l2sq, qPtr, ptrs, dim));
        r[5]!.push(timeReference(l2SquaredRef, plain, q, rows, dim));
        r[6]!.push(timeReference(dotRef, plain, q, rows, dim));
      }
      const med = r.map(median);
      console.log([dim, mode, ...med.map((x) => x.toFixed(1)), (med[4]! / med[0]!).toFixed(1) + 'x'].join('\t'));
    }
    arena.free(listPtr, pairs * 4);
    arena.free(outPtr, 64 * 4);
    arena.free(qPtr, rowBytes);
    arena.free(tablePtr, nRows * rowBytes);
  }
  if (sink === 0.123456789) console.log('');
}
