/**
 * ANALYZE: gathers per-column statistics from a random sample of a table's rows, as
 * PostgreSQL's src/backend/commands/analyze.c does.
 *
 * - Sample: up to 300 x statistics_target live rows chosen by reservoir sampling with
 *   Vitter's Algorithm Z skips (J. S. Vitter, "Random sampling with a reservoir", ACM TOMS
 *   11(1), 1985; PostgreSQL's reservoir_get_next_S in src/backend/utils/misc/sampling.c), from
 *   a PRNG seeded by the database seed, the table name and its analyze count, so a run is
 *   reproducible. PostgreSQL samples pages first (Knuth's Algorithm S) and rows within them, to
 *   read only the sampled pages; vecgres picks rows from the in-memory live bitmap, so the row
 *   count is exact and no value is read before the sample is chosen: only the segments
 *   holding sampled rows are read (storage/buffer_cache.ts), one at a time.
 * - Values are read only where statistics need them: a `vector(n)`, `halfvec(n)` or `bit(n)`
 *   column whose stored width passes WIDTH_THRESHOLD (every value too wide: only the null
 *   fraction and the width count, and the width is the dimension's) is analyzed from its NULL
 *   flags alone, so ANALYZE of a table of 768-d embeddings larger than `shared_buffers` reads
 *   no vector segment back from its file.
 * - Per column (compute_scalar_stats): null fraction, average stored width, the number of
 *   distinct values (Haas & Stokes' Duj1 estimator, IBM RJ 10025, 1998), the most common
 *   values chosen by analyze_mcv_list's significance test, an equi-depth histogram of the
 *   remaining values and the correlation of value order with row order. Types without an
 *   ordering get what compute_distinct_stats gives without an MCV list.
 */
import { UTC_ZONE } from '../../types/timezone.js';
import type { Table, Value } from '../../storage/table.js';
import type { SqlEnv } from '../env.js';
import { Prng } from '../../common/prng.js';
import { PgError } from '../../common/errors.js';
import { comparatorFor, knownColumnSize } from '../analyze/expr.js';
import { valueToText, type SqlType } from '../analyze/types.js';
import { BitString } from '../../types/bit.js';
import type { ColumnStats, TableStats } from './store.js';
import { heapPages } from './rel_size.js';
import { memories } from '../../kernels/memories.js';

/** analyze.c: values wider than this (bytes) are left out of the sorted sample (toowide). */
const WIDTH_THRESHOLD = 1024;

/** Rows sampled per unit of statistics target (std_typanalyze: 300, from Chaudhuri et al. 1998). */
export const ROWS_PER_TARGET = 300;

/** A uniform double in (0, 1), never 0 (PostgreSQL's sampler_random_fract). */
function fract(rng: Prng): number {
  let x: number;
  do x = rng.next();
  while (x <= 0);
  return x;
}

/**
 * Reservoir state of Vitter's algorithm: `w` is Algorithm Z's W, drawn in advance.
 * (sampling.c: reservoir_init_selection_state.)
 */
interface Reservoir {
  rng: Prng;
  w: number;
}

/**
 * The number of records to skip before the next one enters a reservoir of `n` records after
 * `t` records were seen (sampling.c reservoir_get_next_S: Algorithm X while t <= 22n, then
 * Algorithm Z).
 */
