/**
 * Exact k nearest neighbours (PostgreSQL's plan for `ORDER BY <distance> LIMIT k` without an
 * index: a top-N heapsort over a sequential scan, fused into one node). It is the ground
 * truth every index is measured against, so it is written for speed: one SIMD kernel call
 * per live row over the table's arena segments (kernels/fast.ts), squared norms kept by the
 * table for cosine, a typed-array heap (exec/topk.ts), no per-row allocation; the qual of the
 * SeqScan below is evaluated only for rows that would enter the heap. The ranking uses the
 * fast kernels; the distance values a query prints are recomputed with pgvector's functions
 * for the k rows by the projection above. Rows whose vector is NULL (NULL distance) come
 * after all others, or before them with NULLS FIRST.
 *
 * The query vector is copied into an arena block owned by this node's state (freed at end),
 * so a scan nested inside another (a subquery in the select list) never shares scratch.
 */
import { PgError, SQLSTATE } from '../../../common/errors.js';
import { arena } from '../../../kernels/arena.js';
import { fast, type PtrKernel } from '../../../kernels/fast.js';
import { HALF_TO_F32 } from '../../../kernels/half.js';
import { BitString } from '../../../types/bit.js';
import type { Table, Value } from '../../../storage/table.js';
import type { Expr } from '../../analyze/expr.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr, passes } from '../eval.js';
import { PlanState, execInitNode, type EState } from '../executor.js';
import { TopK } from '../topk.js';
import { fetchRow } from './seq_scan.js';

type TopKPlan = Extract<PlanNode, { node: 'TopK' }>;

function dimsError(a: number, b: number): PgError {
  return new PgError(SQLSTATE.data_exception, `different vector dimensions ${a} and ${b}`);
}

export class TopKState extends PlanState {
  private out: Int32Array | null = null;
  private i = 0;
  private bound = Infinity;
  /** Arena scratch for the query vector (bytes), owned by this state. */
  private scratchPtr = 0;
  private scratchBytes = 0;
  private scanned = 0;

