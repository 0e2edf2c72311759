/**
 * Per-search scratch memory in the graph's memory (layout.ts, "scratch header"): an epoch-tagged visited
 * array of u16 tags (never cleared per query; cleared once every 65,535 searches), the candidate / result / discarded heaps, the result and
 * entry lists and a query buffer. A graph keeps a small pool: a plain scan borrows one for the
 * duration of one kernel call; an iterative scan holds its own until it closes, because its
 * visited set and discarded heap must survive between `next` calls.
 */
import type { Arena } from '../../kernels/arena.js';
import {
  LIST_CAPACITY, S_CAND, S_DCOUNT, S_DISC, S_DISCSIZE, S_ENTRY, S_EPOCH, S_FILTER, S_FILTERN, S_NM,
  S_OUT, S_RES, S_RING, S_SEL, S_TUPLES, S_VCAP, S_VISITED, S_WIDE, SCRATCH_HEADER_BYTES,
} from './layout.js';

export class Scratch {
  /** Pointer to the scratch header (the kernel's `s`). */
  readonly s: number = 0;
  /** Pointer to the query buffer (queryBytes: dimP floats with a zero pad, or a sparse key). */
  readonly q: number = 0;
  /** Nodes the visited array covers. */
  vcap = 0;
  private readonly blocks: Array<[number, number]> = [];
  private visitedBlock: [number, number] = [0, 0];
  private heapBlocks: Array<[number, number]> = [];

  /**
   * @param arena the graph's memory (the kernel reads the scratch beside the graph)
   * @param nodes nodes to cover (the graph's count; more are allocated for growth)
   * @param queryBytes bytes of the query buffer (4 * dimP; a sparse graph's largest key)
   * @param m0 layer-0 list capacity (sizes the shrink scratch)
   * @param wideBytes bytes of the buffer a binary16 node is widened into for node-to-node
   *   distances during INSERT (4 * dimP for a halfvec graph; 0: none)
   */
  constructor(readonly arena: Arena, nodes: number, readonly queryBytes: number, m0: number, wideBytes = 0) {
    try {
      this.s = this.own(SCRATCH_HEADER_BYTES);
      this.q = this.own(queryBytes);
      const res = this.own((LIST_CAPACITY + 2) * 8);
      const out = this.own((LIST_CAPACITY + 2) * 8);
      const entry = this.own((LIST_CAPACITY + 2) * 8);
      const sel = this.own((m0 + 2) * 8);
      const nm = this.own((m0 + 2) * 4);
      const wide = wideBytes > 0 ? this.own(wideBytes) : 0;
      const h = this.arena.i32();
      const s = this.s >>> 2;
      h[s + S_NM] = nm;
      h[s + S_WIDE] = wide;
      h[s + S_FILTER] = 0;
      h[s + S_FILTERN] = 0;
      h[s + S_RES] = res;
      h[s + S_OUT] = out;
      h[s + S_ENTRY] = entry;
      h[s + S_SEL] = sel;
      this.ensure(nodes);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /**
   * Makes the visited array and the node-sized heaps cover `nodes` nodes. The new blocks are
   * taken before the old ones are given back, so on 53200 the scratch is unchanged.
   */
  ensure(nodes: number): void {
    if (nodes <= this.vcap) return;
    const cap = Math.max(1024, Math.ceil(nodes * 1.25));
    const heapBytes = (cap + LIST_CAPACITY + 2) * 8;
    const visited = this.arena.alloc(cap * 2, 'HNSW scan');
    let cand = 0;
    let disc = 0;
    try {
      cand = this.arena.alloc(heapBytes, 'HNSW scan');
      disc = this.arena.alloc(heapBytes, 'HNSW scan');
    } catch (e) {
      this.arena.free(visited, cap * 2);
      if (cand !== 0) this.arena.free(cand, heapBytes);
      throw e;
    }
    if (this.vcap > 0) {
      this.arena.free(this.visitedBlock[0], this.visitedBlock[1]);
      for (const [p, b] of this.heapBlocks) this.arena.free(p, b);
    }
    this.visitedBlock = [visited, cap * 2];
    this.heapBlocks = [[cand, heapBytes], [disc, heapBytes]];
    const h = this.arena.i32();
    const s = this.s >>> 2;
    h[s + S_VISITED] = visited;
    h[s + S_VCAP] = cap;
    h[s + S_EPOCH] = 0;
    h[s + S_CAND] = cand;
    h[s + S_DISC] = disc;
    h[s + S_DISCSIZE] = 0;
    this.vcap = cap;
  }

  /** Clears the per-scan counters, the discarded heap and the row filter. */
  reset(): void {
    const h = this.arena.i32();
    const s = this.s >>> 2;
    h[s + S_DISCSIZE] = 0;
    h[s + S_DCOUNT] = 0;
    h[s + S_TUPLES] = 0;
    h[s + S_FILTER] = 0;
    h[s + S_FILTERN] = 0;
  }

  /**
   * Restricts the layer-0 searches of this scratch to the nodes whose bit is set in the bitset
   * at byte pointer `ptr` covering `bits` nodes (0, 0: no filter). The bitset must stay
   * allocated while searches run with it.
   */
  setFilter(ptr: number, bits: number): void {
    const h = this.arena.i32();
    const s = this.s >>> 2;
    h[s + S_FILTER] = ptr;
    h[s + S_FILTERN] = bits;
  }

  /**
   * Removes and returns the discarded candidates in ascending distance, as (dist, node) pairs:
   * what pgvector's iterative scan hands out one by one once hnsw.max_scan_tuples is reached.
   */
  drainDiscarded(): { dist: Float32Array; nodes: Int32Array } {
    const h = this.arena.i32();
    const f = this.arena.f32();
    const s = this.s >>> 2;
    const n = h[s + S_DISCSIZE]!;
    const base = h[s + S_DISC]! >>> 2;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => f[base + 2 * a]! - f[base + 2 * b]! || h[base + 2 * a + 1]! - h[base + 2 * b + 1]!);
    const dist = new Float32Array(n);
    const nodes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      dist[i] = f[base + 2 * order[i]!]!;
      nodes[i] = h[base + 2 * order[i]! + 1]!;
    }
    h[s + S_DISCSIZE] = 0;
    return { dist, nodes };
  }

