/**
 * Sort permutations over key values extracted once per item (`vals[key][item]`), for the Sort
 * node, a top-k scan's candidates and ordered aggregates:
 *
 *   sortOrder        every item, stably (ties in item order)
 *   boundedOrder     the first `bound` items of that order (a top-N heapsort, PostgreSQL's
 *                    tuplesort bounded mode under a LIMIT)
 *   groupLimitOrder  the first `limit` items of each group of items equal on the leading
 *                    `prefix` keys, in that order (what a Unique or a WindowAgg with a
 *                    row_number() run condition above a Sort keeps of its input)
 *
 * All three order by {@link rowComparator}: NULLs first or last per key, each key's own
 * comparison, descending where asked, ties by item number, so every item has one place and
 * the three agree on the items they return.
 */
import type { Value } from '../../storage/table.js';
import type { SortSpec } from '../plan/plan.js';
import { isNumberCmp, isTextCmp } from '../analyze/expr.js';
import type { SqlType } from '../analyze/types.js';
import { keyText } from './hash_key.js';
import { hasSurrogate } from '../../types/text_order.js';

/** What a comparator needs of a sort key. */
export type SortKeyOrder = Pick<SortSpec, 'desc' | 'nullsFirst' | 'cmp'>;

/** A total order on item numbers: negative when item x sorts before item y. */
export type ItemCmp = (x: number, y: number) => number;

/**
 * The comparator of `n` items by the sort keys' values. A key whose values are all numbers
 * (not NaN) or NULL and whose comparison is the numeric one is first copied into a
 * Float64Array (and a NULL flag array), so the comparator reads typed arrays instead of
 * calling the key's comparison function (PostgreSQL's sort keys are likewise datums compared
 * by a fast path when the type allows). A text key none of whose values holds a character
 * above U+FFFF compares with JavaScript's `<`, which orders such strings by code point as the
 * C collation does. Ties on every key fall to the item number.
 */
export function rowComparator(keys: readonly SortKeyOrder[], vals: Value[][], n: number): ItemCmp {
  const nk = keys.length;
  const nums: (Float64Array | null)[] = new Array(nk);
  const nulls: (Uint8Array | null)[] = new Array(nk);
  const cmps = keys.map((key, k) => (isTextCmp(key.cmp) && vals[k]!.every((v, i) => i >= n || v === null || !hasSurrogate(v as string)) ? nativeCmp : key.cmp));
  for (let k = 0; k < nk; k++) {
    nums[k] = null;
    nulls[k] = null;
    if (!isNumberCmp(keys[k]!.cmp)) continue;
    const col = vals[k]!;
    const f = new Float64Array(n);
    let nu: Uint8Array | null = null;
    let ok = true;
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (typeof v === 'number' && v === v) f[i] = v;
      else if (v === null) (nu ??= new Uint8Array(n))[i] = 1;
      else {
        ok = false;
        break;
      }
    }
    if (ok) {
      nums[k] = f;
      nulls[k] = nu;
    }
  }
  return (x, y) => {
    for (let k = 0; k < nk; k++) {
      const key = keys[k]!;
      const f = nums[k]!;
      if (f !== null) {
        const nu = nulls[k]!;
        if (nu !== null && (nu[x]! | nu[y]!) !== 0) {
          if (nu[x] === nu[y]) continue;
          return (nu[x] === 1) === key.nullsFirst ? -1 : 1;
        }
        const a = f[x]!;
        const b = f[y]!;
        if (a < b) return key.desc ? 1 : -1;
        if (a > b) return key.desc ? -1 : 1;
        continue;
      }
      const a = vals[k]![x]!;
      const b = vals[k]![y]!;
      if (a === null || b === null) {
        if (a === b) continue;
        return (a === null) === key.nullsFirst ? -1 : 1;
      }
      const c = cmps[k]!(a, b);
      if (c !== 0) return key.desc ? -c : c;
    }
    return x - y;
  };
}

function nativeCmp(a: Value, b: Value): number {
  return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
}

/** A stable sort permutation of `n` items by the sort keys' values (see {@link rowComparator}). */
export function sortOrder(keys: readonly SortKeyOrder[], vals: Value[][], n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort(rowComparator(keys, vals, n));
  return order;
}

/**
 * The first min(n, bound) items of the order `cmp`, in order: a max-heap of the best `bound`
 * items seen (the worst on top, replaced by any better item), sorted at the end. O(n log bound)
 * comparisons instead of O(n log n).
 */