  constructor(readonly p: TopKPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  override setBound(n: number): void {
    this.bound = n;
  }

  next(): Value[] | null {
    if (this.out === null) this.out = this.run();
    if (this.i >= this.out.length) return null;
    return fetchRow(this.p.input.table, this.p.input.scan.cols, this.out[this.i++]!);
  }

  rescan(): void {
    this.out = null;
    this.i = 0;
  }

  override end(): void {
    if (this.scratchPtr !== 0) {
      arena.free(this.scratchPtr, this.scratchBytes);
      this.scratchPtr = 0;
      this.scratchBytes = 0;
    }
    const child = this.children[0]!;
    child.instr.loops = this.instr.loops;
    child.instr.rows = this.scanned - this.removed;
    child.instr.removedByFilter = this.removed;
    const kb = Math.max(25, Math.ceil((Math.min(this.bound, this.p.input.table.liveCount) * (this.p.width + 24)) / 1024));
    this.instr.extra = [['Sort Method', `top-N heapsort  Memory: ${kb}kB`]];
  }

  private scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      // The new block first: on 53200 the old one stays owned (never a pointer to freed memory).
      const size = Math.max(bytes, 4096);
      const ptr = arena.alloc(size, 'query vector');
      if (this.scratchPtr !== 0) arena.free(this.scratchPtr, this.scratchBytes);
      this.scratchPtr = ptr;
      this.scratchBytes = size;
    }
    return this.scratchPtr;
  }

  private removed = 0;
  /** Reused tuple the SeqScan's qual is evaluated on. */
  private qualRow: Value[] = [];

  /** True when row `r` passes the SeqScan's qual. */
  private passesQual(r: number): boolean {
    const scan = this.p.input;
    if (scan.qual === null) return true;
    if (passes(scan.qual, fetchRow(scan.table, scan.scan.cols, r, this.qualRow), this.es)) return true;
    this.removed++;
    return false;
  }

  private run(): Int32Array {
    const table = this.p.input.table;
    // One sequential scan that reads every visible row (pg_stat_user_tables.seq_scan).
    this.es.env.stats.countSeqScan(table, table.liveCount);
    if (table.packedColumn(this.p.knn.col) !== null) return this.runPacked();
    const knn = this.p.knn;
    const q = evalExpr(knn.query, null, this.es) as Float32Array | null;
    const n = table.slots;
    const xid = this.es.xid;
    const k = Math.min(this.bound, table.liveCount);
    const heap = new TopK(k);
    const nullRows: number[] = [];
    const filtered = this.p.input.qual !== null;
    // Under EXPLAIN ANALYZE the filter runs on every row, so its counts are PostgreSQL's.
    const exact = this.es.instrumenting;
    if (q === null) {
      for (let r = 0; r < n && nullRows.length < k; r++) if (table.visibleTo(r, xid) && this.passesQual(r)) nullRows.push(r);
      return Int32Array.from(nullRows);
    }
    const col = knn.col;
    const fixedDim = table.vectorColumnDim(col);
    if (fixedDim >= 0 && fixedDim !== q.length && table.liveCount > 0) throw dimsError(fixedDim, q.length);
    const dim = q.length;
    const qPtr = this.scratch(dim * 4);
    arena.f32().set(q, qPtr >>> 2);
    const norms = table.vectorNorms(col);
    const qNormSq = fast.dot(qPtr, qPtr, dim);
    const live = table.liveBitmap();
    const op = knn.op;
    const kernel = op === '<->' ? fast.l2sq : op === '<+>' ? fast.l1 : fast.dot;
    const sign = op === '<#>' ? -1 : 1;
    const cosine = op === '<=>';
    // Rows of in-flight transactions need the full visibility test; otherwise the bitmap says it all.
    const pending = table.pendingRows > 0;
    let scanned = 0;
    for (let r = 0; r < n; r++) {
      if ((live[r >>> 5]! & (1 << (r & 31))) === 0) continue;
      if (pending && !table.visibleTo(r, xid)) continue;
      scanned++;
      const ptr = table.vectorPtr(col, r);
      if (ptr === 0) {
        if (nullRows.length < k && this.passesQual(r)) nullRows.push(r);
        continue;
      }
      if (fixedDim < 0 && table.vectorDim(col, r) !== dim) throw dimsError(table.vectorDim(col, r), dim);
      let d = kernel(ptr, qPtr, dim);
      if (cosine) d = 1 - d / Math.sqrt(norms[r]! * qNormSq);
      else d *= sign;
      if (filtered) {
        if (exact ? !this.passesQual(r) || d > heap.bound() : d > heap.bound() || !this.passesQual(r)) continue;
      }
      heap.push(r, d);
    }
    this.scanned += scanned;
    return this.withNulls(heap.sortedIds(), nullRows, k);
  }

  /**
   * The ranked row ids `ids` and the rows whose vector is NULL (`nullRows`, in scan order),
   * NULLs after the ranked rows (PostgreSQL's default for ascending order) or before them
   * (NULLS FIRST); at most `k` ids.
   */
  private withNulls(ids: Int32Array, nullRows: readonly number[], k: number): Int32Array {
    if (nullRows.length === 0) return ids;
    const out = new Int32Array(Math.min(k, ids.length + nullRows.length));
    if (this.p.nullsFirst) {
      const nn = Math.min(nullRows.length, out.length);
      for (let i = 0; i < nn; i++) out[i] = nullRows[i]!;
      for (let i = nn; i < out.length; i++) out[i] = ids[i - nn]!;
    } else {
      out.set(ids.subarray(0, out.length));
      for (let i = ids.length; i < out.length; i++) out[i] = nullRows[i - ids.length]!;
    }
    return out;
  }

  /**
   * Exact top-k over a halfvec / sparsevec / bit column: the SIMD kernels where they apply,
   * else pgvector's distance function per visible row (the same function the query prints,
   * so the order is exactly pgvector's).
   */
  private runPacked(): Int32Array {
    const table = this.p.input.table;
    const knn = this.p.knn;
    const q = evalExpr(knn.query, null, this.es);
    const quick = this.runPackedSimd(table, q);
    if (quick !== null) return quick;
    const xid = this.es.xid;
    const k = Math.min(this.bound, table.liveCount);
    const heap = new TopK(k);
    const nullRows: number[] = [];
    const e = knnOperator(knn.expr);
    const fn = e.fn;
    const colLeft = e.colLeft;
    const col = knn.col;
    for (let r = 0; r < table.slots; r++) {
      if (!table.visibleTo(r, xid)) continue;
      this.scanned++;
      const v = q === null ? null : table.get(col, r);
      if (v === null) {
        if (nullRows.length < k && this.passesQual(r)) nullRows.push(r);
        continue;
      }
      const d = (colLeft ? fn(v, q!) : fn(q!, v)) as number;
      if (this.es.instrumenting ? !this.passesQual(r) || d > heap.bound() : d > heap.bound() || !this.passesQual(r)) continue;
      heap.push(r, d);
    }
    return this.withNulls(heap.sortedIds(), nullRows, k);
  }

  /**
   * The halfvec and bit / varbit kernels (kernels/fast.ts): the halfvec query is widened to
   * float32 once, each stored row is read in place from the column's arena blocks. Returns
   * null (the caller then runs pgvector's function per row, which also raises its
   * dimension/length errors) for other operators, a NULL query, or a row whose length differs
   * from the query's.
   */
  private runPackedSimd(table: Table, q: Value): Int32Array | null {
    const knn = this.p.knn;
    const pc = table.packedColumn(knn.col)!;
    const op = knn.op;
    let kernel: PtrKernel;
    let len: number;
    let qPtr: number;
    let sign = 1;
    if (pc.kind === 'halfvec' && q instanceof Uint16Array) {
      kernel = op === '<->' ? fast.halfL2sq : op === '<#>' ? fast.halfDot : op === '<=>' ? fast.halfCosine : op === '<+>' ? fast.halfL1 : (null as unknown as PtrKernel);
      if (kernel === null) return null;
      if (op === '<#>') sign = -1;
      len = q.length;
      qPtr = this.scratch(len * 4);
      const f = arena.f32();
      for (let i = 0; i < len; i++) f[(qPtr >>> 2) + i] = HALF_TO_F32[q[i]!]!;
    } else if ((pc.kind === 'bit' || pc.kind === 'varbit') && q instanceof BitString) {
      kernel = op === '<~>' ? fast.hamming : op === '<%>' ? fast.jaccard : (null as unknown as PtrKernel);
      if (kernel === null) return null;
      len = q.length;
      qPtr = this.scratch(q.bytes.length + 1);
      arena.u8().set(q.bytes, qPtr);
    } else {
      return null;
    }
    const n = table.slots;
    const xid = this.es.xid;
    const k = Math.min(this.bound, table.liveCount);
    const heap = new TopK(k);
    const nullRows: number[] = [];
    const live = table.liveBitmap();
    const pending = table.pendingRows > 0;
    const nulls = pc.nulls;
    const units = pc.kind === 'halfvec' ? len : (len + 7) >>> 3;
    const fixed = pc.fixedLen;
    if (fixed >= 0 && fixed !== len && table.liveCount > 0) return null;
    let scanned = 0;
    for (let r = 0; r < n; r++) {
      if ((live[r >>> 5]! & (1 << (r & 31))) === 0) continue;
      if (pending && !table.visibleTo(r, xid)) continue;
      scanned++;
      if (nulls[r] === 1) {
        if (nullRows.length < k && this.passesQual(r)) nullRows.push(r);
        continue;
      }
      if (fixed < 0 && pc.len(r) !== len) return null;
      const d = sign * kernel(qPtr, pc.ptr(r), units);
      if (this.es.instrumenting ? !this.passesQual(r) || d > heap.bound() : d > heap.bound() || !this.passesQual(r)) continue;
      heap.push(r, d);
    }
    this.scanned += scanned;
    return this.withNulls(heap.sortedIds(), nullRows, k);
  }
}

/** The distance operator of a k-NN ORDER BY expression and which side the column is on. */
function knnOperator(e: Expr): { fn: (a: Value, b: Value) => Value; colLeft: boolean } {
  const o = e as Extract<Expr, { k: 'op2' }>;
  return { fn: o.fn, colLeft: o.l.k === 'slot' };
}