  get distanceCount(): number {
    return this.arena.i32()[(this.s >>> 2) + S_DCOUNT]! >>> 0;
  }

  get tuples(): number {
    return this.arena.i32()[(this.s >>> 2) + S_TUPLES]! >>> 0;
  }

  /** The node whose duplicate ring the last INSERT with this scratch joined, -1 if none (layout.ts S_RING). */
  get ringJoined(): number {
    return this.arena.i32()[(this.s >>> 2) + S_RING]!;
  }

  get discardedSize(): number {
    return this.arena.i32()[(this.s >>> 2) + S_DISCSIZE]!;
  }

  /** Word index (into arena views) of result i's distance; its node id follows. */
  outWord(): number {
    return this.arena.i32()[(this.s >>> 2) + S_OUT]! >>> 2;
  }

  /** Bytes held. */
  sizeBytes(): number {
    let b = this.visitedBlock[1];
    for (const [, x] of this.blocks) b += x;
    for (const [, x] of this.heapBlocks) b += x;
    return b;
  }

  dispose(): void {
    for (const [p, b] of this.blocks) this.arena.free(p, b);
    if (this.vcap > 0) {
      this.arena.free(this.visitedBlock[0], this.visitedBlock[1]);
      for (const [p, b] of this.heapBlocks) this.arena.free(p, b);
    }
    this.blocks.length = 0;
    this.vcap = 0;
  }

  private own(bytes: number): number {
    const p = this.arena.alloc(bytes, 'HNSW scan');
    this.blocks.push([p, bytes]);
    return p;
  }
}

/** A free list of scratch areas for one graph. */
export class ScratchPool {
  private readonly free: Scratch[] = [];
  private readonly all: Scratch[] = [];

  /**
   * @param arena the memory of the graph the scratch areas serve (the search reads both)
   * @param queryBytes bytes of each scratch's query buffer ({@link Scratch})
   * @param wideBytes bytes of each scratch's widening buffer ({@link Scratch}; 0: none)
   */
  constructor(private readonly arena: Arena, private readonly queryBytes: number, private readonly m0: number, private readonly wideBytes = 0) {}

  /** A scratch covering `nodes` nodes, counters reset. Return it with {@link release}. */
  acquire(nodes: number): Scratch {
    let sc = this.free.pop();
    if (sc === undefined) {
      sc = new Scratch(this.arena, nodes, this.queryBytes, this.m0, this.wideBytes);
      this.all.push(sc);
    } else {
      try {
        sc.ensure(nodes);
      } catch (e) {
        this.free.push(sc);
        throw e;
      }
    }
    sc.reset();
    return sc;
  }

  release(sc: Scratch): void {
    this.free.push(sc);
  }

  /** Drops the idle scratch areas beyond the first (after a build, for example). */
  trim(): void {
    while (this.free.length > 1) {
      const sc = this.free.pop()!;
      sc.dispose();
      this.all.splice(this.all.indexOf(sc), 1);
    }
  }

  dispose(): void {
    for (const sc of this.all) sc.dispose();
    this.all.length = 0;
    this.free.length = 0;
  }
}