function nextSkip(rs: Reservoir, t: number, n: number): number {
  let s: number;
  if (t <= 22 * n) {
    // Algorithm X.
    const v = fract(rs.rng);
    s = 0;
    t += 1;
    let quot = (t - n) / t;
    while (quot > v) {
      s += 1;
      t += 1;
      quot *= (t - n) / t;
    }
    return s;
  }
  // Algorithm Z.
  let w = rs.w;
  const term = t - n + 1;
  for (;;) {
    const u = fract(rs.rng);
    const x = t * (w - 1);
    s = Math.floor(x);
    const tmp = (t + 1) / term;
    const lhs = Math.exp(Math.log(((u * tmp * tmp) * (term + s)) / (t + x)) / n);
    const rhs = (((t + x) / (term + s)) * term) / t;
    if (lhs <= rhs) {
      w = rhs / lhs;
      break;
    }
    let y = (((u * (t + 1)) / term) * (t + s + 1)) / (t + x);
    let denom: number;
    let numerLim: number;
    if (n < s) {
      denom = t;
      numerLim = term + s;
    } else {
      denom = t - n + s;
      numerLim = t + 1;
    }
    for (let numer = t + s; numer >= numerLim; numer -= 1) {
      y *= numer / denom;
      denom -= 1;
    }
    w = Math.exp(-Math.log(fract(rs.rng)) / n);
    if (Math.exp(Math.log(y) / n) <= (t + x) / t) break;
  }
  rs.w = w;
  return s;
}

/**
 * Row ids of a uniform random sample of at most `target` live rows of `table`, in row-id
 * order (acquire_sample_rows), and the number of live rows seen.
 */
export function sampleRows(table: Table, target: number, rng: Prng): { rows: Int32Array; liveRows: number } {
  const rows = new Int32Array(Math.min(target, table.liveCount));
  let numrows = 0;
  let seen = 0;
  let toSkip = -1;
  const rs: Reservoir = { rng, w: Math.exp(-Math.log(fract(rng)) / target) };
  for (let r = 0; r < table.slots; r++) {
    if (!table.isLive(r)) continue;
    if (numrows < target) {
      if (numrows >= rows.length) break; // liveCount was exact: cannot happen, but stay in bounds
      rows[numrows++] = r;
    } else {
      if (toSkip < 0) toSkip = nextSkip(rs, seen, target);
      if (toSkip <= 0) rows[Math.floor(target * fract(rng))] = r;
      toSkip -= 1;
    }
    seen++;
  }
  const out = rows.subarray(0, numrows);
  // The reservoir replaced rows at random positions: back to physical order, as analyze.c does
  // (the correlation statistic depends on it).
  if (seen > target) out.sort();
  return { rows: out, liveRows: seen };
}

/**
 * A sampled value wider than WIDTH_THRESHOLD, kept as its width only (analyze.c leaves such
 * values out of the sort, and a sample of 30,000 high-dimensional vectors would otherwise be
 * copied whole).
 */
export class TooWide {
  constructor(readonly width: number) {}
}

/** A stored width that never throws (types pg_column_size does not know: their text length). */
function storedWidth(v: Value, type: SqlType): number {
  const known = knownColumnSize(v, type, true);
  if (known !== null) return known;
  const len = Buffer.byteLength(valueToText(v, type, UTC_ZONE) ?? '', 'utf8');
  return len + 1 <= 127 ? len + 1 : len + 4;
}

/** The fixed-width types (typlen > 0: no varlena header, never too wide). */
function isFixedWidth(type: SqlType): boolean {
  return type === 'int2' || type === 'int4' || type === 'int8' || type === 'float4' || type === 'float8' || type === 'bool' || type === 'uuid';
}

/**
 * analyze.c analyze_mcv_list: how many of the `counts` (descending) are kept as most common
 * values: the least common is kept only if its sample count exceeds what a value outside the
 * list would have by two standard deviations of the hypergeometric sampling distribution.
 */
function mcvListLength(counts: number[], numMcv: number, stadistinct: number, nullFrac: number, sampleRows: number, totalRows: number): number {
  if (sampleRows === totalRows) return numMcv;
  let ndistinctTable = stadistinct;
  if (ndistinctTable < 0) ndistinctTable = -ndistinctTable * totalRows;
  let sumcount = 0;
  for (let i = 0; i < numMcv - 1; i++) sumcount += counts[i]!;
  while (numMcv > 0) {
    let selec = 1 - sumcount / sampleRows - nullFrac;
    selec = Math.min(1, Math.max(0, selec));
    const otherDistinct = ndistinctTable - (numMcv - 1);
    if (otherDistinct > 1) selec /= otherDistinct;
    const N = totalRows;
    const n = sampleRows;
    const K = (N * counts[numMcv - 1]!) / n;
    const variance = (n * K * (N - K) * (N - n)) / (N * N * (N - 1));
    const stddev = Math.sqrt(variance);
    if (counts[numMcv - 1]! > selec * sampleRows + 2 * stddev + 0.5) break;
    numMcv--;
    if (numMcv === 0) break;
    sumcount -= counts[numMcv - 1]!;
  }
  return numMcv;
}

