/**
 * The participants' side of a parallel aggregate (`Finalize Aggregate -> Gather -> Partial
 * Aggregate -> Parallel Seq Scan`, plan/parallel.ts): each participant takes chunks of the
 * table's rows from the shared counter (exec/parallel_knn.ts's control block and bitmap of rows
 * to visit, filled by exec/parallel_knn_leader.ts fillRowsToVisit) and folds the rows it visits
 * into its own transition states, which the leader's Finalize Aggregate combines
 * (exec/nodes/finalize_agg.ts), as PostgreSQL's partial aggregation does.
 *
 * Only aggregates whose input lies in shared memory are computed here: `count(*)`, and
 * `count`, `avg` and `sum` of a fixed-width `vector(n)` or `halfvec(n)` column (the rows in
 * the column's segments, the NULL flags shared, common/shared_arrays.ts). The transition is
 * pgvector's, element for element, as types/aggregates.ts's serial one: avg accumulates in
 * float8 per dimension (vector_accum / halfvec_accum: each element widened and added, 22003
 * when a sum overflows); sum adds in the type itself (vector_add in float32, halfvec_add
 * rounding to half after every row, 22003 on overflow). A participant folds its rows in row
 * order; which chunks it takes depends on the threads' timing, as in PostgreSQL.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import { floatToHalf, halfIsInf, HALF_TO_F32 } from '../../kernels/half.js';
import { defineTask, type WorkerContext } from '../../kernels/workers.js';
import type { Arena } from '../../kernels/arena.js';
import { CTL_ABORT, CTL_BYTES, CTL_NEXT } from './parallel_knn.js';

/** One aggregate a participant computes: `count(*)`, or count / avg / sum of column `col` of {@link AggTaskArgs.columns}. */
export interface PartialAggSpec {
  kind: 'countStar' | 'count' | 'avg' | 'sum';
  /** Index into {@link AggTaskArgs.columns} (-1 for count(*)). */
  col: number;
}

/** A fixed-width vector column as the participants read it. */
export interface AggColumn {
  /** Address (memory id * 2^32 + offset) of each segment (0: released). */
  segments: number[];
  /** log2 of the rows of a segment, and bytes per row. */
  shift: number;
  rowBytes: number;
  /** Elements per row. */
  dim: number;
  /** halfvec (uint16 float16 elements) rather than vector (float32). */
  half: boolean;
  /** NULL flags per row (1 = NULL; shared memory). */
  nulls: Uint8Array;
}

/** What one participant is given (structured-clonable, but for the leader's `check`). */
export interface AggTaskArgs {
  specs: PartialAggSpec[];
  columns: AggColumn[];
  slots: number;
  /** Rows per chunk: a power of two that divides every column's segments. */
  chunkRows: number;
  /** Address of the shared block: control words, then (when {@link visible} is null) the bitmap of rows to visit. */
  block: number;
  /** The table's live-row bitmap when every live row is visible (shared memory); null: the bitmap in {@link block}. */
  visible: Uint32Array | null;
  /** 0: chunks from the shared counter; else the participant count (participant p takes chunks p, p + n, ...). */
  fixedStride: number;
  /** The leader's interrupt check (cancel, statement_timeout), per chunk; absent in workers. */
  check?: () => void;
}

/** avg's transition state (types/aggregates.ts AvgState): rows and the float8 sums (null before the first). */
export interface PartialAvg {
  n: number;
  sums: Float64Array | null;
}

/** A partial state per spec: a count, a {@link PartialAvg}, or a running sum (null before the first row). */
export type PartialState = number | PartialAvg | Float32Array | Uint16Array | null;

/** One participant's partial aggregates. */
export interface AggTaskResult {
  states: PartialState[];
  /** Rows it visited (in the bitmap). */
  visited: number;
}

function overflow(): PgError {
  return new PgError(SQLSTATE.numeric_value_out_of_range, 'value out of range: overflow');
}

/** One participant: takes chunks until none is left (or the abort word is set), folding its rows. */
export function aggScanTask(a: AggTaskArgs, ctx: WorkerContext): AggTaskResult {
  const home = ctx.memory(Math.floor(a.block / 2 ** 32));
  const ctl = home.i32();
  const ctlWord = (a.block >>> 0) >>> 2;
  try {
    return foldChunks(a, ctx, home, ctl, ctlWord);
  } catch (e) {
    // The others stop at their next chunk: the statement is failing.
    Atomics.store(ctl, ctlWord + CTL_ABORT, 1);
    throw e;
  }
}

