/**
 * A table scan's qual and projection, computed by the scan from the table's storage
 * (PostgreSQL's ExecQual and ExecProject over a scan slot that only deforms the attributes
 * they read). The scan reads the columns its qual reads, tests the qual, and reads the others
 * only for the rows that pass (and without a projection only those its parent reads). In the
 * qual, a distance of the shape below is replaced by a call computing it from storage, placed
 * where the operator was, so it runs only when the operator would have. In the projection:
 *
 * - a column the projection passes up is read from the table directly;
 * - a vector distance `column <op> query` (`<->`, `<#>`, `<=>`, `<+>` on float32 vectors,
 *   the query a constant or a statement parameter) is computed by pgvector's exact kernel
 *   (kernels/fast.ts `exact*`: float32 sums in index order, bit-identical to the reference
 *   kernels and so to the value the operator returns) on the row's vector, by the kernels of
 *   the memory the row lies in (kernels/memories.ts) and a copy of the query in that memory
 *   made once per scan (kernels/query_copies.ts): no vector view per row and no
 *   expression-tree walk;
 * - any other expression is evaluated on a tuple of only the columns it (or the scan's qual)
 *   reads, so a vector column that only the distances read is never fetched.
 *
 * The values are the ones `evalExpr` over the whole tuple gives, errors included: a NULL
 * operand gives NULL without evaluating the other (strict operators, left operand first), and
 * a row whose dimension differs from the query's goes through the operator itself, which
 * raises pgvector's 22000 `different vector dimensions`.
 *
 * The blocks holding the query copies belong to the projection (freed by {@link end}), never
 * to the module, so two scans (a subquery inside a scan) never share them.
 */
import { kernelsOf, type FastKernels, type PtrKernel } from '../../kernels/fast.js';
import { MEMORY_STRIDE, memories } from '../../kernels/memories.js';
import { QueryCopies } from '../../kernels/query_copies.js';
import type { Table, Value } from '../../storage/table.js';
import { cosineDistance, l1Distance, l2Distance, negativeInnerProduct } from '../../types/vector.js';
import { forEachOperand, mapOperands, someNode, type Expr } from '../analyze/expr.js';
import { evalExpr, type EvalCtx } from './eval.js';

type Op2 = Extract<Expr, { k: 'op2' }>;

/** How output position i is produced. */
const enum Item {
  /** Column `tableCol[i]` of the row (-1: the row id). */
  Column,
  /** Distance `distOf[i]`. */
  Distance,
  /** `exprs[i]` evaluated on the fetched tuple. */
  Expr,
}

/** A distance the scan computes: its operator expression, vector column, kernel and query operand. */
interface DistanceItem {
  e: Op2;
  /** The table column of the vector operand. */
  col: number;
  /** The query operand (constant or parameter) and whether it is the left operand. */
  query: Expr;
  queryLeft: boolean;
  /** The item's kernel among a memory's kernels. */
  pick: (k: FastKernels) => PtrKernel;
  /** The kernel's value to the operator's: sqrt for `<->`, negation for `<#>`. */
  post: 0 | 1 | 2;
}

/** A distance operator of the qual and the {@link DistanceItem} (by index) computing it. */
interface QualDistance {
  e: Op2;
  id: number;
}

/** The vector operators' implementations a distance item may stand for, and their kernels. */
function distanceKernel(fn: unknown): { pick: (k: FastKernels) => PtrKernel; post: 0 | 1 | 2 } | null {
  if (fn === cosineDistance) return { pick: (k) => k.exactCosine, post: 0 };
  if (fn === l2Distance) return { pick: (k) => k.exactL2sq, post: 1 };
  if (fn === negativeInnerProduct) return { pick: (k) => k.exactDot, post: 2 };
  if (fn === l1Distance) return { pick: (k) => k.exactL1, post: 0 };
  return null;
}

/**
 * The qual and projection of a scan of `table`, compiled to read the table's storage. The
 * scan fetches the {@link fetch} positions of row r ({@link load}), tests {@link qual} on them
 * and, when it passes, builds the output with {@link project} (when the scan has a projection).
 * Use {@link compileScanProjection}.
 */
