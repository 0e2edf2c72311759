/**
 * CREATE INDEX ... USING btree (nbtsort.c): collect (key..., rowId) of every row, sort them
 * in index order, and load the tree bottom-up.
 *
 * {@link buildBtreeAsync} (CREATE INDEX CONCURRENTLY) does the same without holding the event
 * loop for long: rows are read in ranges of {@link READ_SLICE_ROWS} row ids per turn, and the
 * sort is a bottom-up merge sort ({@link sortInSteps}) that yields after about
 * {@link SORT_SLICE_MOVES} element moves. The comparator breaks ties by row id, so the order is
 * total and both builds give the same tree. Key comparators are JavaScript functions of any
 * column type (text collations, numeric, arrays), which is why the sort runs in slices on the
 * calling thread rather than on a worker.
 */
import { PgError, SQLSTATE } from '../../common/errors.js';
import type { AsyncBuild, OrderedBuildInput, OrderedIndex } from '../am.js';
import type { Value } from '../../storage/table.js';
import { BtreeIndex } from './btree-index.js';
import { cmpKey } from './node.js';

const PHASE = 'building index: loading tuples in tree';
/** Row ids read per turn of the event loop by a concurrent build (a few milliseconds). */
export const READ_SLICE_ROWS = 4096;
/** Element moves (or comparisons of a first run) per turn of the event loop while a concurrent build sorts. */
export const SORT_SLICE_MOVES = 8192;

/** Rows collected for a build: row ids and one value array per key column, in reading order. */
interface Collected {
  rows: number[];
  vals: Value[][];
}

function collector(input: OrderedBuildInput): { c: Collected; add: (rowId: number, values: readonly Value[]) => void } {
  const keys = input.keys;
  const c: Collected = { rows: [], vals: keys.map(() => []) };
  return {
    c,
    add: (rowId, values) => {
      c.rows.push(rowId);
      for (let k = 0; k < keys.length; k++) c.vals[k]!.push(values[k] ?? null);
    },
  };
}

/** Index order of entries `a` and `b` of `c`: key columns in turn, then the row id (a total order). */
function comparator(input: OrderedBuildInput, c: Collected): (a: number, b: number) => number {
  const keys = input.keys;
  const { rows, vals } = c;
  return (a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const r = cmpKey(keys[k]!, vals[k]![a]!, vals[k]![b]!);
      if (r !== 0) return r;
    }
    return rows[a]! - rows[b]!;
  };
}

/** Loads the sorted entries (`order`: indexes into `c`) into a new tree, bottom-up. */
function load(input: OrderedBuildInput, c: Collected, order: Int32Array): BtreeIndex {
  const keys = input.keys;
  const index = new BtreeIndex(keys);
  const entry: Value[] = new Array(keys.length);
  index.tree.bulkLoad(order.length, (i, into, slot) => {
    const j = order[i]!;
    for (let k = 0; k < keys.length; k++) entry[k] = c.vals[k]![j]!;
    into.set(slot, entry, c.rows[j]!);
  });
  return index;
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

export function buildBtree(input: OrderedBuildInput): OrderedIndex {
  const { c, add } = collector(input);
  input.forEachRow(add);
  const n = c.rows.length;
  input.onProgress?.({ phase: PHASE, tuplesTotal: n, tuplesDone: 0 });
  const order = identity(n);
  order.sort(comparator(input, c));
  const index = load(input, c, order);
  input.onProgress?.({ phase: PHASE, tuplesTotal: n, tuplesDone: n });
  return index;
}

/**
 * Sorts `a` by `cmp` (a total order, so the result is unique): runs of `budget` elements sorted
 * in place, then bottom-up merge passes between `a` and a second array. Yields after each run
 * and after about `budget` moves of a merge. Returns the array that holds the sorted order.
 */
export function* sortInSteps(a: Int32Array, cmp: (x: number, y: number) => number, budget: number): Generator<void, Int32Array, void> {
  const n = a.length;
  const run = Math.max(1, budget);
  for (let lo = 0; lo < n; lo += run) {
    a.subarray(lo, Math.min(n, lo + run)).sort(cmp);
    yield;
  }
  let src: Int32Array = a;
  let dst: Int32Array = new Int32Array(n);
  let moved = 0;
  for (let w = run; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(n, lo + w);
      const hi = Math.min(n, lo + 2 * w);
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        if (j >= hi || (i < mid && cmp(src[i]!, src[j]!) <= 0)) dst[k] = src[i++]!;
        else dst[k] = src[j++]!;
        if (++moved >= budget) {
          moved = 0;
          yield;
        }
      }
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/**
 * CREATE INDEX CONCURRENTLY's B-tree build: as {@link buildBtree}, with the rows read in
 * ranges and the sort in slices between turns of the event loop (module comment); the
 * bottom-up load (linear) runs in one step. Needs `input.forEachRowIn` and `input.rowIdEnd`.
 * `done` rejects with 57014 after `cancel()`, or with what reading a row's key threw.
 */
export function buildBtreeAsync(input: OrderedBuildInput): AsyncBuild<OrderedIndex> {
  const { c, add } = collector(input);
  let stopped = false;
  let read = 0;
  const end = input.rowIdEnd ?? 0;
  const turn = async (): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stopped) throw new PgError(SQLSTATE.query_canceled, 'canceling statement due to user request');
  };
  const run = async (): Promise<OrderedIndex> => {
    input.onProgress?.({ phase: PHASE, tuplesTotal: input.rowCount, tuplesDone: 0 });
    for (let from = 0; from < end; from += READ_SLICE_ROWS) {
      await turn();
      input.forEachRowIn!(from, from + READ_SLICE_ROWS, add);
      read = c.rows.length;
    }
    const steps = sortInSteps(identity(c.rows.length), comparator(input, c), SORT_SLICE_MOVES);
    let r = steps.next();
    while (r.done !== true) {
      await turn();
      r = steps.next();
    }
    const index = load(input, c, r.value);
    input.onProgress?.({ phase: PHASE, tuplesTotal: c.rows.length, tuplesDone: c.rows.length });
    return index;
  };
  return {
    done: run(),
    tuplesDone: () => read,
    cancel: () => {
      stopped = true;
    },
  };
}
