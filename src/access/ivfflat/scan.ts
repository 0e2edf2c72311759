/**
 * Ordered IVFFlat scans (pgvector ivfscan.c). The query's distance to every center orders the
 * lists; the first `ivfflat.probes` lists are read (each with one SIMD range-kernel call over
 * its contiguous vectors) and their entries come out in ascending distance. With
 * `ivfflat.iterative_scan = relaxed_order`, once those are handed out the next `probes` lists
 * are read, and so on up to `ivfflat.max_probes` lists (or `probes` if larger), each round in
 * ascending order on its own (pgvector 0.8's relaxed order).
 *
 * Beyond pgvector (access/am.ts ScanOptions):
 * - a row filter is consulted while a list is read, so every row returned passes, and the
 *   first round reads further lists (nearest first) until it holds `limit` passing rows; later
 *   rounds continue over every list, so a filtered query gets LIMIT rows whenever they exist;
 * - `exhaustive` continues over every list whatever the settings, the first round holding at
 *   least limit / keepFraction rows so the rows the caller keeps are as accurate as an
 *   unfiltered scan's;
 * - `continueScan` (a join filters the rows) continues in relaxed order up to max_probes.
 *
 * Lists may lie in several memories, a list larger than a memory in chunks in several
 * (lists.ts): each chunk is read with the range kernel of its memory, over a copy of the
 * prepared query made in that memory at its first chunk there. The kernel writes distances into
 * a block of {@link SCAN_CHUNK} floats per memory, a chunk's entries {@link SCAN_CHUNK} at a
 * time, so what a scan takes from each memory is small and fixed (it is taken as a short-lived
 * block: a memory full of lists keeps headroom for it).
 *
 * No state in module scope: the query, the center order and the candidates are this scan's.
 */
import type { IndexScan, ScanOptions, ScanStats, VectorKey } from '../am.js';
import type { CandidateBuffers, IvfflatIndex } from './ivfflat-index.js';
import { GUC_ITERATIVE_SCAN, GUC_MAX_PROBES, GUC_PROBES } from './options.js';

/**
 * Relative margin past ScanOptions.distanceBound before a scan stops: list distances are
 * float32 sums, the SQL operator's float64; rows inside the margin are returned and filtered
 * by the caller's exact test, so a generous margin costs a few rows, never a wrong answer.
 */
const STOP_MARGIN = 1e-3;

/** Entries (or centers) whose distances one range-kernel call computes: 16 KB of distances. */
export const SCAN_CHUNK = 4096;

const USE = 'IVFFlat scan';

export class IvfflatScan implements IndexScan {
  private readonly probes: number;
  /** Lists read at most (the whole index for exhaustive and filtered scans). */
  private readonly maxProbes: number;
  /** Later rounds are allowed (relaxed order). */
  private readonly iterative: boolean;
  /** Passing entries the first round gathers before it stops adding lists. */
  private readonly firstRoundRows: number;
  private readonly stopAbove: number;
  private readonly queryZero: boolean;
  /**
   * Per memory of the index (an index into lists.arenas): a block holding the prepared query
   * (vecBytes) then {@link SCAN_CHUNK} distances, or 0 before its first list there. The first
   * memory's block is made at once and holds the query the others copy.
   */
  private readonly blocks: number[] = [];
  private readonly blockBytes: number;
  /** Lists in ascending center distance (computed at the first fetch). */
  private order: Int32Array | null = null;
  private probed = 0;
  /**
   * The current round's candidates (row ids and internal distances, in arrays borrowed from
   * the index's pool for the scan's lifetime: ivfflat-index.ts CandidateBuffers), and the
   * order handed out.
   */
  private buffers: CandidateBuffers;
  private candIds: Int32Array;
  private candDist: Float32Array;
  private candCount = 0;
  private batch: Int32Array = new Int32Array(0);
  private batchLen = 0;
  private batchPos = 0;
  /** Candidates already handed out by a partial selection (1 = taken). */
  private taken: Uint8Array | null = null;
  private done = false;
  private readonly counters: ScanStats = { searches: 0, distanceComputations: 0, tuplesReturned: 0 };

  constructor(private readonly ix: IvfflatIndex, q: VectorKey, private readonly opts: ScanOptions) {
    const lists = ix.lists.lists;
    this.probes = Math.min(Number(opts.gucs.get(GUC_PROBES)), lists);
    const exhaustive = opts.exhaustive === true;
    const filtered = opts.filter != null;
    const relaxed = String(opts.gucs.get(GUC_ITERATIVE_SCAN)) !== 'off';
    this.iterative = exhaustive || filtered || relaxed || opts.continueScan === true;
    const maxProbes = Math.max(this.probes, Math.min(Number(opts.gucs.get(GUC_MAX_PROBES)), lists));
    this.maxProbes = exhaustive || filtered ? lists : this.iterative ? maxProbes : this.probes;
    const limit = opts.limit;
    if (filtered) this.firstRoundRows = limit;
    else if (exhaustive) {
      const keep = opts.keepFraction ?? 1;
      this.firstRoundRows = keep > 0 && keep < 1 ? limit / keep : limit;
    } else this.firstRoundRows = 0;
    const bound = opts.distanceBound;
    this.stopAbove = bound === undefined || this.iterative ? Infinity : bound + STOP_MARGIN * (1 + Math.abs(bound));
    this.blockBytes = ix.vecBytes + SCAN_CHUNK * 4;
    const home = ix.lists.arena.alloc(this.blockBytes, USE, true);
    this.blocks.push(home);
    this.buffers = ix.acquireCandidates();
    this.candIds = this.buffers.ids;
    this.candDist = this.buffers.dist;
    // pgvector's cosine distance to a zero query is NaN for every row; ordering is arbitrary.
    this.queryZero = !ix.prepareInto(q, home);
  }

