/**
 * Filter subgraphs of an HNSW index: for a filter the caller names by a key (access/am.ts
 * RowFilter.key, e.g. `tenant = 7`) and that keeps many rows, a separate HNSW graph over just
 * those rows, so `WHERE tenant = 7 ORDER BY embedding <=> $1 LIMIT 10` searches a graph as
 * small and as connected as the tenant's own table's instead of walking the whole table's
 * graph past the other tenants' nodes. Qdrant builds such a subgraph per value of a payload
 * index ("payload-aware HNSW": extra links among the nodes of one value, merged into the main
 * graph); here it is a graph of its own, which keeps the main graph and its search loop
 * untouched (the unfiltered path does not change) and lets a subgraph be dropped or rebuilt
 * at any time.
 *
 * A cache, never the truth: the filter's bitset (the qual evaluated now, for this snapshot)
 * is. Before each search the subgraph is reconciled with it word by word: rows of the bitset
 * the subgraph lacks (inserted since, or updated into the value) are inserted then (their
 * vectors copied from the main graph's records, already prepared), and rows of the subgraph
 * the bitset lacks (not visible to this snapshot, updated out of the value) are excluded
 * from that search by a node bitset. So a key naming the wrong rows costs work, never a wrong
 * answer. Rows deleted for everyone leave through {@link FilterSubgraphs.delete} (the index's
 * tombstones) and vacuum; nothing is written to disk: after a restart a subgraph is rebuilt on
 * first use. Row ids are never reused (storage/table.ts), so a row's vector never changes.
 *
 * The bitset costs a pass over the filter's column (or a B-tree scan) per query, which on a
 * large table costs as much as the search itself. A reconcile with a stamped bitset (the
 * table's change count, no transaction in flight: RowFilter.stamp) that left the subgraph
 * holding exactly its rows marks the subgraph current for that stamp; while the table's count
 * stays there the caller searches the subgraph with no bitset at all ({@link current}).
 *
 * Admission: a key gets a subgraph at its second request with between {@link SUBGRAPH_MIN_ROWS}
 * rows and {@link SUBGRAPH_MAX_SHARE} of the index (a filter asked for once does not pay a
 * build; the caller asks only when its cost model prefers the subgraph).
 *
 * Built off the query path: the admitting request appends the key's nodes to an empty graph
 * (vector copies and levels: milliseconds) and hands the linking, the build's whole cost (about
 * 1.5 s for 13,000 rows of 100 dimensions), to one worker of the process's pool
 * (kernels/workers.ts runAsync), then returns null like a request before admission, so that
 * query and the ones after it run their other strategies until the worker is done. Meanwhile
 * the subgraph is neither searched nor reconciled nor vacuumed, tombstones wait in the job, and
 * everything the task writes stays allocated; the first request after it catches the subgraph
 * up with the bitset of that moment like any reconcile, so rows written during the build are
 * accounted for. While the pool is busy (another build) the key waits for a later request.
 * Without a worker (a pool of 0, the TypeScript kernels) the admitting request links the nodes
 * itself and searches the subgraph, as before. All subgraphs of an
 * index hold at most as many nodes as the index itself; when a new one does not fit, the least
 * recently used go first, but only those idle for {@link SUBGRAPH_IDLE_USES} uses.
 * sparsevec indexes keep none (their keys live in a side heap).
 */
import { isPgError, SQLSTATE } from '../../common/errors.js';
import { WorkerPool } from '../../kernels/workers.js';
import type { RowFilter } from '../am.js';
import { randomLevel } from './insert.js';
import { FLAG_DELETED, G_ELOCK, G_LOCKS, G_METRIC, METRIC_HALF_L1, METRIC_HALF_L2SQ, METRIC_HALF_NEG_DOT, N_FLAGS } from './layout.js';
import { INSERT_NODES, type InsertTaskArgs } from './parallel.js';
import type { Scratch } from './scratch.js';
import { HnswState } from './state.js';
import { vacuumHnsw } from './vacuum.js';