export class ScanProjection {
  /** Tuple positions the qual and the expression items read: fetched before `qual` and `project`. */
  readonly fetch: Int32Array;
  /**
   * The scan's qual as the scan evaluates it (null: none): each distance of a vector column to
   * the query replaced by a call that computes it from storage for the row {@link load}ed, so
   * the vector is not fetched for the qual (nor at all when nothing else reads it). The
   * call sits where the operator sat, so it runs only when the operator would (an OR arm that
   * is not reached computes nothing and raises nothing).
   */
  readonly qual: Expr | null;
  /** The scan has a projection ({@link project}). */
  readonly projects: boolean;
  private readonly kind: Item[];
  private readonly tableCol: Int32Array;
  private readonly distOf: Int32Array;
  private readonly exprs: Expr[];
  private readonly dists: DistanceItem[];
  /** The query vector of each distance for this scan: its value (undefined: not yet read). */
  private readonly qVal: (Value | undefined)[];
  /** Its copies, one in each memory a row of the distance was met in. */
  private readonly qCopies: QueryCopies[];
  /** Per distance, the memory of the last row computed on (addresses [lo, lo + 2^32)), its kernel and query copy. */
  private readonly memLo: Float64Array;
  private readonly kernel: (PtrKernel | null)[];
  private readonly qPtr: Float64Array;
  /** The row {@link load} read last, and the context its qual is evaluated in. */
  private cur = -1;
  private ctx: EvalCtx | null = null;
  /** The positions {@link complete} reads, computed at its first call. */
  private rest: Int32Array | null = null;

  constructor(
    private readonly table: Table,
    qual: Expr | null,
    qualDists: readonly QualDistance[],
    project: readonly Expr[] | null,
    fetch: number[],
    items: { kind: Item; col: number; dist: number }[],
    dists: DistanceItem[],
  ) {
    this.fetch = Int32Array.from(fetch);
    this.projects = project !== null;
    this.kind = items.map((x) => x.kind);
    this.tableCol = Int32Array.from(items, (x) => x.col);
    this.distOf = Int32Array.from(items, (x) => x.dist);
    this.exprs = project === null ? [] : project.slice();
    this.dists = dists;
    const n = dists.length;
    this.qVal = new Array(n).fill(undefined);
    this.qCopies = dists.map(() => new QueryCopies());
    this.memLo = new Float64Array(n).fill(-2 * MEMORY_STRIDE);
    this.kernel = new Array(n).fill(null);
    this.qPtr = new Float64Array(n);
    this.qual = qual === null ? null : this.scanQual(qual, qualDists);
  }

  /** `e` with each distance of `qualDists` replaced by a call computing it on the row {@link load}ed. */
  private scanQual(e: Expr, qualDists: readonly QualDistance[]): Expr {
    const d = qualDists.find((x) => x.e === e);
    if (d !== undefined) {
      const i = d.id;
      return { k: 'fn', type: d.e.type, name: d.e.op, args: [], strict: false, fn: () => this.distance(i, this.cur, this.ctx!) };
    }
    if (e.k === 'subplan' || !someNode(e, (x) => qualDists.some((q) => q.e === x))) return e;
    return mapOperands(e, (x) => this.scanQual(x, qualDists));
  }

  /**
   * Reads row `r`'s values at the {@link fetch} positions into `row` (slot i is table column
   * `cols[i]`, -1 the row id) and makes `r` the row {@link qual}'s distances are computed on.
   */
  load(r: number, cols: readonly number[], row: Value[], ctx: EvalCtx): Value[] {
    const fetch = this.fetch;
    const table = this.table;
    for (let i = 0; i < fetch.length; i++) {
      const c = cols[fetch[i]!]!;
      row[fetch[i]!] = c < 0 ? r : table.get(c, r);
    }
    this.cur = r;
    this.ctx = ctx;
    return row;
  }

  /**
   * Without a projection, the tuple of row `r` that passed the qual: `row` (as {@link load}
   * filled it) completed at the positions `reads` that load did not read (null: every
   * position; the others keep what they held: nothing reads them), as a new array unless
   * `reuse` (the parent keeps no tuple: PlanState.parentKeepsNoTuple). `reads` is the
   * parent's (PlanState.parentReads), the same on every call of a scan.
   */
  complete(r: number, cols: readonly number[], row: Value[], reads: readonly number[] | null, reuse = false): Value[] {
    if (this.rest === null) {
      const fetched = new Set(this.fetch);
      this.rest = Int32Array.from((reads ?? cols.map((_, i) => i)).filter((i) => !fetched.has(i)));
    }
    const rest = this.rest;
    const table = this.table;
    for (let j = 0; j < rest.length; j++) {
      const i = rest[j]!;
      const c = cols[i]!;
      row[i] = c < 0 ? r : table.get(c, r);
    }
    return reuse ? row : row.slice();
  }

