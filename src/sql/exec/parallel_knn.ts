/**
 * The parallel exact k-NN scan (Gather Merge -> Sort -> Parallel Seq Scan, plan/parallel.ts):
 * the participants (the leader and the pool's workers, kernels/workers.ts) take chunks of the
 * table's rows from a shared counter, each keeps its own candidates with the serial scan's
 * error bounds (exec/knn_bounds.ts, exec/nodes/top_k.ts), and the leader merges them into the
 * candidates the serial scan would have ranked.
 *
 * Why the merge gives the serial answer: the serial scan's candidates are the qualifying rows
 * whose `lo` is not above B, the k-th smallest `hi` over the whole table (top_k.ts). A
 * participant keeps the rows of its chunks whose `lo` is not above its own k-th smallest `hi`,
 * B_p >= B (fewer rows), so the union of the participants' candidates holds every serial
 * candidate, and the k smallest `hi` of the table (each participant's own k smallest are among
 * its candidates). The leader offers the union in row order to a {@link Candidates}, which
 * keeps exactly the rows whose `lo` is not above B: the serial candidates, in scan order, so the
 * ranking (pgvector's distance, the further keys, ties in row order) and the answer are the
 * serial ones, byte for byte.
 *
 * What the participants read, all in shared memory and none of it copied per query but the
 * query: the rows in the column's segments, the query copied beside each memory with a
 * distance buffer per participant after it, a block of two control words (next chunk, abort),
 * and the bitmap of rows to visit. When no row of the table belongs to a transaction in flight
 * (Table.pendingRows is 0, PostgreSQL's all-visible case) and there is no WHERE clause, every
 * live row is visible to every snapshot and that bitmap is the table's own live-row bitmap
 * (shared memory, common/shared_arrays.ts); otherwise the leader builds it in the block first
 * (MVCC decided by the leader, exactly as the serial scan's visibleTo, then the WHERE clause).
 * The participants skip NULL rows by the table's NULL flags and return them, and read the
 * rows' squared norms (inner product, cosine) from the table's norms array, both shared too.
 * Nothing is allocated in the memories while they run (the pool's rule).
 */
import type { Arena } from '../../kernels/arena.js';
import { kernelsOf, type FastKernels, type RangeKernel } from '../../kernels/fast.js';
import { memories } from '../../kernels/memories.js';
import { defineTask, type WorkerContext } from '../../kernels/workers.js';
import { Err, HUGE, TINY } from './knn_bounds.js';
import { Candidates } from './topk.js';

/** The per-row kernels the parallel scan runs, by their name in {@link FastKernels}. */
export type ParallelKernel = 'l2sq' | 'dot' | 'l1' | 'halfL2sq' | 'halfL1' | 'halfCosine' | 'hamming' | 'jaccard' | 'signHamming' | 'signJaccard';

/** Kernels with a contiguous-rows variant (one call per chunk instead of one per row). */
const RANGE_KERNELS: Partial<Record<ParallelKernel, 'l2sqRange' | 'dotRange' | 'signHammingRange' | 'hammingRange'>> = {
  l2sq: 'l2sqRange',
  dot: 'dotRange',
  signHamming: 'signHammingRange',
  hamming: 'hammingRange',
};

/** Control words at the start of the shared block: the next chunk to take, and the abort flag. */
export const CTL_NEXT = 0;
export const CTL_ABORT = 1;
/** Bytes before the visible-rows bitmap in the shared block (the control words, cache-line aligned). */
export const CTL_BYTES = 64;

/** What one participant of the scan is given (structured-clonable, but for the leader's `check`). */
export interface KnnTaskArgs {
  kernel: ParallelKernel;
  err: Err;
  /** -1 for the inner product (pgvector's `<#>` is its negation), else 1. */
  sign: number;
  /** Cosine distance from the inner product and the norms. */
  cosine: boolean;
  /** The kernel's length argument (dimensions, or bytes of a bit string). */
  units: number;
  /** The relative error per unit of the sums (RHO_ULPS * (len + 2) * 2^-24). */
  rho: number;
  qNormSq: number;
  /** Set bits of the query (sign-bit Jaccard). */
  qBits: number;
  /**
   * Per memory the rows lie in, three numbers: the memory id, the byte offset of the query
   * there, and of the distance buffers there (`chunkRows` float32 per participant, in order).
   */
  queries: number[];
  /** Address (memory id * 2^32 + offset) of each segment of the column (0: released). */
  segments: number[];
  /** log2 of the rows of a segment, and bytes per row. */
  shift: number;
  rowBytes: number;
  /** Rows (slots) of the table. */
  slots: number;
  /** Rows per chunk: a power of two that divides a segment. */
  chunkRows: number;
  /** Address of the shared block: control words, then (when {@link visible} is null) the bitmap of rows to visit. */
  block: number;
  /**
   * The rows to visit when the leader built no bitmap: the table's live-row bitmap (shared
   * memory; every live row visible to the statement). Null: the bitmap in {@link block}.
   */
  visible: Uint32Array | null;
  /** The column's NULL flags per row (1 = NULL; shared memory). */
  nulls: Uint8Array;
  /** The rows' squared norms (float32 per row; shared memory), for the inner product and cosine; else null. */
  norms: Float32Array | null;
  k: number;
  /**
   * 0: chunks are taken from the shared counter (the fastest participant takes more); else the
   * participant count, and participant p takes chunks p, p + n, p + 2n, ... (tests: every
   * participant then has rows to merge, whatever the threads' timing).
   */
  fixedStride: number;
  /** Fault injection for tests: this participant throws a TypeError when it starts (-1: none). */
  failAt: number;
  /**
   * This participant's number (its distance buffer and fixed stride) when the caller numbers
   * them itself (a scan that runs off the event loop: exec/parallel_knn_async.ts); absent: the
   * pool's participant number.
   */
  participant?: number;
  /** The leader's interrupt check (cancel, statement_timeout), called per chunk; absent in workers. */
  check?: () => void;
}

