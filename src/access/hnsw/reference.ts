/**
 * The plain TypeScript twin of assembly/hnsw.ts: the same functions over the same arena
 * layout (layout.ts), used when WebAssembly is unavailable (VECGRES_KERNELS=js) and by the
 * tests as the reference the WebAssembly build is compared with. Distances accumulate in
 * float64 here and in float32 SIMD lanes there, so results agree up to ties.
 *
 * Algorithms: Malkov & Yashunin 2018, Algorithms 1, 2 and 4, with hnswlib's choices and
 * pgvector's keepPrunedConnections (see assembly/hnsw.ts). The WebAssembly build caches
 * neighbour distances during a build (G_CACHE); this twin recomputes them, which gives the
 * same lists (the tests check it).
 */
import type { Arena } from '../../kernels/arena.js';
import { halfToFloat } from '../../kernels/half.js';
import {
  G_CHUNK_SHIFT, G_DIM, G_EFC, G_ENTRY, G_HDR, G_L0, G_M, G_M0, G_MAXLEVEL, G_METRIC, G_PRUNE, G_REC, G_UPPER,
  PRUNE_NEW_M0, PRUNE_NO_FILL_NEW, PRUNE_NO_FILL_SHRUNK,
  N_COUNT, N_FLAGS, N_LEVEL, N_UPPER, ringNextOf, S_CAND, S_DCOUNT, S_DISC, S_DISCSIZE, S_ENTRY, S_EPOCH, S_FILTER,
  S_FILTERN, S_GDIST, S_NM, S_OUT, S_RES, S_RING, S_SEL, S_TUPLES, S_VCAP, S_VISITED, withRingNext,
} from './layout.js';
import type { HnswKernel } from './kernel.js';

/**
 * Views of the memory the running call works on: set by {@link views} at the entry of every
 * exported function (each call is synchronous and reads one memory), so the helpers below
 * index plain typed arrays. They hold no state between calls.
 */
let I: Int32Array = new Int32Array(0);
let F: Float32Array = new Float32Array(0);
let U: Uint16Array = new Uint16Array(0);
let B: Uint8Array = new Uint8Array(0);

function views(arena: Arena): void {
  I = arena.i32();
  F = arena.f32();
  B = arena.u8();
  U = arena.u16();
}

/**
 * Distance between the vectors at word offsets a and b: dimP float32 (metrics 0-2), binary16
 * (3-5) or bytes of bits (6-7, dimP bytes), as assembly/hnsw.ts's dist.
 */
function dist(metric: number, a: number, b: number, dimP: number): number {
  if (metric <= 2) return floatDist(metric, a, b, dimP);
  if (metric <= 5) return halfDist(metric - 3, a * 2, b * 2, dimP);
  if (metric >= 8) return sparseDist(metric, a, b);
  return bitDist(metric, a * 4, b * 4, dimP);
}

/**
 * sparsevec metrics (8 squared L2, 9 negative dot, 10 L1) between the key descriptors at word
 * offsets a and b (layout.ts: [pointer, nnz], the pointer to nnz u32 indices then nnz f32
 * values): one merge, float32 sums in merged order (Math.fround), as assembly/hnsw.ts and
 * pgvector's sparsevec.c, so the two kernels agree exactly.
 */
function sparseDist(metric: number, a: number, b: number): number {
  const f = Math.fround;
  const ai = I[a]! >>> 2;
  const na = I[a + 1]!;
  const bi = I[b]! >>> 2;
  const nb = I[b + 1]!;
  const av = ai + na;
  const bv = bi + nb;
  let s = 0;
  let i = 0;
  let j = 0;
  if (metric === 9) {
    while (i < na && j < nb) {
      const x = I[ai + i]! >>> 0;
      const y = I[bi + j]! >>> 0;
      if (x === y) s = f(s + f(F[av + i++]! * F[bv + j++]!));
      else if (x < y) i++;
      else j++;
    }
    return -s;
  }
  const term = metric === 10 ? (d: number) => Math.abs(d) : (d: number) => f(d * d);
  while (i < na || j < nb) {
    const x = i < na ? I[ai + i]! >>> 0 : Infinity;
    const y = j < nb ? I[bi + j]! >>> 0 : Infinity;
    let d: number;
    if (x === y) d = f(F[av + i++]! - F[bv + j++]!);
    else if (x < y) d = F[av + i++]!;
    else d = F[bv + j++]!;
    s = f(s + term(d));
  }
  return s;
}