  /**
   * The output tuple of row `r`; `row` holds the row's values at the {@link fetch} positions
   * (other positions are not read).
   * @throws what the projected expressions throw (22000 for vectors of different dimensions).
   */
  project(r: number, row: Value[], ctx: EvalCtx): Value[] {
    const kind = this.kind;
    const n = kind.length;
    const out: Value[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const k = kind[i]!;
      if (k === Item.Column) {
        const c = this.tableCol[i]!;
        out[i] = c < 0 ? r : this.table.get(c, r);
      } else if (k === Item.Distance) out[i] = this.distance(this.distOf[i]!, r, ctx);
      else out[i] = evalExpr(this.exprs[i]!, row, ctx);
    }
    return out;
  }

  /** Distance i on row r (NULL when an operand is NULL). */
  private distance(i: number, r: number, ctx: EvalCtx): Value {
    const d = this.dists[i]!;
    const table = this.table;
    const col = d.col;
    let ptr: number;
    // The row's address is taken last, just before the kernel reads it: nothing pins it in the
    // buffer cache, and an evicted segment is read one page (Table.vectorPtrRow).
    if (d.queryLeft) {
      if (this.query(i, ctx) === null) return null;
      ptr = table.vectorPtrRow(col, r);
      if (ptr === 0) return null;
    } else {
      if (table.vectorPtrRow(col, r) === 0) return null;
      if (this.query(i, ctx) === null) return null;
      ptr = table.vectorPtrRow(col, r);
    }
    const q = this.qVal[i] as Value;
    if (!(q instanceof Float32Array) || table.vectorDim(col, r) !== q.length) {
      // Not a float32 query or not the same dimension: the operator itself (its error).
      const v = table.get(col, r);
      return d.queryLeft ? d.e.fn(q, v, ctx.zone) : d.e.fn(v, q, ctx.zone);
    }
    if (ptr < this.memLo[i]! || ptr >= this.memLo[i]! + MEMORY_STRIDE) {
      // A row in another memory than the last: its kernels, and the query copied there.
      const m = memories.memoryOf(ptr);
      this.qPtr[i] = this.qCopies[i]!.in(m);
      this.kernel[i] = d.pick(kernelsOf(m));
      this.memLo[i] = m.id * MEMORY_STRIDE;
      // Copying the query may allocate, and an allocation may evict the row's unpinned page:
      // take its address again, and if it came back in another memory, let the operator read it.
      ptr = table.vectorPtrRow(col, r);
      if (ptr < this.memLo[i]! || ptr >= this.memLo[i]! + MEMORY_STRIDE) {
        const v = table.get(col, r);
        return d.queryLeft ? d.e.fn(q, v, ctx.zone) : d.e.fn(v, q, ctx.zone);
      }
    }
    const x = this.kernel[i]!(ptr >>> 0, this.qPtr[i]!, q.length);
    return d.post === 0 ? x : d.post === 1 ? Math.sqrt(x) : -x;
  }

  /**
   * The query of distance i for this scan, read once; its copies in the memories are made
   * when a row of each memory is first met ({@link QueryCopies}).
   */
  private query(i: number, ctx: EvalCtx): Value {
    let q = this.qVal[i];
    if (q !== undefined) return q;
    q = evalExpr(this.dists[i]!.query, null, ctx);
    if (q instanceof Float32Array && q.length > 0) {
      const vec = q;
      this.qCopies[i]!.reset(vec.length * 4, (m, p) => m.f32().set(vec, p >>> 2));
      this.memLo[i] = -2 * MEMORY_STRIDE;
    }
    this.qVal[i] = q;
    return q;
  }

  /** Forgets the query values read (a rescan: parameters may have changed). */
  rescan(): void {
    this.qVal.fill(undefined);
  }

  /** Frees the copies of the queries. */
  end(): void {
    for (const c of this.qCopies) c.free();
    this.memLo.fill(-2 * MEMORY_STRIDE);
    this.kernel.fill(null);
    this.qVal.fill(undefined);
    this.ctx = null;
  }
}

