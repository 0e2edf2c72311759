/**
 * BitmapHeapScan (PostgreSQL's nodeBitmapHeapscan.c): takes the bitmap its input builds and
 * returns the rows it holds in row order (table order, as PostgreSQL reads heap pages in
 * block order), visible ones only, filtered by the node's qual. The bitmaps are exact (one
 * bit per row id, never lossy pages), so a B-tree's conditions need no recheck; a GIN's
 * bitmap holds a superset of the rows its operators keep, rechecked here (`recheck`).
 */
import type { RowBitmap } from '../../../access/am.js';
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { ROWS_PER_PAGE } from '../../plan/cost.js';
import { PlanState, execInitNode, projectionReads, type EState } from '../executor.js';
import { passes } from '../eval.js';
import { bitmapProducer } from './bitmap_index_scan.js';
import { fetchRow } from './seq_scan.js';
import { compileScanProjection, type ScanProjection } from '../scan_projection.js';

type Plan = Extract<PlanNode, { node: 'BitmapHeapScan' }>;

export class BitmapHeapScanState extends PlanState {
  private bm: RowBitmap | null = null;
  private slots = 0;
  private r = 0;
  private pages = 0;
  private lastPage = -1;

  /** The qual compiled against storage (scan_projection.ts), or null when that gains nothing. */
  private readonly proj: ScanProjection | null;
  private readonly scratch: Value[];

  constructor(readonly p: Plan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
    // The projection, if any, is execProcNode's. A recheck reads the whole row first.
    this.proj = p.recheck === undefined ? compileScanProjection(p.table, p.scan.cols, p.qual, null) : null;
    this.scratch = new Array(p.scan.cols.length);
  }

  next(): Value[] | null {
    const table = this.p.table;
    if (this.bm === null) {
      this.slots = table.slots;
      this.bm = bitmapProducer(this.children[0]!).multiExec((this.slots + 31) >>> 5);
      this.r = 0;
    }
    const bm = this.bm;
    const xid = this.es.xid;
    while (this.r < this.slots) {
      const r = this.r;
      const w = bm[r >>> 5]! >>> (r & 31);
      if (w === 0) {
        // Skip the rest of this word at once.
        this.r = (r | 31) + 1;
        continue;
      }
      // Next set bit within the word.
      const skip = 31 - Math.clz32(w & -w);
      const row = r + skip;
      this.r = row + 1;
      if (row >= this.slots || !table.visibleTo(row, xid)) continue;
      const page = Math.floor(row / ROWS_PER_PAGE);
      if (page !== this.lastPage) {
        this.pages++;
        this.lastPage = page;
      }
      const proj = this.proj;
      if (proj === null) {
        const tuple = fetchRow(table, this.p.scan.cols, row);
        if (this.p.recheck !== undefined && !passes(this.p.recheck, tuple, this.es)) {
          this.instr.removedByRecheck++;
          continue;
        }
        if (!this.qualPasses(this.p.qual, tuple)) continue;
        return tuple;
      }
      // The qual's columns first (a distance computed from storage), the rest for rows that pass.
      const cols = this.p.scan.cols;
      proj.load(row, cols, this.scratch, this.es);
      if (proj.qual !== null && !this.qualPasses(proj.qual, this.scratch)) continue;
      // What is read of the tuple: the parent's positions, or with a projection (execProcNode's,
      // over this tuple) the projection's.
      return proj.complete(row, cols, this.scratch, this.p.project === null ? this.parentReads : projectionReads(this.p));
    }
    this.instr.extra = this.pages > 0 ? [['Heap Blocks', `exact=${this.pages}`]] : [];
    return null;
  }

  rescan(): void {
    this.bm = null;
    this.r = 0;
    this.lastPage = -1;
    this.proj?.rescan();
  }

  override end(): void {
    this.proj?.end();
    super.end();
  }
}