/** Fewest rows a subgraph is built for: below this an exact scan of the rows is cheaper than a search (cost.ts). */
export const SUBGRAPH_MIN_ROWS = 1000;
/** Largest share of the index's rows a subgraph is built for: past it the filtered scans of the main graph lose little. */
export const SUBGRAPH_MAX_SHARE = 0.25;
/** Requests of a key before its subgraph is built (the first one does not pay a build). */
export const SUBGRAPH_ADMIT_REQUESTS = 2;
/** Keys whose requests are counted; the count starts over past it. */
const REQUEST_KEYS_MAX = 4096;
/**
 * Subgraph uses (over all keys of the index) after which an unused subgraph may be evicted for
 * another. A younger one is kept and the new key gets none: values that together pass the
 * budget would otherwise evict each other and pay a build per query.
 */
export const SUBGRAPH_IDLE_USES = 256;

/**
 * A subgraph being linked on a pool worker: what the task writes (kept alive until it settles)
 * and what happened to the subgraph's rows meanwhile.
 */
interface BuildJob {
  scratch: Scratch;
  /** Two i32 words: the task's claim counter and done counter (parallel.ts). */
  counters: number;
  /** Nodes the task links: 0 .. end - 1. */
  end: number;
  /** Rows the index tombstoned during the build, applied when it is done. */
  deletes: number[];
  /** Dropped (evicted, index dropped) while building: disposed when the task settles. */
  cancelled: boolean;
  done: Promise<void>;
}

/** One key's graph: an HnswState over the key's rows, and the rows it accounts for. */
class Subgraph {
  /** Bit r set: row r is accounted for (in the graph, or without a vector in the main index). */
  members: Uint32Array;
  memberCount = 0;
  lastUse = 0;
  /**
   * RowFilter.stamp of the last reconcile that left the subgraph holding exactly the bitset's
   * rows (nothing excluded), and that bitset's rows; -1: none since the last change.
   */
  stamp = -1;
  stampRows = 0;
  /** Non-null while a pool worker links the graph's nodes: the subgraph is not searched then. */
  building: BuildJob | null = null;
  /** The build whose task has not settled yet (its scratch and counters still allocated). */
  job: BuildJob | null = null;

  constructor(readonly state: HnswState, rowBits: number) {
    this.members = new Uint32Array(Math.max(1, (rowBits + 31) >>> 5));
  }

  /** Nodes in the graph, deleted ones included. */
  get nodes(): number {
    return this.state.graph.count;
  }

  dispose(): void {
    this.state.dispose();
  }
}

/** A subgraph ready for one search: the graph and the nodes the search must not return. */
export interface SubgraphUse {
  state: HnswState;
  /** Nodes of rows the filter does not pass now (empty: no filter needed). */
  excluded: Int32Array;
}

/** The subgraphs of one HNSW index, by filter key (module comment). */
export class FilterSubgraphs {
  private readonly graphs = new Map<string, Subgraph>();
  private readonly requests = new Map<string, number>();
  private clock = 0;
  /** A main graph vector, copied out before the subgraph's memory may grow. */
  private readonly vec: Uint8Array;
  /** Subgraphs linked by the query that admitted them (no pool worker), for tests and monitoring. */
  inlineBuilds = 0;
  /** Subgraphs handed to a pool worker (module comment), for tests and monitoring. */
  backgroundBuilds = 0;
  /** Background builds that failed (a lost worker, out of memory): the subgraph was dropped. */
  failedBuilds = 0;
  /** Background builds not settled yet, cancelled ones included. */
  private readonly jobs = new Set<Promise<void>>();

  /**
   * @param main the index's graph
   * @param poolOf the worker pool background builds run on (the process's shared one)
   */
  constructor(private readonly main: HnswState, private readonly poolOf: () => WorkerPool = () => WorkerPool.shared()) {
    this.vec = new Uint8Array(main.graph.hdrBytes);
  }

  /** Subgraphs held (being built included). */
  get size(): number {
    return this.graphs.size;
  }

  /** True when `key` has a subgraph (possibly still being built). */
  has(key: string): boolean {
    return this.graphs.has(key);
  }

