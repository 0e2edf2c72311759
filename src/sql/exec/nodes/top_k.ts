/**
 * Exact k nearest neighbours (PostgreSQL's plan for `ORDER BY <distance> [, more keys] LIMIT k`
 * without an index: a top-N heapsort over a sequential scan, fused into one node). It is the
 * ground truth every index is measured against, so it is written for speed and exactness:
 *
 * 1. Scan: one SIMD kernel call per live row over the table's segments (kernels/fast.ts, the
 *    kernels of the memory each segment lies in),
 *    squared norms kept by the table for cosine, no per-row allocation. A fast kernel sums in
 *    SIMD lane order, so its value may differ from pgvector's in the last bits: each row gets
 *    an interval [lo, hi] that surely holds pgvector's value (error bound below), a typed-array
 *    heap keeps the k smallest `hi` of rows passing the SeqScan's qual (exec/topk.ts), and a row
 *    is a candidate when its `lo` is not above the heap's bound. The qual is evaluated only for
 *    rows that would be candidates.
 * 2. Rank: the candidates (about k, more only where distances tie within the error bound) get
 *    the distance from pgvector's own function and the further ORDER BY keys, and are sorted on
 *    all keys with ties in scan order, as the Sort node would order the whole table. The k
 *    first are the answer: the same rows in the same order as PostgreSQL's Sort (a Sort over the
 *    whole table would compare the same values).
 *
 * Why the candidates hold the answer: the heap's bound B is the k-th smallest `hi` among
 * qualifying rows, so at least k of them have a distance <= B, and every row of the first k
 * (on all keys) has a distance <= B, hence `lo` <= B. Rows whose vector is NULL (NULL distance)
 * come after all others, or before them with NULLS FIRST, ordered among themselves by the
 * further keys; they are ranked only when needed.
 *
 * Error bound: a float32 sum of n terms each rounded up to twice, in any order, is within
 * gamma(n + 2) * sum|terms| of the exact sum (Higham, Accuracy and Stability of Numerical
 * Algorithms, 2nd ed., section 4.2), so two summation orders differ by at most twice that. We
 * take four times it (RHO_ULPS) relative to the value for L2 and L1 (terms >= 0), to
 * |a||b| >= sum|a_i b_i| for the inner product (Cauchy-Schwarz, from the table's norms), and
 * as an absolute bound for the cosine distance (whose similarity is in [-1, 1]); plus an
 * absolute term for float32 underflow. Values near float32 overflow or underflow of the norms,
 * and NaN, get [-Infinity, Infinity]: always candidates. Bit-string distances are exact.
 *
 * The query vector is copied into a block in each memory the table's rows lie in, owned by this
 * node's state (kernels/query_copies.ts, freed at end), so a scan nested inside another (a
 * subquery in the select list) never shares scratch.
 *
 * Under a Gather Merge (plan/parallel.ts) step 1 runs on several participants instead
 * (exec/parallel_knn.ts: the same bounds, chunks of rows per participant, a WHERE clause turned
 * into the rows to visit first), and yields the same candidates, so step 2 is unchanged.
 */
import type { Arena } from '../../../kernels/arena.js';
import { kernelsOf, signMask, type FastKernels, type PtrKernel } from '../../../kernels/fast.js';
import { memories, MEMORY_STRIDE } from '../../../kernels/memories.js';
import { QueryCopies } from '../../../kernels/query_copies.js';
import { HALF_TO_F32 } from '../../../kernels/half.js';
import { BitString } from '../../../types/bit.js';
import type { Table, Value } from '../../../storage/table.js';
import type { PlanNode } from '../../plan/plan.js';
import { evalExpr, passes } from '../eval.js';
import { PlanState, execInitNode, type EState } from '../executor.js';
import { Candidates } from '../topk.js';
import { Err, HUGE, RHO_ULPS, TINY } from '../knn_bounds.js';
import type { ParallelKernel } from '../parallel_knn.js';
import { runParallelKnn } from '../parallel_knn_leader.js';
import { queryKeyBytes, ScanWait } from '../parallel_knn_async.js';
import { buildQualBitmap } from '../row_filter.js';
import type { WorkerPool } from '../../../kernels/workers.js';
import { fetchRow } from './seq_scan.js';
import { sortOrder } from './sort.js';