/**
 * The query at word offset q (query format: float32 for a halfvec graph) against the node
 * vector at b, as assembly/hnsw.ts's qdist.
 */
function qdist(metric: number, q: number, b: number, dimP: number): number {
  if (metric < 3 || metric > 5) return dist(metric, q, b, dimP);
  let s = 0;
  const h = b * 2;
  for (let i = 0; i < dimP; i++) {
    const x = F[q + i]!;
    const y = halfToFloat(U[h + i]!);
    if (metric === 4) s += x * y;
    else if (metric === 3) s += (x - y) * (x - y);
    else s += Math.abs(x - y);
  }
  return Math.fround(metric === 4 ? -s : s);
}

function floatDist(metric: number, a: number, b: number, dimP: number): number {
  let s = 0;
  if (metric === 1) {
    for (let i = 0; i < dimP; i++) s += F[a + i]! * F[b + i]!;
    return Math.fround(-s);
  }
  if (metric === 0) {
    for (let i = 0; i < dimP; i++) {
      const d = F[a + i]! - F[b + i]!;
      s += d * d;
    }
    return Math.fround(s);
  }
  for (let i = 0; i < dimP; i++) s += Math.abs(F[a + i]! - F[b + i]!);
  return Math.fround(s);
}

/** metric 0 l2sq, 1 negative dot, 2 l1 over binary16 at u16 offsets a and b. */
function halfDist(metric: number, a: number, b: number, dimP: number): number {
  let s = 0;
  for (let i = 0; i < dimP; i++) {
    const x = halfToFloat(U[a + i]!);
    const y = halfToFloat(U[b + i]!);
    if (metric === 1) s += x * y;
    else if (metric === 0) s += (x - y) * (x - y);
    else s += Math.abs(x - y);
  }
  return Math.fround(metric === 1 ? -s : s);
}

/** Hamming (6) or Jaccard (7) distance over `bytes` bytes at byte offsets a and b. */
function bitDist(metric: number, a: number, b: number, bytes: number): number {
  let x = 0;
  let and = 0;
  let or = 0;
  for (let i = 0; i < bytes; i++) {
    const p = B[a + i]!;
    const q = B[b + i]!;
    x += POPCOUNT8[p ^ q]!;
    and += POPCOUNT8[p & q]!;
    or += POPCOUNT8[p | q]!;
  }
  if (metric === 6) return x;
  return and === 0 ? 1 : Math.fround(1 - and / or);
}

const POPCOUNT8 = Uint8Array.from({ length: 256 }, (_, v) => {
  let c = 0;
  for (let x = v; x !== 0; x &= x - 1) c++;
  return c;
});

// Word offsets (pointer >>> 2) throughout.
function vec(g: number, n: number): number {
  const shift = I[g + G_CHUNK_SHIFT]!;
  const chunk = I[(I[g + G_L0]! >>> 2) + (n >>> shift)]!;
  return (chunk + (n & ((1 << shift) - 1)) * I[g + G_REC]!) >>> 2;
}
function hdr(g: number, n: number): number {
  return vec(g, n) + (I[g + G_HDR]! >>> 2);
}
function list(g: number, n: number, level: number): number {
  const h = hdr(g, n);
  if (level === 0) return h + N_COUNT;
  return (I[g + G_UPPER]! >>> 2) + I[h + N_UPPER]! + (level - 1) * (I[g + G_M]! + 1);
}

