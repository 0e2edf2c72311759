/**
 * The primary-key map of a table (key -> row id) and the set of its keys changed since the last
 * checkpoint.
 *
 * Integer keys (every `smallint` / `integer` / `bigint` / `serial` key in the safe range, the
 * common case) live in an open-addressing table of typed arrays; any other key (text, floats,
 * the composite and object keys of `pkMapKey`) in a `Map`. A `Map` of millions of entries is
 * slow to fill: 2.9 s for 2,800,000 integer keys on the development machine, most of a large
 * table's reopen, where the typed table takes a small fraction of that and a quarter of the
 * memory. Keys compare as `Map` compares them (SameValueZero): `0` and `-0` are one key.
 */

/** Slot states of {@link IntTable}. */
const EMPTY = 0;
const FULL = 1;
const DELETED = 2;

const MIN_CAPACITY = 16;

/** True for the keys {@link IntTable} holds. */
function isIntKey(k: unknown): k is number {
  return typeof k === 'number' && Number.isSafeInteger(k);
}

/** A 32-bit hash of a safe integer (its low and high words mixed, then finalized). */
function hashInt(k: number): number {
  let h = Math.imul((k | 0) ^ Math.imul((k / 4294967296) | 0, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/**
 * Linear probing over safe-integer keys (float64) and int32 values, with tombstones: 13 bytes a
 * slot, at most half the slots used (full or deleted); a rehash drops the tombstones and sizes
 * the table for twice the entries.
 */
class IntTable {
  keys = new Float64Array(MIN_CAPACITY);
  vals = new Int32Array(MIN_CAPACITY);
  state = new Uint8Array(MIN_CAPACITY);
  size = 0;
  /** Full plus deleted slots. */
  private used = 0;

  /** The slot holding `k`, or -1. */
  find(k: number): number {
    const mask = this.keys.length - 1;
    const st = this.state;
    // `+ 0` turns -0 into 0, as SameValueZero equates them.
    const key = k + 0;
    for (let i = hashInt(key) & mask; ; i = (i + 1) & mask) {
      const s = st[i]!;
      if (s === EMPTY) return -1;
      if (s === FULL && this.keys[i] === key) return i;
    }
  }

  /** Sets `k` to `v`; true when `k` was new. One probe: a new key takes the first tombstone met. */
  set(k: number, v: number): boolean {
    if ((this.used + 1) * 2 > this.keys.length) this.rehash(this.size + 1);
    const mask = this.keys.length - 1;
    const st = this.state;
    const key = k + 0;
    let tomb = -1;
    for (let i = hashInt(key) & mask; ; i = (i + 1) & mask) {
      const s = st[i]!;
      if (s === FULL) {
        if (this.keys[i] === key) {
          this.vals[i] = v;
          return false;
        }
      } else if (s === DELETED) {
        if (tomb < 0) tomb = i;
      } else {
        const at = tomb >= 0 ? tomb : i;
        if (tomb < 0) this.used++;
        st[at] = FULL;
        this.keys[at] = key;
        this.vals[at] = v;
        this.size++;
        return true;
      }
    }
  }

  delete(k: number): boolean {
    const at = this.find(k);
    if (at < 0) return false;
    this.state[at] = DELETED;
    this.size--;
    return true;
  }

  clear(): void {
    this.keys = new Float64Array(MIN_CAPACITY);
    this.vals = new Int32Array(MIN_CAPACITY);
    this.state = new Uint8Array(MIN_CAPACITY);
    this.size = 0;
    this.used = 0;
  }

  /** Re-inserts every entry into a table sized for `entries` (dropping tombstones). */
  private rehash(entries: number): void {
    let cap = MIN_CAPACITY;
    while (cap < entries * 2) cap *= 2;
    const { keys, vals, state } = this;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap);
    this.state = new Uint8Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < state.length; j++) {
      if (state[j] !== FULL) continue;
      let i = hashInt(keys[j]!) & mask;
      while (this.state[i] === FULL) i = (i + 1) & mask;
      this.state[i] = FULL;
      this.keys[i] = keys[j]!;
      this.vals[i] = vals[j]!;
    }
    this.used = this.size;
  }
}

/**
 * Keys of any kind, compared as `Map` compares them; iteration visits the integer keys in
 * table order, then the others in insertion order.
 */
export class KeySet implements Iterable<unknown> {
  private readonly ints = new IntTable();
  private readonly other = new Set<unknown>();

  get size(): number {
    return this.ints.size + this.other.size;
  }

  add(k: unknown): this {
    if (isIntKey(k)) this.ints.set(k, 0);
    else this.other.add(k);
    return this;
  }

  has(k: unknown): boolean {
    return isIntKey(k) ? this.ints.find(k) >= 0 : this.other.has(k);
  }

  *[Symbol.iterator](): IterableIterator<unknown> {
    const { keys, state } = this.ints;
    for (let i = 0; i < state.length; i++) if (state[i] === FULL) yield keys[i]!;
    yield* this.other;
  }
}

/**
 * The primary-key map (key -> row id, a non-negative int32) that remembers which keys changed
 * since {@link clearChanged}, so a checkpoint delta writes only those entries. The subset of
 * `Map`'s interface the engine uses; iteration order is unspecified.
 */
export class KeyMap implements Iterable<[unknown, number]> {
  private readonly ints = new IntTable();
  private readonly other = new Map<unknown, number>();
  /** Keys set or deleted since the last checkpoint (null until the first checkpoint mark). */
  changed: KeySet | null = null;

  get size(): number {
    return this.ints.size + this.other.size;
  }

  get(k: unknown): number | undefined {
    if (!isIntKey(k)) return this.other.get(k);
    const at = this.ints.find(k);
    return at < 0 ? undefined : this.ints.vals[at];
  }

  has(k: unknown): boolean {
    return isIntKey(k) ? this.ints.find(k) >= 0 : this.other.has(k);
  }

  set(k: unknown, v: number): this {
    this.changed?.add(k);
    if (isIntKey(k)) this.ints.set(k, v);
    else this.other.set(k, v);
    return this;
  }

  delete(k: unknown): boolean {
    this.changed?.add(k);
    return isIntKey(k) ? this.ints.delete(k) : this.other.delete(k);
  }

  clear(): void {
    if (this.changed !== null) for (const [k] of this) this.changed.add(k);
    this.ints.clear();
    this.other.clear();
  }

  /** Starts tracking afresh (after a checkpoint wrote the map's state). */
  clearChanged(): void {
    this.changed = new KeySet();
  }

  *[Symbol.iterator](): IterableIterator<[unknown, number]> {
    const { keys, vals, state } = this.ints;
    for (let i = 0; i < state.length; i++) if (state[i] === FULL) yield [keys[i]!, vals[i]!];
    yield* this.other;
  }
}
