/**
 * SELECT execution: runs a plan from the planner and projects the target list.
 *
 * The exact nearest-neighbour scan (TopK over SeqScan) is the ground truth every index is
 * measured against, so it is written for speed: one SIMD kernel call per live row over the
 * table's arena segments (kernels/fast.ts), squared norms kept by the table for cosine, a
 * typed-array heap, no per-row allocation. The ranking uses the fast kernels; the distance
 * values a query prints are recomputed with pgvector's exact functions for the k rows.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { arena } from '../../kernels/arena.js';
import { fast, type PtrKernel } from '../../kernels/fast.js';
import { HALF_TO_F32 } from '../../kernels/half.js';
import { BitString } from '../../types/bit.js';
import { Table, type Value } from '../../storage/table.js';
import type { GucDef } from '../../common/guc.js';
import type { SqlEnv } from '../env.js';
import type { SelectQuery } from '../analyze/query.js';
import { virtualTableDef } from '../analyze/query.js';
import { type Expr, forEachOperand } from '../analyze/expr.js';
import type { KnnSpec, PlanNode } from '../plan/plan.js';
import { planSelect } from '../plan/planner.js';
import { evalExpr, passes, type EvalCtx } from './eval.js';
import { type SqlType, valueToText } from '../analyze/types.js';
import type { PgArray } from '../../types/pgarray.js';
import { Numeric, numericKey } from '../../types/numeric.js';
import { TopK } from './topk.js';

/** Rows of a SELECT: one array of values per row, in target-list order. */
export interface SelectOutput {
  rows: Value[][];
  plan: PlanNode;
}

/** Scratch block in the arena holding the current query vector (grown on demand). */
let queryPtr = 0;
let queryCap = 0;

function queryToArena(q: Float32Array): number {
  if (q.length > queryCap) {
    if (queryPtr !== 0) arena.free(queryPtr, queryCap * 4);
    queryCap = Math.max(q.length, 1024);
    queryPtr = arena.alloc(queryCap * 4);
  }
  arena.f32().set(q, queryPtr >> 2);
  return queryPtr;
}

const idBuf = new Int32Array(256);
const distBuf = new Float64Array(256);

function limitValue(e: Expr | null, ctx: EvalCtx, what: 'LIMIT' | 'OFFSET'): number {
  if (e === null) return what === 'LIMIT' ? Infinity : 0;
  const v = evalExpr(e, null, -1, ctx);
  if (v === null) return what === 'LIMIT' ? Infinity : 0;
  const n = Number(v);
  if (n < 0) {
    throw new PgError(what === 'LIMIT' ? '2201W' : '2201X', `${what} must not be negative`);
  }
  return n;
}

/** Executes an analyzed SELECT with evaluated parameters. */
export function runSelect(env: SqlEnv, q: SelectQuery, ctx: EvalCtx): SelectOutput {
  const limit = limitValue(q.limit, ctx, 'LIMIT');
  const offset = limitValue(q.offset, ctx, 'OFFSET');
  const need = limit === Infinity ? Infinity : limit + offset;
  const plan = planSelect(env, q, need);
  let table = q.table;
  if (q.virtual !== null) table = buildVirtual(env, q.virtual);
  else if (q.fromFunction !== null) table = buildFunctionTable(q.table!, q.fromFunction, ctx);

  if (table === null) {
    const pass = q.where === null || evalExpr(q.where, null, -1, ctx) === true;
    // Without FROM the input is one row (none when WHERE rejects it).
    if (q.aggregate) return { rows: sliceRows(runGrouped(q, null, pass ? [0] : [], ctx), offset, limit), plan };
    if (!pass) return { rows: [], plan };
    if (q.setReturning) {
      const out: Value[][] = [];
      expandSetReturning(q, null, -1, ctx, out, need);
      return { rows: sliceRows(out, offset, limit), plan };
    }
    const row = q.targets.map((t) => evalExpr(t.expr, null, -1, ctx));
    return { rows: offset > 0 || limit < 1 ? [] : [row], plan };
  }

  if (q.aggregate) {
    const ids = collect(env, plan, q, table, ctx, Infinity);
    return { rows: sliceRows(runGrouped(q, table, ids, ctx), offset, limit), plan };
  }

  if (q.setReturning) {
    let ids = collect(env, plan, q, table, ctx, Infinity);
    if (q.orderBy.length > 0 && !isOrdered(plan)) ids = sortRows(q, table, ids, ctx);
    const out: Value[][] = [];
    for (let i = 0; i < ids.length && out.length < need; i++) expandSetReturning(q, table, ids[i]!, ctx, out, need);
    return { rows: sliceRows(out, offset, limit), plan };
  }

  let ids = collect(env, plan, q, table, ctx, need);
  if (q.orderBy.length > 0 && !isOrdered(plan)) ids = sortRows(q, table, ids, ctx);
  const end = Math.min(ids.length, limit === Infinity ? ids.length : offset + limit);
  const rows: Value[][] = [];
  const targets = q.targets;
  for (let i = offset; i < end; i++) {
    const rowId = ids[i]!;
    const row: Value[] = new Array(targets.length);
    for (let c = 0; c < targets.length; c++) row[c] = evalExpr(targets[c]!.expr, table, rowId, ctx);
    rows.push(row);
  }
  return { rows, plan };
}

