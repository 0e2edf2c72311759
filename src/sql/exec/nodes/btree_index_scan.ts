/**
 * BtreeIndexScan (PostgreSQL's nodeIndexscan.c over a btree): the rows matching the index
 * quals in key order (forward, or backward for ORDER BY ... DESC on an ASC index), visible
 * ones only, filtered by the node's qual. Rows inserted after the scan started (by the same
 * statement) are not returned, as a sequential scan reads only the slots that existed.
 */
import type { OrderedScan } from '../../../access/am.js';
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { PlanState, type EState } from '../executor.js';
import { evalScanKeys } from './btree_scan_keys.js';
import { fetchRow } from './seq_scan.js';

type Plan = Extract<PlanNode, { node: 'BtreeIndexScan' }>;

/** Row ids fetched from the index per call (a batch keeps the scan's per-row overhead low). */
const BATCH_ROWS = 64;

export class BtreeIndexScanState extends PlanState {
  private scan: OrderedScan | null = null;
  private done = false;
  private readonly ids = new Int32Array(BATCH_ROWS);
  private n = 0;
  private i = 0;
  private searches = 0;
  /** Rows read from the table (an Index Only Scan's Heap Fetches: values come from the table). */
  private fetched = 0;

  constructor(readonly p: Plan, es: EState) {
    super(p, es);
  }

  private open(): void {
    const keys = evalScanKeys(this.p.quals, this.es);
    if (keys === null) {
      this.done = true;
      return;
    }
    const table = this.p.table;
    const xid = this.es.xid;
    const slots = table.slots;
    this.scan = this.p.index.beginOrderedScan(keys, {
      backward: this.p.backward,
      isLive: (r) => r < slots && table.visibleTo(r, xid),
    });
  }

  next(): Value[] | null {
    if (this.scan === null && !this.done) this.open();
    for (;;) {
      if (this.i >= this.n) {
        if (this.scan === null) return null;
        this.n = this.scan.next(this.ids);
        this.i = 0;
        this.count();
        if (this.n === 0) {
          this.finish();
          return null;
        }
      }
      const row = fetchRow(this.p.table, this.p.scan.cols, this.ids[this.i++]!);
      this.fetched++;
      if (this.p.indexOnly) this.instr.extra[0]![1] = this.fetched;
      if (this.qualPasses(this.p.qual, row)) return row;
    }
  }

  private finish(): void {
    this.count();
    if (this.scan !== null) {
      this.searches += this.scan.stats().searches;
      this.scan.close();
      this.scan = null;
    }
    this.done = true;
  }

  /** EXPLAIN ANALYZE's counters, kept current (a LIMIT above may stop the scan before its end). */
  private count(): void {
    const searches = this.searches + (this.scan?.stats().searches ?? 0);
    this.instr.extra = this.p.indexOnly ? [['Heap Fetches', this.fetched], ['Index Searches', searches]] : [['Index Searches', searches]];
  }

  rescan(): void {
    this.scan?.close();
    this.scan = null;
    this.done = false;
    this.n = 0;
    this.i = 0;
  }

  override end(): void {
    this.scan?.close();
    this.scan = null;
  }
}
