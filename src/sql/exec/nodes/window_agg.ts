/**
 * WindowAgg (PostgreSQL's nodeWindowAgg.c): over input sorted on PARTITION BY then ORDER BY,
 * reads one partition at a time, computes every window function for each of its rows, and
 * emits each input tuple followed by those values.
 *
 * Peers are rows equal on all ORDER BY keys (all rows of a partition without ORDER BY). The
 * frame of row i is [start, end] by the ROWS / RANGE / GROUPS rules of the frame bits (see
 * analyze/window.ts FRAME), minus EXCLUDE CURRENT ROW / GROUP / TIES. Ranking functions and
 * lag / lead ignore the frame (as PostgreSQL's). Aggregates whose frame starts at UNBOUNDED
 * PRECEDING with no exclusion are accumulated incrementally (the frame end only moves
 * forward); other frames are aggregated afresh per row. RANGE offset bounds are found by
 * binary search over the partition's run of non-NULL ORDER BY values: by value ± offset for
 * the numeric types, by PostgreSQL's in_range functions (types/in_range.ts: value ± an
 * interval) for timestamp, timestamptz, date, time and interval, whose frame head and tail
 * only move forward along a partition as in PostgreSQL.
 *
 * Per-partition scratch (peer group bounds, key values) lives in flat typed arrays reused
 * across partitions. A run condition (PostgreSQL 15's, plan/window.ts takeRunCondition) ends
 * a partition's output at its first row whose ranking value exceeds the condition's limit.
 * @throws PgError 22014 ntile <= 0, 22016 nth_value <= 0, 22004 NULL frame offset, 22013
 *   negative frame offset, 22008 a date/time RANGE bound out of range.
 */
import { PgError } from '../../../common/errors.js';
import type { Value } from '../../../storage/table.js';
import type { PlanNode, WindowFunc } from '../../plan/plan.js';
import { FRAME, isIntervalOffsetType } from '../../analyze/window.js';
import { type InRangeType, inRangeCmp, inRangeSum } from '../../../types/in_range.js';
import type { Interval } from '../../../types/interval.js';
import { evalExpr } from '../eval.js';
import { PlanState, execInitNode, execProcNode, execReScan, type EState } from '../executor.js';

type WindowAggPlan = Extract<PlanNode, { node: 'WindowAgg' }>;

/** Window functions that read neither peer groups nor the frame (see compute). */
const PEERLESS: ReadonlySet<string> = new Set(['row_number', 'ntile', 'lag', 'lead']);

function grow(a: Int32Array, n: number): Int32Array {
  return a.length >= n ? a : new Int32Array(Math.max(n, a.length * 2));
}

export class WindowAggState extends PlanState {
  /** The current partition's rows and their function values (`vals[f][i]`). */
  private part: Value[][] = [];
  private vals: Value[][] = [];
  private pos = 0;
  /** First row of the next partition, read ahead. */
  private pending: Value[] | null = null;
  private done = false;
  /** Per row: first and last row of its peer group, and the group's number. */
  private peerStart: Int32Array = new Int32Array(64);
  private peerEnd: Int32Array = new Int32Array(64);
  private group: Int32Array = new Int32Array(64);
  /** First row of each peer group. */
  private groupFirst: Int32Array = new Int32Array(64);
  private nGroups = 0;
  /** False when every function is one of PEERLESS (peer groups and frames are never read). */
  private readonly needsPeers: boolean;
  /** The current partition's PARTITION BY values. */
  private readonly partKey: Value[];
  /** The single ORDER BY key's values (RANGE offsets), and the run [lo, hi) of its non-NULL values. */
  private key0: Value[] = [];
  private nonNullLo = 0;
  private nonNullHi = 0;
  private startOff = 0;
  private endOff = 0;
  /**
   * For a RANGE offset over a date/time ORDER BY column: its type (the in_range function,
   * types/in_range.ts), the offsets as intervals, and the frame head and tail positions of
   * the row last framed (the first row in the frame, the first row after it).
   */
  private readonly inRangeType: InRangeType | null;
  private startIv: Interval | null = null;
  private endIv: Interval | null = null;
  private headPos = 0;
  private tailPos = 0;
  /** False until the frame offsets are evaluated (at the first call, again after a rescan). */
  private offsetsReady = false;
  /** The frame of the row last computed: [fs, fe], inclusive. */
  private fs = 0;
  private fe = -1;

