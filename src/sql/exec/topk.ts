/**
 * A bounded max-heap over typed arrays: keeps the `k` smallest distances seen (the exact
 * scan's top-k). Ties are broken by rowId (the lower row wins), so among equal distances the
 * rows inserted first are kept, as PostgreSQL's top-N sort over a sequential scan keeps them. No per-row objects: ids and distances live in parallel typed arrays, and
 * NaN distances rank last (PostgreSQL sorts NaN above every number).
 */
export class TopK {
  readonly k: number;
  size = 0;
  readonly ids: Int32Array;
  readonly dists: Float64Array;

  constructor(k: number) {
    this.k = k;
    this.ids = new Int32Array(Math.max(k, 1));
    this.dists = new Float64Array(Math.max(k, 1));
  }

  /** Worst distance kept so far (Infinity while not full): rows not below it can be skipped. */
  bound(): number {
    return this.size < this.k ? Infinity : this.dists[0]!;
  }

  /** Offers a row; NaN is treated as +Infinity. */
  push(id: number, dist: number): void {
    const d = dist !== dist ? Infinity : dist;
    const ids = this.ids;
    const ds = this.dists;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (ds[p]! > d || (ds[p]! === d && ids[p]! > id)) break;
        ds[i] = ds[p]!;
        ids[i] = ids[p]!;
        i = p;
      }
      ds[i] = d;
      ids[i] = id;
      return;
    }
    if (this.k === 0 || d > ds[0]! || (d === ds[0]! && id > ids[0]!)) return;
    // Replace the root and sift down.
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (ds[r]! > ds[l]! || (ds[r]! === ds[l]! && ids[r]! > ids[l]!)) ? r : l;
      if (ds[c]! < d || (ds[c]! === d && ids[c]! < id)) break;
      ds[i] = ds[c]!;
      ids[i] = ids[c]!;
      i = c;
    }
    ds[i] = d;
    ids[i] = id;
  }

  /** Row ids in ascending distance order (ties by rowId); consumes the heap. */
  sortedIds(): Int32Array {
    const n = this.size;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const ds = this.dists;
    const ids = this.ids;
    order.sort((a, b) => (ds[a]! < ds[b]! ? -1 : ds[a]! > ds[b]! ? 1 : ids[a]! - ids[b]!));
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = ids[order[i]!]!;
    this.size = 0;
    return out;
  }
}

/**
 * The candidates of an exact top-k scan (exec/nodes/top_k.ts, and each participant of a parallel
 * one, exec/parallel_knn.ts): rows offered with an interval [lo, hi] holding their distance. A
 * {@link TopK} heap keeps the k smallest `hi`; a row whose `lo` is above that bound cannot be
 * among the first k and is dropped (now, or when the list is compacted as the bound falls). Row
 * ids stay in offer (scan) order. Flat typed arrays, grown by doubling; NaN intervals count as
 * [-Infinity, Infinity]. With `keepHighs` the `hi` ends are kept too (a parallel scan's leader
 * needs them to find the table's bound).
 */
export class Candidates {
  private readonly heap: TopK;
  private ids: Int32Array;
  private lows: Float64Array;
  private highs: Float64Array | null;
  private n = 0;
  /** Rows offered since the last reset (each passed the scan's qual). */
  qualified = 0;

  constructor(readonly k: number, keepHighs = false) {
    this.heap = new TopK(k);
    const cap = Math.max(16, 2 * k + 64);
    this.ids = new Int32Array(cap);
    this.lows = new Float64Array(cap);
    this.highs = keepHighs ? new Float64Array(cap) : null;
  }

  /** Rows whose `lo` is above this cannot be among the first k (Infinity until k rows are offered). */
  bound(): number {
    return this.heap.bound();
  }

  /** Rows the heap holds (at most k). */
  get kept(): number {
    return this.heap.size;
  }

  offer(id: number, lo: number, hi: number): void {
    this.qualified++;
    if (this.k === 0) return;
    if (hi !== hi) hi = Infinity;
    this.heap.push(id, hi);
    if (this.n === this.ids.length) {
      this.compact();
      // Mostly kept (many equal distances): grow instead of compacting again at once.
      if (this.n > this.ids.length / 2) {
        const cap = this.ids.length * 2;
        const ids = new Int32Array(cap);
        ids.set(this.ids.subarray(0, this.n));
        const lows = new Float64Array(cap);
        lows.set(this.lows.subarray(0, this.n));
        if (this.highs !== null) {
          const highs = new Float64Array(cap);
          highs.set(this.highs.subarray(0, this.n));
          this.highs = highs;
        }
        this.ids = ids;
        this.lows = lows;
      }
    }
    this.ids[this.n] = id;
    if (this.highs !== null) this.highs[this.n] = hi;
    this.lows[this.n++] = lo !== lo ? -Infinity : lo;
  }

  /** Drops the rows whose `lo` is above the bound. */
  private compact(): void {
    const b = this.heap.bound();
    const highs = this.highs;
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.lows[i]! <= b) {
        this.ids[m] = this.ids[i]!;
        if (highs !== null) highs[m] = highs[i]!;
        this.lows[m++] = this.lows[i]!;
      }
    }
    this.n = m;
  }

  /** The candidate row ids, in offer order. */
  finish(): Int32Array {
    this.compact();
    return this.ids.slice(0, this.n);
  }

  /** The candidates with both ends of their intervals, in offer order (needs `keepHighs`). */
  finishWithBounds(): { ids: Int32Array; lows: Float64Array; highs: Float64Array } {
    this.compact();
    const n = this.n;
    return { ids: this.ids.slice(0, n), lows: this.lows.slice(0, n), highs: this.highs!.slice(0, n) };
  }

  /** Forgets every row. */
  reset(): void {
    this.n = 0;
    this.qualified = 0;
    this.heap.size = 0;
  }
}