function foldChunks(a: AggTaskArgs, ctx: WorkerContext, home: Arena, ctl: Int32Array, ctlWord: number): AggTaskResult {
  const bits = a.visible ?? home.u32();
  const bitsWord = a.visible !== null ? 0 : ((a.block >>> 0) + CTL_BYTES) >>> 2;
  const specs = a.specs;
  const states: PartialState[] = specs.map((s) => (s.kind === 'countStar' || s.kind === 'count' ? 0 : s.kind === 'avg' ? { n: 0, sums: null } : null));
  const chunks = Math.ceil(a.slots / a.chunkRows);
  // Per column, the element view and index of the current row (re-taken per chunk).
  const f32: (Float32Array | null)[] = a.columns.map(() => null);
  const u16: (Uint16Array | null)[] = a.columns.map(() => null);
  const at = new Float64Array(a.columns.length);
  const live = new Uint8Array(a.columns.length);
  let visited = 0;
  let taken = 0;
  for (;;) {
    if (Atomics.load(ctl, ctlWord + CTL_ABORT) !== 0) break;
    a.check?.();
    const c = a.fixedStride > 0 ? ctx.worker + a.fixedStride * taken++ : Atomics.add(ctl, ctlWord + CTL_NEXT, 1);
    if (c >= chunks) break;
    const first = c * a.chunkRows;
    const end = Math.min(a.slots, first + a.chunkRows);
    for (let k = 0; k < a.columns.length; k++) {
      const col = a.columns[k]!;
      const seg = col.segments[first >>> col.shift]!;
      live[k] = seg === 0 ? 0 : 1;
      if (seg === 0) continue;
      const m = ctx.memory(Math.floor(seg / 2 ** 32));
      // Views of a shared memory never detach; only a grow (none while participants run) replaces them.
      if (col.half) u16[k] = m.u16();
      else f32[k] = m.f32();
      at[k] = (seg >>> 0) + (first & ((1 << col.shift) - 1)) * col.rowBytes;
    }
    for (let r = first; r < end; r++) {
      if ((bits[bitsWord + (r >>> 5)]! & (1 << (r & 31))) !== 0) {
        visited++;
        for (let s = 0; s < specs.length; s++) {
          const spec = specs[s]!;
          if (spec.kind === 'countStar') {
            states[s] = (states[s] as number) + 1;
            continue;
          }
          const col = a.columns[spec.col]!;
          if (col.nulls[r] === 1 || live[spec.col] === 0) continue;
          if (spec.kind === 'count') states[s] = (states[s] as number) + 1;
          else if (col.half) states[s] = foldHalf(spec.kind, states[s]!, u16[spec.col]!, at[spec.col]! >>> 1, col.dim);
          else states[s] = foldFloat(spec.kind, states[s]!, f32[spec.col]!, at[spec.col]! >>> 2, col.dim);
        }
      }
      for (let k = 0; k < a.columns.length; k++) at[k] = at[k]! + a.columns[k]!.rowBytes;
    }
  }
  return { states, visited };
}

/** Folds a vector row (float32 elements at index `p`) into an avg or sum state (pgvector's vector_accum / vector_add). */
function foldFloat(kind: 'avg' | 'sum', s: PartialState, f: Float32Array, p: number, dim: number): PartialState {
  if (kind === 'avg') {
    const st = s as PartialAvg;
    if (st.sums === null) {
      st.sums = new Float64Array(dim);
      for (let i = 0; i < dim; i++) st.sums[i] = f[p + i]!;
    } else {
      const sums = st.sums;
      for (let i = 0; i < dim; i++) {
        const v = sums[i]! + f[p + i]!;
        if (v === Infinity || v === -Infinity) throw overflow();
        sums[i] = v;
      }
    }
    st.n++;
    return st;
  }
  if (s === null) return f.slice(p, p + dim);
  const sum = s as Float32Array;
  for (let i = 0; i < dim; i++) sum[i] = sum[i]! + f[p + i]!;
  for (let i = 0; i < dim; i++) if (sum[i] === Infinity || sum[i] === -Infinity) throw overflow();
  return sum;
}

/** Folds a halfvec row (float16 elements at index `p`) into an avg or sum state (pgvector's halfvec_accum / halfvec_add). */
function foldHalf(kind: 'avg' | 'sum', s: PartialState, h: Uint16Array, p: number, dim: number): PartialState {
  const t = HALF_TO_F32;
  if (kind === 'avg') {
    const st = s as PartialAvg;
    if (st.sums === null) {
      st.sums = new Float64Array(dim);
      for (let i = 0; i < dim; i++) st.sums[i] = t[h[p + i]!]!;
    } else {
      const sums = st.sums;
      for (let i = 0; i < dim; i++) {
        const v = sums[i]! + t[h[p + i]!]!;
        if (v === Infinity || v === -Infinity) throw overflow();
        sums[i] = v;
      }
    }
    st.n++;
    return st;
  }
  if (s === null) return h.slice(p, p + dim);
  const sum = s as Uint16Array;
  for (let i = 0; i < dim; i++) sum[i] = floatToHalf(Math.fround(t[sum[i]!]! + t[h[p + i]!]!));
  for (let i = 0; i < dim; i++) if (halfIsInf(sum[i]!)) throw overflow();
  return sum;
}

/** The task the pool runs (kernels/workers.ts). */
export const AGG_SCAN_TASK = defineTask(import.meta.url, 'aggScanTask', aggScanTask);
