/**
 * Partial Aggregate (PostgreSQL's nodeAgg.c with AGGSPLIT_INITIAL_SERIAL) over a Parallel Seq
 * Scan: the participants chosen by the Gather above (the leader and pool workers) fold the
 * table's rows into transition states (exec/parallel_agg.ts); this node emits one row per
 * participant holding its states, which the Finalize Aggregate combines.
 *
 * The rows visited are the serial scan's: visible to the statement's snapshot (the leader
 * builds the bitmap when a transaction is in flight on the table, else the participants read
 * the live rows in place) and passing the WHERE clause (evaluated by the leader into a bitmap,
 * exec/row_filter.ts). When the column's segments are not all resident (buffer cache) or the
 * shared block does not fit, the leader alone folds the rows of the SeqScan below, with the
 * serial aggregates' own transitions: one row of states, the same answer.
 */
import type { Value } from '../../../storage/table.js';
import type { PlanNode, AggCall } from '../../plan/plan.js';
import type { WorkerPool } from '../../../kernels/workers.js';
import { memories, MEMORY_STRIDE } from '../../../kernels/memories.js';
import { PgError, SQLSTATE } from '../../../common/errors.js';
import type { Aggregate } from '../../../types/aggregates.js';
import { evalExpr } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';
import { buildQualBitmap } from '../row_filter.js';
import { allocScratch, freeScratch } from '../parallel_knn.js';
import { fillRowsToVisit } from '../parallel_knn_leader.js';
import { AGG_SCAN_TASK, aggScanTask, type AggColumn, type AggTaskArgs, type AggTaskResult, type PartialAggSpec, type PartialState } from '../parallel_agg.js';

type AggPlan = Extract<PlanNode, { node: 'Agg' }>;

/** Most rows a participant takes at a time (a power of two; fewer when a segment holds fewer), as the k-NN scan's. */
export const parallelAggOptions = { chunkRowsMax: 4096, fixedChunks: false };

/** The spec a participant computes for `call` over table column `col`. */
function specOf(call: AggCall): PartialAggSpec['kind'] {
  if (call.kind === 'count') return call.arg === null ? 'countStar' : 'count';
  return (call.call as { name: string }).name === 'avg' ? 'avg' : 'sum';
}

export class PartialAggState extends PlanState {
  private out: Value[][] | null = null;
  private i = 0;
  private pool: WorkerPool | null = null;
  private participants = 1;
  /** Participants of the last run (1: the leader alone). */
  private used = 1;

  constructor(readonly p: AggPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
    this.children[0]!.parentKeepsNoTuple = true;
  }

  /** Workers that took part in the last run. */
  get workersUsed(): number {
    return this.used - 1;
  }

  /** Runs on `participants` participants (the leader and workers of `pool`): the Gather above calls this. */
  setParallel(pool: WorkerPool | null, participants: number): void {
    this.pool = pool;
    this.participants = pool === null ? 1 : participants;
  }

  next(): Value[] | null {
    if (this.out === null) this.out = this.runParallel() ?? this.runLeader();
    if (this.i >= this.out.length) return null;
    return this.out[this.i++]!;
  }

  rescan(): void {
    this.out = null;
    this.i = 0;
    execReScan(this.children[0]!);
  }

  override end(): void {
    // As PostgreSQL counts a parallel node: one loop per participant.
    this.instr.loops *= this.used;
    this.children[0]!.instr.loops = this.instr.loops;
    super.end();
  }

  /** The participants' states, or null when the scan cannot run on them (then {@link runLeader}). */
  private runParallel(): Value[][] | null {
    const p = this.p;
    const seq = p.input as Extract<PlanNode, { node: 'SeqScan' }>;
    const table = seq.table;
    const cols = p.partialCols!;
    const columns: AggColumn[] = [];
    const colIndex = new Map<number, number>();
    let segmentRows = Infinity;
    for (const c of cols) {
      if (c < 0 || colIndex.has(c)) continue;
      const fixed = table.fixedRows(c);
      // The workers read the segments by address: all must be resident, and pinned so that no
      // allocation below evicts one (storage/buffer_cache.ts).
      if (fixed === null || !fixed.rows.pinResident()) return null;
      const half = table.def.columns[c]!.type === 'halfvec';
      colIndex.set(c, columns.length);
      columns.push({ segments: fixed.rows.segments.slice(), shift: fixed.rows.shift, rowBytes: fixed.rows.rowBytes, dim: table.def.columns[c]!.typmod, half, nulls: fixed.nulls });
      segmentRows = Math.min(segmentRows, fixed.rows.segmentRows);
    }
    const specs: PartialAggSpec[] = p.aggs.map((a, i) => ({ kind: specOf(a), col: cols[i]! < 0 ? -1 : colIndex.get(cols[i]!)! }));
    const xid = this.es.xid;
    const qb = seq.qual === null ? null : buildQualBitmap(table, seq.qual, seq.scan.cols, this.es, xid);
    let scratch: ReturnType<typeof allocScratch> | null = null;
    try {
      const allVisible = qb === null && table.pendingRows === 0;
      try {
        scratch = allocScratch(table.slots, !allVisible);
      } catch (e) {
        // No room for the shared block under vecgres.memory_limit: the leader alone needs none.
        if (e instanceof PgError && e.code === SQLSTATE.out_of_memory) return null;
        throw e;
      }
      fillRowsToVisit(table, xid, qb?.bitmap ?? null, allVisible, scratch.block);
      const chunkRows = Math.min(parallelAggOptions.chunkRowsMax, segmentRows);
      const n = this.participants;
      const common: AggTaskArgs = {
        specs, columns, slots: table.slots, chunkRows, block: scratch.block, visible: allVisible ? table.liveBitmap() : null,
        fixedStride: parallelAggOptions.fixedChunks ? n : 0,
      };
      const args: AggTaskArgs[] = [];
      for (let i = 0; i < n; i++) args.push(i === 0 ? { ...common, check: () => this.es.interrupts.check() } : common);
      const results = this.pool === null || n === 1
        ? [aggScanTask(args[0]!, { worker: 0, memory: (id) => memories.memoryOf(id * MEMORY_STRIDE) })]
        : this.pool.runSync<AggTaskResult>(AGG_SCAN_TASK, args);
      this.used = results.length;
      let visited = 0;
      for (const r of results) visited += r.visited;
      this.children[0]!.instr.rows = visited;
      return results.map((r) => r.states as Value[]);
    } finally {
      if (scratch !== null) freeScratch(scratch);
      qb?.bitmap.free();
    }
  }

  /** The leader alone folds the SeqScan's rows with the serial transitions: one row of states. */
  private runLeader(): Value[][] {
    this.used = 1;
    const aggs = this.p.aggs;
    const states: PartialState[] = aggs.map((a) => (a.kind === 'count' ? 0 : ((a.call as { agg: Aggregate<unknown, unknown, PartialState> }).agg.init())));
    const child = this.children[0]!;
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      for (let i = 0; i < aggs.length; i++) {
        const a = aggs[i]!;
        if (a.arg === null) {
          states[i] = (states[i] as number) + 1;
          continue;
        }
        const v = evalExpr(a.arg, row, this.es);
        if (v === null) continue;
        if (a.kind === 'count') states[i] = (states[i] as number) + 1;
        else states[i] = (a.call as { agg: Aggregate<unknown, unknown, PartialState> }).agg.step(states[i]!, v);
      }
    }
    return [states as Value[]];
  }
}