type TopKPlan = Extract<PlanNode, { node: 'TopK' }>;

export class TopKState extends PlanState {
  private out: Int32Array | null = null;
  private i = 0;
  private bound = Infinity;
  /** The query vector copied beside each memory the rows lie in, owned by this state. */
  private readonly queries = new QueryCopies();
  private scanned = 0;
  private removed = 0;
  /** Reused tuple the SeqScan's qual and the keys are evaluated on. */
  private readonly row: Value[] = [];
  /**
   * Under a Gather Merge: the pool and the participants (leader included) the scan runs on;
   * participants 0 (no Gather Merge above) for the serial scan.
   */
  private pool: WorkerPool | null = null;
  private participants = 0;
  /** Per participant of the last parallel run, the rows its local top k held (null: ran serially). */
  private kept: number[] | null = null;

  constructor(readonly p: TopKPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
  }

  override setBound(n: number): void {
    this.bound = n;
  }

  /** Workers that took part in the last run (0 when it ran on the leader alone). */
  get workersUsed(): number {
    return this.kept === null ? 0 : this.kept.length - 1;
  }

  /**
   * Runs the scan on `participants` participants (the leader and workers of `pool`) when its
   * shape allows (exec/parallel_knn.ts), else serially: the Gather Merge above calls this.
   */
  setParallel(pool: WorkerPool | null, participants: number): void {
    this.pool = pool;
    this.participants = pool === null ? 1 : participants;
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
    this.queries.free();
    const child = this.children[0]!;
    if (this.kept !== null) {
      // As PostgreSQL counts a parallel Sort and its Parallel Seq Scan: one loop per participant,
      // the rows each participant's sort kept.
      this.instr.loops *= this.kept.length;
      this.instr.rows = this.kept.reduce((a, b) => a + b, 0);
    }
    child.instr.loops = this.instr.loops;
    child.instr.rows = this.scanned - this.removed;
    child.instr.removedByFilter = this.removed;
    const kb = Math.max(25, Math.ceil((Math.min(this.bound, this.p.input.table.liveCount) * (this.p.width + 24)) / 1024));
    this.instr.extra = [['Sort Method', `top-N heapsort  Memory: ${kb}kB`]];
  }

  /** True when row `r` passes the SeqScan's qual. */
  private passesQual(r: number): boolean {
    const scan = this.p.input;
    if (scan.qual === null) return true;
    if (passes(scan.qual, fetchRow(scan.table, scan.scan.cols, r, this.row), this.es)) return true;
    this.removed++;
    return false;
  }

  /** The first k row ids in ORDER BY order. */
  private run(): Int32Array {
    const table = this.p.input.table;
    // One sequential scan that reads every visible row (pg_stat_user_tables.seq_scan), counted
    // once for a scan whose statement waited for its participants and ran again.
    const count = (): void => this.es.env.stats.countSeqScan(table, table.liveCount);
    const k = Math.min(this.bound, table.liveCount);
    const cands = new Candidates(k);
    const nullRows: number[] = [];
    try {
      const q = evalExpr(this.p.knn.query, null, this.es);
      if (q === null) {
        // Every distance is NULL: the rows in order of the further keys.
        this.scanAll(nullRows);
      } else if (!this.scanFast(table, q, cands, nullRows)) {
        cands.reset();
        nullRows.length = 0;
        this.scanExact(cands, nullRows);
      }
    } catch (e) {
      if (!(e instanceof ScanWait)) count();
      throw e;
    }
    count();
    return this.rank(cands, nullRows, k);
  }