/**
 * The Haas-Stokes Duj1 estimate of distinct values from a sample of `n` non-null values with
 * `d` distinct ones of which `f1` appear once, in a population of `N` non-null values
 * (analyze.c), clamped to [d, N] and rounded; then, past 10% of `totalRows`, stored as minus
 * a fraction of the row count.
 */
function distinctEstimate(nonNull: number, ndistinct: number, nmultiple: number, toowide: number, nullFrac: number, totalRows: number): number {
  let stadistinct: number;
  if (nmultiple === 0) {
    // No value repeated in the sample: assume a unique column.
    stadistinct = -1 * (1 - nullFrac);
  } else if (toowide === 0 && nmultiple === ndistinct) {
    // Every value repeated: assume the sample holds all of them.
    stadistinct = ndistinct;
  } else {
    const f1 = ndistinct - nmultiple + toowide;
    const d = f1 + nmultiple;
    const n = nonNull;
    const N = totalRows * (1 - nullFrac);
    let est = N > 0 ? (n * d) / (n - f1 + (f1 * n) / N) : 0;
    if (est < d) est = d;
    if (est > N) est = N;
    stadistinct = Math.floor(est + 0.5);
  }
  if (stadistinct > 0.1 * totalRows) stadistinct = -(stadistinct / totalRows);
  return stadistinct;
}

/**
 * compute_scalar_stats for one column over the sampled values (`values[i]` from sample row
 * i; sample rows in physical order). `cmp` orders the type; null means it has none.
 */