/**
 * The compiled qual and projection of a scan of `table` emitting `cols` (`project` null: the
 * scan emits its tuple as it is), or null when computing them from storage saves nothing (no
 * distance in the qual, no item of the projection is a column or a distance, and the qual, with
 * the projection's expressions, reads every column). With `qualDistances` false the qual stays as planned (the scan evaluates
 * `plan.qual` on the fetched positions, which then include all it reads): an index scan tests
 * its qual on few rows, from several strategies.
 */
export function compileScanProjection(
  table: Table,
  cols: readonly number[],
  qual: Expr | null,
  project: readonly Expr[] | null,
  qualDistances = true,
): ScanProjection | null {
  const dists: DistanceItem[] = [];
  const distanceId = (d: DistanceItem): number => {
    const i = dists.findIndex((x) => x.e === d.e);
    if (i >= 0) return i;
    dists.push(d);
    return dists.length - 1;
  };
  // The qual's distances (the ScanProjection replaces each by a call into itself).
  const qualDists: QualDistance[] = [];
  const findQualDistances = (e: Expr): void => {
    if (e.k === 'subplan') return;
    const d = distanceItem(table, cols, e);
    if (d !== null) {
      qualDists.push({ e: d.e, id: distanceId(d) });
      return;
    }
    forEachOperand(e, findQualDistances);
  };
  if (qual !== null && qualDistances) findQualDistances(qual);
  if (project === null && qual === null) return null;
  const items: { kind: Item; col: number; dist: number }[] = [];
  const need = new Set<number>();
  let all = false;
  let direct = 0;
  for (const e of project ?? []) {
    if (e.k === 'slot') {
      items.push({ kind: Item.Column, col: cols[e.idx]!, dist: -1 });
      direct++;
      continue;
    }
    const d = distanceItem(table, cols, e);
    if (d !== null) {
      items.push({ kind: Item.Distance, col: d.col, dist: distanceId(d) });
      direct++;
      continue;
    }
    items.push({ kind: Item.Expr, col: -1, dist: -1 });
    if (!slotsRead(e, [], need)) all = true;
  }
  // A qual with a SubPlan hands it the whole tuple (its arguments are not walked).
  if (qual !== null && !slotsRead(qual, qualDists, need)) all = true;
  const fetch = all ? cols.map((_, i) => i) : [...need].sort((a, b) => a - b);
  // Nothing to gain: no distance computed from storage, and every column read before the qual
  // (with no projection, the columns the qual does not read are read only for rows that pass).
  if (qualDists.length === 0 && direct === 0 && fetch.length === cols.length) return null;
  return new ScanProjection(table, qual, qualDists, project, fetch, items, dists);
}

/**
 * Tuple positions `e` reads outside the distances `dists` (which the scan computes from
 * storage), into `out`; false when it holds a SubPlan (handed the whole tuple; its arguments
 * are not walked).
 */
function slotsRead(e: Expr, dists: readonly { e: Op2 }[], out: Set<number>): boolean {
  let sub = false;
  const walk = (x: Expr): void => {
    if (sub || dists.some((d) => d.e === x)) return;
    if (x.k === 'slot') out.add(x.idx);
    else if (x.k === 'subplan') sub = true;
    else forEachOperand(x, walk);
  };
  walk(e);
  return !sub;
}

/** `e` as a distance over a float32 vector column of the scan and a constant or parameter query, or null. */
function distanceItem(table: Table, cols: readonly number[], e: Expr): DistanceItem | null {
  if (e.k !== 'op2' || e.l.type !== 'vector' || e.r.type !== 'vector') return null;
  const k = distanceKernel(e.fn);
  if (k === null) return null;
  const isQuery = (x: Expr): boolean => x.k === 'const' || x.k === 'param';
  const vectorCol = (x: Expr): number => {
    if (x.k !== 'slot') return -1;
    const c = cols[x.idx]!;
    return c >= 0 && table.def.columns[c]!.type === 'vector' && table.packedColumn(c) === null ? c : -1;
  };
  let col = vectorCol(e.l);
  if (col >= 0 && isQuery(e.r)) return { e, col, query: e.r, queryLeft: false, ...k };
  col = vectorCol(e.r);
  if (col >= 0 && isQuery(e.l)) return { e, col, query: e.l, queryLeft: true, ...k };
  return null;
}
