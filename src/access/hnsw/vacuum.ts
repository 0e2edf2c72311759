/**
 * VACUUM for HNSW: unlinks deleted nodes and repairs the lists that pointed at them, as
 * pgvector's hnswvacuum.c does (RepairGraph), so tombstones stop routing searches.
 *
 * Repair of a live node n on layer l whose list holds deleted nodes: the candidates are n's
 * live neighbours plus the live neighbours of its deleted neighbours (the two-hop
 * neighbourhood that the deletion cut off, as in FreshDiskANN's delete consolidation), and
 * the list is re-chosen from them with SELECT-NEIGHBORS-HEURISTIC (Malkov & Yashunin,
 * Algorithm 4, keeping pruned connections as the insert path does). pgvector instead re-searches the graph for each affected node with
 * ef_construction; the local repair costs far fewer distance computations and keeps recall
 * (test/access/hnsw.test.ts measures it). A deleted entry point is replaced by a live node of
 * the highest remaining level. Deleted nodes leave their duplicate rings (layout.ts
 * RING_SHIFT): a repair that loses a deleted copy gets the next live copy of its ring as a
 * candidate (at the same distance, so usually kept), so a ring whose linked copies were all
 * deleted stays reachable through its live ones.
 *
 * Deleted records are not reused yet: vacuum makes them unreachable and drops them from the
 * rowId map, but the bytes stay allocated until the index is rebuilt (REINDEX).
 */
import { FLAG_DELETED, G_ENTRY, G_MAXLEVEL, N_FLAGS, N_ROW } from './layout.js';
import type { HnswState } from './state.js';

/** Set on a deleted node once vacuum has unlinked it. */
export const FLAG_UNLINKED = 2;

export interface VacuumResult {
  /** Nodes unlinked by this vacuum. */
  removed: number;
  /** Neighbour lists rewritten. */
  repairedLists: number;
}