  constructor(readonly p: WindowAggPlan, es: EState) {
    super(p, es);
    this.children = [execInitNode(p.input, es)];
    this.partKey = new Array(p.partition.length).fill(null);
    this.needsPeers = p.funcs.some((f) => !PEERLESS.has(f.name));
    const t = p.order.length === 1 ? p.order[0]!.type : null;
    this.inRangeType = (p.frameOptions & FRAME.RANGE) !== 0 && t !== null && isIntervalOffsetType(t) ? t : null;
  }

  next(): Value[] | null {
    if (!this.offsetsReady) {
      // At the first call, before any input row is read: an empty input still raises a NULL
      // or negative offset's error, as PostgreSQL's ExecWindowAgg does.
      this.computeOffsets();
      this.offsetsReady = true;
    }
    const rc = this.p.runCondition;
    for (;;) {
      while (this.pos >= this.part.length) {
        if (this.done) return null;
        this.loadPartition();
      }
      // Once the run condition is false it stays false for the rest of the partition.
      if (rc === undefined || (this.vals[rc.func]![this.pos] as number) <= rc.limit) break;
      this.pos = this.part.length;
    }
    const i = this.pos++;
    const row = this.part[i]!;
    const nf = this.vals.length;
    const out: Value[] = new Array(row.length + nf);
    for (let c = 0; c < row.length; c++) out[c] = row[c]!;
    for (let f = 0; f < nf; f++) out[row.length + f] = this.vals[f]![i]!;
    return out;
  }

  rescan(): void {
    this.part = [];
    this.vals = [];
    this.pos = 0;
    this.pending = null;
    this.done = false;
    this.offsetsReady = false;
    execReScan(this.children[0]!);
  }

  /** SQL equality of two key values for partitioning and peers (NULLs equal). */
  private static eq(x: Value, y: Value, cmp: (a: unknown, b: unknown) => number): boolean {
    if (x === null || y === null) return x === y;
    return cmp(x, y) === 0;
  }

  private loadPartition(): void {
    const p = this.p;
    const child = this.children[0]!;
    const es = this.es;
    const rows: Value[][] = [];
    const first = this.pending ?? execProcNode(child);
    this.pending = null;
    if (first === null) {
      this.done = true;
      this.part = [];
      this.pos = 0;
      return;
    }
    rows.push(first);
    const np = p.partition.length;
    const pk = this.partKey;
    for (let k = 0; k < np; k++) pk[k] = evalExpr(p.partition[k]!, first, es);
    for (let row = execProcNode(child); row !== null; row = execProcNode(child)) {
      let same = true;
      for (let k = 0; k < np && same; k++) same = WindowAggState.eq(pk[k]!, evalExpr(p.partition[k]!, row, es), p.partCmps[k]!);
      if (!same) {
        this.pending = row;
        break;
      }
      rows.push(row);
    }
    if (this.pending === null) this.done = true;
    this.part = rows;
    this.pos = 0;
    // row_number, ntile, lag and lead read neither peers nor frames: skip evaluating the ORDER
    // BY keys again per row (a distance here) when those are the only functions.
    if (this.needsPeers) this.computePeers(rows);
    this.vals = p.funcs.map((f) => this.compute(f, rows));
  }