  /** True when `key` has a subgraph that a worker is still building. */
  building(key: string): boolean {
    const sg = this.graphs.get(key);
    return sg !== undefined && !this.ready(sg);
  }

  /**
   * Resolves when every background build started so far has settled (its subgraph ready, or
   * dropped on failure): for tests, and for callers that want a subgraph before they measure.
   * Never rejects.
   */
  async settled(): Promise<void> {
    while (this.jobs.size > 0) await Promise.all([...this.jobs]);
  }

  /** Nodes over all subgraphs. */
  get totalNodes(): number {
    let n = 0;
    for (const s of this.graphs.values()) n += s.nodes;
    return n;
  }

  /** Bytes the subgraphs occupy (graphs only, not their scratch). */
  sizeBytes(): number {
    let n = 0;
    for (const s of this.graphs.values()) n += s.state.graph.sizeBytes();
    return n;
  }

  /**
   * Whether a key with `rows` rows may have a subgraph at all (size bounds and opclass), without
   * counting a request: the caller's cost model asks before it prices the strategy.
   */
  eligible(rows: number): boolean {
    return this.main.opclass.kind !== 'sparsevec' && rows >= SUBGRAPH_MIN_ROWS && rows <= SUBGRAPH_MAX_SHARE * this.mainRows();
  }

  /**
   * Counts a request for `filter.key` and returns its subgraph reconciled with the filter's
   * bitset, or null: not eligible, not admitted yet, still being built, or out of memory (the
   * subgraph is dropped then; the caller searches the main graph). At the key's admitting
   * request the subgraph's nodes are appended and a pool worker links them while queries go on
   * (null until it is done: module comment); without a worker the admitting request links them
   * itself and gets the subgraph.
   * @throws whatever is not an out-of-memory error (a bug).
   */
  use(filter: RowFilter): SubgraphUse | null {
    const key = filter.key;
    if (key === undefined || !this.eligible(filter.rows)) return null;
    let sg = this.graphs.get(key);
    if (sg !== undefined && !this.ready(sg)) return null;
    let pool: WorkerPool | null = null;
    if (sg === undefined) {
      const seen = (this.requests.get(key) ?? 0) + 1;
      if (seen < SUBGRAPH_ADMIT_REQUESTS) {
        if (this.requests.size >= REQUEST_KEYS_MAX) this.requests.clear();
        this.requests.set(key, seen);
        return null;
      }
      pool = this.backgroundPool();
      // The pool is busy (another build): the key stays admitted, its next request tries again.
      if (pool !== null && !pool.idle) return null;
      this.requests.delete(key);
      if (!this.makeRoom(filter.rows)) return null;
    }
    try {
      if (sg === undefined) {
        sg = this.create(key, filter);
        this.graphs.set(key, sg);
        if (pool !== null) {
          sg.lastUse = ++this.clock;
          this.startBuild(key, sg, filter, pool);
          return null;
        }
        this.inlineBuilds++;
      }
      sg.lastUse = ++this.clock;
      let excluded = this.reconcile(sg, filter);
      if (excluded === null) {
        // Most of the subgraph's rows no longer pass: rebuild it over the bitset's rows.
        this.drop(key);
        sg = this.create(key, filter);
        this.graphs.set(key, sg);
        sg.lastUse = this.clock;
        excluded = this.reconcile(sg, filter) ?? new Int32Array(0);
      }
      const exact = filter.stamp !== undefined && excluded.length === 0;
      sg.stamp = exact ? filter.stamp! : -1;
      sg.stampRows = exact ? filter.rows : 0;
      return { state: sg.state, excluded };
    } catch (e) {
      if (!isPgError(e) || e.code !== SQLSTATE.out_of_memory) throw e;
      this.drop(key);
      return null;
    }
  }

  /**
   * The subgraph of `key` when its last reconcile was with a bitset of `stamp` and left it
   * holding exactly that bitset's rows (then a search needs no bitset), else null.
   */
  current(key: string, stamp: number): { state: HnswState; rows: number } | null {
    const sg = this.graphs.get(key);
    if (sg === undefined || !this.ready(sg) || sg.stamp < 0 || sg.stamp !== stamp) return null;
    sg.lastUse = ++this.clock;
    return { state: sg.state, rows: sg.stampRows };
  }