  /** Every visible row into `rows` (for a NULL query). */
  private scanAll(rows: number[]): void {
    const table = this.p.input.table;
    const xid = this.es.xid;
    const exact = this.es.instrumenting;
    const interrupts = this.es.interrupts;
    for (let r = 0; r < table.slots; r++) {
      interrupts.tick();
      if (!table.visibleTo(r, xid)) continue;
      this.scanned++;
      if (exact && !this.passesQual(r)) continue;
      rows.push(r);
    }
  }

  /**
   * The scan with pgvector's own distance per row (the ORDER BY expression over the row): for
   * shapes no kernel serves, and to raise pgvector's errors (dimensions, bit lengths) for the
   * rows PostgreSQL would compute the distance of.
   */
  private scanExact(cands: Candidates, nullRows: number[]): void {
    const scan = this.p.input;
    const table = scan.table;
    const xid = this.es.xid;
    const expr = this.p.knn.expr;
    const row = this.row;
    const interrupts = this.es.interrupts;
    for (let r = 0; r < table.slots; r++) {
      interrupts.tick();
      if (!table.visibleTo(r, xid)) continue;
      this.scanned++;
      // The qual first, as the SeqScan below a Sort: a row it removes never raises the distance's errors.
      if (!this.passesQual(r)) continue;
      const d = evalExpr(expr, fetchRow(table, scan.scan.cols, r, row), this.es) as number | null;
      if (d === null) nullRows.push(r);
      else cands.offer(r, d, d);
    }
  }

