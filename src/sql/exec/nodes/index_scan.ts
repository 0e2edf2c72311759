/**
 * Ordered vector index scan (PostgreSQL's nodeIndexscan.c with an ORDER BY operator): rows of
 * the table in ascending distance from the query vector, through the access method's
 * begin/next/close scan interface (access/am.ts). The query is evaluated at each (re)scan, so
 * on the inner side of a nested loop (LATERAL top-k per outer row, the cross-join trap's
 * single outer row) each outer row gets its own index search. The scan keeps pulling while
 * the qual rejects rows or rows are invisible, up to the bound the parent set (LIMIT).
 */
import { PgError, SQLSTATE } from '../../../common/errors.js';
import type { Value } from '../../../storage/table.js';
import type { IndexScan } from '../../../access/am.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr } from '../eval.js';
import { PlanState, type EState } from '../executor.js';
import { fetchRow } from './seq_scan.js';
import { boundValue } from '../../plan/knn_index.js';

type IndexScanPlan = Extract<PlanNode, { node: 'IndexScan' }>;

/** Candidates fetched from the index per `next` call. */
const BATCH = 256;

export class IndexScanState extends PlanState {
  private scan: IndexScan | null = null;
  private readonly ids = new Int32Array(BATCH);
  private readonly dists = new Float64Array(BATCH);
  private got = 0;
  private pos = 0;
  private emitted = 0;
  private done = false;
  private bound = Infinity;
  private searches = 0;
  private distanceComputations = 0;
  private tuplesReturned = 0;
  /** NULLS FIRST: the visible rows whose key is NULL (not in the index), emitted before the index's. */
  private nullRows: number[] | null = null;
  private nullPos = 0;

  constructor(readonly p: IndexScanPlan, es: EState) {
    super(p, es);
  }

  override setBound(n: number): void {
    this.bound = n;
  }

  private begin(): void {
    const q = evalExpr(this.p.knn.query, null, this.es) as Float32Array | null;
    if (q === null) {
      // A NULL query orders nothing: PostgreSQL's index scan returns no rows for it.
      this.done = true;
      return;
    }
    const index = this.p.index;
    if (q.length !== index.dim) throw new PgError(SQLSTATE.data_exception, `different vector dimensions ${index.dim} and ${q.length}`);
    const table = this.p.table;
    const xid = this.es.xid;
    const bound = this.p.distanceBound === null ? undefined : boundValue(evalExpr(this.p.distanceBound, null, this.es));
    this.scan = index.beginScan(q, {
      gucs: this.es.env.settings,
      limit: this.bound,
      isLive: (rowId) => table.visibleTo(rowId, xid),
      ...(bound === undefined ? {} : { distanceBound: bound }),
    });
  }

  /**
   * The visible rows whose key column is NULL, in row order (NULLS FIRST puts them before every
   * distance; the planner uses the index with NULLS FIRST only for a column key).
   */
  private collectNullRows(): number[] {
    const table = this.p.table;
    const xid = this.es.xid;
    const col = this.p.def.keys[0]!.column;
    const out: number[] = [];
    // A float32 vector column answers NULL from its pointer array without making a view.
    const inArena = table.def.columns[col]!.type === 'vector' && table.packedColumn(col) === null;
    for (let r = 0; r < table.slots; r++) {
      if (!table.visibleTo(r, xid)) continue;
      if (inArena ? table.vectorPtr(col, r) === 0 : table.get(col, r) === null) out.push(r);
    }
    return out;
  }

  next(): Value[] | null {
    const table = this.p.table;
    const xid = this.es.xid;
    if (this.p.nullsFirst) {
      this.nullRows ??= this.collectNullRows();
      while (this.nullPos < this.nullRows.length && this.emitted < this.bound) {
        const row = fetchRow(table, this.p.scan.cols, this.nullRows[this.nullPos++]!);
        if (!this.qualPasses(this.p.qual, row)) continue;
        this.emitted++;
        return row;
      }
    }
    if (this.scan === null && !this.done) this.begin();
    while (!this.done && this.emitted < this.bound) {
      if (this.pos >= this.got) {
        this.got = this.scan!.next(this.ids, this.dists);
        this.pos = 0;
        if (this.got === 0) {
          this.done = true;
          break;
        }
      }
      const r = this.ids[this.pos++]!;
      if (!table.visibleTo(r, xid)) continue;
      const row = fetchRow(table, this.p.scan.cols, r);
      if (!this.qualPasses(this.p.qual, row)) continue;
      this.emitted++;
      return row;
    }
    return null;
  }

  private close(): void {
    if (this.scan !== null) {
      const s = this.scan.stats();
      this.searches += s.searches;
      this.distanceComputations += s.distanceComputations;
      this.tuplesReturned += s.tuplesReturned;
      this.scan.close();
      this.scan = null;
    }
  }

  rescan(): void {
    this.close();
    this.got = 0;
    this.pos = 0;
    this.emitted = 0;
    this.done = false;
    this.nullRows = null;
    this.nullPos = 0;
  }

  override end(): void {
    this.close();
    this.instr.extra = [
      ['Index Searches', this.searches],
      ['Distance Computations', this.distanceComputations],
      ['Index Tuples Returned', this.tuplesReturned],
    ];
  }
}