function sliceRows(rows: Value[][], offset: number, limit: number): Value[][] {
  if (offset === 0 && limit >= rows.length) return rows;
  return rows.slice(offset, limit === Infinity ? rows.length : offset + limit);
}

/**
 * PostgreSQL's ProjectSet: the select list of one input row, with each unnest(...) item run
 * in lockstep; the row yields as many rows as the longest array (shorter ones pad with NULL),
 * none when every array is NULL or empty. Stops once `out` holds `need` rows.
 */
function expandSetReturning(q: SelectQuery, table: Table | null, rowId: number, ctx: EvalCtx, out: Value[][], need: number): void {
  const targets = q.targets;
  const plain: Value[] = new Array(targets.length);
  const arrays: (readonly Value[] | null)[] = new Array(targets.length).fill(null);
  let n = 0;
  for (let c = 0; c < targets.length; c++) {
    const e = targets[c]!.expr;
    if (e.k === 'srf') {
      const a = evalExpr(e.arg, table, rowId, ctx) as PgArray | null;
      const elems = a === null ? [] : (a.elems as readonly Value[]);
      arrays[c] = elems;
      if (elems.length > n) n = elems.length;
    } else {
      plain[c] = evalExpr(e, table, rowId, ctx);
    }
  }
  for (let i = 0; i < n && out.length < need; i++) {
    const row: Value[] = new Array(targets.length);
    for (let c = 0; c < targets.length; c++) {
      const elems = arrays[c];
      row[c] = elems === null ? plain[c]! : i < elems!.length ? elems![i]! : null;
    }
    out.push(row);
  }
}

/** The rows of `FROM unnest(array)`: one per element (none for a NULL array), per execution. */
function buildFunctionTable(shape: Table, fn: Expr, ctx: EvalCtx): Table {
  const t = new Table(shape.def);
  const a = evalExpr(fn, null, -1, ctx) as PgArray | null;
  if (a !== null) for (const v of a.elems) t.appendRow([v as Value]);
  return t;
}

/**
 * Grouped aggregation (PostgreSQL's HashAggregate, or a plain Aggregate without GROUP BY):
 * rows are hashed by the text of their GROUP BY values (groups in first-seen order), each
 * aggregate call of the select list, HAVING and ORDER BY is folded per group, HAVING filters
 * the groups and ORDER BY sorts them. Without GROUP BY there is exactly one group, even over
 * no rows (count(*) = 0, other aggregates NULL).
 */