  private computePeers(rows: Value[][]): void {
    const n = rows.length;
    const p = this.p;
    this.peerStart = grow(this.peerStart, n);
    this.peerEnd = grow(this.peerEnd, n);
    this.group = grow(this.group, n);
    this.groupFirst = grow(this.groupFirst, n);
    const nk = p.order.length;
    // ORDER BY values, flat: row i's key k at i * nk + k.
    const keys: Value[] = new Array(n * nk);
    for (let i = 0; i < n; i++) for (let k = 0; k < nk; k++) keys[i * nk + k] = evalExpr(p.order[k]!, rows[i]!, this.es);
    const key0: Value[] = new Array(n);
    for (let i = 0; i < n; i++) key0[i] = nk > 0 ? keys[i * nk]! : null;
    this.key0 = key0;
    let lo = 0;
    while (lo < n && key0[lo] === null) lo++;
    let hi = n;
    while (hi > lo && key0[hi - 1] === null) hi--;
    this.nonNullLo = lo;
    this.nonNullHi = hi;
    let g = -1;
    let start = 0;
    for (let i = 0; i < n; i++) {
      let peer = i > 0;
      for (let k = 0; k < nk && peer; k++) peer = WindowAggState.eq(keys[(i - 1) * nk + k]!, keys[i * nk + k]!, p.orderKeys[k]!.cmp);
      if (!peer) {
        g++;
        start = i;
        this.groupFirst[g] = i;
      }
      this.group[i] = g;
      this.peerStart[i] = start;
    }
    this.nGroups = g + 1;
    for (let i = n - 1; i >= 0; i--) this.peerEnd[i] = i === n - 1 || this.group[i + 1] !== this.group[i] ? i : this.peerEnd[i + 1]!;
  }

  /**
   * Frame offsets, evaluated once per scan as PostgreSQL's ExecWindowAgg does at its first call
   * (an offset holds no column of this query level, so no row is needed). A negative ROWS or
   * GROUPS offset fails here; a negative RANGE offset only when a row's bound is computed from
   * it (PostgreSQL's in_range functions check it per call: see rangeBound).
   */
  private computeOffsets(): void {
    const p = this.p;
    const range = (p.frameOptions & FRAME.RANGE) !== 0;
    const get = (e: typeof p.startOffset, which: 'starting' | 'ending'): number => {
      if (e === null) return 0;
      const v = evalExpr(e, [], this.es);
      if (v === null) throw new PgError('22004', `frame ${which} offset must not be null`);
      if (this.inRangeType !== null) {
        if (which === 'starting') this.startIv = v as Interval;
        else this.endIv = v as Interval;
        return 0;
      }
      const n = Number(v);
      if (!range && n < 0) throw new PgError('22013', `frame ${which} offset must not be negative`);
      return n;
    };
    this.startOff = get(p.startOffset, 'starting');
    this.endOff = get(p.endOffset, 'ending');
  }