  /**
   * The block of memory `m` (see {@link blocks}), made with a copy of the query on first use.
   * @throws PgError 53200 when the memory has no room for it.
   */
  private blockIn(m: number): number {
    const b = this.blocks[m];
    if (b !== undefined && b !== 0) return b;
    const lists = this.ix.lists;
    const a = lists.arenas[m]!;
    const p = a.alloc(this.blockBytes, USE, true);
    while (this.blocks.length <= m) this.blocks.push(0);
    this.blocks[m] = p;
    const home = this.blocks[0]!;
    a.u8().set(lists.arena.u8().subarray(home, home + this.ix.vecBytes), p);
    return p;
  }

  next(rowIds: Int32Array, distances: Float64Array): number {
    const cap = Math.min(rowIds.length, distances.length);
    const ix = this.ix;
    let n = 0;
    while (n < cap) {
      if (this.batchPos === this.batchLen && !this.fetch()) break;
      const c = this.batch[this.batchPos++]!;
      const rowId = this.candIds[c]!;
      if (!this.opts.isLive(rowId)) continue;
      const sql = this.queryZero ? NaN : ix.toSqlDistance(this.candDist[c]!);
      if (sql > this.stopAbove) {
        this.finish();
        break;
      }
      rowIds[n] = rowId;
      distances[n] = sql;
      n++;
    }
    this.counters.tuplesReturned += n;
    return n;
  }

  stats(): ScanStats {
    return { ...this.counters };
  }

  close(): void {
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.batchPos = this.batchLen = 0;
    if (this.blocks[0] !== 0) {
      const arenas = this.ix.lists.arenas;
      for (let m = 0; m < this.blocks.length; m++) {
        if (this.blocks[m] !== 0) arenas[m]!.free(this.blocks[m]!, this.blockBytes);
        this.blocks[m] = 0;
      }
      this.ix.releaseCandidates(this.buffers);
    }
  }

  /** Loads the next batch of candidates; false when the scan is exhausted. */
  private fetch(): boolean {
    for (;;) {
      if (this.done) return false;
      // Rest of the current round after a partial selection.
      if (this.taken !== null) {
        this.sortRest();
        if (this.batchLen > 0) return true;
      }
      if (this.order === null) this.orderLists();
      else if (!this.iterative) return this.stop();
      const order = this.order!;
      if (this.probed >= this.maxProbes) return this.stop();
      this.candCount = 0;
      const first = this.counters.searches === 0;
      const until = Math.min(this.maxProbes, this.probed + this.probes);
      while (this.probed < this.maxProbes && (this.probed < until || (first && this.candCount < this.firstRoundRows))) {
        this.readList(order[this.probed++]!);
      }
      this.counters.searches++;
      this.selectBatch();
      if (this.batchLen > 0) return true;
    }
  }

  private stop(): boolean {
    this.finish();
    return false;
  }

  /** Distances from the query to every center, lists sorted by them (ties by list number). */
  private orderLists(): void {
    const ix = this.ix;
    const k = ix.lists.lists;
    const q = this.blocks[0]!;
    const dist = q + ix.vecBytes;
    const o = dist >>> 2;
    const keys = new Float64Array(k);
    for (let from = 0; from < k; from += SCAN_CHUNK) {
      const c = Math.min(SCAN_CHUNK, k - from);
      ix.range(q, ix.lists.centersPtr + from * ix.vecBytes, c, ix.rangeDim, dist);
      const f = ix.lists.arena.f32();
      for (let i = 0; i < c; i++) keys[from + i] = ix.negate ? -f[o + i]! : f[o + i]!;
    }
    this.counters.distanceComputations += k;
    const order = new Int32Array(k);
    for (let i = 0; i < k; i++) order[i] = i;
    order.sort((a, b) => keys[a]! - keys[b]! || a - b);
    this.order = order;
  }

  /** Appends list `l`'s live entries (passing the filter) to the candidates, chunk by chunk. */
  private readList(l: number): void {
    const lists = this.ix.lists;
    const n = lists.count[l]!;
    if (n === 0) return;
    this.counters.distanceComputations += n;
    if (this.candCount + n > this.candIds.length) {
      const size = Math.max(this.candCount + n, this.candIds.length * 2);
      const ids = new Int32Array(size);
      ids.set(this.candIds.subarray(0, this.candCount));
      const ds = new Float32Array(size);
      ds.set(this.candDist.subarray(0, this.candCount));
      this.candIds = this.buffers.ids = ids;
      this.candDist = this.buffers.dist = ds;
    }
    lists.forEachRun(l, 0, n, this.readRun);
  }