/** One participant's candidates: row ids ascending, with their distance intervals. */
export interface KnnTaskResult {
  ids: Int32Array;
  lows: Float64Array;
  highs: Float64Array;
  /** Rows of its chunks in the bitmap whose value is NULL, ascending. */
  nullRows: number[];
  /** Rows of its chunks in the bitmap (NULL or not). */
  visited: number;
  /** Rows it offered (qualifying, non-NULL). */
  qualified: number;
  /** Rows its local top k held at the end (what its Sort would have passed up). */
  kept: number;
}


/**
 * One participant: takes chunks until none is left (or the abort word is set), computes each
 * visible row's distance interval, keeps its candidates. Runs in a worker thread or, as
 * participant 0, in the leader.
 */
export function knnScanTask(a: KnnTaskArgs, ctx: WorkerContext): KnnTaskResult {
  const p = new KnnParticipant(a, ctx);
  p.step(Infinity);
  return p.result();
}

/**
 * A participant's scan, resumable: {@link step} takes up to a given number of chunks, so the
 * leader of a scan that runs off the event loop takes its share between other work
 * (exec/parallel_knn_async.ts). Its candidates are the same whatever the steps.
 */
export class KnnParticipant {
  private readonly home: Arena;
  private readonly ctl: Int32Array;
  private readonly ctlWord: number;
  /** The serial scan's candidate list, keeping both ends (the leader finds the bound from them). */
  private readonly cands: Candidates;
  private readonly nullRows: number[] = [];
  private visited = 0;
  private readonly me: number;
  private readonly chunks: number;
  // Per memory (by id): its kernels and where this participant's query and distance buffer are.
  private memId = -1;
  private ks: FastKernels | null = null;
  private range: RangeKernel | null = null;
  private qPtr = 0;
  private outPtr = 0;
  private outF32: Float32Array;
  private taken = 0;
  private finished = false;

  constructor(private readonly a: KnnTaskArgs, private readonly ctx: WorkerContext) {
    this.home = memoryOfAddress(ctx, a.block);
    this.ctl = this.home.i32();
    this.ctlWord = (a.block >>> 0) >>> 2;
    this.cands = new Candidates(a.k, true);
    this.me = a.participant ?? ctx.worker;
    this.chunks = Math.ceil(a.slots / a.chunkRows);
    this.outF32 = this.home.f32();
  }

  /**
   * Takes up to `maxChunks` chunks; true when no chunk is left for it (or the scan aborted).
   * @throws what the kernels or `check` throw (57014); the abort word is set first, so the
   *   other participants stop at their next chunk.
   */
  step(maxChunks: number): boolean {
    try {
      if (this.a.failAt === this.me) throw new TypeError(`injected failure in participant ${this.me}`);
      for (let n = 0; n < maxChunks && !this.finished; n++) this.finished = !this.scanChunk();
      return this.finished;
    } catch (e) {
      // The others stop at their next chunk: the statement is failing.
      Atomics.store(this.ctl, this.ctlWord + CTL_ABORT, 1);
      throw e;
    }
  }

  /** What it found (after {@link step} returned true). */
  result(): KnnTaskResult {
    const c = this.cands;
    return { ...c.finishWithBounds(), nullRows: this.nullRows, visited: this.visited, qualified: c.qualified, kept: c.kept };
  }