export function computeColumnStats(
  values: readonly (Value | TooWide)[], type: SqlType, cmp: ((a: Value, b: Value) => number) | null, totalRows: number, target: number,
): ColumnStats {
  const sampleRows = values.length;
  let nullCnt = 0;
  let nonnullCnt = 0;
  let toowide = 0;
  let totalWidth = 0;
  const fixed = isFixedWidth(type);
  const items: { v: Value; tupno: number }[] = [];
  for (let i = 0; i < sampleRows; i++) {
    const v = values[i]!;
    if (v === null) {
      nullCnt++;
      continue;
    }
    nonnullCnt++;
    if (v instanceof TooWide) {
      totalWidth += v.width;
      toowide++;
      continue;
    }
    const w = storedWidth(v, type);
    totalWidth += w;
    if (!fixed && w > WIDTH_THRESHOLD) {
      toowide++;
      continue;
    }
    // tupno counts the sorted values only (NULLs and too-wide values left out), as analyze.c's.
    items.push({ v, tupno: items.length });
  }
  const empty: ColumnStats = { nullFrac: 0, avgWidth: 0, nDistinct: 0, mcvVals: [], mcvFreqs: [], histogram: [], correlation: null, scalar: cmp !== null };
  if (nonnullCnt === 0) {
    // Only NULLs (or an empty sample): PostgreSQL stores null_frac 1, width 0, n_distinct 0.
    return { ...empty, nullFrac: sampleRows > 0 ? 1 : 0 };
  }
  // VacAttrStats.stanullfrac is a float4: n_distinct and the MCV cut-off read the rounded value.
  const nullFrac = Math.fround(nullCnt / sampleRows);
  // analyze.c: stawidth (an int32) = total_width / (double) nonnull_cnt, truncated by C.
  const avgWidth = Math.trunc(totalWidth / nonnullCnt);
  if (cmp === null) return distinctOnly(items, type, nullFrac, avgWidth, nonnullCnt, toowide, totalRows);

  items.sort((a, b) => cmp(a.v, b.v) || a.tupno - b.tupno);
  // Runs of equal values: count them, keep the `target` most frequent repeated ones (ties:
  // the smaller value first, as analyze.c's insertion keeps it), sum i * tupno for correlation.
  const numMcvMax = target;
  const track: { count: number; first: number }[] = [];
  let ndistinct = 0;
  let nmultiple = 0;
  let dups = 0;
  let corrXY = 0;
  for (let i = 0; i < items.length; i++) {
    corrXY += i * items[i]!.tupno;
    dups++;
    const last = i + 1 === items.length || cmp(items[i]!.v, items[i + 1]!.v) !== 0;
    if (!last) continue;
    ndistinct++;
    if (dups > 1) {
      nmultiple++;
      if (track.length < numMcvMax || dups > track[track.length - 1]!.count) {
        if (track.length === numMcvMax) track.pop();
        let j = track.length;
        while (j > 0 && dups > track[j - 1]!.count) j--;
        track.splice(j, 0, { count: dups, first: i + 1 - dups });
      }
    }
    dups = 0;
  }
  const nDistinct = distinctEstimate(nonnullCnt, ndistinct, nmultiple, toowide, nullFrac, totalRows);

  let numMcv = numMcvMax;
  if (track.length === ndistinct && toowide === 0 && nDistinct > 0 && track.length <= numMcv) {
    // Every sampled value repeated and all fit: the column has just these values.
    numMcv = track.length;
  } else {
    if (numMcv > track.length) numMcv = track.length;
    if (numMcv > 0) numMcv = mcvListLength(track.map((t) => t.count), numMcv, nDistinct, nullFrac, sampleRows, totalRows);
  }
  const mcv = track.slice(0, numMcv);
  const mcvVals = mcv.map((t) => items[t.first]!.v);
  const mcvFreqs = mcv.map((t) => t.count / sampleRows);

  // Histogram over the values that are not MCVs: num_bins + 1 bounds at equal steps.
  let histogram: Value[] = [];
  let numHist = ndistinct - numMcv;
  if (numHist > target) numHist = target + 1;
  if (numHist >= 2) {
    const inMcv = [...mcv].sort((a, b) => a.first - b.first);
    const rest: Value[] = [];
    let j = 0;
    for (let i = 0; i < items.length; ) {
      if (j < inMcv.length && i === inMcv[j]!.first) {
        i += inMcv[j]!.count;
        j++;
        continue;
      }
      rest.push(items[i]!.v);
      i++;
    }
    const nvals = rest.length;
    const delta = Math.floor((nvals - 1) / (numHist - 1));
    const deltaFrac = (nvals - 1) % (numHist - 1);
    let pos = 0;
    let posFrac = 0;
    for (let i = 0; i < numHist; i++) {
      histogram.push(rest[pos]!);
      pos += delta;
      posFrac += deltaFrac;
      if (posFrac >= numHist - 1) {
        pos++;
        posFrac -= numHist - 1;
      }
    }
  }
  if (histogram.length < 2) histogram = [];

  // Correlation between sample position and sorted position (analyze.c, both 0-based ranks).
  let correlation: number | null = null;
  const n = items.length;
  if (n > 1) {
    const xsum = ((n - 1) * n) / 2;
    const x2sum = ((n - 1) * n * (2 * n - 1)) / 6;
    correlation = (n * corrXY - xsum * xsum) / (n * x2sum - xsum * xsum);
  }
  return { nullFrac, avgWidth, nDistinct, mcvVals, mcvFreqs, histogram, correlation, scalar: true };
}