  /** Sets [fs, fe] to row i's frame before exclusion (n rows in the partition). */
  private frame(i: number, n: number): void {
    const f = this.p.frameOptions;
    if ((f & FRAME.ROWS) !== 0) {
      this.fs = (f & FRAME.START_UNBOUNDED_PRECEDING) !== 0 ? 0 : (f & FRAME.START_CURRENT_ROW) !== 0 ? i
        : (f & FRAME.START_OFFSET_PRECEDING) !== 0 ? i - this.startOff : i + this.startOff;
      this.fe = (f & FRAME.END_UNBOUNDED_FOLLOWING) !== 0 ? n - 1 : (f & FRAME.END_CURRENT_ROW) !== 0 ? i
        : (f & FRAME.END_OFFSET_PRECEDING) !== 0 ? i - this.endOff : i + this.endOff;
    } else if ((f & FRAME.GROUPS) !== 0) {
      const g = this.group[i]!;
      const last = this.nGroups - 1;
      const gFirst = (x: number): number => this.groupFirst[x]!;
      const gLast = (x: number): number => (x === last ? n - 1 : this.groupFirst[x + 1]! - 1);
      if ((f & FRAME.START_UNBOUNDED_PRECEDING) !== 0) this.fs = 0;
      else if ((f & FRAME.START_CURRENT_ROW) !== 0) this.fs = gFirst(g);
      else if ((f & FRAME.START_OFFSET_PRECEDING) !== 0) this.fs = gFirst(Math.max(0, g - this.startOff));
      else this.fs = g + this.startOff > last ? n : gFirst(g + this.startOff);
      if ((f & FRAME.END_UNBOUNDED_FOLLOWING) !== 0) this.fe = n - 1;
      else if ((f & FRAME.END_CURRENT_ROW) !== 0) this.fe = gLast(g);
      else if ((f & FRAME.END_OFFSET_PRECEDING) !== 0) this.fe = g - this.endOff < 0 ? -1 : gLast(g - this.endOff);
      else this.fe = gLast(Math.min(last, g + this.endOff));
    } else if (this.inRangeType !== null) {
      // RANGE over a date/time column: PostgreSQL's head and tail advance from the last row's.
      if (i === 0) this.headPos = this.tailPos = 0;
      if ((f & FRAME.START_UNBOUNDED_PRECEDING) !== 0) this.fs = 0;
      else if ((f & FRAME.START_CURRENT_ROW) !== 0) this.fs = this.peerStart[i]!;
      else this.fs = this.headPos = this.inRangeBound(i, true, (f & FRAME.START_OFFSET_PRECEDING) !== 0, this.startIv!);
      if ((f & FRAME.END_UNBOUNDED_FOLLOWING) !== 0) this.fe = n - 1;
      else if ((f & FRAME.END_CURRENT_ROW) !== 0) this.fe = this.peerEnd[i]!;
      else this.fe = (this.tailPos = this.inRangeBound(i, false, (f & FRAME.END_OFFSET_PRECEDING) !== 0, this.endIv!)) - 1;
    } else {
      // RANGE: peers for CURRENT ROW; by the ORDER BY value for offsets.
      if ((f & FRAME.START_UNBOUNDED_PRECEDING) !== 0) this.fs = 0;
      else if ((f & FRAME.START_CURRENT_ROW) !== 0) this.fs = this.peerStart[i]!;
      else this.fs = this.rangeBound(i, n, true, (f & FRAME.START_OFFSET_PRECEDING) !== 0, this.startOff);
      if ((f & FRAME.END_UNBOUNDED_FOLLOWING) !== 0) this.fe = n - 1;
      else if ((f & FRAME.END_CURRENT_ROW) !== 0) this.fe = this.peerEnd[i]!;
      else this.fe = this.rangeBound(i, n, false, (f & FRAME.END_OFFSET_PRECEDING) !== 0, this.endOff);
    }
    if (this.fs < 0) this.fs = 0;
    if (this.fe > n - 1) this.fe = n - 1;
  }

