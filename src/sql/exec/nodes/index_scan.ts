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

type IndexScanPlan = Extract<PlanNode, { node: 'IndexScan' }>;

/** Candidates fetched from the index per `next` call, at most. */
const BATCH = 256;
/**
 * Candidates asked for by the first `next` call; each later call asks for twice as many, up to
 * BATCH. A continuing scan (iterative, or continueScan under a join that filters) resumes its
 * search until it has filled the request, so a small first request saves searches when the
 * rows above need only a few.
 */
const FIRST_BATCH = 32;

export class IndexScanState extends PlanState {
  private scan: IndexScan | null = null;
  private readonly ids = new Int32Array(BATCH);
  private readonly dists = new Float64Array(BATCH);
  private got = 0;
  private pos = 0;
  private want = FIRST_BATCH;
  private emitted = 0;
  private done = false;
  private bound = Infinity;
  private searches = 0;
  private distanceComputations = 0;
  private tuplesReturned = 0;

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
    this.scan = index.beginScan(q, {
      gucs: this.es.env.settings,
      limit: this.bound,
      isLive: (rowId) => table.visibleTo(rowId, xid),
      continueScan: this.p.continueScan === true,
    });
  }

  next(): Value[] | null {
    if (this.scan === null && !this.done) this.begin();
    const table = this.p.table;
    const xid = this.es.xid;
    while (!this.done && this.emitted < this.bound) {
      if (this.pos >= this.got) {
        this.got = this.scan!.next(this.want >= BATCH ? this.ids : this.ids.subarray(0, this.want), this.dists);
        this.want = Math.min(BATCH, this.want * 2);
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
    this.want = FIRST_BATCH;
    this.emitted = 0;
    this.done = false;
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