  /**
   * The kernel scan; false (before reading any row) when no kernel serves this column, operator
   * and query, or a row's length differs from the query's (the exact scan then raises
   * pgvector's error or computes what pgvector does).
   */
  private scanFast(table: Table, q: Value, cands: Candidates, nullRows: number[]): boolean {
    const knn = this.p.knn;
    const col = knn.col;
    const packed = table.packedColumn(col);
    const op = knn.op;
    // The kernel is picked from the kernels of the memory each row lies in (a table may span
    // memories), and the query is copied beside it (this.queries).
    let pick: (k: FastKernels) => PtrKernel;
    let len: number;
    let units: number;
    const queries = this.queries;
    let err = Err.None;
    let sign = 1;
    let cosine = false;
    let norms: Float32Array | null = null;
    let qNormSq = 0;
    let qBits = -1;
    let nulls: Uint8Array | null = null;
    let rowPtr: (r: number) => number;
    let rowLen: ((r: number) => number) | null = null;
    /** The kernel's name for the participants of a parallel scan. */
    let kname: ParallelKernel | null = null;
    if (knn.signBits === true) {
      if (packed !== null || !(q instanceof BitString)) return false;
      const fixed = table.vectorColumnDim(col);
      len = q.length;
      if (fixed !== len) return false;
      if (op === '<~>') {
        pick = (k) => k.signHamming;
        kname = 'signHamming';
      } else if (op === '<%>') {
        kname = 'signJaccard';
        pick = (k) => {
          const jac = k.signJaccard;
          return (m, v, n) => jac(m, v, n, qBits);
        };
      } else return false;
      units = len;
      const bits = q.length;
      const bytes = q.bytes;
      queries.reset(len * 4, (m: Arena, p: number) => {
        qBits = signMask(m, bytes, bits, p);
      });
      // Streams: each address goes straight to the kernel (buffer cache: only this segment pinned).
      rowPtr = (r) => table.vectorPtrStream(col, r);
    } else if (packed === null) {
      if (!(q instanceof Float32Array)) return false;
      const fixed = table.vectorColumnDim(col);
      if (fixed >= 0 && fixed !== q.length) return false;
      len = q.length;
      units = len;
      queries.reset(len * 4, (m: Arena, p: number) => m.f32().set(q, p >>> 2));
      norms = table.vectorNorms(col);
      const any = memories.any();
      const qp = queries.in(any);
      qNormSq = kernelsOf(any).dot(qp, qp, len);
      if (op === '<->') {
        pick = (k) => k.l2sq;
        kname = 'l2sq';
        err = Err.Relative;
      } else if (op === '<+>') {
        pick = (k) => k.l1;
        kname = 'l1';
        err = Err.Relative;
      } else if (op === '<#>') {
        pick = (k) => k.dot;
        kname = 'dot';
        sign = -1;
        err = Err.Norms;
      } else if (op === '<=>') {
        pick = (k) => k.dot;
        kname = 'dot';
        cosine = true;
        err = Err.Absolute;
      } else return false;
      if (fixed < 0) rowLen = (r) => table.vectorDim(col, r);
      // Streams: each address goes straight to the kernel (buffer cache: only this segment pinned).
      rowPtr = (r) => table.vectorPtrStream(col, r);
    } else {
      if (packed.kind === 'halfvec' && q instanceof Uint16Array) {
        // No norms of halfvec rows are kept, so <#> has no error bound: the exact scan serves it.
        if (op === '<->') pick = (k) => k.halfL2sq;
        else if (op === '<+>') pick = (k) => k.halfL1;
        else if (op === '<=>') pick = (k) => k.halfCosine;
        else return false;
        kname = op === '<->' ? 'halfL2sq' : op === '<+>' ? 'halfL1' : 'halfCosine';
        err = op === '<=>' ? Err.Absolute : Err.Relative;
        len = q.length;
        units = len;
        queries.reset(len * 4, (m: Arena, p: number) => {
          const f = m.f32();
          for (let i = 0; i < len; i++) f[(p >>> 2) + i] = HALF_TO_F32[q[i]!]!;
        });
      } else if ((packed.kind === 'bit' || packed.kind === 'varbit') && q instanceof BitString) {
        if (op === '<~>') pick = (k) => k.hamming;
        else if (op === '<%>') pick = (k) => k.jaccard;
        else return false;
        kname = op === '<~>' ? 'hamming' : 'jaccard';
        len = q.length;
        units = (len + 7) >>> 3;
        queries.reset(q.bytes.length + 1, (m: Arena, p: number) => m.u8().set(q.bytes, p));
      } else return false;
      if (packed.fixedLen >= 0 && packed.fixedLen !== len && table.liveCount > 0) return false;
      if (packed.fixedLen < 0) rowLen = (r) => packed.len(r);
      nulls = packed.nulls;
      // Streams (buffer cache: only the segment the scan is on stays pinned).
      rowPtr = (r) => packed.ptrStream(r);
    }
    // The memory of the last row read: its addresses are [lo, lo + 2^32) (none before the first).
    let memLo = -2 * MEMORY_STRIDE;
    let kernel: PtrKernel = pick(kernelsOf(memories.any()));
    let qPtr = 0;
    if (rowLen !== null) {
      // Rows of another length: pgvector's function raises its error (or, for varbit, computes).
      const xid0 = this.es.xid;
      for (let r = 0; r < table.slots; r++) if (table.visibleTo(r, xid0) && rowPtr(r) !== 0 && rowLen(r) !== len) return false;
    }
    const rho = RHO_ULPS * (len + 2) * 2 ** -24;
    const n = table.slots;
    const xid = this.es.xid;
    const live = table.liveBitmap();
    const pending = table.pendingRows > 0;
    const exact = this.es.instrumenting;
    const filtered = this.p.input.qual !== null;
    const qNorm = Math.sqrt(qNormSq);
    const qSafe = qNormSq <= HUGE && (!cosine || qNormSq >= TINY);
    if (this.participants > 0 && kname !== null && rowLen === null && table.fixedRows(col) !== null) {
      const kernel = kname;
      // A WHERE clause (of the shapes plan/parallel.ts allows) becomes the rows to visit, from
      // the column arrays: the participants then compute the distances of passing rows only.
      const qb = filtered ? buildQualBitmap(table, this.p.input.qual!, this.p.input.scan.cols, this.es, xid) : null;
      try {
        const run = runParallelKnn(
          this.pool, this.participants, table, col,
          // Read after the query copies are made (the sign-bit query's set bits come with them).
          () => ({ kernel, err, sign, cosine, units, rho, qNormSq, qBits }),
          (m) => queries.in(m), cands.k, xid, this.es.interrupts, cands, nullRows, qb?.bitmap ?? null,
          // The awaiting runner: the participants run off the event loop (exec/parallel_knn_async.ts).
          this.es.env.awaitable ? { scans: this.es.env.asyncScans, query: queryKeyBytes(q as Float32Array | Uint16Array | BitString), queryBytes: queries.byteLength } : null,
        );
        if (run !== null) {
          this.scanned += run.scanned;
          if (qb !== null) this.removed += run.scanned - qb.rows;
          this.kept = run.kept;
          return true;
        }
      } finally {
        qb?.bitmap.free();
      }
    }
    let scanned = 0;
    const interrupts = this.es.interrupts;
    for (let r = 0; r < n; r++) {
      interrupts.tick();
      if ((live[r >>> 5]! & (1 << (r & 31))) === 0) continue;
      if (pending && !table.visibleTo(r, xid)) continue;
      scanned++;
      const ptr = rowPtr(r);
      if (ptr === 0 || (nulls !== null && nulls[r] === 1)) {
        if (!exact || this.passesQual(r)) nullRows.push(r);
        continue;
      }
      if (ptr < memLo || ptr >= memLo + MEMORY_STRIDE) {
        const m = memories.memoryOf(ptr);
        memLo = m.id * MEMORY_STRIDE;
        kernel = pick(kernelsOf(m));
        qPtr = queries.in(m);
      }
      let d = kernel(qPtr, ptr >>> 0, units);
      let lo = d;
      let hi = d;
      if (err !== Err.None) {
        if (cosine) d = 1 - d / Math.sqrt(norms![r]! * qNormSq);
        else d *= sign;
        let e: number;
        if (err === Err.Relative) e = d <= HUGE ? rho * d + TINY : NaN;
        else if (err === Err.Norms) e = qSafe && norms![r]! <= HUGE ? rho * qNorm * Math.sqrt(norms![r]!) + TINY : NaN;
        else e = norms === null || (qSafe && norms[r]! <= HUGE && norms[r]! >= TINY) ? 2 * rho + TINY : NaN;
        // NaN (a zero norm, overflow) or no bound: always a candidate.
        if (e === e && d === d) {
          lo = d - e;
          hi = d + e;
        } else {
          lo = -Infinity;
          hi = Infinity;
        }
      }
      if (lo > cands.bound() && !exact) continue;
      if (filtered && !this.passesQual(r)) continue;
      if (lo > cands.bound()) continue;
      cands.offer(r, lo, hi);
    }
    this.scanned += scanned;
    return true;
  }