  /** The index tombstoned `rowId` (a committed delete or an aborted insert): so do the subgraphs. */
  delete(rowId: number): void {
    for (const sg of this.graphs.values()) {
      sg.stamp = -1;
      // A worker is linking the nodes: the tombstone waits for it (finishBuild).
      if (!this.ready(sg)) sg.building!.deletes.push(rowId);
      else deleteRow(sg, rowId);
    }
  }

  /** VACUUM: unlinks the deleted nodes of every subgraph (vacuum.ts), as the main graph's. */
  vacuum(): void {
    for (const sg of this.graphs.values()) if (this.ready(sg) && sg.state.deletedCount > 0) vacuumHnsw(sg.state);
  }

  dispose(): void {
    for (const key of [...this.graphs.keys()]) this.drop(key);
    this.requests.clear();
  }

  /** The pool a new subgraph is linked on, or null: link it inline (no worker, or the TypeScript kernels). */
  private backgroundPool(): WorkerPool | null {
    if (this.main.graph.kernel.name !== 'wasm-simd') return null;
    const pool = this.poolOf();
    return pool.size > 0 ? pool : null;
  }

  /**
   * Appends the bitset's rows to `sg`'s empty graph (vectors copied from the main graph,
   * levels drawn, as a parallel CREATE INDEX appends its nodes: parallel.ts) and hands the
   * linking of them to one pool worker, the INSERT of a serial build (no locks: nothing else
   * touches the graph until it is done). Everything the task writes is allocated here; the
   * subgraph is marked building and is not searched, reconciled or vacuumed until the task
   * settles (finishBuild). Rows the table gains or loses meanwhile are what the reconcile of
   * the first search after it catches up (inserted, or excluded), and tombstones wait in the
   * job.
   * @throws PgError 53200 when the nodes or the scratch do not fit (the caller drops `sg`).
   */
  private startBuild(key: string, sg: Subgraph, filter: RowFilter, pool: WorkerPool): void {
    const st = sg.state;
    const graph = st.graph;
    const bits = filter.bitmapMemory.i32();
    const base = filter.bitmapPtr >>> 2;
    const words = Math.max(1, (filter.rowBits + 31) >>> 5);
    for (let i = 0; i < words; i++) {
      let x = bits[base + i]! >>> 0;
      while (x !== 0) {
        const t = x & -x;
        x = (x ^ t) >>> 0;
        const r = (i << 5) + 31 - Math.clz32(t);
        if (r >= filter.rowBits) continue;
        const mn = this.mainVector(r);
        if (mn) {
          st.reserveRow(r);
          const node = graph.addNode(r, this.vec, randomLevel(st));
          st.setNode(r, node);
        }
        sg.members[r >>> 5] = sg.members[r >>> 5]! | (1 << (r & 31));
        sg.memberCount++;
      }
    }
    const end = graph.count;
    const scratch = st.pool.acquire(Math.max(1, end));
    let counters = 0;
    try {
      counters = graph.arena.alloc(8, 'HNSW subgraph build');
    } catch (e) {
      st.pool.release(scratch);
      throw e;
    }
    const arena = graph.arena;
    const i32 = arena.i32();
    i32[(graph.g >>> 2) + G_LOCKS] = 0;
    i32[(graph.g >>> 2) + G_ELOCK] = 0;
    const metric = i32[(graph.g >>> 2) + G_METRIC]!;
    const half = metric === METRIC_HALF_L2SQ || metric === METRIC_HALF_NEG_DOT || metric === METRIC_HALF_L1;
    const args: InsertTaskArgs = {
      mem: arena.id, g: graph.g, s: scratch.s, q: scratch.q, first: 0, end,
      claimPtr: counters, donePtr: counters + 4, widenHalf: half ? graph.dimP : 0,
    };
    const job: BuildJob = { scratch, counters, end, deletes: [], cancelled: false, done: Promise.resolve() };
    sg.building = job;
    sg.job = job;
    this.backgroundBuilds++;
    const done: Promise<void> = pool.runAsync<number>(INSERT_NODES, [args], { memories: [arena] }).then(
      () => this.finishBuild(key, sg, true),
      () => this.finishBuild(key, sg, false),
    ).finally(() => this.jobs.delete(done));
    job.done = done;
    this.jobs.add(done);
  }

