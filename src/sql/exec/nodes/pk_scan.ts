/**
 * Primary-key lookup (an Index Scan on the table's `_pkey` index, PostgreSQL's nodeIndexscan.c
 * with one equality key): the key expression is evaluated per (re)scan, so on the inner side
 * of a nested loop it reads one row per outer row.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import { PlanState, type EState } from '../executor.js';
import { fetchRow } from './seq_scan.js';
import { pkMapKey } from '../insert.js';

type PkPlan = Extract<PlanNode, { node: 'PkLookup' }>;

export class PkScanState extends PlanState {
  private ids: number[] | null = null;
  private i = 0;
  private searches = 0;
  private fetched = 0;

  constructor(readonly p: PkPlan, es: EState) {
    super(p, es);
  }

  private lookup(): number[] {
    const table = this.p.table;
    const value = evalExpr(this.p.key, null, this.es);
    if (value === null) return [];
    const xid = this.es.xid;
    const pkCol = table.def.primaryKey[0]!;
    const type = table.def.columns[pkCol]!.type;
    const key = pkMapKey(value, type);
    const rowId = table.pkey.get(key);
    if (rowId !== undefined && table.visibleTo(rowId, xid)) return [rowId];
    if (table.pendingRows === 0) return [];
    // The key map points at the newest version, which an in-flight UPDATE may hide from this
    // transaction while the old version is still visible: look the key up the slow way.
    const out: number[] = [];
    for (let r = 0; r < table.slots; r++) if (table.visibleTo(r, xid) && pkMapKey(table.get(pkCol, r), type) === key) out.push(r);
    return out;
  }

  next(): Value[] | null {
    if (this.ids === null) {
      this.ids = this.lookup();
      this.es.env.stats.countIndexScan(this.p.indexName, this.ids.length, this.ids.length);
      this.searches++;
      this.fetched += this.ids.length;
      // EXPLAIN ANALYZE's counters, as nodeIndexscan / nodeIndexonlyscan report them (every
      // row is read from the table: vecgres keeps no visibility map).
      this.instr.extra = this.p.indexOnly ? [['Heap Fetches', this.fetched], ['Index Searches', this.searches]] : [['Index Searches', this.searches]];
    }
    while (this.i < this.ids.length) {
      const row = fetchRow(this.p.table, this.p.scan.cols, this.ids[this.i++]!);
      if (!this.qualPasses(this.p.qual, row)) continue;
      return row;
    }
    return null;
  }

  rescan(): void {
    this.ids = null;
    this.i = 0;
  }
}