  /**
   * The first k of the candidates and the rows with a NULL distance, on every ORDER BY key:
   * pgvector's distance and the further keys evaluated per row, ties in scan order.
   */
  private rank(cands: Candidates, nullRows: number[], k: number): Int32Array {
    const ids = cands.finish();
    const keys = this.p.keys;
    // NULL distances sort first with NULLS FIRST, else only fill up what the non-NULL rows leave.
    const needNulls = nullRows.length > 0 && (this.p.nullsFirst || cands.qualified < k);
    const pool: number[] = Array.from(ids);
    if (needNulls) {
      const exact = this.es.instrumenting;
      for (const r of nullRows) if (exact || this.passesQual(r)) pool.push(r);
      // Scan order among the two sources, so that ties fall as in one scan.
      pool.sort((a, b) => a - b);
    }
    const scan = this.p.input;
    const n = pool.length;
    const vals: Value[][] = keys.map(() => new Array(n));
    const row = this.row;
    for (let i = 0; i < n; i++) {
      fetchRow(scan.table, scan.scan.cols, pool[i]!, row);
      for (let j = 0; j < keys.length; j++) vals[j]![i] = evalExpr(keys[j]!.expr, row, this.es);
    }
    const order = sortOrder(keys, vals, n);
    const m = Math.min(k, n);
    const out = new Int32Array(m);
    for (let i = 0; i < m; i++) out[i] = pool[order[i]!]!;
    return out;
  }
}