  /**
   * Appends the live entries of one run of a list (lists.ts forEachRun: `len` entries in
   * memory `m`, vectors from byte offset `vecPtr`, row ids from word `rowWord`), reading
   * distances with that memory's range kernel a {@link SCAN_CHUNK} at a time.
   */
  private readonly readRun = (m: number, vecPtr: number, rowWord: number, _at: number, len: number): void => {
    const ix = this.ix;
    const a = ix.lists.arenas[m]!;
    const q = this.blockIn(m);
    const range = ix.rangeIn(m);
    const dist = q + ix.vecBytes;
    const f = a.f32();
    const words = a.i32();
    const o = dist >>> 2;
    const filter = this.opts.filter;
    const ids = this.candIds;
    const ds = this.candDist;
    let c = this.candCount;
    const neg = ix.negate;
    const bits = filter == null ? 0 : filter.bitmapPtr >>> 2;
    const fw = filter == null ? null : filter.bitmapMemory.i32();
    const rowBits = filter == null ? 0 : filter.rowBits;
    for (let from = 0; from < len; from += SCAN_CHUNK) {
      const step = Math.min(SCAN_CHUNK, len - from);
      range(q, vecPtr + from * ix.vecBytes, step, ix.rangeDim, dist);
      const w = rowWord + from;
      if (fw === null) {
        for (let i = 0; i < step; i++) {
          const r = words[w + i]!;
          if (r < 0) continue;
          ids[c] = r;
          ds[c++] = neg ? -f[o + i]! : f[o + i]!;
        }
      } else {
        for (let i = 0; i < step; i++) {
          const r = words[w + i]!;
          if (r < 0 || r >= rowBits || ((fw[bits + (r >>> 5)]! >>> (r & 31)) & 1) === 0) continue;
          ids[c] = r;
          ds[c++] = neg ? -f[o + i]! : f[o + i]!;
        }
      }
    }
    this.candCount = c;
  };

  /**
   * Orders the round's candidates for handing out: all of them when few, else the `limit`
   * smallest first (a bounded max-heap, O(n log limit)), the rest sorted only if asked for.
   */
  private selectBatch(): void {
    const n = this.candCount;
    const limit = this.opts.limit;
    if (Number.isFinite(limit) && limit > 0 && n > 4 * limit) {
      const k = Math.ceil(limit);
      this.batch = smallest(this.candDist, n, k);
      this.batchLen = this.batch.length;
      this.batchPos = 0;
      if (this.buffers.taken.length < n) this.buffers.taken = new Uint8Array(Math.max(n, this.buffers.taken.length * 2));
      const taken = this.buffers.taken;
      taken.fill(0, 0, n);
      for (let i = 0; i < this.batchLen; i++) taken[this.batch[i]!] = 1;
      this.taken = taken;
      return;
    }
    this.batch = sortedOrder(this.candDist, n, null);
    this.batchLen = n;
    this.batchPos = 0;
    this.taken = null;
  }

  private sortRest(): void {
    this.batch = sortedOrder(this.candDist, this.candCount, this.taken);
    this.batchLen = this.batch.length;
    this.batchPos = 0;
    this.taken = null;
  }
}

/** Indices 0..n-1 (skipping `skip`ped ones) in ascending `d`, ties by index. */
function sortedOrder(d: Float32Array, n: number, skip: Uint8Array | null): Int32Array {
  let m = 0;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) if (skip === null || skip[i] === 0) out[m++] = i;
  const o = m === n ? out : out.subarray(0, m);
  o.sort((a, b) => d[a]! - d[b]! || a - b);
  return o;
}

/** The `k` indices of smallest `d` among 0..n-1, ascending (ties by index). */
function smallest(d: Float32Array, n: number, k: number): Int32Array {
  const heap = new Int32Array(k);
  let size = 0;
  // Max-heap on (d, index): the root is the worst kept.
  const worse = (a: number, b: number): boolean => d[a]! > d[b]! || (d[a] === d[b] && a > b);
  for (let i = 0; i < n; i++) {
    if (size < k) {
      let j = size++;
      heap[j] = i;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!worse(heap[j]!, heap[p]!)) break;
        const t = heap[j]!;
        heap[j] = heap[p]!;
        heap[p] = t;
        j = p;
      }
    } else if (worse(heap[0]!, i)) {
      heap[0] = i;
      let j = 0;
      for (;;) {
        const l = 2 * j + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && worse(heap[r]!, heap[l]!) ? r : l;
        if (!worse(heap[c]!, heap[j]!)) break;
        const t = heap[j]!;
        heap[j] = heap[c]!;
        heap[c] = t;
        j = c;
      }
    }
  }
  const out = heap.subarray(0, size);
  out.sort((a, b) => d[a]! - d[b]! || a - b);
  return out;
}