/** compute_distinct_stats without MCVs, for types with equality but no ordering. */
function distinctOnly(items: readonly { v: Value }[], type: SqlType, nullFrac: number, avgWidth: number, nonnull: number, toowide: number, totalRows: number): ColumnStats {
  const counts = new Map<string, number>();
  for (const it of items) {
    const k = valueToText(it.v, type, UTC_ZONE) ?? '';
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let nmultiple = 0;
  for (const c of counts.values()) if (c > 1) nmultiple++;
  const nDistinct = distinctEstimate(nonnull, counts.size, nmultiple, toowide, nullFrac, totalRows);
  return { nullFrac, avgWidth, nDistinct, mcvVals: [], mcvFreqs: [], histogram: [], correlation: null, scalar: false };
}

/** A 32-bit hash of a name (FNV-1a), to seed each table's sample differently. */
function nameHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The comparator of `type`, or null when it has no ordering (json has none; jsonb has its B-tree order). */
function orderingOf(type: SqlType): ((a: Value, b: Value) => number) | null {
  if (type === 'json') return null;
  try {
    return comparatorFor(type);
  } catch {
    return null;
  }
}

/**
 * For a `vector(n)`, `halfvec(n)` or `bit(n)` column of `table` whose stored width (the same for
 * every value) passes WIDTH_THRESHOLD, that width as a {@link TooWide}; else null (the values
 * must be read).
 */
function tooWideFixedVector(table: Table, col: number): TooWide | null {
  const { type, typmod } = table.def.columns[col]!;
  if (typmod <= 0) return null;
  let zero: Value;
  if (type === 'vector') zero = new Float32Array(typmod);
  else if (type === 'halfvec') zero = new Uint16Array(typmod);
  else if (type === 'bit') zero = new BitString(typmod, new Uint8Array((typmod + 7) >>> 3));
  else return null;
  const w = storedWidth(zero, type);
  return w > WIDTH_THRESHOLD ? new TooWide(w) : null;
}

/**
 * The sampled values of `vector` column `col` at `rows` into `values`: NULL, a
 * {@link TooWide}, or a view of ONE buffer that holds every sampled vector, copied from the
 * table's segments with no allocation per row (a copy each, as `Table.get` makes, cost a third
 * of a bulk load's time in the automatic ANALYZE of its first batch). The views keep the
 * buffer alive: {@link keepOwnVectors} copies what the statistics keep.
 */
function sampleVectors(table: Table, col: number, rows: Int32Array, values: (Value | TooWide)[]): void {
  // A vector's stored width depends on its dimension only.
  const widths = new Map<number, number>();
  const widthOf = (d: number): number => {
    let w = widths.get(d);
    if (w === undefined) widths.set(d, (w = storedWidth(new Float32Array(d), 'vector')));
    return w;
  };
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    if (table.vectorIsNull(col, rows[i]!)) continue;
    const d = table.vectorDim(col, rows[i]!);
    if (widthOf(d) <= WIDTH_THRESHOLD) total += d;
  }
  const buf = new Float32Array(total);
  let off = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (table.vectorIsNull(col, r)) {
      values[i] = null;
      continue;
    }
    const d = table.vectorDim(col, r);
    const w = widthOf(d);
    if (w > WIDTH_THRESHOLD) {
      values[i] = new TooWide(w);
      continue;
    }
    // The address is valid until the next read of a vector: copy at once.
    const p = table.vectorPtrRow(col, r);
    const q = (p >>> 0) >>> 2;
    const f = memories.memoryOf(p).f32();
    for (let k = 0; k < d; k++) buf[off + k] = f[q + k]!;
    values[i] = buf.subarray(off, off + d);
    off += d;
  }
}

/** `s` with its kept vectors (views of the sample's buffer) copied, so the sample can be freed. */
function keepOwnVectors(s: ColumnStats): ColumnStats {
  const own = (v: Value): Value => (v instanceof Float32Array ? v.slice() : v);
  return { ...s, mcvVals: s.mcvVals.map(own), histogram: s.histogram.map(own) };
}

/**
 * Analyzes `table` (the columns `cols`, all when null): samples it and stores each column's
 * statistics and the row count in the database's statistics store. `auto` marks an automatic
 * analyze (last_autoanalyze).
 */