  /**
   * The worker is done with `sg` (`ok`: every node linked): frees what the task used, then
   * disposes a cancelled subgraph, drops a failed one, or applies the tombstones that came
   * meanwhile and makes it searchable.
   */
  private finishBuild(key: string, sg: Subgraph, ok: boolean): void {
    const job = sg.job!;
    const st = sg.state;
    st.graph.arena.free(job.counters, 8);
    st.pool.release(job.scratch);
    sg.job = null;
    if (job.cancelled) {
      sg.dispose();
      return;
    }
    if (!ok) {
      this.failedBuilds++;
      sg.building = null;
      if (this.graphs.get(key) === sg) this.graphs.delete(key);
      sg.dispose();
      return;
    }
    this.linked(sg);
  }

  /**
   * True when `sg` can be searched: not built by a worker, or the worker has linked every node.
   * Read from the task's done counter in the graph's memory, so a caller that never yields to
   * the event loop (a loop of embedded queries) gets the subgraph as soon as it is linked, not
   * when the task's promise settles (its scratch and counters are freed then, finishBuild).
   */
  private ready(sg: Subgraph): boolean {
    const job = sg.building;
    if (job === null) return true;
    if (job.cancelled || Atomics.load(sg.state.graph.arena.i32(), (job.counters + 4) >>> 2) < job.end) return false;
    this.linked(sg);
    return true;
  }

  /** Every node of `sg` is linked: the tombstones that came meanwhile are applied; it may be searched. */
  private linked(sg: Subgraph): void {
    const job = sg.building;
    if (job === null) return;
    sg.building = null;
    for (const r of job.deletes) deleteRow(sg, r);
  }

  /**
   * Copies the prepared vector of row `r` from the main graph into {@link vec}; false when the
   * row has none there (NULL, a zero vector under cosine) or the index tombstoned it: such a
   * row is accounted for but never searched, as in the main graph.
   */
  private mainVector(r: number): boolean {
    const main = this.main;
    const mg = main.graph;
    const mn = main.nodeOf(r);
    if (mn < 0 || (mg.arena.i32()[mg.hdrWord(mn) + N_FLAGS]! & FLAG_DELETED) !== 0) return false;
    const p = mg.vecPtr(mn);
    this.vec.set(mg.arena.u8().subarray(p, p + mg.hdrBytes));
    return true;
  }

  private mainRows(): number {
    return Math.max(1, this.main.graph.count - this.main.unlinkedCount);
  }

  private drop(key: string): void {
    const sg = this.graphs.get(key);
    if (sg === undefined) return;
    this.graphs.delete(key);
    const job = sg.job;
    if (job === null) {
      sg.dispose();
      return;
    }
    // The worker still writes into the graph: it stops at its next claim (the claim counter
    // past the end), and the graph is disposed when the task settles (finishBuild).
    job.cancelled = true;
    Atomics.store(sg.state.graph.arena.i32(), job.counters >>> 2, job.end);
  }

  /**
   * Evicts the least recently used subgraphs idle for {@link SUBGRAPH_IDLE_USES} uses until
   * `rows` more nodes fit the budget; false (nothing evicted) if they cannot.
   */
  private makeRoom(rows: number): boolean {
    const budget = this.mainRows();
    let total = this.totalNodes;
    if (total + rows <= budget) return true;
    let idle = 0;
    for (const sg of this.graphs.values()) if (sg.lastUse + SUBGRAPH_IDLE_USES <= this.clock) idle += sg.nodes;
    if (total - idle + rows > budget) return false;
    while (total + rows > budget) {
      let oldest: string | null = null;
      let at = Infinity;
      for (const [k, sg] of this.graphs) {
        if (sg.lastUse < at) {
          at = sg.lastUse;
          oldest = k;
        }
      }
      if (oldest === null) return false;
      total -= this.graphs.get(oldest)!.nodes;
      this.drop(oldest);
    }
    return true;
  }