// Heaps of (f32 dist, i32 node) pairs at word offset h: entry i at h + 2i.
function minPush(h: number, size: number, d: number, n: number): void {
  let i = size;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pd = F[h + 2 * p]!;
    if (pd <= d) break;
    F[h + 2 * i] = pd;
    I[h + 2 * i + 1] = I[h + 2 * p + 1]!;
    i = p;
  }
  F[h + 2 * i] = d;
  I[h + 2 * i + 1] = n;
}
function minPop(h: number, size: number): void {
  const last = size - 1;
  const d = F[h + 2 * last]!;
  const n = I[h + 2 * last + 1]!;
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= last) break;
    if (c + 1 < last && F[h + 2 * c + 2]! < F[h + 2 * c]!) c++;
    const cd = F[h + 2 * c]!;
    if (cd >= d) break;
    F[h + 2 * i] = cd;
    I[h + 2 * i + 1] = I[h + 2 * c + 1]!;
    i = c;
  }
  F[h + 2 * i] = d;
  I[h + 2 * i + 1] = n;
}
function maxPush(h: number, size: number, d: number, n: number): void {
  let i = size;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pd = F[h + 2 * p]!;
    if (pd >= d) break;
    F[h + 2 * i] = pd;
    I[h + 2 * i + 1] = I[h + 2 * p + 1]!;
    i = p;
  }
  F[h + 2 * i] = d;
  I[h + 2 * i + 1] = n;
}
function maxPop(h: number, size: number): void {
  const last = size - 1;
  const d = F[h + 2 * last]!;
  const n = I[h + 2 * last + 1]!;
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= last) break;
    if (c + 1 < last && F[h + 2 * c + 2]! > F[h + 2 * c]!) c++;
    const cd = F[h + 2 * c]!;
    if (cd <= d) break;
    F[h + 2 * i] = cd;
    I[h + 2 * i + 1] = I[h + 2 * c + 1]!;
    i = c;
  }
  F[h + 2 * i] = d;
  I[h + 2 * i + 1] = n;
}

/** Visited tags are u16 (U is indexed by 2-byte units); the epoch word is an i32. */
function newEpoch(s: number): number {
  let e = (I[s + S_EPOCH]! + 1) & 0xffff;
  if (e === 0) {
    const v = I[s + S_VISITED]! >>> 1;
    U.fill(0, v, v + I[s + S_VCAP]!);
    e = 1;
  }
  I[s + S_EPOCH] = e;
  return e;
}

function greedy(g: number, s: number, q: number, level: number, cur: number, curD: number): number {
  const metric = I[g + G_METRIC]!;
  const dimP = I[g + G_DIM]!;
  let changed = true;
  while (changed) {
    changed = false;
    const l = list(g, cur, level);
    const c = I[l]!;
    I[s + S_DCOUNT] = I[s + S_DCOUNT]! + c;
    for (let j = 0; j < c; j++) {
      const n = I[l + 1 + j]!;
      const d = qdist(metric, q, vec(g, n), dimP);
      if (d < curD) {
        curD = d;
        cur = n;
        changed = true;
      }
    }
  }
  F[s + S_GDIST] = curD;
  return cur;
}

/** True when node `n` passes the filter bitset at word offset `f` covering `fn` nodes. */
function passes(f: number, fn: number, n: number): boolean {
  return n < fn && (I[f + (n >>> 5)]! & (1 << (n & 31))) !== 0;
}

/**
 * SEARCH-LAYER; with a filter bitset at S_FILTER (layer 0), ACORN-1's filtered search exactly
 * as assembly/hnsw.ts describes it: passing nodes only get distances and enter the heaps; the
 * non-passing neighbours are looked through (two hops) until M0 passing nodes are gathered.
 */
