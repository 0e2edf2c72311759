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