function runGrouped(q: SelectQuery, table: Table | null, ids: ArrayLike<number>, ctx: EvalCtx): Value[][] {
  const groups: number[][] = [];
  if (q.groupBy.length === 0) {
    groups.push(Array.from(ids));
  } else {
    const byKey = new Map<string, number>();
    const keys = q.groupBy;
    const parts: string[] = new Array(keys.length);
    for (let i = 0; i < ids.length; i++) {
      const r = ids[i]!;
      for (let g = 0; g < keys.length; g++) parts[g] = groupKeyText(evalExpr(keys[g]!, table, r, ctx), keys[g]!.type);
      const key = keys.length === 1 ? parts[0]! : JSON.stringify(parts);
      let gi = byKey.get(key);
      if (gi === undefined) {
        gi = groups.length;
        byKey.set(key, gi);
        groups.push([]);
      }
      groups[gi]!.push(r);
    }
  }
  const calls: Expr[] = [];
  for (const t of q.targets) gatherAggregates(t.expr, calls);
  if (q.having !== null) gatherAggregates(q.having, calls);
  for (const k of q.orderBy) gatherAggregates(k.expr, calls);

  const saved = ctx.aggValues;
  const kept: { rows: number[]; values: Map<Expr, Value> }[] = [];
  try {
    for (const rows of groups) {
      const values = new Map<Expr, Value>();
      for (const call of calls) values.set(call, foldAggregate(call, table, rows, ctx));
      ctx.aggValues = values;
      if (q.having !== null && evalExpr(q.having, table, rows.length > 0 ? rows[0]! : -1, ctx) !== true) continue;
      kept.push({ rows, values });
    }
    const n = kept.length;
    let order: ArrayLike<number> | null = null;
    if (q.orderBy.length > 0) {
      const vals = q.orderBy.map((k) => {
        const a: Value[] = new Array(n);
        for (let i = 0; i < n; i++) {
          ctx.aggValues = kept[i]!.values;
          a[i] = evalExpr(k.expr, table, kept[i]!.rows.length > 0 ? kept[i]!.rows[0]! : -1, ctx);
        }
        return a;
      });
      order = sortOrder(q.orderBy, vals, n);
    }
    const out: Value[][] = new Array(n);
    for (let i = 0; i < n; i++) {
      const g = kept[order === null ? i : order[i]!]!;
      ctx.aggValues = g.values;
      const rowId = g.rows.length > 0 ? g.rows[0]! : -1;
      out[i] = q.targets.map((t) => evalExpr(t.expr, table, rowId, ctx));
    }
    return out;
  } finally {
    ctx.aggValues = saved;
  }
}

/** Equal GROUP BY values give equal text (0 and -0 are one group, as float8 equality has it). */
function groupKeyText(v: Value, type: SqlType): string {
  if (v === null) return '\u0000';
  if (v === 0) return '0';
  if (v instanceof Numeric) return 'n' + numericKey(v); // 1.5 and 1.50 are one group
  return (typeof v === 'number' || typeof v === 'bigint' ? 'n' : 't') + valueToText(v, type)!;
}

function gatherAggregates(e: Expr, out: Expr[]): void {
  if (e.k === 'count' || e.k === 'agg') {
    if (!out.includes(e)) out.push(e);
    return;
  }
  forEachOperand(e, (x) => gatherAggregates(x, out));
}

/** One aggregate call over a group's rows (strict transitions: NULL inputs are skipped). */
function foldAggregate(call: Expr, table: Table | null, rows: number[], ctx: EvalCtx): Value {
  if (call.k === 'count') {
    if (call.arg === null) return rows.length;
    let c = 0;
    for (const r of rows) if (evalExpr(call.arg, table, r, ctx) !== null) c++;
    return c;
  }
  const a = call as Extract<Expr, { k: 'agg' }>;
  let state = a.agg.init();
  for (const r of rows) {
    const v = evalExpr(a.arg, table, r, ctx);
    if (v !== null) state = a.agg.step(state, v);
  }
  return a.agg.final(state) as Value;
}

function isOrdered(plan: PlanNode): boolean {
  const p = plan.node === 'Limit' ? plan.input : plan;
  return p.node === 'TopK' || p.node === 'IndexScan';
}

/** Row ids the scan part of the plan yields, filtered, in output order for knn plans. */
function collect(env: SqlEnv, plan: PlanNode, q: SelectQuery, table: Table, ctx: EvalCtx, need: number): ArrayLike<number> {
  switch (plan.node) {
    case 'Limit':
    case 'Sort':
    case 'Aggregate':
    case 'ProjectSet':
      return collect(env, plan.input, q, table, ctx, need);
    case 'TopK':
      return exactKnn(table, plan.knn, q.where, ctx, need, env.txn.xid);
    case 'IndexScan':
      return indexKnn(env, plan, table, ctx, need);
    case 'PkLookup': {
      const key = evalExpr(plan.key, null, -1, ctx);
      const rowId = key === null ? undefined : table.pkey.get(key);
      const xid = env.txn.xid;
      if (rowId !== undefined && table.visibleTo(rowId, xid)) return passes(plan.filter, table, rowId, ctx) ? [rowId] : [];
      if (key === null || table.pendingRows === 0) return [];
      // The key map points at the newest version, which an in-flight UPDATE may hide from this
      // transaction while the old version is still visible: look the key up the slow way.
      const out: number[] = [];
      for (let r = 0; r < table.slots; r++) if (table.visibleTo(r, xid) && passes(plan.filter, table, r, ctx)) out.push(r);
      return out;
    }
    case 'SeqScan':
    case 'VirtualScan':
    case 'FunctionScan': {
      const out: number[] = [];
      const filter = q.where;
      // Without ORDER BY, a LIMIT stops the scan early.
      const stopAt = q.orderBy.length === 0 && !q.aggregate && !q.setReturning ? need : Infinity;
      const xid = env.txn.xid;
      for (let r = 0; r < table.slots && out.length < stopAt; r++) {
        if (table.visibleTo(r, xid) && passes(filter, table, r, ctx)) out.push(r);
      }
      return out;
    }
    case 'Result':
      return [];
  }
}