  /** Scans one chunk; false when none was left. */
  private scanChunk(): boolean {
    const a = this.a;
    const ctl = this.ctl;
    if (Atomics.load(ctl, this.ctlWord + CTL_ABORT) !== 0) return false;
    a.check?.();
    const cands = this.cands;
    // The bitmap of rows to visit: the table's live rows, or the leader's bitmap in the block.
    const bits = a.visible ?? this.home.u32();
    const bitsWord = a.visible !== null ? 0 : ((a.block >>> 0) + CTL_BYTES) >>> 2;
    const nulls = a.nulls;
    const norms = a.norms;
    const qNorm = Math.sqrt(a.qNormSq);
    const qSafe = a.qNormSq <= HUGE && (!a.cosine || a.qNormSq >= TINY);
    const { err, sign, cosine, rho, units, chunkRows, rowBytes, shift } = a;
    const mask = (1 << shift) - 1;
    const c = a.fixedStride > 0 ? this.me + a.fixedStride * this.taken++ : Atomics.add(ctl, this.ctlWord + CTL_NEXT, 1);
    if (c >= this.chunks) return false;
    const first = c * chunkRows;
    const end = Math.min(a.slots, first + chunkRows);
    const seg = a.segments[first >>> shift]!;
    if (seg === 0) return true;
    const id = Math.floor(seg / 2 ** 32);
    if (id !== this.memId) {
      this.memId = id;
      const m = this.ctx.memory(id);
      this.ks = kernelsOf(m);
      let qi = 0;
      while (a.queries[qi] !== id) qi += 3;
      this.qPtr = a.queries[qi + 1]!;
      this.outPtr = a.queries[qi + 2]! + this.me * chunkRows * 4;
      const rangeName = RANGE_KERNELS[a.kernel];
      this.range = rangeName === undefined ? null : this.ks[rangeName];
      this.outF32 = m.f32();
    }
    const { qPtr, outPtr, outF32, range } = this;
    const base = (seg >>> 0) + (first & mask) * rowBytes;
    const count = end - first;
    const out = outPtr >>> 2;
    if (range !== null) range(qPtr, base, count, units, outPtr);
    else {
      const k = this.ks!;
      const kern = a.kernel === 'signJaccard' ? null : k[a.kernel];
      for (let i = 0; i < count; i++) {
        const r = first + i;
        if ((bits[bitsWord + (r >>> 5)]! & (1 << (r & 31))) === 0 || nulls[r] === 1) continue;
        const p = base + i * rowBytes;
        outF32[out + i] = kern === null ? k.signJaccard(qPtr, p, units, a.qBits) : kern(qPtr, p, units);
      }
    }
    // Views of a shared memory never detach; only a grow (none while participants run) replaces them.
    for (let i = 0; i < count; i++) {
      const r = first + i;
      if ((bits[bitsWord + (r >>> 5)]! & (1 << (r & 31))) === 0) continue;
      this.visited++;
      if (nulls[r] === 1) {
        this.nullRows.push(r);
        continue;
      }
      let d = outF32[out + i]!;
      let lo = d;
      let hi = d;
      if (err !== Err.None) {
        const nr = norms === null ? 0 : norms[r]!;
        if (cosine) d = 1 - d / Math.sqrt(nr * a.qNormSq);
        else d *= sign;
        let e: number;
        if (err === Err.Relative) e = d <= HUGE ? rho * d + TINY : NaN;
        else if (err === Err.Norms) e = qSafe && nr <= HUGE ? rho * qNorm * Math.sqrt(nr) + TINY : NaN;
        else e = norms === null || (qSafe && nr <= HUGE && nr >= TINY) ? 2 * rho + TINY : NaN;
        if (e === e && d === d) {
          lo = d - e;
          hi = d + e;
        } else {
          lo = -Infinity;
          hi = Infinity;
        }
      }
      if (lo > cands.bound()) continue;
      cands.offer(r, lo, hi);
    }
    return true;
  }
}

/** The memory an address names, through the participant's context. */
function memoryOfAddress(ctx: WorkerContext, addr: number): Arena {
  return ctx.memory(Math.floor(addr / 2 ** 32));
}

/** The task the pool runs (kernels/workers.ts). */
export const KNN_SCAN_TASK = defineTask(import.meta.url, 'knnScanTask', knnScanTask);

/** What the leader prepares for {@link knnScanTask}, in the shared memories. */
export interface ParallelKnnScratch {
  /** The shared block (control words, then the bitmap when there is one): free with {@link freeScratch}. */
  block: number;
  blockBytes: number;
}

/** Allocates the shared block, with a bitmap of `slots` rows when `bitmap`; @throws PgError 53200. */
export function allocScratch(slots: number, bitmap: boolean): ParallelKnnScratch {
  const words = bitmap ? (slots + 31) >>> 5 : 0;
  const blockBytes = CTL_BYTES + words * 4;
  return { block: memories.alloc(blockBytes, 'parallel scan'), blockBytes };
}

export function freeScratch(s: ParallelKnnScratch): void {
  memories.free(s.block, s.blockBytes);
}

/** Bytes of the shared block before the bitmap. */
export const SCRATCH_BITMAP_OFFSET = CTL_BYTES;