function searchLayer(g: number, s: number, q: number, nEntries: number, ef: number, level: number, mode: number): number {
  const metric = I[g + G_METRIC]!;
  const dimP = I[g + G_DIM]!;
  const visited = I[s + S_VISITED]! >>> 1;
  const vcap = I[s + S_VCAP]!;
  const cand = I[s + S_CAND]! >>> 2;
  const res = I[s + S_RES]! >>> 2;
  const disc = I[s + S_DISC]! >>> 2;
  const entries = I[s + S_ENTRY]! >>> 2;
  const keep = (mode & 1) !== 0;
  // Tombstones are walked through, never results (assembly/hnsw.ts searchLayer, mode bit 2).
  const skipDeleted = (mode & 4) !== 0 && level === 0;
  const deleted = (n: number): boolean => skipDeleted && (I[hdr(g, n) + N_FLAGS]! & 1) !== 0;
  const epoch = (mode & 2) !== 0 ? I[s + S_EPOCH]! : newEpoch(s);
  let discSize = I[s + S_DISCSIZE]!;
  let dcount = I[s + S_DCOUNT]!;
  let tuples = I[s + S_TUPLES]!;
  const filter = level === 0 ? I[s + S_FILTER]! >>> 2 : 0;
  const filterN = I[s + S_FILTERN]!;
  const nm = I[s + S_NM]! >>> 2;
  const batch = I[s + S_SEL]! >>> 2;
  const m0 = I[g + G_M0]!;
  let nc = 0;
  let nr = 0;
  for (let i = 0; i < nEntries; i++) {
    const d = F[entries + 2 * i]!;
    const n = I[entries + 2 * i + 1]!;
    if (n < vcap) U[visited + n] = epoch;
    minPush(cand, nc++, d, n);
    if (filter !== 0 && !passes(filter, filterN, n)) continue;
    if (deleted(n)) continue;
    maxPush(res, nr++, d, n);
    if (nr > ef) {
      if (keep) minPush(disc, discSize++, F[res]!, I[res + 1]!);
      maxPop(res, nr--);
    }
  }
  while (nc > 0) {
    const cd = F[cand]!;
    const c = I[cand + 1]!;
    if (cd > F[res]! && nr >= ef) break;
    minPop(cand, nc--);
    const l = list(g, c, level);
    const cnt = I[l]!;
    // The next copy in the duplicate ring is one more layer-0 neighbour, after the list.
    const ring = level === 0 ? ringNextOf(I[hdr(g, c) + N_FLAGS]!) : -1;
    const cntR = ring >= 0 ? cnt + 1 : cnt;
    // The unvisited (passing) neighbours in list order, then the second hop, as the wasm batch.
    let nb = 0;
    let nnm = 0;
    for (let j = 0; j < cntR; j++) {
      const n = j < cnt ? I[l + 1 + j]! : ring;
      if (n >= vcap || U[visited + n] === epoch) continue;
      if (filter !== 0 && !passes(filter, filterN, n)) {
        I[nm + nnm++] = n;
        continue;
      }
      U[visited + n] = epoch;
      I[batch + nb++] = n;
    }
    for (let i = 0; i < nnm && nb < m0; i++) {
      const x = I[nm + i]!;
      if (U[visited + x] === epoch) continue;
      U[visited + x] = epoch;
      const lx = list(g, x, 0);
      const cx = I[lx]!;
      const rx = ringNextOf(I[hdr(g, x) + N_FLAGS]!);
      const cxR = rx >= 0 ? cx + 1 : cx;
      for (let j = 0; j < cxR; j++) {
        const n = j < cx ? I[lx + 1 + j]! : rx;
        if (n >= vcap || U[visited + n] === epoch || !passes(filter, filterN, n)) continue;
        U[visited + n] = epoch;
        I[batch + nb++] = n;
      }
    }
    for (let j = 0; j < nb; j++) {
      const n = I[batch + j]!;
      tuples++;
      dcount++;
      const d = qdist(metric, q, vec(g, n), dimP);
      if (nr < ef || d < F[res]!) {
        minPush(cand, nc++, d, n);
        if (deleted(n)) continue;
        maxPush(res, nr++, d, n);
        if (nr > ef) {
          if (keep) minPush(disc, discSize++, F[res]!, I[res + 1]!);
          maxPop(res, nr--);
        }
      } else if (keep) {
        minPush(disc, discSize++, d, n);
      }
    }
  }
  I[s + S_DISCSIZE] = discSize;
  I[s + S_DCOUNT] = dcount;
  I[s + S_TUPLES] = tuples;
  const out = I[s + S_OUT]! >>> 2;
  const total = nr;
  while (nr > 0) {
    F[out + 2 * (nr - 1)] = F[res]!;
    I[out + 2 * (nr - 1) + 1] = I[res + 1]!;
    maxPop(res, nr--);
  }
  return total;
}