  /**
   * A RANGE offset bound of row i: the first (start) or last (end) row whose ORDER BY value lies
   * within `off` before (preceding) or after the current value in sort order. A NULL current
   * value's bounds are its NULL peers. For a non-NULL current value the NULL rows sit where
   * they sort, as in PostgreSQL's update_frameheadpos / update_frametailpos: NULLS LAST rows
   * come after every bound (a start past the last value lands on the first NULL row, so they
   * are in the frame up to an UNBOUNDED FOLLOWING end), NULLS FIRST rows before every bound.
   */
  private rangeBound(i: number, n: number, start: boolean, preceding: boolean, off: number): number {
    const v = this.key0[i]!;
    if (v === null) return start ? this.peerStart[i]! : this.peerEnd[i]!;
    // PostgreSQL's in_range support functions reject the offset when first called, i.e. for
    // the first row with a non-NULL ORDER BY value (a partition of NULLs never calls them).
    if (!(off >= 0)) throw new PgError('22013', 'invalid preceding or following size in window function');
    const desc = this.p.orderKeys[0]!.desc;
    const x = Number(v);
    // The bound in value space; "toward the start" is smaller for ASC, larger for DESC.
    const bound = preceding !== desc ? x - off : x + off;
    // Non-NULL keys are one sorted run [lo, hi) (NULLs sort before or after it): binary search.
    const lo = this.nonNullLo;
    const hi = this.nonNullHi;
    // before(w): w lies strictly before the bound in sort order (start), or at or before it (end).
    const before = start ? (w: number): boolean => (desc ? w > bound : w < bound) : (w: number): boolean => (desc ? w >= bound : w <= bound);
    let a = lo;
    let b = hi;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (before(Number(this.key0[m]!))) a = m + 1;
      else b = m;
    }
    // start: the first row not before the bound, the first trailing NULL row when no value is
    // (n when there is none); end: the last row at or before it, the last leading NULL row when
    // no value is (-1 when there is none).
    return start ? a : a - 1;
  }

  /**
   * A RANGE offset bound of row i over a date/time ORDER BY column, as PostgreSQL's
   * update_frameheadpos / update_frametailpos find it with the column's in_range function:
   * the frame head (start) is the first row at or after the last row's head for which
   * `in_range(value, current, offset, sub, less)` holds; the frame tail (end) the first row at
   * or after the last row's tail for which it fails. sub is PRECEDING, less is false for the
   * head and true for the tail, both flipped for DESC. NULL rows sit where they sort (see
   * rangeBound); a NULL current row's bounds are its NULL peers. Because the head and tail never
   * move back, a sum that steps back (a day added across a DST gap) frames as PostgreSQL's.
   * in_range is called, and its errors raised, only when the search starts at a non-NULL row.
   * @throws PgError 22013 negative offset, 22008 a sum out of range (types/in_range.ts).
   */
  private inRangeBound(i: number, start: boolean, preceding: boolean, off: Interval): number {
    const prev = start ? this.headPos : this.tailPos;
    const v = this.key0[i]!;
    if (v === null) return Math.max(prev, start ? this.peerStart[i]! : this.peerEnd[i]! + 1);
    const hi = this.nonNullHi;
    if (prev >= hi) return prev;
    const type = this.inRangeType!;
    const desc = this.p.orderKeys[0]!.desc;
    const sub = preceding !== desc;
    const less = start === desc;
    const sum = inRangeSum(type, v, off, sub, this.es.zone);
    // The head is the first row where in_range holds, the tail the first where it fails:
    // `past(w)` is that condition, false then true along the sorted non-NULL run.
    const past = (w: Value): boolean => {
      const c = inRangeCmp(type, w, sum);
      const ok = less ? c <= 0 : c >= 0;
      return start ? ok : !ok;
    };
    let a = Math.max(prev, this.nonNullLo);
    let b = hi;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (past(this.key0[m]!)) b = m;
      else a = m + 1;
    }
    return a;
  }

  /** True when row r is excluded from row i's frame. */
  private excluded(r: number, i: number): boolean {
    const f = this.p.frameOptions;
    if ((f & FRAME.EXCLUDE_CURRENT_ROW) !== 0) return r === i;
    if ((f & FRAME.EXCLUDE_GROUP) !== 0) return r >= this.peerStart[i]! && r <= this.peerEnd[i]!;
    if ((f & FRAME.EXCLUDE_TIES) !== 0) return r !== i && r >= this.peerStart[i]! && r <= this.peerEnd[i]!;
    return false;
  }

  private compute(fn: WindowFunc, rows: Value[][]): Value[] {
    const n = rows.length;
    const out: Value[] = new Array(n);
    const es = this.es;
    const arg = (k: number, r: number): Value => evalExpr(fn.args[k]!, rows[r]!, es);
    switch (fn.name) {
      case 'row_number':
        for (let i = 0; i < n; i++) out[i] = i + 1;
        return out;
      case 'rank':
        for (let i = 0; i < n; i++) out[i] = this.peerStart[i]! + 1;
        return out;
      case 'dense_rank':
        for (let i = 0; i < n; i++) out[i] = this.group[i]! + 1;
        return out;
      case 'percent_rank':
        for (let i = 0; i < n; i++) out[i] = n > 1 ? this.peerStart[i]! / (n - 1) : 0;
        return out;
      case 'cume_dist':
        for (let i = 0; i < n; i++) out[i] = (this.peerEnd[i]! + 1) / n;
        return out;
      case 'ntile': {
        const k = arg(0, 0);
        if (k === null) return out.fill(null);
        const buckets = Number(k);
        if (buckets <= 0) throw new PgError('22014', 'argument of ntile must be greater than zero');
        const q = Math.floor(n / buckets);
        const rem = n % buckets;
        for (let i = 0; i < n; i++) out[i] = i < rem * (q + 1) ? Math.floor(i / (q + 1)) + 1 : rem + Math.floor((i - rem * (q + 1)) / q) + 1;
        return out;
      }
      case 'lag':
      case 'lead': {
        const sign = fn.name === 'lag' ? -1 : 1;
        for (let i = 0; i < n; i++) {
          const o = fn.args.length >= 2 ? arg(1, i) : 1;
          if (o === null) {
            out[i] = null;
            continue;
          }
          const j = i + sign * Number(o);
          out[i] = j >= 0 && j < n ? arg(0, j) : fn.args.length === 3 ? arg(2, i) : null;
        }
        return out;
      }
      case 'first_value':
      case 'last_value':
      case 'nth_value':
        for (let i = 0; i < n; i++) {
          this.frame(i, n);
          let want = 1;
          if (fn.name === 'nth_value') {
            const k = arg(1, i);
            if (k === null) {
              out[i] = null;
              continue;
            }
            want = Number(k);
            if (want <= 0) throw new PgError('22016', 'argument of nth_value must be greater than zero');
          }
          let found: number = -1;
          if (fn.name === 'last_value') {
            for (let r = this.fe; r >= this.fs; r--) {
              if (!this.excluded(r, i)) {
                found = r;
                break;
              }
            }
          } else {
            let seen = 0;
            for (let r = this.fs; r <= this.fe; r++) {
              if (this.excluded(r, i)) continue;
              if (++seen === want) {
                found = r;
                break;
              }
            }
          }
          out[i] = found < 0 ? null : arg(0, found);
        }
        return out;
      default:
        return this.aggregate(fn, rows, out);
    }
  }

  /** An aggregate over each row's frame. */
  private aggregate(fn: WindowFunc, rows: Value[][], out: Value[]): Value[] {
    const n = rows.length;
    const es = this.es;
    const agg = fn.agg!;
    const argExpr = fn.args.length > 0 ? fn.args[0]! : null;
    const delimExpr = fn.args.length > 1 ? fn.args[1]! : null;
    const vals: Value[] = argExpr === null ? [] : rows.map((r) => evalExpr(argExpr, r, es));
    const delims: Value[] = delimExpr === null ? [] : rows.map((r) => evalExpr(delimExpr, r, es));
    const nonStrict = agg.kind === 'agg' && (agg.impl as { nonStrict?: boolean }).nonStrict === true;
    const filterExpr = fn.filter;
    const keep: boolean[] | null = filterExpr === null ? null : rows.map((r) => evalExpr(filterExpr, r, es) === true);
    const init = (): unknown => (agg.kind === 'count' ? 0 : agg.impl.init());
    const step = (s: unknown, r: number): unknown => {
      if (keep !== null && !keep[r]!) return s;
      if (argExpr === null) return (s as number) + 1;
      const v = vals[r]!;
      if (v === null && !nonStrict) return s;
      if (agg.kind === 'count') return (s as number) + 1;
      // array_agg's state is a list it appends to: give each frame its own (restarted frames re-fold).
      return agg.impl.step(s, delimExpr === null ? v : [v, delims[r]!]);
    };
    const fin = (s: unknown): Value => {
      if (agg.kind === 'count') return s as number;
      const r = agg.impl.final(s) as Value;
      // A result that is the state itself (sum(vector)) must not change as the state grows.
      return r !== null && r === s && ArrayBuffer.isView(r) ? ((r as Float32Array).slice() as unknown as Value) : r;
    };
    const f = this.p.frameOptions;
    const exclusion = (f & (FRAME.EXCLUDE_CURRENT_ROW | FRAME.EXCLUDE_GROUP | FRAME.EXCLUDE_TIES)) !== 0;
    if ((f & FRAME.START_UNBOUNDED_PRECEDING) !== 0 && !exclusion) {
      let s = init();
      let upto = -1;
      for (let i = 0; i < n; i++) {
        this.frame(i, n);
        while (upto < this.fe) s = step(s, ++upto);
        out[i] = fin(s);
      }
      return out;
    }
    for (let i = 0; i < n; i++) {
      this.frame(i, n);
      let s = init();
      for (let r = this.fs; r <= this.fe; r++) if (!this.excluded(r, i)) s = step(s, r);
      out[i] = fin(s);
    }
    return out;
  }
}