/** Unlinks every deleted node and repairs the graph around it. */
export function vacuumHnsw(st: HnswState): VacuumResult {
  const graph = st.graph;
  const count = graph.count;
  const dead = new Uint8Array(count);
  let removed = 0;
  {
    const w = graph.arena.i32();
    for (let n = 0; n < count; n++) {
      const f = w[graph.hdrWord(n) + N_FLAGS]!;
      if ((f & FLAG_DELETED) !== 0) {
        dead[n] = 1;
        if ((f & FLAG_UNLINKED) === 0) removed++;
      }
    }
  }
  if (removed === 0) return { removed: 0, repairedLists: 0 };
  // The repairs rewrite lists without the node locks and node ids change meaning: no search
  // may run on a worker meanwhile (search_ahead.ts), and results found before are dropped.
  graph.beforeChange?.();
  st.structureEpoch++;
  let repairedLists = 0;
  const candIds = new Int32Array(graph.m0 * (graph.m0 + 1) + 1);
  const candDist = new Float64Array(candIds.length);
  const order = new Int32Array(candIds.length);
  const seen = new Set<number>();
  /** The first live node after deleted node `e` in its duplicate ring, -1 when none. */
  const liveCopy = (e: number): number => {
    for (let r = graph.ringNext(e), steps = 0; r >= 0 && r !== e && steps < count; r = graph.ringNext(r), steps++) {
      if (dead[r] === 0) return r;
    }
    return -1;
  };
  for (let n = 0; n < count; n++) {
    if (dead[n] === 1) continue;
    const top = graph.level(n);
    for (let l = 0; l <= top; l++) {
      const lw = graph.listWord(n, l);
      let w = graph.arena.i32();
      const c = w[lw]!;
      let hasDead = false;
      for (let j = 0; j < c; j++) if (dead[w[lw + 1 + j]!] === 1) hasDead = true;
      if (!hasDead) continue;
      // Gather live one-hop and (through deleted neighbours) two-hop candidates.
      seen.clear();
      seen.add(n);
      let k = 0;
      const add = (e: number) => {
        if (e < 0 || dead[e] === 1 || seen.has(e)) return;
        seen.add(e);
        candIds[k] = e;
        candDist[k] = graph.kernel.nodeDistance(graph.g, n, e);
        k++;
      };
      for (let j = 0; j < c; j++) {
        const e = w[lw + 1 + j]!;
        if (dead[e] === 0) add(e);
        else if (graph.level(e) >= l) {
          if (l === 0 && k < candIds.length) add(liveCopy(e));
          const dw = graph.listWord(e, l);
          w = graph.arena.i32();
          const dc = w[dw]!;
          for (let i = 0; i < dc && k < candIds.length; i++) add(w[dw + 1 + i]!);
        }
      }
      for (let i = 0; i < k; i++) order[i] = i;
      let ord = order.subarray(0, k).sort((a, b) => candDist[a]! - candDist[b]! || candIds[a]! - candIds[b]!);
      // One candidate per stored vector, as the kernel's INSERT (assembly/hnsw.ts dropCopies).
      let kk = 0;
      for (let i = 0, run = 0; i < ord.length; i++) {
        const e = candIds[ord[i]!]!;
        if (kk > 0 && candDist[ord[kk - 1]!] === candDist[ord[i]!]) {
          let copy = false;
          for (let j = run; j < kk && !copy; j++) copy = graph.kernel.sameNodes(graph.g, candIds[ord[j]!]!, e);
          if (copy) continue;
        } else {
          run = kk;
        }
        ord[kk++] = ord[i]!;
      }
      ord = ord.subarray(0, kk);
      // SELECT-NEIGHBORS-HEURISTIC over the sorted candidates.
      const mMax = l === 0 ? graph.m0 : graph.m;
      const kept: number[] = [];
      for (let i = 0; i < ord.length && kept.length < mMax; i++) {
        const e = candIds[ord[i]!]!;
        const de = candDist[ord[i]!]!;
        let good = true;
        for (const s of kept) {
          if (graph.kernel.nodeDistance(graph.g, e, s) < de) {
            good = false;
            break;
          }
        }
        if (good) kept.push(e);
      }
      // keepPrunedConnections (Malkov & Yashunin, Algorithm 4): a repaired list lost its
      // deleted members, so refill it with the closest pruned candidates.
      for (let i = 0; i < ord.length && kept.length < mMax; i++) {
        const e = candIds[ord[i]!]!;
        if (!kept.includes(e)) kept.push(e);
      }
      w = graph.arena.i32();
      for (let j = 0; j < kept.length; j++) w[lw + 1 + j] = kept[j]!;
      w[lw] = kept.length;
      graph.markListChanged(n, l);
      repairedLists++;
    }
  }
  // Splice the deleted nodes out of the duplicate rings: a live node's next skips the deleted
  // ones after it (a ring left with one node dissolves), then the deleted nodes' links go.
  for (let n = 0; n < count; n++) {
    if (dead[n] === 1) continue;
    const r = graph.ringNext(n);
    if (r < 0) continue;
    let next = r;
    for (let steps = 0; dead[next] === 1 && steps < count; steps++) next = graph.ringNext(next);
    if (next === n || dead[next] === 1) next = -1;
    if (next !== r) graph.setRingNext(n, next);
  }
  for (let n = 0; n < count; n++) if (dead[n] === 1 && graph.ringNext(n) >= 0) graph.setRingNext(n, -1);
  // Unlink the deleted nodes themselves and forget their rowIds.
  const w = graph.arena.i32();
  for (let n = 0; n < count; n++) {
    if (dead[n] === 0) continue;
    for (let l = 0; l <= graph.level(n); l++) {
      w[graph.listWord(n, l)] = 0;
      graph.markListChanged(n, l);
    }
    const h = graph.hdrWord(n);
    if ((w[h + N_FLAGS]! & FLAG_UNLINKED) !== 0) continue; // unlinked by an earlier vacuum
    w[h + N_FLAGS] = w[h + N_FLAGS]! | FLAG_UNLINKED;
    graph.releaseNode(n);
    const rowId = w[h + N_ROW]!;
    if (st.nodeOf(rowId) === n) st.setNode(rowId, -1);
  }
  // A new entry point when the old one was deleted: a live node of the highest level.
  const g = graph.g >>> 2;
  if (w[g + G_ENTRY]! >= 0 && dead[w[g + G_ENTRY]!] === 1) {
    let best = -1;
    let bestLevel = -1;
    for (let n = 0; n < count; n++) {
      if (dead[n] === 0 && graph.level(n) > bestLevel) {
        best = n;
        bestLevel = graph.level(n);
      }
    }
    w[g + G_ENTRY] = best;
    w[g + G_MAXLEVEL] = bestLevel;
  }
  // A sparse graph's keys of the removed nodes go back to the arena (sparse-heap.ts).
  graph.compactKeys();
  st.deletedCount = 0;
  st.unlinkedCount += removed;
  return { removed, repairedLists };
}