/** assembly/hnsw.ts dropCopies: drops candidates storing the vector of an earlier one at an equal distance. */
function dropCopies(g: number, h: number, n: number): number {
  let w = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    const d = F[h + 2 * i]!;
    const e = I[h + 2 * i + 1]!;
    if (w > 0 && F[h + 2 * (w - 1)] === d) {
      let copy = false;
      for (let j = run; j < w && !copy; j++) copy = sameVector(g, I[h + 2 * j + 1]!, e);
      if (copy) continue;
    } else {
      run = w;
    }
    F[h + 2 * w] = d;
    I[h + 2 * w + 1] = e;
    w++;
  }
  return w;
}

function selectHeuristic(g: number, s: number, cands: number, n: number, mMax: number, dst: number, fill: boolean): void {
  const metric = I[g + G_METRIC]!;
  const dimP = I[g + G_DIM]!;
  let kept = 0;
  for (let i = 0; i < n && kept < mMax; i++) {
    const e = I[cands + 2 * i + 1]!;
    const de = F[cands + 2 * i]!;
    const ve = vec(g, e);
    let good = true;
    for (let j = 0; j < kept; j++) {
      I[s + S_DCOUNT] = I[s + S_DCOUNT]! + 1;
      if (dist(metric, ve, vec(g, I[dst + 1 + j]!), dimP) < de) {
        good = false;
        break;
      }
    }
    if (good) I[dst + 1 + kept++] = e;
  }
  // keepPrunedConnections where the rule asks for it, as assembly/hnsw.ts.
  for (let i = 0; fill && i < n && kept < mMax; i++) {
    const e = I[cands + 2 * i + 1]!;
    let dup = false;
    for (let j = 0; j < kept; j++) {
      if (I[dst + 1 + j] === e) {
        dup = true;
        break;
      }
    }
    if (!dup) I[dst + 1 + kept++] = e;
  }
  I[dst] = kept;
}

function connect(g: number, s: number, nb: number, node: number, d: number, level: number, mMax: number): void {
  const l = list(g, nb, level);
  const c = I[l]!;
  if (c < mMax) {
    I[l + 1 + c] = node;
    I[l] = c + 1;
    return;
  }
  const metric = I[g + G_METRIC]!;
  const dimP = I[g + G_DIM]!;
  const sel = I[s + S_SEL]! >>> 2;
  const vnb = vec(g, nb);
  let n = 0;
  for (let j = 0; j <= c; j++) {
    const e = j < c ? I[l + 1 + j]! : node;
    const de = j < c ? dist(metric, vnb, vec(g, e), dimP) : d;
    let k = n++;
    while (k > 0 && F[sel + 2 * (k - 1)]! > de) {
      F[sel + 2 * k] = F[sel + 2 * (k - 1)]!;
      I[sel + 2 * k + 1] = I[sel + 2 * (k - 1) + 1]!;
      k--;
    }
    F[sel + 2 * k] = de;
    I[sel + 2 * k + 1] = e;
  }
  I[s + S_DCOUNT] = I[s + S_DCOUNT]! + c;
  n = dropCopies(g, sel, n);
  selectHeuristic(g, s, sel, n, mMax, l, (I[g + G_PRUNE]! & PRUNE_NO_FILL_SHRUNK) === 0);
}