export function analyzeTable(env: SqlEnv, table: Table, cols: readonly number[] | null, auto: boolean): TableStats {
  const store = env.stats;
  const st = store.table(table);
  const target = Number(env.settings.get('default_statistics_target'));
  const rng = new Prng((env.seed ^ nameHash(table.name) ^ Math.imul(st.analyzeCount + st.autoanalyzeCount + 1, 0x9e3779b1)) >>> 0);
  const { rows, liveRows } = sampleRows(table, ROWS_PER_TARGET * target, rng);
  const columns = cols ?? table.def.columns.map((_, i) => i);
  const values: (Value | TooWide)[] = new Array(rows.length);
  for (const c of columns) {
    const type = table.def.columns[c]!.type;
    const fixed = isFixedWidth(type);
    const wide = tooWideFixedVector(table, c);
    if (wide !== null) {
      // Every value is too wide (see the module comment): the NULL flags suffice.
      for (let i = 0; i < rows.length; i++) values[i] = table.isNullValue(c, rows[i]!) ? null : wide;
      st.columns[c] = computeColumnStats(values, type, orderingOf(type), liveRows, target);
      continue;
    }
    if (type === 'vector') {
      sampleVectors(table, c, rows, values);
      st.columns[c] = keepOwnVectors(computeColumnStats(values, type, orderingOf(type), liveRows, target));
      continue;
    }
    for (let i = 0; i < rows.length; i++) {
      const v = table.get(c, rows[i]!);
      const w = fixed || v === null ? 0 : storedWidth(v, type);
      if (w > WIDTH_THRESHOLD) values[i] = new TooWide(w);
      // Vectors come back as views over the arena: keep copies (values outlive the statement).
      else values[i] = v instanceof Float32Array || v instanceof Uint16Array ? v.slice() : v;
    }
    st.columns[c] = computeColumnStats(values, type, orderingOf(type), liveRows, target);
  }
  st.reltuples = liveRows;
  st.relpages = heapPages(table);
  store.generation++;
  const now = store.nowMs();
  if (auto) {
    st.lastAutoanalyzeMs = now;
    st.autoanalyzeCount++;
  } else {
    st.lastAnalyzeMs = now;
    st.analyzeCount++;
  }
  // A partial ANALYZE (some columns) does not reset the change count, as PostgreSQL's.
  if (cols === null) st.modsSinceAnalyze = 0;
  return st;
}

/**
 * The automatic analyze, run at a statement boundary (never on a timer): every table changed
 * since the last check whose committed changes since its last analyze exceed
 * autovacuum_analyze_threshold + autovacuum_analyze_scale_factor x reltuples (PostgreSQL's
 * autovacuum.c relation_needs_vacanalyze) is analyzed now, unless it was analyzed less than
 * autovacuum_naptime ago: PostgreSQL's launcher visits a database once per naptime, which is
 * what keeps a bulk load from being re-analyzed after every 10% of growth. A table never
 * analyzed is analyzed at once.
 */
export function autoAnalyze(env: SqlEnv): void {
  const store = env.stats;
  if (store.changed.size === 0) return;
  if (env.settings.get('autovacuum') !== true) return;
  const threshold = Number(env.settings.get('autovacuum_analyze_threshold'));
  const scale = Number(env.settings.get('autovacuum_analyze_scale_factor'));
  const naptimeMs = Number(env.settings.get('autovacuum_naptime')) * 1000;
  const now = store.nowMs();
  const tables = [...store.changed];
  store.changed.clear();
  for (const t of tables) {
    if (env.catalog.peekTable(t.name) !== t) continue; // dropped or truncated since
    const st = store.table(t);
    const reltuples = Math.max(0, st.reltuples);
    if (st.modsSinceAnalyze <= threshold + scale * reltuples) continue;
    const last = Math.max(st.lastAnalyzeMs ?? -Infinity, st.lastAutoanalyzeMs ?? -Infinity);
    if (now - last < naptimeMs) {
      store.changed.add(t); // due: checked again at a later boundary
      continue;
    }
    try {
      analyzeTable(env, t, null, true);
    } catch (e) {
      // The statement that crossed the threshold has committed: a user error of the analyze
      // (53200 out of memory copying the sample) must not fail it. The next boundary retries.
      if (!(e instanceof PgError)) throw e;
      store.changed.add(t);
    }
  }
}