/** Evaluates the query vector of a knn ORDER BY; NULL yields no ordering value (null). */
function knnQuery(knn: KnnSpec, ctx: EvalCtx): Float32Array | null {
  return evalExpr(knn.query, null, -1, ctx) as Float32Array | null;
}

function dimsError(a: number, b: number): PgError {
  return new PgError(SQLSTATE.data_exception, `different vector dimensions ${a} and ${b}`);
}

/**
 * Exact k nearest rows by the knn operator: SIMD kernel per live row, typed-array heap.
 * Rows with a NULL vector (NULL distance) sort after all others, as ORDER BY ... NULLS LAST.
 */
export function exactKnn(table: Table, knn: KnnSpec, filter: Expr | null, ctx: EvalCtx, need: number, xid = 0): Int32Array {
  if (table.packedColumn(knn.col) !== null) return exactKnnPacked(table, knn, filter, ctx, need, xid);
  const q = knnQuery(knn, ctx);
  const n = table.slots;
  const k = Math.min(need, table.liveCount);
  const heap = new TopK(k);
  const nullRows: number[] = [];
  if (q === null) {
    for (let r = 0; r < n && nullRows.length < k; r++) if (table.visibleTo(r, xid) && passes(filter, table, r, ctx)) nullRows.push(r);
    return Int32Array.from(nullRows);
  }
  const col = knn.col;
  const fixedDim = table.vectorColumnDim(col);
  if (fixedDim >= 0 && fixedDim !== q.length && table.liveCount > 0) throw dimsError(fixedDim, q.length);
  const qPtr = queryToArena(q);
  const dim = q.length;
  const norms = table.vectorNorms(col);
  const qNormSq = fast.dot(qPtr, qPtr, dim);
  const live = table.liveBitmap();
  const op = knn.op;
  const kernel = op === '<->' ? fast.l2sq : op === '<+>' ? fast.l1 : fast.dot;
  const sign = op === '<#>' ? -1 : 1;
  const cosine = op === '<=>';
  // Rows of in-flight transactions need the full visibility test; otherwise the bitmap says it all.
  const pending = table.pendingRows > 0;
  for (let r = 0; r < n; r++) {
    if ((live[r >>> 5]! & (1 << (r & 31))) === 0) continue;
    if (pending && !table.visibleTo(r, xid)) continue;
    const ptr = table.vectorPtr(col, r);
    if (ptr === 0) {
      if (nullRows.length < k && passes(filter, table, r, ctx)) nullRows.push(r);
      continue;
    }
    if (fixedDim < 0 && table.vectorDim(col, r) !== dim) throw dimsError(table.vectorDim(col, r), dim);
    let d = kernel(ptr, qPtr, dim);
    if (cosine) d = 1 - d / Math.sqrt(norms[r]! * qNormSq);
    else d *= sign;
    if (filter !== null) {
      if (d > heap.bound() || !passes(filter, table, r, ctx)) continue;
    }
    heap.push(r, d);
  }
  return withNullsLast(heap.sortedIds(), nullRows, k);
}

/**
 * Exact k nearest rows over a halfvec / sparsevec / bit column: pgvector's distance function
 * per visible row (the same function the query prints, so the order is exactly pgvector's),
 * typed-array heap, NULL distances last.
 */