  /** An empty subgraph for `key` with the main index's options, sized for the filter's rows. */
  private create(key: string, filter: RowFilter): Subgraph {
    const m = this.main;
    const st = new HnswState(m.dim, m.opclass, m.options, seedOf(key), filter.rows);
    return new Subgraph(st, filter.rowBits);
  }

  /**
   * Brings `sg` up to the filter's bitset: inserts the rows it lacks, returns the nodes of the
   * rows it holds that the bitset lacks; null when those are most of its rows (rebuild).
   */
  private reconcile(sg: Subgraph, filter: RowFilter): Int32Array | null {
    const words = Math.max(1, (filter.rowBits + 31) >>> 5);
    if (sg.members.length < words) {
      const grown = new Uint32Array(words);
      grown.set(sg.members);
      sg.members = grown;
    }
    const bits = filter.bitmapMemory.i32();
    const base = filter.bitmapPtr >>> 2;
    const members = sg.members;
    const add: number[] = [];
    const gone: number[] = [];
    for (let i = 0; i < members.length; i++) {
      const b = i < words ? bits[base + i]! >>> 0 : 0;
      const m = members[i]!;
      if (b === m) continue;
      let x = (b & ~m) >>> 0;
      while (x !== 0) {
        const t = x & -x;
        add.push((i << 5) + 31 - Math.clz32(t));
        x = (x ^ t) >>> 0;
      }
      x = (m & ~b) >>> 0;
      while (x !== 0) {
        const t = x & -x;
        gone.push((i << 5) + 31 - Math.clz32(t));
        x = (x ^ t) >>> 0;
      }
    }
    if (gone.length > 0 && gone.length * 2 > sg.memberCount + add.length) return null;
    if (add.length > 0) this.insertRows(sg, add);
    const st = sg.state;
    const excluded = new Int32Array(gone.length);
    let n = 0;
    for (const r of gone) {
      const node = st.nodeOf(r);
      if (node >= 0) excluded[n++] = node;
    }
    return excluded.subarray(0, n);
  }

  /** Inserts the rows `rows` (ascending row ids) into `sg`, copying their prepared vectors from the main graph. */
  private insertRows(sg: Subgraph, rows: readonly number[]): void {
    const st = sg.state;
    const sc = st.pool.acquire(st.graph.count + rows.length);
    try {
      for (const r of rows) {
        if (this.mainVector(r)) {
          sc.ensure(st.graph.count + 1);
          st.reserveRow(r);
          const count = st.graph.count;
          const node = st.graph.addNode(r, this.vec, randomLevel(st));
          if (node < count) st.unlinkedCount--; // a vacuumed node's record, reused
          st.writeQuery(st.queryFormat(this.vec), sc.q);
          st.graph.kernel.insert(st.graph.g, sc.s, node, sc.q);
          st.setNode(r, node);
        }
        sg.members[r >>> 5] = sg.members[r >>> 5]! | (1 << (r & 31));
        sg.memberCount++;
      }
    } finally {
      st.pool.release(sc);
    }
  }
}

/** Tombstones `rowId` in `sg` (it is not being built). */
function deleteRow(sg: Subgraph, rowId: number): void {
  const w = rowId >>> 5;
  if (w >= sg.members.length || (sg.members[w]! & (1 << (rowId & 31))) === 0) return;
  sg.members[w] = sg.members[w]! & ~(1 << (rowId & 31));
  sg.memberCount--;
  const st = sg.state;
  const node = st.nodeOf(rowId);
  if (node >= 0 && !st.graph.isDeleted(node)) {
    st.graph.markDeleted(node);
    st.deletedCount++;
  }
}

/** A seed for a subgraph's levels from its key (FNV-1a), so the same rows give the same graph. */
function seedOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