function search(arena: Arena, gp: number, sp: number, qp: number, ef: number, mode: number): number {
  views(arena);
  const g = gp >>> 2;
  const s = sp >>> 2;
  const q = qp >>> 2;
  let ep = I[g + G_ENTRY]!;
  if (ep < 0) return 0;
  let d = qdist(I[g + G_METRIC]!, q, vec(g, ep), I[g + G_DIM]!);
  I[s + S_DCOUNT] = I[s + S_DCOUNT]! + 1;
  for (let l = I[g + G_MAXLEVEL]!; l > 0; l--) {
    ep = greedy(g, s, q, l, ep, d);
    d = F[s + S_GDIST]!;
  }
  const entries = I[s + S_ENTRY]! >>> 2;
  F[entries] = d;
  I[entries + 1] = ep;
  return searchLayer(g, s, q, 1, ef, 0, mode);
}

function resume(arena: Arena, gp: number, sp: number, qp: number, ef: number, mode: number): number {
  views(arena);
  const g = gp >>> 2;
  const s = sp >>> 2;
  const disc = I[s + S_DISC]! >>> 2;
  const entries = I[s + S_ENTRY]! >>> 2;
  let discSize = I[s + S_DISCSIZE]!;
  let n = 0;
  while (n < ef && discSize > 0) {
    F[entries + 2 * n] = F[disc]!;
    I[entries + 2 * n + 1] = I[disc + 1]!;
    n++;
    minPop(disc, discSize--);
  }
  I[s + S_DISCSIZE] = discSize;
  if (n === 0) return 0;
  return searchLayer(g, s, qp >>> 2, n, ef, 0, 3 | (mode & 4));
}

/** True when nodes a and b store byte-identical vectors (sparsevec: identical keys). */
function sameVector(g: number, a: number, b: number): boolean {
  const va = vec(g, a);
  const vb = vec(g, b);
  if (I[g + G_METRIC]! >= 8) {
    const nnz = I[va + 1]!;
    if (nnz !== I[vb + 1]!) return false;
    return bytesEqual(I[va]!, I[vb]!, nnz * 8);
  }
  return bytesEqual(va * 4, vb * 4, I[g + G_HDR]!);
}

function bytesEqual(a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (B[a + i] !== B[b + i]) return false;
  return true;
}

/** assembly/hnsw.ts joinRing: the new node joins the ring of a byte-identical candidate. */
function joinRing(g: number, s: number, node: number, q: number, n: number): void {
  const out = I[s + S_OUT]! >>> 2;
  // As stored in the float32 heaps the candidates' distances came from.
  const self = Math.fround(qdist(I[g + G_METRIC]!, q, vec(g, node), I[g + G_DIM]!));
  I[s + S_DCOUNT] = I[s + S_DCOUNT]! + 1;
  for (let k = 0; k < n; k++) {
    const x = I[out + 2 * k + 1]!;
    if (F[out + 2 * k] !== self || x === node || !sameVector(g, x, node)) continue;
    const hx = hdr(g, x);
    const hn = hdr(g, node);
    const next = ringNextOf(I[hx + N_FLAGS]!);
    I[hn + N_FLAGS] = withRingNext(I[hn + N_FLAGS]!, next >= 0 ? next : x);
    I[hx + N_FLAGS] = withRingNext(I[hx + N_FLAGS]!, node);
    I[s + S_RING] = x;
    return;
  }
}

