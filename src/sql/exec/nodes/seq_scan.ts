/**
 * SeqScan (PostgreSQL's nodeSeqscan.c): every row of a table visible to the statement's
 * transaction, in slot order, as a tuple of the columns the plan asks for, filtered by the
 * node's qual. The number of slots is read when the scan starts, so rows the same statement
 * inserts (INSERT ... SELECT from the table itself) are not seen. A projection is computed
 * from the table's storage (scan_projection.ts): only the columns the qual and the projected
 * expressions read are fetched, and a distance to a constant query runs the exact kernel on
 * the stored vector.
 */
import type { Table, Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, type EState } from '../executor.js';
import { compileScanProjection, type ScanProjection } from '../scan_projection.js';

type SeqScanPlan = Extract<PlanNode, { node: 'SeqScan' }>;

/** The tuple of row `r`: the values of `cols` (col -1: the row id), into `out` when given. */
export function fetchRow(table: Table, cols: readonly number[], r: number, out: Value[] = new Array(cols.length)): Value[] {
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    out[i] = c < 0 ? r : table.get(c, r);
  }
  return out;
}

export class SeqScanState extends PlanState {
  private r = 0;
  private end_ = -1;
  /** The qual is evaluated on this reused tuple; only rows that pass are copied out. */
  private readonly scratch: Value[];
  /** Visible rows read by this scan, added to pg_stat_user_tables.seq_tup_read when it ends. */
  private read = 0;
  /**
   * The qual and projection computed from storage, or null (neither has anything to gain):
   * distances in the qual, and the projection's columns and distances.
   */
  private readonly proj: ScanProjection | null;

  constructor(readonly p: SeqScanPlan, es: EState) {
    super(p, es);
    this.scratch = new Array(p.scan.cols.length);
    this.proj = compileScanProjection(p.table, p.scan.cols, p.qual, p.project);
    this.projectsItself = this.proj !== null && this.proj.projects;
  }

  next(): Value[] | null {
    const table = this.p.table;
    if (this.end_ < 0) {
      this.end_ = table.slots;
      this.es.env.stats.countSeqScan(table, 0);
    }
    const n = this.end_;
    const xid = this.es.xid;
    const cols = this.p.scan.cols;
    // A projection copies what it needs into a tuple of its own (execProcNode): the scratch
    // tuple can go up as it is, one allocation per row fewer.
    const projected = this.p.project !== null;
    const interrupts = this.es.interrupts;
    const proj = this.proj;
    if (proj !== null) {
      const qual = proj.qual;
      const row = this.scratch;
      while (this.r < n) {
        const r = this.r++;
        interrupts.tick();
        if (!table.visibleTo(r, xid)) continue;
        this.read++;
        proj.load(r, cols, row, this.es);
        if (qual !== null && !this.qualPasses(qual, row)) continue;
        return proj.projects ? proj.project(r, row, this.es) : proj.complete(r, cols, row, this.parentReads, this.parentKeepsNoTuple);
      }
      return null;
    }
    const qual = this.p.qual;
    while (this.r < n) {
      const r = this.r++;
      interrupts.tick();
      if (!table.visibleTo(r, xid)) continue;
      this.read++;
      if (qual === null) return projected ? fetchRow(table, cols, r, this.scratch) : fetchRow(table, cols, r);
      const row = fetchRow(table, cols, r, this.scratch);
      if (!this.qualPasses(qual, row)) continue;
      return projected ? row : row.slice();
    }
    return null;
  }

  rescan(): void {
    this.flushCounts();
    this.r = 0;
    this.end_ = -1;
    this.proj?.rescan();
  }

  override end(): void {
    this.flushCounts();
    this.proj?.end();
  }

  private flushCounts(): void {
    if (this.read > 0) this.es.env.stats.table(this.p.table).seqTupRead += this.read;
    this.read = 0;
  }
}
