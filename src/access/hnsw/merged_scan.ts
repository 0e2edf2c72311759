/**
 * The scan of a partitioned HNSW index (partitions.ts): one HnswScan per partition, each
 * yielding its candidates in its own order, merged by distance.
 *
 * Order: with hnsw.iterative_scan off or strict_order each partition's stream is ascending
 * (strict_order drops a row closer than one its partition returned already), and a merge that
 * always takes the smallest head among the partitions that still have rows is then ascending
 * too: the whole scan keeps strict_order's guarantee. With relaxed_order each stream is
 * ascending within a batch only, and so is the merge, as pgvector's relaxed order.
 *
 * The heads are compared in a linear pass: an index has a few partitions (a memory holds up
 * to 4 GiB), fewer than a heap would pay for itself.
 */
import type { IndexScan, ScanStats } from '../am.js';

/** Rows taken from a partition's scan at a time. */
const CHUNK_ROWS = 32;

export class MergedScan implements IndexScan {
  private readonly rows: Int32Array[];
  private readonly dists: Float64Array[];
  private readonly pos: Int32Array;
  private readonly len: Int32Array;
  /** 1 once a partition's scan returned 0 (exhausted). */
  private readonly ended: Uint8Array;
  private returned = 0;

  /** @param scans one ordered scan per partition (closed by {@link close}) */
  constructor(private readonly scans: readonly IndexScan[]) {
    const p = scans.length;
    this.rows = Array.from({ length: p }, () => new Int32Array(CHUNK_ROWS));
    this.dists = Array.from({ length: p }, () => new Float64Array(CHUNK_ROWS));
    this.pos = new Int32Array(p);
    this.len = new Int32Array(p);
    this.ended = new Uint8Array(p);
  }

  next(rowIds: Int32Array, distances: Float64Array): number {
    const cap = Math.min(rowIds.length, distances.length);
    const parts = this.scans.length;
    let n = 0;
    while (n < cap) {
      let best = -1;
      let bestD = 0;
      for (let p = 0; p < parts; p++) {
        if (this.pos[p] === this.len[p] && !this.refill(p)) continue;
        const d = this.dists[p]![this.pos[p]!]!;
        // A NaN distance (a zero query under cosine) never wins: its partition's rows come out in partition order.
        if (best < 0 || d < bestD) {
          best = p;
          bestD = d;
        }
      }
      if (best < 0) break;
      rowIds[n] = this.rows[best]![this.pos[best]!]!;
      distances[n] = bestD;
      this.pos[best]!++;
      n++;
    }
    this.returned += n;
    return n;
  }

  /** Takes the next rows of partition `p`'s scan; false when it has none left. */
  private refill(p: number): boolean {
    if (this.ended[p] === 1) return false;
    const got = this.scans[p]!.next(this.rows[p]!, this.dists[p]!);
    this.pos[p] = 0;
    this.len[p] = got;
    if (got === 0) this.ended[p] = 1;
    return got > 0;
  }

  /** The partitions' counters summed; tuplesReturned counts what the merge returned. */
  stats(): ScanStats {
    const s: ScanStats = { searches: 0, distanceComputations: 0, tuplesReturned: this.returned };
    for (const scan of this.scans) {
      const t = scan.stats();
      s.searches += t.searches;
      s.distanceComputations += t.distanceComputations;
    }
    return s;
  }

  close(): void {
    for (const scan of this.scans) scan.close();
  }
}