function insert(arena: Arena, gp: number, sp: number, node: number, qp: number): void {
  views(arena);
  const g = gp >>> 2;
  const s = sp >>> 2;
  const metric = I[g + G_METRIC]!;
  const dimP = I[g + G_DIM]!;
  const level = I[hdr(g, node) + N_LEVEL]!;
  I[s + S_RING] = -1;
  let ep = I[g + G_ENTRY]!;
  const top = I[g + G_MAXLEVEL]!;
  if (ep < 0) {
    I[g + G_ENTRY] = node;
    I[g + G_MAXLEVEL] = level;
    return;
  }
  const q = qp >>> 2;
  const m = I[g + G_M]!;
  const m0 = I[g + G_M0]!;
  const efc = I[g + G_EFC]!;
  let d = qdist(metric, q, vec(g, ep), dimP);
  I[s + S_DCOUNT] = I[s + S_DCOUNT]! + 1;
  for (let l = top; l > level; l--) {
    ep = greedy(g, s, q, l, ep, d);
    d = F[s + S_GDIST]!;
  }
  const entries = I[s + S_ENTRY]! >>> 2;
  const out = I[s + S_OUT]! >>> 2;
  F[entries] = d;
  I[entries + 1] = ep;
  let nEntries = 1;
  for (let l = Math.min(level, top); l >= 0; l--) {
    const n = dropCopies(g, out, searchLayer(g, s, q, nEntries, efc, l, 0));
    if (l === 0) joinRing(g, s, node, q, n);
    const own = list(g, node, l);
    const mMax = l === 0 ? m0 : m;
    const ownMax = l === 0 && (I[g + G_PRUNE]! & PRUNE_NEW_M0) !== 0 ? m0 : m;
    selectHeuristic(g, s, out, n, ownMax, own, (I[g + G_PRUNE]! & PRUNE_NO_FILL_NEW) === 0);
    const kept = I[own]!;
    for (let j = 0; j < kept; j++) {
      const nb = I[own + 1 + j]!;
      let dnb = 0;
      for (let k = 0; k < n; k++) {
        if (I[out + 2 * k + 1] === nb) {
          dnb = F[out + 2 * k]!;
          break;
        }
      }
      connect(g, s, nb, node, dnb, l, mMax);
    }
    I.copyWithin(entries, out, out + 2 * n);
    nEntries = n;
  }
  if (level > top) {
    I[g + G_ENTRY] = node;
    I[g + G_MAXLEVEL] = level;
  }
}

function sameNodes(arena: Arena, gp: number, a: number, b: number): boolean {
  views(arena);
  return sameVector(gp >>> 2, a, b);
}

function distanceTo(arena: Arena, gp: number, qp: number, n: number): number {
  views(arena);
  const g = gp >>> 2;
  return qdist(I[g + G_METRIC]!, qp >>> 2, vec(g, n), I[g + G_DIM]!);
}

function nodeDistance(arena: Arena, gp: number, m: number, n: number): number {
  views(arena);
  const g = gp >>> 2;
  return dist(I[g + G_METRIC]!, vec(g, m), vec(g, n), I[g + G_DIM]!);
}

function widenHalf(arena: Arena, src: number, dst: number, n: number): void {
  views(arena);
  const h = src >>> 1;
  const f = dst >>> 2;
  for (let i = 0; i < n; i++) F[f + i] = halfToFloat(U[h + i]!);
}

/** The TypeScript implementation of {@link HnswKernel} over memory `arena`. */
export function referenceKernelOf(arena: Arena): HnswKernel {
  return {
    name: 'js',
    search: (g, s, q, ef, mode) => search(arena, g, s, q, ef, mode),
    resume: (g, s, q, ef, mode) => resume(arena, g, s, q, ef, mode),
    insert: (g, s, node, q) => insert(arena, g, s, node, q),
    distanceTo: (g, q, n) => distanceTo(arena, g, q, n),
    nodeDistance: (g, m, n) => nodeDistance(arena, g, m, n),
    sameNodes: (g, a, b) => sameNodes(arena, g, a, b),
    widenHalf: (src, dst, n) => widenHalf(arena, src, dst, n),
  };
}