function exactKnnPacked(table: Table, knn: KnnSpec, filter: Expr | null, ctx: EvalCtx, need: number, xid: number): Int32Array {
  const q = evalExpr(knn.query, null, -1, ctx);
  const quick = exactKnnPackedSimd(table, knn, q, filter, ctx, need, xid);
  if (quick !== null) return quick;
  const k = Math.min(need, table.liveCount);
  const heap = new TopK(k);
  const nullRows: number[] = [];
  const e = knn.expr as Extract<Expr, { k: 'op2' }>;
  const colLeft = e.l.k === 'col';
  const fn = e.fn;
  const col = knn.col;
  for (let r = 0; r < table.slots; r++) {
    if (!table.visibleTo(r, xid)) continue;
    const v = q === null ? null : table.get(col, r);
    if (v === null) {
      if (nullRows.length < k && passes(filter, table, r, ctx)) nullRows.push(r);
      continue;
    }
    const d = (colLeft ? fn(v, q) : fn(q, v)) as number;
    if (filter !== null && (d > heap.bound() || !passes(filter, table, r, ctx))) continue;
    heap.push(r, d);
  }
  return withNullsLast(heap.sortedIds(), nullRows, k);
}

/**
 * The exact top-k scans' result: the ranked row ids `ids` (at most `k`), then rows whose
 * vector is NULL (`nullRows`, in scan order) while fewer than `k`, as PostgreSQL sorts NULL
 * distances last.
 * @returns at most `k` row ids.
 */
function withNullsLast(ids: Int32Array, nullRows: readonly number[], k: number): Int32Array {
  if (ids.length >= k || nullRows.length === 0) return ids;
  const out = new Int32Array(Math.min(k, ids.length + nullRows.length));
  out.set(ids);
  for (let i = ids.length; i < out.length; i++) out[i] = nullRows[i - ids.length]!;
  return out;
}

/** Scratch block in the arena for a packed query (float32 of a halfvec, or bit-string bytes). */
let packedQueryPtr = 0;
let packedQueryCap = 0;

function packedQueryScratch(bytes: number): number {
  if (bytes > packedQueryCap) {
    if (packedQueryPtr !== 0) arena.free(packedQueryPtr, packedQueryCap);
    packedQueryCap = Math.max(bytes, 4096);
    packedQueryPtr = arena.alloc(packedQueryCap);
  }
  return packedQueryPtr;
}

/**
 * Exact top-k over a halfvec or bit / varbit column with the WebAssembly SIMD kernels
 * (kernels/fast.ts): the halfvec query is widened to float32 once, each stored row is read
 * in place from the column's arena blocks. Ranking only: the distances a query prints are
 * still pgvector's functions over the k rows. Returns null (the caller then runs pgvector's
 * function per row, which also raises its dimension/length errors) for other operators, a
 * NULL query, or a row whose length differs from the query's.
 */
function exactKnnPackedSimd(table: Table, knn: KnnSpec, q: Value, filter: Expr | null, ctx: EvalCtx, need: number, xid: number): Int32Array | null {
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
    qPtr = packedQueryScratch(len * 4);
    const f = arena.f32();
    for (let i = 0; i < len; i++) f[(qPtr >> 2) + i] = HALF_TO_F32[q[i]!]!;
  } else if ((pc.kind === 'bit' || pc.kind === 'varbit') && q instanceof BitString) {
    kernel = op === '<~>' ? fast.hamming : op === '<%>' ? fast.jaccard : (null as unknown as PtrKernel);
    if (kernel === null) return null;
    len = q.length;
    qPtr = packedQueryScratch(q.bytes.length + 1);
    arena.u8().set(q.bytes, qPtr);
  } else {
    return null;
  }
  const n = table.slots;
  const k = Math.min(need, table.liveCount);
  const heap = new TopK(k);
  const nullRows: number[] = [];
  const live = table.liveBitmap();
  const pending = table.pendingRows > 0;
  const nulls = pc.nulls;
  const units = pc.kind === 'halfvec' ? len : (len + 7) >>> 3;
  const fixed = pc.fixedLen;
  if (fixed >= 0 && fixed !== len && table.liveCount > 0) return null;
  for (let r = 0; r < n; r++) {
    if ((live[r >>> 5]! & (1 << (r & 31))) === 0) continue;
    if (pending && !table.visibleTo(r, xid)) continue;
    if (nulls[r] === 1) {
      if (nullRows.length < k && passes(filter, table, r, ctx)) nullRows.push(r);
      continue;
    }
    if (fixed < 0 && pc.len(r) !== len) return null;
    const d = sign * kernel(qPtr, pc.ptr(r), units);
    if (filter !== null && (d > heap.bound() || !passes(filter, table, r, ctx))) continue;
    heap.push(r, d);
  }
  return withNullsLast(heap.sortedIds(), nullRows, k);
}