export function boundedOrder(cmp: ItemCmp, n: number, bound: number): Int32Array {
  const k = Math.min(n, bound);
  const heap = new Int32Array(k);
  if (k === 0) return heap;
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (size < k) {
      // Sift up: parents sort after (or equal to) their children.
      let j = size++;
      while (j > 0) {
        const parent = (j - 1) >> 1;
        if (cmp(heap[parent]!, i) >= 0) break;
        heap[j] = heap[parent]!;
        j = parent;
      }
      heap[j] = i;
      continue;
    }
    if (cmp(i, heap[0]!) >= 0) continue;
    // Sift down from the root, replacing the worst kept item.
    let j = 0;
    for (;;) {
      const l = 2 * j + 1;
      if (l >= k) break;
      const r = l + 1;
      const c = r < k && cmp(heap[r]!, heap[l]!) > 0 ? r : l;
      if (cmp(heap[c]!, i) <= 0) break;
      heap[j] = heap[c]!;
      j = c;
    }
    heap[j] = i;
  }
  return heap.sort(cmp);
}

/** Types whose hash key (hash_key.ts keyText) is equal exactly when their sort comparison says equal. */
const GROUPABLE: ReadonlySet<SqlType> = new Set<SqlType>(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bool']);
/** Types whose JavaScript values are equal (SameValueZero) exactly when SQL equality says so. */
const RAW_KEYED: ReadonlySet<SqlType> = new Set<SqlType>(['int2', 'int4', 'text', 'varchar', 'bool']);

/** True when groups of rows equal on keys of these types may be found by hashing (see {@link groupLimitOrder}). */
export function groupableTypes(types: readonly SqlType[]): boolean {
  return types.every((t) => GROUPABLE.has(t));
}

/** A per-group limit larger than this sorts everything and then drops the surplus. */
const GROUP_LIMIT_FLAT_MAX = 8;

/**
 * The items of the order `cmp` that are among the first `limit` of their group, in order,
 * where a group is the items equal on the leading `prefix` keys (`vals[0..prefix)`, of
 * `types`, NULL equal to NULL; {@link groupableTypes} must hold). Since the prefix keys lead
 * the order, each group is one run of it, and the result equals the full order with each
 * run cut after `limit` items. Each group keeps its best `limit` items in a small sorted list
 * while the items are read, so only the survivors are sorted.
 */
export function groupLimitOrder(cmp: ItemCmp, vals: Value[][], types: readonly SqlType[], prefix: number, n: number, limit: number): Int32Array {
  if (limit <= 0 || n === 0) return new Int32Array(0);
  const gid = groupIds(vals, types, prefix, n);
  let groups = 0;
  for (let i = 0; i < n; i++) if (gid[i]! >= groups) groups = gid[i]! + 1;
  if (limit > GROUP_LIMIT_FLAT_MAX) {
    // Sort all, then keep the first `limit` of each run.
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(cmp);
    const seen = new Int32Array(groups);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const it = order[i]!;
      if (seen[gid[it]!]!++ < limit) order[m++] = it;
    }
    return order.slice(0, m);
  }
  const kept = new Int32Array(groups * limit);
  const count = new Int32Array(groups);
  for (let i = 0; i < n; i++) {
    const g = gid[i]!;
    const base = g * limit;
    const c = count[g]!;
    let j: number;
    if (c < limit) {
      j = c;
      count[g] = c + 1;
    } else {
      if (cmp(i, kept[base + limit - 1]!) >= 0) continue;
      j = limit - 1;
    }
    while (j > 0 && cmp(i, kept[base + j - 1]!) < 0) {
      kept[base + j] = kept[base + j - 1]!;
      j--;
    }
    kept[base + j] = i;
  }
  let m = 0;
  for (let g = 0; g < groups; g++) m += count[g]!;
  const out = new Int32Array(m);
  m = 0;
  for (let g = 0; g < groups; g++) for (let j = 0; j < count[g]!; j++) out[m++] = kept[g * limit + j]!;
  return out.sort(cmp);
}

/**
 * The hash key of a group given its first `prefix` key values `vals` (of `types`, which
 * {@link groupableTypes} accepts): equal exactly when the values sort equal.
 */
export function groupKey(vals: readonly Value[], types: readonly SqlType[], prefix: number): unknown {
  if (prefix === 1) return RAW_KEYED.has(types[0]!) ? vals[0]! : keyText(vals[0]!, types[0]!);
  let s = '';
  for (let k = 0; k < prefix; k++) s += keyText(vals[k]!, types[k]!) + '\u0001';
  return s;
}

/** Dense group numbers (0, 1, ... in first-seen order) of `n` items by their first `prefix` key values. */
function groupIds(vals: Value[][], types: readonly SqlType[], prefix: number, n: number): Int32Array {
  const gid = new Int32Array(n);
  if (prefix === 0) return gid;
  const ids = new Map<unknown, number>();
  const raw = prefix === 1 && RAW_KEYED.has(types[0]!);
  for (let i = 0; i < n; i++) {
    let key: unknown;
    if (raw) key = vals[0]![i]!;
    else if (prefix === 1) key = keyText(vals[0]![i]!, types[0]!);
    else {
      let s = '';
      for (let k = 0; k < prefix; k++) s += keyText(vals[k]![i]!, types[k]!) + '\u0001';
      key = s;
    }
    let g = ids.get(key);
    if (g === undefined) {
      g = ids.size;
      ids.set(key, g);
    }
    gid[i] = g;
  }
  return gid;
}