/** Ordered index scan; keeps pulling while the filter rejects rows (or rows are dead). */
function indexKnn(env: SqlEnv, plan: Extract<PlanNode, { node: 'IndexScan' }>, table: Table, ctx: EvalCtx, need: number): number[] {
  const q = knnQuery(plan.knn, ctx);
  const out: number[] = [];
  if (q === null) return out;
  if (q.length !== plan.index.dim) throw dimsError(plan.index.dim, q.length);
  const filter = plan.filter;
  const xid = env.txn.xid;
  const scan = plan.index.beginScan(q, {
    gucs: env.settings,
    limit: need,
    isLive: (rowId) => table.visibleTo(rowId, xid),
  });
  try {
    while (out.length < need) {
      const got = scan.next(idBuf, distBuf);
      if (got === 0) break;
      for (let i = 0; i < got && out.length < need; i++) {
        const r = idBuf[i]!;
        if (!table.visibleTo(r, xid)) continue;
        if (filter !== null && !passes(filter, table, r, ctx)) continue;
        out.push(r);
      }
    }
  } finally {
    scan.close();
  }
  return out;
}

function sortRows(q: SelectQuery, table: Table, ids: ArrayLike<number>, ctx: EvalCtx): Int32Array {
  const n = ids.length;
  const vals: Value[][] = q.orderBy.map((k) => {
    const a: Value[] = new Array(n);
    for (let i = 0; i < n; i++) a[i] = evalExpr(k.expr, table, ids[i]!, ctx);
    return a;
  });
  const order = sortOrder(q.orderBy, vals, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = ids[order[i]!]!;
  return out;
}

/** A stable sort permutation of `n` items by the sort keys' values (`vals[key][item]`). */
function sortOrder(keys: SelectQuery['orderBy'], vals: Value[][], n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const a = vals[k]![x]!;
      const b = vals[k]![y]!;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === key.nullsFirst ? -1 : 1;
      }
      const c = key.cmp(a, b);
      if (c !== 0) return key.desc ? -c : c;
    }
    return x - y;
  });
  return order;
}

/** The rows of a catalog view, materialised per execution (they are small). */
function buildVirtual(env: SqlEnv, name: string): Table {
  const t = new Table(virtualTableDef(name));
  if (name === 'pg_settings') {
    for (const def of env.settings.registry.all()) t.appendRow(settingsRow(env, def));
  } else if (name === 'pg_indexes') {
    for (const d of env.catalog.allIndexes()) {
      const table = env.catalog.getTable(d.table);
      const col = table?.def.columns[d.column]?.name ?? '?';
      const indexdef = d.primaryKey
        ? `CREATE UNIQUE INDEX ${d.name} ON public.${d.table} USING btree (${col})`
        : `CREATE INDEX ${d.name} ON public.${d.table} USING ${d.method} (${col} ${d.opclass})` +
          (d.options.length > 0 ? ` WITH (${d.options.map(([k, v]) => `${k}='${v}'`).join(', ')})` : '');
      t.appendRow(['public', d.table, d.name, null, indexdef]);
    }
  }
  return t;
}

function settingsRow(env: SqlEnv, def: GucDef): Value[] {
  const vartype = def.type === 'bool' ? 'bool' : def.type;
  const min = def.type === 'integer' || def.type === 'real' ? String(def.min) : null;
  const max = def.type === 'integer' || def.type === 'real' ? String(def.max) : null;
  const boot = def.type === 'bool' ? (def.default ? 'on' : 'off') : String(def.default);
  return [
    def.name,
    env.settings.showValue(def).replace(/^(\d+)(kB|MB|GB|ms|s|min|h)$/, (_m, n) => (def.type === 'integer' ? String(env.settings.get(def.name)) : n)),
    def.type === 'integer' ? (def.unit ?? null) : null,
    def.category ?? 'Customized Options',
    def.shortDesc,
    vartype,
    min,
    max,
    boot,
    boot,
  ];
}

/**
 * Row ids of `table` visible to the current transaction that pass `where`, in slot order
 * (UPDATE and DELETE targets). Uses the primary-key map for `pk = value`.
 */
export function matchingRows(env: SqlEnv, table: Table, where: Expr | null, ctx: EvalCtx): ArrayLike<number> {
  const q: SelectQuery = {
    kind: 'select', table, virtual: null, where, targets: [], orderBy: [], limit: null, offset: null, aggregate: false,
    groupBy: [], having: null, setReturning: false, fromFunction: null, knn: null,
  };
  const plan = planSelect(env, q, Infinity);
  env.lastPlan = plan;
  return collect(env, plan, q, table, ctx, Infinity);
}
